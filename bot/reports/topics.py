"""Customers' questions grouped by topic, on the terms the engine itself understands.

Each question goes through the engine's :class:`~nlp.analyzer.Analyzer` (normalisation, wrong
layout, typos repaired towards the knowledge base's words, lemmas, filler out), so
«промакод не работаит» and «промокоды не работают» become the same terms. Two TF-IDF views of
those terms are joined, 70 / 30:

* the lemmas, with idf learnt from the articles *and* the questions (learnt from the questions
  alone, idf is noise on a few dozen of them; from the articles alone, words the KB lacks,
  which are the gaps we look for, would have no column), and nouns counted twice: the topic of
  a support question is nearly always a noun (промокод, аккаунт, прицеп), while the verbs are
  the same few everywhere (не работает, не могу), and without the boost «промокод не работает»
  and «не работает приложение» fall into one group;
* character 3–4-grams of the lemmas, for the words the KB does not know and so could not
  repair («трансфир» next to «трансфер»).

The groups come from agglomerative clustering, average linkage, cosine distance, cut at
:attr:`TopicGrouper.distance`: the number of topics is not known in advance (k-means needs
it), average linkage does not chain two topics together through one question that mentions
both (DBSCAN's single-link reachability does), and a question alike to nothing stays alone
instead of being forced into a group. It works on the full distance matrix: n² floats, 200 MB
for 5 000 questions, far more than a month of unanswered questions usually holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, diags, hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlp.analyzer import Analyzer

__all__ = ["Grouping", "Topic", "TopicGrouper"]


@dataclass(frozen=True)
class Topic:
    """Questions about one thing.

    :param members: indices into the texts grouped, the most typical question first
    :param label: the topic's main lemmas, in the order customers put them
    """

    members: tuple[int, ...]
    label: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """The topics (singletons included), largest first, and the texts with no content words."""

    topics: tuple[Topic, ...]
    unreadable: tuple[int, ...]


class TopicGrouper:
    """Groups questions by topic; ``fit`` reads the knowledge base, ``group`` the questions.

    :param analyzer: the engine's analyzer; fitted on the KB here if it was not already
    :param distance: cosine distance at which two groups stop merging (0 identical, 1 unrelated)
    :param char_weight: share of the character view in the similarity
    :param noun_boost: how much more a noun counts than another word
    :param label_size: lemmas in a topic's label at most
    """

    def __init__(
        self,
        analyzer: Analyzer,
        *,
        distance: float = 0.7,
        char_weight: float = 0.3,
        noun_boost: float = 2.0,
        label_size: int = 3,
    ) -> None:
        self.analyzer = analyzer
        self.distance = distance
        self.char_weight = char_weight
        self.noun_boost = noun_boost
        self.label_size = label_size

    def fit(self, kb_texts: Iterable[str]) -> TopicGrouper:
        """Learn the knowledge base's terms (one text per article), for idf."""
        texts = list(kb_texts)
        if not hasattr(self.analyzer, "vocabulary_"):
            self.analyzer.fit(texts)
        self.kb_terms_ = [self.analyzer.terms_of_document(text) for text in texts]
        return self

    def group(self, texts: Sequence[str]) -> Grouping:
        """Group customers' ``texts``; every text is in one topic or in ``unreadable``."""
        terms = [list(self.analyzer.analyze(text).terms) for text in texts]
        readable = [i for i, found in enumerate(terms) if found]
        unreadable = tuple(i for i, found in enumerate(terms) if not found)
        if not readable:
            return Grouping((), unreadable)
        asked = [terms[i] for i in readable]
        columns, words, vectors = self._vectors(asked)
        topics = []
        for rows in _rows_by_label(self._cluster(vectors)):
            members, group = [readable[i] for i in rows], [asked[i] for i in rows]
            centroid = np.asarray(vectors[rows].mean(axis=0)).ravel()
            closeness = vectors[rows] @ centroid
            order = sorted(range(len(rows)), key=lambda i: (-closeness[i], members[i]))
            label = self._label(group, columns, words[rows])
            topics.append(Topic(tuple(members[i] for i in order), label))
        topics.sort(key=lambda topic: (-len(topic.members), topic.members[0]))
        return Grouping(tuple(topics), unreadable)

    def _vectors(self, asked: list[list[str]]) -> tuple[dict[str, int], csr_matrix, csr_matrix]:
        """The lemma view's columns, and unit rows: the boosted lemma view and both views."""
        kb_terms = self.kb_terms_
        word = TfidfVectorizer(analyzer=list, sublinear_tf=True, norm=None).fit(kb_terms + asked)
        boost = [
            self.noun_boost if self.analyzer.lemmatizer.pos(term) == "NOUN" else 1.0
            for term in word.get_feature_names_out()
        ]
        words = normalize(csr_matrix(word.transform(asked) @ diags(boost)))
        lines = [" ".join(found) for found in asked]
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
        char.fit([" ".join(found) for found in kb_terms] + lines)
        both = hstack(
            [
                words * np.sqrt(1.0 - self.char_weight),
                char.transform(lines) * np.sqrt(self.char_weight),
            ]
        )
        return word.vocabulary_, words, normalize(csr_matrix(both))

    def _cluster(self, vectors: csr_matrix) -> np.ndarray:
        if vectors.shape[0] == 1:
            return np.zeros(1, dtype=np.int64)
        distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 2.0)
        np.fill_diagonal(distances, 0.0)
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=self.distance,
        )
        return np.asarray(model.fit_predict(distances))

    def _label(
        self, asked: list[list[str]], columns: dict[str, int], words: csr_matrix
    ) -> tuple[str, ...]:
        """The lemmas that weigh most in the group, in the order customers write them.

        :param columns: the lemma view's column of each lemma
        :param words: the group's rows of the lemma view
        """
        vocabulary = sorted({term for found in asked for term in found})
        totals = np.asarray(words.sum(axis=0)).ravel()
        weight = {term: float(totals[columns[term]]) for term in vocabulary}
        ranked = sorted(vocabulary, key=lambda term: (-weight[term], term))
        best = weight[ranked[0]]
        # A lemma weighing under a quarter of the best one is incidental to the topic.
        kept = [term for term in ranked[: self.label_size] if weight[term] >= best / 4]
        where: dict[str, list[float]] = {}
        for found in asked:
            for position, term in enumerate(found):
                where.setdefault(term, []).append(position / len(found))
        return tuple(sorted(kept, key=lambda term: float(np.mean(where[term]))))


def _rows_by_label(labels: np.ndarray) -> list[list[int]]:
    rows: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        rows.setdefault(label, []).append(row)
    return list(rows.values())
