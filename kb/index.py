"""A searchable index of one catalog version: articles turned into retrieval documents."""

from __future__ import annotations

from dataclasses import dataclass

from kb.article import Article, Catalog
from nlp.analyzer import Analyzer
from nlp.documents import Document, Ranking
from nlp.lemmas import Lemmatizer
from nlp.retriever import Retriever, Weights


def as_document(article: Article) -> Document:
    """The fields of an article that retrieval reads."""
    return Document(
        id=article.id,
        title=article.title,
        body=article.body,
        questions=article.questions,
        tags=article.tags,
        category=article.category,
    )


@dataclass(frozen=True)
class Index:
    """A catalog and the retriever fitted on it; built once per KB version, then only read."""

    catalog: Catalog
    retriever: Retriever

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        lemmatizer: Lemmatizer | None = None,
        weights: Weights | None = None,
    ) -> Index:
        """Fit a retriever on ``catalog``.

        :param lemmatizer: share one across rebuilds so its cache survives a reload
        :param weights: view weights (defaults are the calibrated ones)
        """
        retriever = Retriever(Analyzer(lemmatizer), weights)
        retriever.fit([as_document(a) for a in catalog])
        return cls(catalog=catalog, retriever=retriever)

    def warm(self) -> Index:
        """Build the parts made on first use (the typo repairer), e.g. before serving traffic."""
        self.retriever.analyzer.warm()
        return self

    def search(self, question: str, k: int = 10) -> Ranking:
        """The best ``k`` articles for ``question`` (hits name article ids)."""
        return self.retriever.search(question, k)
