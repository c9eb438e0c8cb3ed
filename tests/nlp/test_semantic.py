"""The dense view: per-article best cosines, the question cache, and the embedding cache
across restarts with the real encoder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from kb.article import Article, Catalog
from kb.index import Index
from nlp.documents import Document
from nlp.embedding_cache import EmbeddingCache
from nlp.encoders import HashingEncoder
from nlp.lemmas import Lemmatizer
from nlp.semantic import SemanticView, body_parts
from tests.nlp.recording import RecordingE5

DOCUMENTS = [
    Document(
        "tariff",
        "Как сменить тариф",
        "Откройте «Тарифы».\n\nНажмите «Перейти».",
        questions=("Хочу другой тариф", "Платно ли менять тариф"),
    ),
    Document("empty-body", "Роуминг за границей"),
    Document("balance", "Как пополнить баланс", "Картой в приложении или через терминал."),
]


class Recording(HashingEncoder):
    """A real (hashing) encoder that also remembers the questions it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.asked: list[str] = []

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        self.asked.extend(texts)
        return super().queries(texts)


def naive_scores(view: SemanticView, documents: Sequence[Document], query: np.ndarray) -> dict:
    """Every article's best cosine per kind, by a plain loop over its own passages."""
    encoder = view.encoder
    out: dict[str, list[float]] = {"title": [], "phrasing": [], "body": [], "best": []}
    for doc in documents:
        title = [doc.title]
        body = [f"{doc.title}\n\n{p}" for p in body_parts(doc.body)]
        kinds = {"title": title, "phrasing": title + list(doc.questions), "body": body}
        kinds["best"] = kinds["phrasing"] + body
        for kind, texts in kinds.items():
            cosines = encoder.passages(texts) @ query if texts else np.array([])
            out[kind].append(float(cosines.max()) if len(cosines) else -1.0)
    return out


def test_scores_are_each_articles_best_passage_per_kind() -> None:
    view = SemanticView(HashingEncoder(dimension=64)).fit(DOCUMENTS)
    query = view.embed_query("сменить тариф")
    scores = view.scores(query)
    expected = naive_scores(view, DOCUMENTS, query)
    for kind in ("title", "phrasing", "body", "best"):
        assert np.allclose(getattr(scores, kind), expected[kind], atol=1e-3), kind


def test_an_article_without_body_scores_minus_one_for_body() -> None:
    scores = (
        SemanticView(HashingEncoder(dimension=64))
        .fit(DOCUMENTS)
        .scores(HashingEncoder(dimension=64).queries(["роуминг"])[0])
    )
    assert scores.body[1] == -1.0
    assert scores.best[1] > 0


def test_a_repeated_question_is_embedded_once() -> None:
    encoder = Recording()
    view = SemanticView(encoder).fit(DOCUMENTS)
    first = view.embed_query("сменить тариф")
    again = view.embed_query("сменить тариф")
    assert encoder.asked == ["сменить тариф"]
    assert np.array_equal(first, again)


def test_a_question_is_read_the_same_with_or_without_its_question_mark() -> None:
    encoder = Recording()
    view = SemanticView(encoder).fit(DOCUMENTS)
    plain = view.embed_query("как сменить тариф")
    marked = view.embed_query("как сменить тариф?")
    assert encoder.asked == ["как сменить тариф?"]  # one question, asked once
    assert np.array_equal(plain, marked)


def test_a_statement_keeps_its_question_mark_or_its_absence() -> None:
    # «не приходит код?» asks what to do, «не приходит код» reports: the encoder reads both
    # as typed (taking the «?» away cost 1.4 to 2.2 points of top-1 on Most and RUTUBE).
    encoder = Recording()
    view = SemanticView(encoder).fit(DOCUMENTS)
    view.embed_query("не приходит код")
    view.embed_query("не приходит код?")
    view.embed_query("Как сменить тариф!")
    assert encoder.asked == ["не приходит код", "не приходит код?", "Как сменить тариф!"]


def test_the_question_cache_forgets_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nlp.semantic.RECENT_QUERIES", 2)
    encoder = Recording()
    view = SemanticView(encoder).fit(DOCUMENTS)
    for question in ("тариф", "баланс", "роуминг", "тариф"):
        view.embed_query(question)
    assert encoder.asked == ["тариф", "баланс", "роуминг", "тариф"]


# -- the embedding cache across restarts, with the real encoder --------------------------------


CATALOG = Catalog.of(
    [
        Article("tariff", "Как сменить тариф", "Откройте «Тарифы» и нажмите «Перейти»."),
        Article("balance", "Как пополнить баланс", "Картой в приложении или через терминал."),
    ]
)


def build(folder: Path, catalog: Catalog = CATALOG) -> tuple[Index, RecordingE5]:
    encoder = RecordingE5()
    index = Index.build(catalog, Lemmatizer(), encoder=encoder, cache=EmbeddingCache(folder))
    return index, encoder


def test_a_restart_reads_every_passage_from_the_cache_and_never_loads_the_model(
    tmp_path: Path,
) -> None:
    first, encoder = build(tmp_path)
    assert encoder.embedded  # the first build embedded the passages
    again, restarted = build(tmp_path)
    assert restarted.embedded == []
    assert not restarted.loaded  # the model itself was never read
    question = "как поменять тариф"
    assert again.search(question).hits[0].doc_id == first.search(question).hits[0].doc_id


def test_an_edit_embeds_only_the_edited_articles_passages(tmp_path: Path) -> None:
    build(tmp_path)
    edited = Catalog.of(
        [
            CATALOG.articles[0],
            Article("balance", "Как пополнить баланс", "Картой, через СБП или в терминале."),
        ]
    )
    _, encoder = build(tmp_path, edited)
    assert encoder.embedded == ["Как пополнить баланс\n\nКартой, через СБП или в терминале."]


def test_a_broken_cache_file_is_rebuilt_with_a_warning(tmp_path: Path) -> None:
    build(tmp_path)
    (file,) = tmp_path.glob("*.passage.npz")
    file.write_bytes(file.read_bytes()[:100])  # cut short, as by a crash mid-copy
    with pytest.warns(RuntimeWarning, match="unreadable"):
        index, encoder = build(tmp_path)
    assert len(encoder.embedded) == 4  # two titles, two bodies: all embedded again
    assert index.search("как пополнить баланс").hits[0].doc_id == "balance"
    _, after = build(tmp_path)  # and the rebuilt file serves the next restart
    assert after.embedded == []
