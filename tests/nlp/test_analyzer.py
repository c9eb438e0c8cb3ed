"""The whole pipeline: each phenomenon of customer typing ends in the same terms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.analyzer import MAX_QUESTION_CHARS, Analyzer
from nlp.lemmas import Lemmatizer

CLEAN = ("отменить", "заказ")


@pytest.mark.parametrize(
    "typed",
    [
        "как отменить заказ",
        "Как ОТМЕНИТЬ заказ?",
        "Здравствуйте! Подскажите, пожалуйста, как отменить заказ",  # greeting and politeness
        "добрый день, как отменить заказ, спасибо",
        "rfr jnvtybnm pfrfp",  # whole message in the Latin layout
        "kak otmenit zakaz",  # translit
        "как oтмeнить зaкaз",  # Latin look-alikes
        "как отменть заказь",  # typos
        "как отменить заказы",  # another word form
    ],
)
def test_phenomena_reduce_to_the_same_terms(analyzer: Analyzer, typed: str) -> None:
    assert analyzer.analyze(typed).terms == CLEAN


def test_codes_and_numbers_are_kept(analyzer: Analyzer) -> None:
    terms = analyzer.analyze("заказ K-123456 на 1500 рублей").terms
    assert "k-123456" in terms and "1500" in terms


def test_latin_kb_terms_are_not_converted(analyzer: Analyzer) -> None:
    assert "rutube" in analyzer.analyze("монетизация на rutube").terms


def test_a_latin_kb_word_in_a_translit_message_reads_as_the_russian_the_kb_uses_more(
    lemmatizer: Lemmatizer,
) -> None:
    analyzer = Analyzer(lemmatizer).fit(
        ["Видео не загружается на RUTUBE", "Как загрузить видео", "Ссылка video.example.ru"]
    )
    assert analyzer.analyze("video ne zagruzhaetsya na rutube").terms == (
        "видео", "не", "загружаться", "rutube"  # «видео» is the KB's word; RUTUBE has no other
    )  # fmt: skip
    assert analyzer.analyze("что за video").terms[-1] == "video"  # not a translit message


def test_repairs_are_reported(analyzer: Analyzer) -> None:
    assert ("дотсавка", "доставка") in analyzer.analyze("дотсавка").repairs


def test_a_real_word_the_kb_never_uses_is_read_as_the_kb_word_it_is_a_slip_of(
    analyzer: Analyzer,
) -> None:
    # «крату» is a form of «крат» (times), a word of no article: read as «карту».
    analysis = analyzer.analyze("привязать крату")
    assert ("крату", "карту") in analysis.repairs
    assert "карта" in analysis.terms


def test_a_customers_typo_kept_in_a_phrasing_is_still_a_typo(lemmatizer: Lemmatizer) -> None:
    # A phrasing learned from a ticket keeps the customer's «пороль»; the articles say «пароль».
    analyzer = Analyzer(lemmatizer)
    terms = analyzer.fit_terms(
        ["Как восстановить пароль", "Забыл пороль", "Пароль из SMS", "Сменить пароль"]
    )
    assert analyzer.slips_ == {"пороль": "пароль"}
    assert terms[1] == ["забыть", "пароль"]  # the phrasing reads as it was meant
    analysis = analyzer.analyze("не помню пороль")  # and so does a question typed the same way
    assert ("пороль", "пароль") in analysis.repairs and "пароль" in analysis.terms


def test_authored_words_are_not_read_as_slips(lemmatizer: Lemmatizer) -> None:
    # Rare words a dictionary knows, and rare unknown ones more than one edit from a common
    # word («довозе» is two from «дороже»), are the KB's own.
    analyzer = Analyzer(lemmatizer)
    analyzer.fit(["дороже дороже дороже", "при довозе", "тарифы тарифы тарифы", "тарифа"])
    assert analyzer.slips_ == {}
    assert analyzer.analyze("при довозе").repairs == ()


def test_a_real_word_that_is_no_common_slip_stays_as_typed(analyzer: Analyzer) -> None:
    # «виде» is one letter short of the KB's «видео», but «в виде» is what was meant.
    assert analyzer.analyze("ошибка в виде кода").repairs == ()


def test_slang_is_read_as_the_word_articles_use(analyzer: Analyzer) -> None:
    assert "приложение" in analyzer.analyze("прила не работает").terms


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("нет инета", "интернет"),  # a form the dictionary knows, of a slang word it knows
        ("вылетает прилой", "приложение"),  # a form generated from the entry
        ("какая комса за перевод", "комиссия"),
        ("заблочили карточку", "заблокировать"),
        ("юзаю промик", "использовать"),  # a form guessed back to the entry
    ],
)
def test_slang_is_read_in_any_form(analyzer: Analyzer, typed: str, word: str) -> None:
    assert word in analyzer.analyze(typed).terms


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("тела", "тело"),  # not «тел» (телефон): the dictionary's own word comes first
        ("в бане", "баня"),  # not «бан»
        ("купить вафли", "вафля"),  # a grocery order, not wifi
    ],
)
def test_a_real_word_is_not_read_as_slang(analyzer: Analyzer, typed: str, word: str) -> None:
    assert word in analyzer.analyze(typed).terms


def test_only_filler_leaves_no_terms(analyzer: Analyzer) -> None:
    assert analyzer.analyze("Здравствуйте, подскажите пожалуйста").terms == ()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("здраствуйте", "здравствуйте"),
        ("спасиб", "спасибо"),
        ("подскажте", "подскажите"),
        ("пжалуйста", "пожалуйста"),
    ],
)
def test_a_misspelt_politeness_word_is_read_as_itself_not_as_a_kb_word(
    lemmatizer: Lemmatizer, typed: str, meant: str
) -> None:
    # Each typed word is within reach of a word of these articles («действуйте», «способ»,
    # «подсказке», «пожаловаться»), and nearer still to the filler it is.
    analyzer = Analyzer(lemmatizer).fit(
        [
            "Действуйте по инструкции",
            "Способ оплаты",
            "Подсказке в приложении",
            "Пожаловаться на курьера",
            "Оплата картой",
        ]
    )
    analysis = analyzer.analyze(f"{typed}, оплата картой")
    assert (typed, meant) in analysis.repairs
    assert analysis.terms == ("оплата", "карта")
    assert analysis.repaired_text == f"{meant}, оплата картой"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("как дила", "как дела"), ("добрый вечир", "добрый вечер"), ("благодорю", "благодарю")],
)
def test_misspelt_small_talk_is_read_as_said(analyzer: Analyzer, typed: str, meant: str) -> None:
    assert analyzer.analyze(typed).repaired_text == meant


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_analyze_never_raises(analyzer: Analyzer, raw: str) -> None:
    analyzer.analyze(raw)


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("немогу отменить заказ", ("не", "отменить", "заказ")),
        ("неработает приложение", ("не", "работать", "приложение")),
        ("невозможно отменить", ("невозможно", "отменить")),  # a real word stays whole
    ],
)
def test_negation_typed_without_a_space_is_split(
    analyzer: Analyzer, typed: str, terms: tuple[str, ...]
) -> None:
    assert analyzer.analyze(typed).terms == terms


def test_a_huge_message_is_read_only_up_to_telegrams_limit(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("отменить заказ " * 20_000)  # 300 000 characters
    assert len(analysis.text) <= MAX_QUESTION_CHARS
    assert len(analysis.terms) <= MAX_QUESTION_CHARS // len("заказ ")
    assert analysis.terms[:2] == CLEAN


@pytest.mark.parametrize("typed", ["фывапролджэ", "asdfghjkl", "😀", "?!?!", "ываыв ыва ыв аыв"])
def test_a_message_with_no_word_in_it_is_unreadable(analyzer: Analyzer, typed: str) -> None:
    assert analyzer.analyze(typed).unreadable


@pytest.mark.parametrize(
    "typed",
    [
        "холодильник сломался",  # words the knowledge base never uses are still words
        "отменть заказь",  # typos of its words
        "rfr jnvtybnm pfrfp",  # the wrong layout
        "12345",  # an order number
        "фывапролджэ заказ",  # one word is enough
    ],
)
def test_a_message_with_a_word_in_it_is_readable(analyzer: Analyzer, typed: str) -> None:
    assert not analyzer.analyze(typed).unreadable


def test_a_message_in_the_wrong_layout_keeps_its_question_mark(analyzer: Analyzer) -> None:
    # The sentence encoder reads the repaired text, and «?» changes what it reads.
    assert analyzer.analyze("rfr jnvtybnm pfrfp?").repaired_text == "как отменить заказ?"


def test_a_trailing_comma_in_the_wrong_layout_is_a_comma_unless_the_letter_makes_a_word(
    analyzer: Analyzer,
) -> None:
    # «,» is the б key: «rfhne,» is «карту,» (no word ends «картуб»), «hf,jnftn» «работает».
    text = analyzer.analyze("rfr ghbdzpfnm rfhne, rjulf hf,jnftn").repaired_text
    assert text == "как привязать карту, когда работает"
    # Neither «заказпб» nor «заказп» is a word: the comma stays a comma, the slip is repaired.
    assert analyzer.analyze("rfr jnvtybnm pfrfpp,").repaired_text == "как отменить заказ,"


def test_a_latin_letter_of_the_kb_in_a_layout_message_reads_as_the_russian_the_kb_uses_more(
    lemmatizer: Lemmatizer,
) -> None:
    analyzer = Analyzer(lemmatizer).fit(
        ["Нажмите F на пульте", "Видео а также стрим", "А если стрим не идёт"]
    )
    assert analyzer.analyze("f tckb cnhbv yt bl`n").repaired_text == "а если стрим не идет"


def test_a_slang_word_typed_with_a_slip_is_read_as_the_articles_word(
    lemmatizer: Lemmatizer,
) -> None:
    # «кооменты» is one slip from the slang «комменты» and one from the KB's «моменты».
    analyzer = Analyzer(lemmatizer).fit(["Закрепить комментарий", "Важные моменты"])
    assert analyzer.analyze("закрепить кооменты").terms == ("закрепить", "комментарий")


def test_a_brand_in_russian_letters_is_not_read_as_the_slang_for_another(
    lemmatizer: Lemmatizer,
) -> None:
    # «рутуба» is one letter from «ютуба» (slang for YouTube): a brand, not a slip of one.
    analyzer = Analyzer(lemmatizer).fit(["Студия RUTUBE на телефоне"])
    assert "ютуба" not in analyzer.analyze("студия рутуба").repaired_text


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Добрый день! Подскажите, как отменить заказ", "подскажите, как отменить заказ"),
        ("Доброй ночи, заказ не пришёл", "заказ не пришел"),
        ("заказ, добрый вечер, не пришёл", "заказ, не пришел"),
    ],
)
def test_a_greeting_leaves_no_stray_marks_in_what_the_encoder_reads(
    analyzer: Analyzer, typed: str, read: str
) -> None:
    # The sentence encoder reads the repaired text: «, заказ не пришел» is not what was meant.
    assert analyzer.analyze(typed).repaired_text == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("добрый ден,ь, заказ не пришёл", "заказ не пришел"),  # the greeting is seen, too
        ("как отменит.ь заказ", "как отменить заказ"),
        ("отменить заказ с карт,ы", "отменить заказ с карты"),
    ],
)
def test_a_comma_or_dot_struck_inside_a_word_is_taken_out(
    analyzer: Analyzer, typed: str, read: str
) -> None:
    assert analyzer.analyze(typed).repaired_text == read


@pytest.mark.parametrize(
    "typed",
    [
        "заказ,отменить",  # two words, the space after the comma left out
        "т.е. отменить заказ",  # an abbreviation
        "заказ,а не доставка",  # «заказа» is a word, but so are «заказ» and «а»
        "сайт zakaz.ru",
    ],
)
def test_marks_between_words_stay(analyzer: Analyzer, typed: str) -> None:
    assert analyzer.analyze(typed).text == typed


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ghbdtn? rfr pfdthibnm fhtyle", "привет? как завершить аренду"),  # wrong layout
        ("kak zavershit arendu", "как завершит аренду"),  # translit, typos and all
        # «б», «ж», «ю» sit on «,», «;», «.»: the words typed split where the letters are
        ("e vtyz yt hf,jnftn ghbkj;tybt", "у меня не работает приложение"),
        ("vj;yj kb djpbnm cjj,fre", "можно ли возить сообаку"),  # a typo in it, as typed
    ],
)
def test_a_message_in_other_letters_has_a_reading_for_people(
    analyzer: Analyzer, typed: str, read: str
) -> None:
    assert analyzer.reading(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "как завершить аренду",
        "машына не заводица",  # typos: a person reads them, a repair may pick another form
        "оплата apple pay",  # Latin words that are no Russian in another layout
        "ok",  # one word: nothing worth telling
        "ошибка E-12 на iPhone 13",
    ],
)
def test_a_message_read_as_typed_has_no_reading(analyzer: Analyzer, typed: str) -> None:
    assert analyzer.reading(typed) is None
