"""A replaced index is freed when the last reference goes, not when the cycle collector runs.

The first index is built during start-up and frozen (``gc.freeze``, :mod:`bot.collector`):
the cycle collector never looks at it again. A reference cycle anywhere in it (a memo over a
bound method, a callback to its own analyzer) would keep it, its vocabulary and its typo
fixer in memory for good after the first reload.
"""

from __future__ import annotations

import gc
import weakref

from kb.article import Article, Catalog
from kb.index import Index
from nlp.embedding_cache import EmbeddingCache
from nlp.encoders import HashingEncoder
from nlp.lemmas import Lemmatizer

CATALOG = Catalog.of(
    [
        Article("end", "Как завершить аренду", "Нажмите «Завершить» в приложении."),
        Article("open", "Машина не открывается", "Проверьте интернет и Bluetooth."),
    ]
)


def test_a_replaced_index_is_freed_at_once() -> None:
    index = Index.build(
        CATALOG, Lemmatizer(), encoder=HashingEncoder(dimension=32), cache=EmbeddingCache(None)
    ).warm()
    for question in ("как завершить аренду", "машына не открываеца", "vfibyf yt jnrhsdftncz"):
        index.search(question)  # every memo filled: lemmas, repairs, script readings
    parts = [index, index.retriever, index.retriever.analyzer, index.retriever.analyzer.typos_]
    gone = [weakref.ref(part) for part in parts]
    gc.disable()
    try:
        del index, parts
        assert [ref() is None for ref in gone] == [True] * len(gone)
    finally:
        gc.enable()
