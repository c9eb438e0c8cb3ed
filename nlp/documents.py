"""What retrieval needs to know of an article, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.analyzer import Analysis


@dataclass(frozen=True)
class Document:
    """An article as text fields; ``phrasings`` are the title and the customers' questions."""

    id: str
    title: str
    body: str = ""
    questions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    category: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.title, *self.questions)


@dataclass(frozen=True)
class Hit:
    """A candidate article and how well it matches, higher is better (not a probability)."""

    doc_id: str
    score: float


@dataclass(frozen=True)
class Ranking:
    """The ranked candidates for one query and the evidence a decision can weigh.

    :param coverage: share of the query's idf mass found in the best article's phrasings
    :param agreement: whether the word and character scorers put the same article first
    :param engine: ``lexical`` (word views only) or ``hybrid`` (word and dense views): the
        decision reads each with its own calibration
    :param dense: the best dense cosine of the first hit (0 for the lexical engine)
    :param dense_margin: how far it is ahead of the other candidates' best dense cosine
    :param rivals: log(1 + other candidates whose phrasings cover the question as fully):
        «штраф» matches four fine articles alike, whatever the ranker picks
    :param words_agree: the word views alone put the same article first (hybrid rankings;
        the lexical engine's are the word views' own)
    :param words_share: the word views' own share for their first article (hybrid rankings)
    :param lexical_rank: log(1 + rank) of the first hit by the word views' sum
    :param lexical_ratio: the first hit's word-view sum over the best article's
    :param dense_rank: log(1 + rank) of the first hit by the encoder (0 for the lexical engine)
    :param dense_scaled: its cosine rescaled over the encoder's top ten (0 for the lexical one)
    """

    analysis: Analysis
    hits: tuple[Hit, ...]
    coverage: float = 0.0
    agreement: bool = False
    unknown: float = 0.0
    engine: str = "lexical"
    dense: float = 0.0
    dense_margin: float = 0.0
    rivals: float = 0.0
    words_agree: bool = False
    words_share: float = 0.0
    lexical_rank: float = 0.0
    lexical_ratio: float = 1.0
    dense_rank: float = 0.0
    dense_scaled: float = 0.0

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def by_words(self) -> bool:
        """Ranked by the word views alone: no encoder, or the cascade found them decisive."""
        return self.engine == "lexical"
