"""bot.dialogue: what the bot shows next, and recognising a request for a person (pure)."""

from __future__ import annotations

import doctest
import json
from dataclasses import replace

import pytest

from bot.dialogue import (
    AddToTicket,
    AskAboutTicket,
    Conversation,
    Dialogue,
    HandOver,
    HandOverReason,
    HumanRequestDetector,
    Invite,
    Remark,
    Searched,
    ShowAnswer,
    ShowChoices,
    SmallTalkReply,
    Stage,
    Thanks,
    Turn,
    Vote,
    follow_up,
    looks_like_question,
    opening_vote,
    parse_choice,
    parse_title,
    parse_vote,
    rejects,
)
from bot.policy import Answer, Clarify, Decision, Escalate, Thresholds
from kb.article import Article, Catalog
from nlp.analyzer import Analysis
from nlp.documents import Hit, Ranking
from nlp.lemmas import Lemmatizer
from nlp.small_talk import SmallTalk

CATALOG = Catalog.of(
    [
        Article("end-trip", "Как завершить аренду", "Нажмите «Завершить»."),
        Article("cannot-end", "Не получается завершить аренду", "Проверьте двери."),
        Article("zones", "Зоны завершения аренды", "Зелёные зоны на карте."),
        Article("refund", "Возврат денег", "3–5 дней."),
        Article("fines", "Штрафы", "Приходят с камер."),
    ]
)
TITLE = {article.id: article.title for article in CATALOG}
# end-trip first; cannot-end and zones are close to it, refund and fines far below.
HITS = (
    Hit("end-trip", 0.9),
    Hit("cannot-end", 0.8),
    Hit("zones", 0.6),
    Hit("refund", 0.2),
    Hit("fines", 0.1),
)
RANKING = Ranking(Analysis("как завершить поездку", ("завершить", "поездка")), HITS)


@pytest.fixture(scope="module")
def lemmatizer() -> Lemmatizer:
    return Lemmatizer()


@pytest.fixture(scope="module")
def detector(lemmatizer: Lemmatizer) -> HumanRequestDetector:
    return HumanRequestDetector(lemmatizer)


@pytest.fixture
def dialogue(detector: HumanRequestDetector) -> Dialogue:
    # The scores below are hand-made; a ratio of 0.6 to the best decides which are "close".
    return Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6))


class FakeSearch:
    """The caller's search, answering every question with one decision; remembers questions."""

    def __init__(self, decision: Decision, ranking: Ranking = RANKING) -> None:
        self.decision = decision
        self.ranking = ranking
        self.questions: list[str] = []

    def __call__(self, question: str) -> tuple[Ranking, Decision]:
        self.questions.append(question)
        return self.ranking, self.decision


ANSWER = Answer(hit=HITS[0], confidence=0.9)
CLARIFY = Clarify(hits=HITS[:3], confidence=0.5)
ESCALATE = Escalate(confidence=0.1)


def ask(dialogue: Dialogue, decision: Decision, question: str = "как завершить поездку") -> Turn:
    return dialogue.ask(Conversation(), question, RANKING, decision)


# --- answer, vote, next-best, hand-over -------------------------------------------------------


def test_a_confident_answer_shows_the_article_and_waits_for_a_vote(dialogue: Dialogue) -> None:
    conversation, reply = ask(dialogue, ANSWER)
    assert reply == ShowAnswer(CATALOG["end-trip"], chosen=False)
    assert conversation.stage is Stage.FEEDBACK and conversation.article == "end-trip"
    assert conversation.shown == ("end-trip",) and conversation.candidates == HITS


def test_thumbs_up_thanks_and_starts_afresh(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    vote = Vote("как завершить поездку", "end-trip", helpful=True)
    assert dialogue.vote(conversation, helpful=True) == Turn(Conversation(), Thanks(), vote=vote)


def test_thumbs_down_offers_the_close_candidates_not_yet_shown(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    conversation, reply = dialogue.vote(conversation, helpful=False)
    # 0.6 x 0.9 = 0.54: cannot-end and zones are close enough, refund and fines are not.
    assert reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)
    assert conversation.stage is Stage.CHOICE and conversation.retried


def test_a_second_thumbs_down_hands_over_with_everything_offered(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    conversation, _ = dialogue.vote(conversation, helpful=False)
    conversation, reply = dialogue.choose(conversation, 2)
    assert reply == ShowAnswer(CATALOG["zones"], chosen=True)
    conversation, reply = dialogue.vote(conversation, helpful=False)
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.NOT_HELPED
    assert reply.draft.question == reply.draft.what_happened == "как завершить поездку"
    assert reply.draft.tried == tuple(TITLE[i] for i in ("end-trip", "cannot-end", "zones"))
    assert conversation == Conversation()


# --- a 👎 to an answer the words alone found: the next ones ranked by meaning -----------------

# By meaning the refund article is second: «завершить» is all the others share with the question.
BY_MEANING = Ranking(
    RANKING.analysis,
    (Hit("end-trip", 0.9), Hit("refund", 0.7), Hit("zones", 0.6), Hit("cannot-end", 0.1)),
    engine="hybrid",
)


class RankFully:
    """The caller's ranking by every view: one ranking for every question; remembers them."""

    def __init__(self, ranking: Ranking = BY_MEANING) -> None:
        self.ranking = ranking
        self.questions: list[str] = []

    def __call__(self, question: str) -> Ranking:
        self.questions.append(question)
        return self.ranking


def test_a_thumbs_down_ranks_an_answer_found_by_words_alone_again_by_meaning(
    detector: HumanRequestDetector,
) -> None:
    rank_fully = RankFully()
    dialogue = Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6), rank_fully=rank_fully)
    conversation, _ = ask(dialogue, ANSWER)  # RANKING: the word views' own
    assert conversation.by_words
    conversation, reply = dialogue.vote(conversation, helpful=False)
    assert reply == ShowChoices((CATALOG["refund"], CATALOG["zones"]), retry=True)
    assert rank_fully.questions == ["как завершить поездку"]
    assert conversation.candidates == BY_MEANING.hits and not conversation.by_words
    # A «нет» typed under the answer is the same 👎.
    conversation, _ = ask(dialogue, ANSWER)
    _, typed = dialogue.message(conversation, "нет", FakeSearch(ANSWER))
    assert typed == reply


def test_an_answer_ranked_by_meaning_already_is_not_ranked_again(
    detector: HumanRequestDetector,
) -> None:
    rank_fully = RankFully()
    dialogue = Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6), rank_fully=rank_fully)
    ranked = Ranking(RANKING.analysis, HITS, engine="hybrid")
    conversation, _ = dialogue.ask(Conversation(), "как завершить поездку", ranked, ANSWER)
    _, reply = dialogue.vote(conversation, helpful=False)
    assert reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)
    assert rank_fully.questions == []


def test_a_second_thumbs_down_hands_over_without_ranking_again(
    detector: HumanRequestDetector,
) -> None:
    rank_fully = RankFully()
    dialogue = Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6), rank_fully=rank_fully)
    conversation, _ = ask(dialogue, ANSWER)
    conversation, _ = dialogue.vote(conversation, helpful=False)
    conversation, _ = dialogue.choose(conversation, 1)
    _, reply = dialogue.vote(conversation, helpful=False)
    assert isinstance(reply, HandOver)
    assert rank_fully.questions == ["как завершить поездку"]  # once, for the first 👎


def test_an_old_answer_found_by_words_alone_is_ranked_by_meaning_at_its_thumbs_down(
    detector: HumanRequestDetector,
) -> None:
    rank_fully = RankFully()
    dialogue = Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6), rank_fully=rank_fully)
    question = "как завершить поездку"
    search = FakeSearch(ANSWER)
    resumed = dialogue.resume(question, waiting=Stage.FEEDBACK, article="end-trip", search=search)
    assert resumed.by_words
    _, reply = dialogue.vote(resumed, helpful=False)
    assert reply == ShowChoices((CATALOG["refund"], CATALOG["zones"]), retry=True)


def test_nothing_ranked_by_meaning_keeps_the_candidates_the_words_found(
    detector: HumanRequestDetector,
) -> None:
    nothing = RankFully(Ranking(RANKING.analysis, (), engine="hybrid"))
    dialogue = Dialogue(CATALOG, detector, Thresholds(choice_ratio=0.6), rank_fully=nothing)
    conversation, _ = ask(dialogue, ANSWER)
    _, reply = dialogue.vote(conversation, helpful=False)
    assert reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)


# --- an answer with its close runners-up beside it --------------------------------------------

TORN = Answer(hit=HITS[0], confidence=0.85, related=(HITS[1], HITS[2]))


def test_a_torn_answer_shows_its_runners_up_beside_it(dialogue: Dialogue) -> None:
    conversation, reply = ask(dialogue, TORN)
    assert reply == ShowAnswer(
        CATALOG["end-trip"], chosen=False, related=(CATALOG["cannot-end"], CATALOG["zones"])
    )
    assert conversation.stage is Stage.FEEDBACK and conversation.article == "end-trip"
    assert conversation.lists("zones") and not conversation.lists("refund")


@pytest.mark.parametrize("typed", ["2", "второе"])
def test_a_number_under_a_torn_answer_shows_that_article_instead(
    dialogue: Dialogue, typed: str
) -> None:
    conversation, _ = ask(dialogue, TORN)
    search = FakeSearch(ESCALATE)
    turn = dialogue.message(conversation, typed, search)
    assert turn.reply == ShowAnswer(CATALOG["zones"], chosen=True)
    assert turn.vote is None and search.questions == []  # no vote on the first, no search
    assert turn.conversation.article == "zones" and turn.conversation.choices == ()


def test_the_button_beside_a_torn_answer_picks_that_article(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, TORN)
    _, reply = dialogue.pick(conversation, "cannot-end")
    assert reply == ShowAnswer(CATALOG["cannot-end"], chosen=True)


def test_no_under_a_torn_answer_lists_its_runners_up_as_choices(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, TORN)
    conversation, reply = dialogue.message(conversation, "нет", FakeSearch(ESCALATE))
    assert reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)
    _, reply = dialogue.choose(conversation, 0)
    assert isinstance(reply, HandOver)
    # Only what the customer turned down counts as tried: the answer, then the list.
    assert reply.draft.tried == tuple(TITLE[i] for i in ("end-trip", "cannot-end", "zones"))


def test_a_number_under_a_plain_answer_is_a_new_question(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    search = FakeSearch(ESCALATE)
    dialogue.message(conversation, "2", search)
    assert search.questions == ["2"]


def test_thumbs_down_with_nothing_close_hands_over_at_once(dialogue: Dialogue) -> None:
    lonely = Ranking(RANKING.analysis, (Hit("end-trip", 0.9), Hit("fines", 0.1)))
    conversation, _ = dialogue.ask(Conversation(), "завершить", lonely, ANSWER)
    _, reply = dialogue.vote(conversation, helpful=False)
    assert isinstance(reply, HandOver) and reply.draft.tried == ("Как завершить аренду",)


def test_clarify_numbers_the_choices_and_zero_hands_over(dialogue: Dialogue) -> None:
    conversation, reply = ask(dialogue, CLARIFY)
    assert reply == ShowChoices(tuple(CATALOG[h.doc_id] for h in HITS[:3]), retry=False)
    assert conversation.choices == ("end-trip", "cannot-end", "zones")
    _, reply = dialogue.choose(conversation, 0)
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.NOT_HELPED
    assert reply.draft.tried == tuple(TITLE[h.doc_id] for h in HITS[:3])


def test_thumbs_down_after_a_choice_offers_what_was_not_listed(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, Clarify(hits=HITS[:2], confidence=0.5))
    conversation, _ = dialogue.choose(conversation, 1)
    _, reply = dialogue.vote(conversation, helpful=False)
    assert reply == ShowChoices((CATALOG["zones"],), retry=True)


def test_escalation_hands_over_the_question(dialogue: Dialogue) -> None:
    conversation, reply = ask(dialogue, ESCALATE, question="где купить айфон")
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.NOT_FOUND
    assert (reply.draft.question, reply.draft.what_happened) == ("где купить айфон",) * 2
    assert reply.draft.tried == () and conversation == Conversation()


def test_choose_and_vote_refuse_the_wrong_stage(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    with pytest.raises(ValueError, match="no choices are shown"):
        dialogue.choose(conversation, 1)
    with pytest.raises(ValueError, match="no vote is expected"):
        dialogue.vote(Conversation(), helpful=True)
    clarifying, _ = ask(dialogue, CLARIFY)
    with pytest.raises(ValueError, match=r"choice 4 is not in 1\.\.3"):
        dialogue.choose(clarifying, 4)


# --- small talk: answered from a template, never searched, never handed over -----------------


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("привет", SmallTalk.GREETING),
        ("Здравствуйте!", SmallTalk.GREETING),
        ("добрый день", SmallTalk.GREETING),
        ("спасибо", SmallTalk.THANKS),
        ("Спасибо большое!", SmallTalk.THANKS),
        ("как дела?", SmallTalk.HOW_ARE_YOU),
        ("ты бот или человек?", SmallTalk.ARE_YOU_BOT),
        ("что ты умеешь?", SmallTalk.CAPABILITIES),
        ("пока", SmallTalk.GOODBYE),
        ("до свидания", SmallTalk.GOODBYE),
        ("всё получилось, спасибо", SmallTalk.SOLVED),
        ("понятно", SmallTalk.OKAY),  # was searched, found nothing and went to people
        ("ок", SmallTalk.OKAY),
    ],
)
def test_small_talk_is_answered_in_kind_and_searches_nothing(
    dialogue: Dialogue, text: str, talk: SmallTalk
) -> None:
    search = FakeSearch(ESCALATE)
    turn = dialogue.message(Conversation(), text, search)
    assert turn == Turn(Conversation(), SmallTalkReply(talk))
    assert search.questions == []


@pytest.mark.parametrize(
    "text", ["привет, как завершить поездку?", "Здравствуйте! Не могу завершить аренду"]
)
def test_a_greeting_before_a_question_is_the_question(dialogue: Dialogue, text: str) -> None:
    search = FakeSearch(ANSWER)
    turn = dialogue.message(Conversation(), text, search)
    assert isinstance(turn.reply, ShowAnswer) and search.questions == [text]


def _misspelt(typed: str, meant: str) -> Ranking:
    """The search's reading of a misspelt politeness word: a repair, and no term left."""
    return Ranking(Analysis(typed, (), ((typed, meant),)), HITS)


@pytest.mark.parametrize(
    ("typed", "meant", "talk"),
    [
        ("здраствуйте", "здравствуйте", SmallTalk.GREETING),
        ("спасиб", "спасибо", SmallTalk.THANKS),
        ("благадарю", "благодарю", SmallTalk.THANKS),
    ],
)
def test_small_talk_typed_with_a_slip_is_small_talk_once_read(
    dialogue: Dialogue, typed: str, meant: str, talk: SmallTalk
) -> None:
    search = FakeSearch(CLARIFY, ranking=_misspelt(typed, meant))
    turn = dialogue.message(Conversation(), typed, search)
    assert turn == Turn(Conversation(), SmallTalkReply(talk))  # no choices, nothing recorded


def test_thanks_typed_with_a_slip_under_an_answer_is_a_vote_that_it_helped(
    dialogue: Dialogue,
) -> None:
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", FakeSearch(ANSWER))
    turn = dialogue.message(
        conversation, "спасиб", FakeSearch(ESCALATE, ranking=_misspelt("спасиб", "спасибо"))
    )
    assert turn.vote is not None and turn.vote.helpful


def test_small_talk_leaves_an_answer_waiting_for_its_vote(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    waiting, reply = dialogue.message(conversation, "ты бот?", search)
    assert reply == SmallTalkReply(SmallTalk.ARE_YOU_BOT, under_answer=True)
    assert waiting == conversation
    turn = dialogue.message(waiting, "Спасибо большое!", search)
    assert turn.reply == Thanks()  # thanks under an answer: it helped
    assert turn.vote == Vote("как завершить поездку", "end-trip", helpful=True)


# --- message(): what a typed line means at each stage -----------------------------------------


def test_a_number_picks_a_choice_and_yes_no_votes(dialogue: Dialogue) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    conversation, reply = dialogue.message(conversation, "2", search)
    assert reply == ShowAnswer(CATALOG["cannot-end"], chosen=True)
    _, reply = dialogue.message(conversation, "Да, спасибо!", search)
    assert reply == Thanks()
    assert search.questions == ["завершить"]


def test_other_text_is_a_new_question_at_any_stage(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    conversation, reply = dialogue.message(conversation, "  а штрафы?  ", search)
    assert search.questions == ["как завершить поездку", "  а штрафы?  "]
    assert conversation.question == "а штрафы?" and isinstance(reply, ShowAnswer)


def test_a_number_out_of_range_is_searched_like_any_text(dialogue: Dialogue) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    dialogue.message(conversation, "7", search)
    assert search.questions == ["завершить", "7"]


def test_asking_for_a_person_keeps_the_question_on_the_ticket(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    conversation, reply = dialogue.message(conversation, "позовите оператора", search)
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.ASKED
    assert reply.draft.question == "как завершить поездку"
    assert reply.draft.tried == ("Как завершить аренду",)
    assert search.questions == ["как завершить поездку"]


def test_a_bare_request_leaves_the_question_to_the_form(dialogue: Dialogue) -> None:
    _, reply = dialogue.message(Conversation(), "Оператора!", FakeSearch(ANSWER))
    assert isinstance(reply, HandOver) and reply.draft.question == ""


def test_a_request_with_a_question_puts_the_words_on_the_ticket(dialogue: Dialogue) -> None:
    text = "мне нужен живой человек, не могу завершить аренду"
    _, reply = dialogue.message(Conversation(), text, FakeSearch(ANSWER))
    assert isinstance(reply, HandOver) and reply.draft.question == text


def test_a_request_that_says_more_after_a_question_puts_both_on_the_ticket(
    dialogue: Dialogue,
) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    text = "Позовите оператора: вчера списали деньги дважды"
    _, reply = dialogue.message(conversation, text, FakeSearch(ESCALATE))
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.ASKED
    assert reply.draft.question == f"как завершить поездку. {text}"
    assert reply.draft.when_happened == "вчера" and reply.draft.tried == ("Как завершить аренду",)


def test_a_blank_message_is_the_callers_business(dialogue: Dialogue) -> None:
    with pytest.raises(ValueError, match="blank"):
        dialogue.message(Conversation(), "  ", FakeSearch(ANSWER))


def test_no_at_a_list_turns_it_down_even_beside_a_title_that_starts_with_no(
    detector: HumanRequestDetector,
) -> None:
    catalog = Catalog.of(
        [
            Article("no-internet", "Нет интернета", "Перезагрузите роутер."),
            Article("slow", "Медленный интернет", "Проверьте тариф."),
            Article("outage", "Авария на линии", "Смотрите карту работ."),
            Article("router", "Настройка роутера", "Откройте 192.168.0.1."),
        ]
    )
    dialogue = Dialogue(catalog, detector)
    hits = tuple(Hit(i, s) for i, s in (("slow", 0.4), ("no-internet", 0.3), ("outage", 0.2)))
    hits += (Hit("router", 0.1),)
    ranking = Ranking(Analysis("интернет", ("интернет",)), hits, engine="hybrid")
    listed, _ = dialogue.ask(Conversation(), "интернет", ranking, Clarify(hits[:2], 0.4))
    for no in ("нет", "нет, не то"):
        _, reply = dialogue.message(listed, no, FakeSearch(ESCALATE))
        assert reply == ShowChoices((catalog["outage"], catalog["router"]), retry=True)
    _, reply = dialogue.message(listed, "нет интернета", FakeSearch(ESCALATE))
    assert reply == ShowAnswer(catalog["no-internet"], chosen=True)  # the title, typed


@pytest.mark.parametrize("both", ["оба", "Обе!", "и то и другое", "все"])
def test_both_at_a_list_asks_which_first(dialogue: Dialogue, both: str) -> None:
    listed, _ = ask(dialogue, CLARIFY)
    again, reply = dialogue.message(listed, both, FakeSearch(ESCALATE))
    articles = tuple(CATALOG[i] for i in ("end-trip", "cannot-end", "zones"))
    assert reply == ShowChoices(articles, again=True) and again == listed


@pytest.mark.parametrize(
    "said",
    ["всё, разобрался", "Вопрос решён, спасибо", "закройте заявку", "уже всё работает, спасибо",
     "вопрос решился сам", "сам разобрался", "проблема ушла", "можно закрыть"],
)  # fmt: skip
def test_solved_while_a_ticket_is_open_goes_to_it_as_solved(dialogue: Dialogue, said: str) -> None:
    search = FakeSearch(ANSWER)
    turn = dialogue.message(Conversation(), said, search, open_ticket=1001)
    assert turn == Turn(Conversation(), AddToTicket(1001, said, Remark.SOLVED))
    assert search.questions == []  # nothing to search: the ticket's people read it


@pytest.mark.parametrize(
    "said",
    ["Когда ответите?", "ну что там?", "есть новости?", "всё ещё жду", "ну что, есть новости?",
     "почему так долго?", "сколько можно ждать ответа"],
)  # fmt: skip
def test_asking_for_news_of_the_open_ticket_goes_to_it_as_waiting(
    dialogue: Dialogue, said: str
) -> None:
    search = FakeSearch(ANSWER)
    turn = dialogue.message(Conversation(), said, search, open_ticket=1001)
    assert turn == Turn(Conversation(), AddToTicket(1001, said, Remark.WAITING))
    assert search.questions == []


@pytest.mark.parametrize(
    ("typed", "read", "remark"),
    [
        ("ye xnj nfv?", "ну что там?", Remark.WAITING),
        ("djghjc htitY", "вопрос решен", Remark.SOLVED),
    ],
)
def test_news_or_solved_typed_in_the_wrong_layout_is_read_as_meant(
    dialogue: Dialogue, typed: str, read: str, remark: Remark
) -> None:
    search = FakeSearch(ESCALATE, Ranking(Analysis(read, tuple(read.split())), ()))
    turn = dialogue.message(Conversation(), typed, search, open_ticket=7, screen=search)
    assert turn == Turn(Conversation(), AddToTicket(7, typed, remark))


def test_solved_without_a_ticket_is_small_talk_and_not_solved_is_a_detail(
    dialogue: Dialogue,
) -> None:
    turn = dialogue.message(Conversation(), "всё, разобрался", FakeSearch(ESCALATE))
    assert turn.reply == SmallTalkReply(SmallTalk.SOLVED)
    turn = dialogue.message(Conversation(), "вопрос не решён", FakeSearch(ESCALATE), open_ticket=7)
    assert turn.reply == AddToTicket(7, "вопрос не решён")


@pytest.mark.parametrize(
    ("typed", "read", "helpful"),
    [("yt gjvjukj", "не помогло", False), ("не памагло", "не помогло", False),
     ("ytn", "нет", False), ("lf", "да", True)],
)  # fmt: skip
def test_a_vote_typed_with_a_slip_or_in_the_wrong_layout_is_a_vote_once_read(
    dialogue: Dialogue, typed: str, read: str, helpful: bool
) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    repairs = tuple(zip(typed.split(), read.split(), strict=True))
    search.ranking = Ranking(Analysis(read, ("не",), repairs), HITS)
    turn = dialogue.message(conversation, typed, search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", helpful)
    assert turn.searched is None  # the search only read it


def test_a_title_typed_in_the_wrong_layout_at_a_list_picks_it(dialogue: Dialogue) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    search.ranking = Ranking(Analysis("не получается", ("получаться",)), HITS)
    _, reply = dialogue.message(conversation, "yt gjkexftncz", search)
    assert reply == ShowAnswer(CATALOG["cannot-end"], chosen=True)


def test_a_verdict_in_words_of_ones_own_with_nothing_shown_is_no_vote_but_a_problem_told(
    dialogue: Dialogue,
) -> None:
    said = Ranking(Analysis("ничего не работает", ("ничего", "не", "работать")), HITS)
    search = FakeSearch(CLARIFY, said)
    turn = dialogue.message(Conversation(), "ничего не работает", search)
    # Searched, no vote cast; its words say what is wrong but not with what: asked about.
    assert search.questions == ["ничего не работает"] and turn.vote is None
    assert turn.reply == Invite(trouble=True)
    assert dialogue.message(Conversation(), "не помогло", search).reply == Invite()


@pytest.mark.parametrize("said", ["всё равно не работает", "так и не заработало"])
def test_still_broken_in_words_of_ones_own_goes_to_the_open_ticket(
    dialogue: Dialogue, said: str
) -> None:
    turn = dialogue.message(Conversation(), said, FakeSearch(ESCALATE), open_ticket=7)
    assert turn.reply == AddToTicket(7, said)
    turn = dialogue.message(Conversation(), "да", FakeSearch(ESCALATE), open_ticket=7)
    assert turn.reply == Invite()  # «да» to nothing asked


def test_the_conversation_survives_json_storage(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    assert conversation.by_words
    stored = json.loads(json.dumps(conversation.as_dict()))
    assert Conversation.from_dict(stored) == conversation
    conversation, _ = dialogue.vote(conversation, helpful=False)
    stored = json.loads(json.dumps(conversation.as_dict()))
    assert Conversation.from_dict(stored) == conversation


def test_a_conversation_stored_before_by_words_existed_loads_as_ranked_by_meaning(
    dialogue: Dialogue,
) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    stored = conversation.as_dict()
    del stored["by_words"]
    assert Conversation.from_dict(stored) == replace(conversation, by_words=False)


# --- what a turn tells the caller to keep: the search made, the vote cast ---------------------


def test_a_new_question_carries_its_search(dialogue: Dialogue) -> None:
    turn = dialogue.message(Conversation(), "  как завершить поездку ", FakeSearch(CLARIFY))
    assert turn.searched == Searched("как завершить поездку", RANKING, CLARIFY)
    assert turn.vote is None


@pytest.mark.parametrize("decision", [ANSWER, CLARIFY, ESCALATE])
def test_every_decision_carries_the_search_it_came_from(
    dialogue: Dialogue, decision: Decision
) -> None:
    assert ask(dialogue, decision).searched == Searched("как завершить поездку", RANKING, decision)


def test_a_choice_or_a_request_searches_nothing(dialogue: Dialogue) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    assert dialogue.message(conversation, "2", search).searched is None
    assert dialogue.message(conversation, "позовите оператора", search).searched is None


@pytest.mark.parametrize(
    ("text", "helpful", "reply_type"),
    [("да, помогло", True, Thanks), ("нет", False, ShowChoices)],
)
def test_a_typed_yes_or_no_is_a_vote_on_the_article_shown(
    dialogue: Dialogue, text: str, helpful: bool, reply_type: type
) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(conversation, text, search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", helpful)
    assert isinstance(turn.reply, reply_type) and turn.searched is None


def test_a_thumbs_down_that_hands_over_is_still_a_vote(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, ANSWER)
    conversation, _ = dialogue.vote(conversation, helpful=False)
    conversation, _ = dialogue.choose(conversation, 1)
    turn = dialogue.vote(conversation, helpful=False)
    assert isinstance(turn.reply, HandOver)
    assert turn.vote == Vote("как завершить поездку", "cannot-end", helpful=False)


def test_a_new_question_or_a_request_while_an_article_waits_is_no_vote(
    dialogue: Dialogue,
) -> None:
    search = FakeSearch(ESCALATE)
    conversation, _ = ask(dialogue, ANSWER)
    assert dialogue.message(conversation, "где купить айфон", search).vote is None
    assert dialogue.message(conversation, "позовите оператора", search).vote is None


def test_a_turn_unpacks_as_conversation_and_reply(dialogue: Dialogue) -> None:
    turn = ask(dialogue, ANSWER)
    conversation, reply = turn
    assert (conversation, reply) == (turn.conversation, turn.reply)


# --- resume(): a button on an old message -----------------------------------------------------


def test_an_old_answer_resumes_waiting_for_its_vote(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    resumed = dialogue.resume(
        "как завершить поездку", waiting=Stage.FEEDBACK, article="end-trip", search=search
    )
    assert resumed.awaits_vote("end-trip") and resumed.candidates == HITS
    assert search.questions == ["как завершить поездку"]
    # ...and goes on exactly as the live conversation would have.
    live, _ = ask(dialogue, ANSWER)
    assert dialogue.vote(resumed, helpful=False) == dialogue.vote(live, helpful=False)


def test_an_old_list_resumes_with_the_article_pressed(dialogue: Dialogue) -> None:
    resumed = dialogue.resume(
        "завершить", waiting=Stage.CHOICE, article="zones", search=FakeSearch(CLARIFY)
    )
    assert resumed.lists("zones") and not resumed.lists("end-trip")
    conversation, reply = dialogue.pick(resumed, "zones")
    assert reply == ShowAnswer(CATALOG["zones"], chosen=True)
    assert conversation.awaits_vote("zones") and conversation.candidates == HITS


def test_a_hand_over_from_an_old_message_searches_nothing(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    resumed = dialogue.resume("вопрос", waiting=Stage.IDLE, article="refund", search=search)
    _, reply = dialogue.hand_over(resumed, HandOverReason.NOT_HELPED)
    assert isinstance(reply, HandOver) and reply.draft.tried == ("Возврат денег",)
    assert reply.draft.question == "вопрос" and search.questions == []


def test_resuming_a_vote_or_a_list_needs_the_article(dialogue: Dialogue) -> None:
    with pytest.raises(ValueError, match="needs the article"):
        dialogue.resume("вопрос", waiting=Stage.CHOICE, article=None, search=FakeSearch(ANSWER))


def test_pick_refuses_an_article_not_on_the_list(dialogue: Dialogue) -> None:
    conversation, _ = ask(dialogue, CLARIFY)
    assert dialogue.pick(conversation, "cannot-end").reply == ShowAnswer(
        CATALOG["cannot-end"], chosen=True
    )
    with pytest.raises(ValueError, match="not on the list"):
        dialogue.pick(conversation, "refund")


# --- the customer's words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "helpful"),
    [
        ("да", True),
        ("Да!", True),
        ("ДА, помогло", True),
        ("👍", True),
        ("+", True),
        ("спасибо", True),
        ("нет", False),
        ("Не помогло.", False),
        ("👎", False),
        ("неа", False),
        ("нету", False),
        ("Статья не помогла", False),  # the article is «она»
        ("спасибо, но не помогли", False),  # several were shown
        ("не помогла найти", None),
        ("Супер!", True),  # praise under an answer is a 👍
        ("👌", True),
        ("то, что нужно", True),
        ("да, это оно", True),
        ("не очень", False),  # half a help is no help
        ("частично", False),
        ("а как оплатить картой?", None),
        ("да, но как оплатить картой?", None),
        # a verdict in words of one's own: the verb in any form, filler around it
        ("нифига не помогло", False),
        ("вообще не помогло", False),
        ("всё равно не работает", False),
        ("так и не заработало", False),
        ("по-прежнему не работает", False),
        ("это не помогает", False),
        ("увы", False),
        ("Всё заработало!", True),
        ("ура, получилось", True),
        ("да, то что надо", True),
        ("помогло, но не до конца", False),
        # clauses that each say no
        ("не, не помогло", False),
        ("нет, не получилось", False),
        # a verb with a word of its own is a question or a detail
        ("не работает приложение", None),
        ("не могу выйти", None),
        ("вы вообще работаете?", None),  # a question to the bot, no verdict on an article
        ("работает?", None),
        ("помогите", None),
        ("не помогло, машина не закрывается", None),
    ],
)
def test_votes_in_words(text: str, helpful: bool | None) -> None:
    assert parse_vote(text) is helpful


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), (" 3. ", 3), ("№2", 2), ("0", 0), ("другое", 0), ("Ничего не подходит", None),
     ("4", None), ("12", None), ("первый", 1), ("Второе", 2), ("давайте третий", 3),
     ("номер 2", 2), ("последний", 3), ("пятое", None), ("как завершить", None),
     ("2-е", 2), ("3й", 3), ("может второе", 2), ("думаю, первое", 1), ("10-й", None)],
)  # fmt: skip
def test_choices_in_words(text: str, number: int | None) -> None:
    assert parse_choice(text, 3) == number


@pytest.mark.parametrize(
    ("text", "number"),
    [("не получается", 2), ("Не получается завершить", 2), ("зоны", 3), ("завершить аренду", 1),
     ("как завершить аренду", 1), ("аренды", None), ("штрафы", None), ("завершить поездку", None)],
)  # fmt: skip
def test_a_pick_by_the_words_of_a_title(text: str, number: int | None) -> None:
    titles = [TITLE["end-trip"], TITLE["cannot-end"], TITLE["zones"]]
    assert parse_title(text, titles) == number


@pytest.mark.parametrize(
    ("text", "rejected"),
    [("нет", True), ("Нет.", True), ("ничего не подходит", True), ("не то", True),
     ("не помогло", True), ("👎", True), ("второе", False), ("да", False), ("нет связи", False),
     ("Это не то", True), ("совсем не то!", True), ("мимо", True), ("не совсем", True),
     ("Я не об этом", True), ("вы меня не поняли", True), ("спасибо, но это не то", True),
     ("у меня другая проблема", True), ("не то списали", False), ("мимо дома", False),
     ("никакой", True), ("Ни одна", True), ("всё не то", True), ("опять не то", True),
     ("не, не то", True), ("ничего из этого не подходит", True), ("нет подходящего", True),
     ("никакой информации в приложении нет", False), ("ещё варианты", True),
     ("есть ещё?", True), ("все не подходят", True), ("нет, это не то", True),
     ("не то, я про другое", True), ("нет, у меня другое", True), ("неа не помогло", True),
     ("нет, машина не открывается", False)],
)  # fmt: skip
def test_no_in_words(text: str, rejected: bool) -> None:
    assert rejects(text) is rejected


@pytest.mark.parametrize(
    ("text", "opening"),
    [("Не помогло, машина всё ещё не закрывается", (False, "машина всё ещё не закрывается")),
     ("нет. Пишет ошибку E-42", (False, "Пишет ошибку E-42")),
     ("не то, мне про штрафы", (False, "мне про штрафы")),
     ("помогло, а как оплатить штраф?", (True, "а как оплатить штраф?")),
     ("нет, не помогло", None), ("не помогло, спасибо", None), ("не помогло((", None),
     ("машина не закрывается, не помогло", None), ("как завершить, если нет связи?", None)],
)  # fmt: skip
def test_a_vote_may_open_a_message_that_goes_on(
    text: str, opening: tuple[bool, str] | None
) -> None:
    assert opening_vote(text) == opening


# --- yes and no at a list, under an answer, and with nothing waiting -----------------------


@pytest.mark.parametrize(
    ("text", "picked"),
    [("2", "cannot-end"), ("второе", "cannot-end"), ("первый", "end-trip"),
     ("не получается", "cannot-end"), ("Зоны завершения", "zones")],
)  # fmt: skip
def test_a_list_is_answered_by_number_ordinal_or_title(
    dialogue: Dialogue, text: str, picked: str
) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    _, reply = dialogue.message(conversation, text, search)
    assert reply == ShowAnswer(CATALOG[picked], chosen=True)
    assert search.questions == ["завершить"]


@pytest.mark.parametrize("text", ["да", "Да!", "ага"])
def test_yes_to_a_list_of_one_picks_it_and_to_several_asks_which(
    dialogue: Dialogue, text: str
) -> None:
    search = FakeSearch(Clarify(hits=HITS[:1], confidence=0.5))
    one, _ = dialogue.message(Conversation(), "завершить", search)
    assert dialogue.message(one, text, search).reply == ShowAnswer(CATALOG["end-trip"], chosen=True)
    search = FakeSearch(CLARIFY)
    several, _ = dialogue.message(Conversation(), "завершить", search)
    still, reply = dialogue.message(several, text, search)
    assert isinstance(reply, ShowChoices) and reply.again and still == several
    assert search.questions == ["завершить"]  # «да» is never searched


@pytest.mark.parametrize("text", ["нет", "ничего не подходит", "не то", "👎"])
def test_no_to_a_list_offers_the_next_candidates_then_the_form(
    dialogue: Dialogue, text: str
) -> None:
    search = FakeSearch(Clarify(hits=HITS[:2], confidence=0.5))
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    conversation, reply = dialogue.message(conversation, text, search)
    assert reply == ShowChoices((CATALOG["zones"],), retry=True)
    _, reply = dialogue.message(conversation, text, search)
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.NOT_HELPED
    assert reply.draft.tried == (TITLE["end-trip"], TITLE["cannot-end"], TITLE["zones"])


@pytest.mark.parametrize(
    ("text", "helpful"),
    [("да", True), ("спасибо", True), ("Спасибо большое!", True), ("спасибо, помогло", True),
     ("Всё получилось, спасибо", True), ("нет", False), ("не помогло", False),
     ("спасибо, но ничего не помогло", False), ("👎", False), ("не то", False),
     ("это не то", False), ("мимо", False), ("вы меня не поняли", False)],
)  # fmt: skip
def test_yes_and_no_under_an_answer_are_votes(dialogue: Dialogue, text: str, helpful: bool) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(conversation, text, search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", helpful)
    if not helpful:  # the same as a 👎 button: the next candidates
        assert turn.reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)


@pytest.mark.parametrize(
    "text", ["нифига не помогло", "всё равно не работает", "не, не помогло", "увы", "не получается"]
)
def test_no_in_words_of_ones_own_under_an_answer_is_a_vote_not_a_question(
    dialogue: Dialogue, text: str
) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(conversation, text, search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", False)
    assert turn.reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)
    assert search.questions == ["как завершить поездку"]  # it had been searched, found nothing


def test_no_with_a_detail_under_an_answer_offers_the_articles_of_both_together(
    dialogue: Dialogue,
) -> None:
    ranked = Ranking(RANKING.analysis, (HITS[0], HITS[2], HITS[1]))
    search = FakeSearch(ANSWER, ranked)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку?", search)
    turn = dialogue.message(conversation, "Не помогло, машина всё ещё не закрывается", search)
    assert turn.vote == Vote("как завершить поездку?", "end-trip", False)
    # the detail is searched with the question it follows, the rejected article left out
    assert search.questions[-1] == "как завершить поездку? машина всё ещё не закрывается"
    assert turn.reply == ShowChoices((CATALOG["zones"], CATALOG["cannot-end"]), retry=True)
    _, reply = dialogue.message(turn.conversation, "нет", search)
    assert isinstance(reply, HandOver)
    assert reply.draft.question == "как завершить поездку? машина всё ещё не закрывается"


def test_a_detail_that_names_another_article_with_confidence_opens_it(
    dialogue: Dialogue,
) -> None:
    search = FakeSearch(CLARIFY)
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    search.decision = Answer(hit=HITS[1], confidence=0.95)  # the detail says which one
    turn = dialogue.message(conversation, "нет, двери не закрываются", search)
    assert turn.reply == ShowAnswer(CATALOG["cannot-end"], chosen=False)
    assert turn.conversation.retried  # a 👎 to it goes to people, not to a third list
    _, reply = dialogue.message(turn.conversation, "не помогло", search)
    assert isinstance(reply, HandOver)


def test_a_detail_that_names_the_article_turned_down_does_not_show_it_again(
    dialogue: Dialogue,
) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(conversation, "не то, машина не закрывается", search)
    assert turn.reply == ShowChoices((CATALOG["cannot-end"], CATALOG["zones"]), retry=True)


def test_yes_with_a_new_question_under_an_answer_is_a_vote_and_the_question(
    dialogue: Dialogue,
) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    search.decision = Answer(hit=HITS[4], confidence=0.9)
    turn = dialogue.message(conversation, "помогло, а как оплатить штраф?", search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", True)
    assert turn.reply == ShowAnswer(CATALOG["fines"], chosen=False)
    assert turn.searched is not None and turn.searched.question == "а как оплатить штраф?"


def test_no_and_anger_under_an_answer_hands_over_at_once(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(conversation, "не помогло, бесит", search)
    assert turn.vote == Vote("как завершить поездку", "end-trip", False)
    assert isinstance(turn.reply, HandOver) and turn.reply.reason is HandOverReason.NOT_HELPED


def test_follow_up_docstring_examples() -> None:
    failed, tried = doctest.testmod(follow_up)
    assert tried and not failed


class ScriptedSearch(FakeSearch):
    """The caller's search with a decision per question (``default`` for any other)."""

    def __init__(self, default: Decision, **by_question: Decision) -> None:
        super().__init__(default)
        self.by_question = {q.replace("_", " "): d for q, d in by_question.items()}

    def __call__(self, question: str) -> tuple[Ranking, Decision]:
        self.questions.append(question)
        return self.ranking, self.by_question.get(question, self.decision)


FOLLOWED = "как завершить поездку? а если нет интернета?"


def _under_an_answer(dialogue: Dialogue, search: FakeSearch) -> Conversation:
    search.decision, default = ANSWER, search.decision
    conversation, _ = dialogue.message(Conversation(), "как завершить поездку?", search)
    search.decision = default
    return conversation


def test_a_follow_up_found_nowhere_alone_is_searched_with_the_question_it_follows(
    dialogue: Dialogue,
) -> None:
    context = Answer(hit=HITS[1], confidence=0.9)
    search = ScriptedSearch(ESCALATE, **{FOLLOWED: context})
    conversation = _under_an_answer(dialogue, search)
    turn = dialogue.message(conversation, "а если нет интернета?", search)
    assert turn.reply == ShowAnswer(CATALOG["cannot-end"], chosen=False)
    assert turn.searched is not None and turn.searched.question == FOLLOWED
    assert turn.conversation.question == FOLLOWED  # a ticket from here would tell it whole
    _, reply = dialogue.message(turn.conversation, "не помогло", search)
    assert reply == ShowChoices((CATALOG["zones"],), retry=True)  # not end-trip again


def test_a_follow_up_at_a_list_may_open_an_article_of_the_list(dialogue: Dialogue) -> None:
    context = Answer(hit=HITS[1], confidence=0.9)
    search = ScriptedSearch(CLARIFY, **{"завершить. а если нет интернета?": context})
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    search.decision = ESCALATE
    turn = dialogue.message(conversation, "а если нет интернета?", search)
    assert turn.reply == ShowAnswer(CATALOG["cannot-end"], chosen=False)


def test_a_question_of_its_own_is_not_led_by_the_context_to_an_article_it_never_named(
    dialogue: Dialogue,
) -> None:
    question = "завершить. как вырастить кактус?"
    search = ScriptedSearch(CLARIFY, **{question: Answer(hit=HITS[1], confidence=0.9)})
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    search.decision = ESCALATE
    search.ranking = Ranking(Analysis("как вырастить кактус?", ("вырастить", "кактус")), HITS[3:])
    turn = dialogue.message(conversation, "как вырастить кактус?", search)
    assert isinstance(turn.reply, HandOver)
    assert turn.reply.draft.question == "как вырастить кактус?"  # it leans on nothing


def test_context_that_leads_where_the_question_before_led_anyway_is_not_taken(
    dialogue: Dialogue,
) -> None:
    question = "завершить. а у вас есть вакансии?"
    search = ScriptedSearch(CLARIFY, **{question: Answer(hit=HITS[0], confidence=0.9)})
    conversation, _ = dialogue.message(Conversation(), "завершить", search)
    search.decision = ESCALATE  # alone, the new words rank end-trip second, not first
    search.ranking = Ranking(Analysis("а у вас есть вакансии?", ("вакансия",)), HITS[3:] + HITS[:1])
    turn = dialogue.message(conversation, "а у вас есть вакансии?", search)
    assert isinstance(turn.reply, HandOver)


def test_a_follow_up_that_leads_back_to_the_article_shown_keeps_what_it_found_alone(
    dialogue: Dialogue,
) -> None:
    search = ScriptedSearch(ESCALATE, **{FOLLOWED: ANSWER})  # end-trip, the one shown
    conversation = _under_an_answer(dialogue, search)
    turn = dialogue.message(conversation, "а если нет интернета?", search)
    assert isinstance(turn.reply, HandOver)
    # ...but people get the question it follows with it: alone it tells them nothing
    assert turn.reply.draft.question == FOLLOWED
    assert turn.searched is not None and turn.searched.question == FOLLOWED  # for the authors


def test_choices_in_context_replace_a_ticket_but_not_choices_found_alone(
    dialogue: Dialogue,
) -> None:
    context = Clarify(hits=(HITS[2], HITS[0], HITS[3]), confidence=0.5)
    search = ScriptedSearch(ESCALATE, **{FOLLOWED: context})
    conversation = _under_an_answer(dialogue, search)
    _, reply = dialogue.message(conversation, "а если нет интернета?", search)
    # the article shown is left out of the list: the customer has it
    assert reply == ShowChoices((CATALOG["zones"], CATALOG["refund"]))
    search = ScriptedSearch(CLARIFY, **{FOLLOWED: context})
    conversation = _under_an_answer(dialogue, search)
    _, reply = dialogue.message(conversation, "а если нет интернета?", search)
    assert reply == ShowChoices(tuple(CATALOG[h.doc_id] for h in HITS[:3]))


@pytest.mark.parametrize(
    ("text", "in_context"),
    [("а если нет интернета?", True), ("а если нет интернета", True),
     ("где зоны парковки", True), ("у меня сел телефон", False)],
)  # fmt: skip
def test_only_a_question_or_words_leaning_on_the_last_are_searched_in_context(
    dialogue: Dialogue, text: str, in_context: bool
) -> None:
    search = ScriptedSearch(ESCALATE)
    conversation = _under_an_answer(dialogue, search)
    dialogue.message(conversation, text, search)
    assert (len(search.questions) == 3) is in_context


def test_a_follow_up_answered_alone_is_not_searched_again(dialogue: Dialogue) -> None:
    search = ScriptedSearch(Answer(hit=HITS[4], confidence=0.9))
    conversation = _under_an_answer(dialogue, search)
    turn = dialogue.message(conversation, "а как оплатить штраф?", search)
    assert turn.reply == ShowAnswer(CATALOG["fines"], chosen=False)
    assert search.questions == ["как завершить поездку?", "а как оплатить штраф?"]


@pytest.mark.parametrize("decision", [ESCALATE, CLARIFY, ANSWER])
@pytest.mark.parametrize(
    "analysis",
    [
        Analysis("фывапролджэ", ("фывапролджэ",), unreadable=True),  # keyboard mash
        Analysis("😀", (), unreadable=True),
        Analysis("а можно?", ()),  # words, but none that says what about
        Analysis("вчера вечером", ("вчера", "вечером")),  # when, not what
        Analysis("+79001234567", ("+79001234567",)),  # a phone number alone
        Analysis("k-1234 сегодня", ("k-1234", "сегодня")),  # an order number and a day
        Analysis("срочно!", ("срочно",)),
        Analysis("жду ответа", ("ждать",)),
    ],
)
def test_a_message_with_no_question_in_it_invites_one_whatever_it_matched(
    dialogue: Dialogue, analysis: Analysis, decision: Decision
) -> None:
    # What the encoder found: the word views matched no article (words_share 0).
    search = FakeSearch(decision, Ranking(analysis, HITS, engine="hybrid"))
    turn = dialogue.message(Conversation(), analysis.text, search)
    assert turn == Turn(Conversation(), Invite())  # no article, no form, nothing stored


@pytest.mark.parametrize(
    "analysis",
    [Analysis("не работает", ("не", "работать")),
     Analysis("ничего не получается", ("ничего", "не", "получаться")),
     Analysis("почему опять не работает?", ("почему", "опять", "не", "работать")),
     Analysis("всё перестало работать", ("перестать", "работать")),
     Analysis("всё сломалось", ("сломаться",)),
     Analysis("у меня проблема", ("проблема",)),
     Analysis("не могу", ("не",))],  # «мочь» is no term
)  # fmt: skip
def test_trouble_told_with_no_object_is_asked_about_not_guessed(
    dialogue: Dialogue, analysis: Analysis
) -> None:
    # The words matched an article's title word for word («Не получается завершить аренду»).
    search = FakeSearch(ANSWER, Ranking(analysis, HITS))
    turn = dialogue.message(Conversation(), analysis.text, search)
    # What exactly does not work? The answer is read with what was told.
    waiting = Conversation(question=analysis.text, stage=Stage.DETAIL)
    assert turn == Turn(waiting, Invite(trouble=True))


class DetailSearch:
    """A search of trouble and its detail: a ranking and a decision per question."""

    def __init__(self, **found: tuple[tuple[str, ...], tuple[Hit, ...], Decision]) -> None:
        self.found = {q.replace("_", " "): f for q, f in found.items()}
        self.questions: list[str] = []

    def __call__(self, question: str) -> tuple[Ranking, Decision]:
        self.questions.append(question)
        terms, hits, decision = self.found.get(question, ((), (), ESCALATE))
        return Ranking(Analysis(question, terms), hits), decision


TROUBLE = (("не", "получаться"), HITS, ANSWER)
HOW_TO_END = (("завершить", "аренда"), HITS, ANSWER)  # alone: «Как завершить аренду»
CANNOT_END = Answer(hit=HITS[1], confidence=0.9)
TOLD = "не получается. завершить аренду"


def _asked_what_exactly(dialogue: Dialogue, search: DetailSearch) -> Conversation:
    conversation, reply = dialogue.message(Conversation(), "не получается", search)
    assert reply == Invite(trouble=True) and conversation.stage is Stage.DETAIL
    return conversation


def test_a_detail_of_trouble_is_searched_with_the_trouble_it_details(dialogue: Dialogue) -> None:
    search = DetailSearch(
        не_получается=TROUBLE,
        завершить_аренду=HOW_TO_END,
        **{TOLD: (("не", "получаться", "завершить", "аренда"), HITS, CANNOT_END)},
    )
    conversation = _asked_what_exactly(dialogue, search)
    turn = dialogue.message(conversation, "завершить аренду", search)
    assert turn.reply == ShowAnswer(CATALOG["cannot-end"], chosen=False)  # not «Как завершить»
    assert turn.searched is not None and turn.searched.question == TOLD


def test_a_detail_keeps_its_own_reading_where_the_trouble_leads_elsewhere(
    dialogue: Dialogue,
) -> None:
    # «забронировать»: with «не получается» the words lead to «Не получается завершить
    # аренду», which the detail alone does not rank at all.
    own = (Hit("refund", 0.5), Hit("fines", 0.4))
    choices = Clarify(hits=own, confidence=0.4)
    search = DetailSearch(
        не_получается=TROUBLE,
        забронировать=(("забронировать",), own, choices),
        **{"не получается. забронировать": (("не", "забронировать"), HITS, CANNOT_END)},
    )
    conversation = _asked_what_exactly(dialogue, search)
    turn = dialogue.message(conversation, "забронировать", search)
    assert turn.reply == ShowChoices((CATALOG["refund"], CATALOG["fines"]), retry=False)
    # People get what the customer told, if it comes to them.
    assert turn.conversation.question == "не получается. забронировать"


@pytest.mark.parametrize(
    ("text", "terms", "decision"),
    [("как оплатить штраф?", ("оплатить", "штраф"), Answer(hit=HITS[4], confidence=0.9)),
     ("не могу войти в приложение", ("не", "войти", "приложение"), ESCALATE)],
)  # fmt: skip
def test_a_question_or_a_complaint_of_its_own_after_trouble_is_searched_alone(
    dialogue: Dialogue, text: str, terms: tuple[str, ...], decision: Decision
) -> None:
    search = DetailSearch(не_получается=TROUBLE, **{text: (terms, HITS, decision)})
    conversation = _asked_what_exactly(dialogue, search)
    turn = dialogue.message(conversation, text, search)
    assert search.questions == ["не получается", text]
    assert turn.searched is not None and turn.searched.question == text


def test_asked_what_exactly_a_yes_or_no_is_no_vote_and_a_person_gets_the_trouble(
    dialogue: Dialogue,
) -> None:
    search = DetailSearch(не_получается=TROUBLE)
    conversation = _asked_what_exactly(dialogue, search)
    assert dialogue.message(conversation, "не помогло", search).reply == Invite()
    _, reply = dialogue.message(conversation, "оператор", search)
    assert isinstance(reply, HandOver) and reply.draft.question == "не получается"
    _, reply = dialogue.message(conversation, "достали", search)
    assert isinstance(reply, HandOver) and reply.reason is HandOverReason.ASKED  # none shown


def test_a_conversation_waiting_for_a_detail_is_stored_and_read_back() -> None:
    waiting = Conversation(question="не работает", stage=Stage.DETAIL)
    assert Conversation.from_dict(waiting.as_dict()) == waiting
    assert not waiting.showing


@pytest.mark.parametrize(
    "terms",
    [("доставка", "завтра"), ("ошибка", "404"), ("вчера", "списать", "деньги"),
     ("проблема", "оплата"), ("ждать", "возврат"), ("не", "работать", "оплата"),
     ("ничего", "не", "приходить"), ("машина", "сломаться")],
)  # fmt: skip
def test_a_time_a_number_or_a_trouble_beside_a_topic_is_a_question(
    dialogue: Dialogue, terms: tuple[str, ...]
) -> None:
    ranking = Ranking(Analysis(" ".join(terms), terms), HITS)
    turn = dialogue.message(Conversation(), " ".join(terms), FakeSearch(ANSWER, ranking))
    assert not isinstance(turn.reply, Invite)


@pytest.mark.parametrize("text", ["5", "12", "7."])
def test_a_small_number_alone_is_no_question_even_if_an_article_has_it(
    dialogue: Dialogue, text: str
) -> None:
    number = text.rstrip(".")
    ranking = Ranking(Analysis(text, (number,)), HITS, engine="hybrid", words_share=0.9)
    turn = dialogue.message(Conversation(), text, FakeSearch(ESCALATE, ranking))
    assert turn == Turn(Conversation(), Invite())  # no form for a stray pick


@pytest.mark.parametrize(
    "ranking",
    [
        Ranking(Analysis("e-100", ("e-100",)), HITS),  # the word views' own ranking
        Ranking(Analysis("e-100", ("e-100",)), HITS, engine="hybrid", words_share=0.9),
    ],
)
def test_a_code_the_knowledge_base_has_is_a_question_alone(
    dialogue: Dialogue, ranking: Ranking
) -> None:
    turn = dialogue.message(Conversation(), "E-100", FakeSearch(ANSWER, ranking))
    assert not isinstance(turn.reply, Invite)  # an error code pasted from the screen


def test_a_real_question_nothing_fits_still_goes_to_people(dialogue: Dialogue) -> None:
    ranking = Ranking(Analysis("холодильник сломался", ("холодильник", "сломаться")), ())
    turn = dialogue.message(Conversation(), "холодильник сломался", FakeSearch(ESCALATE, ranking))
    assert isinstance(turn.reply, HandOver)


@pytest.mark.parametrize("text", ["да", "нет", "ничего не подходит"])
def test_yes_or_no_with_nothing_waiting_invites_a_question(dialogue: Dialogue, text: str) -> None:
    search = FakeSearch(ESCALATE)
    assert dialogue.message(Conversation(), text, search) == Turn(Conversation(), Invite())
    assert search.questions == []


# Typos, wrong layout and translit are repaired; «оператор связи», «сотрудник ДПС» are other
# people; a statement about a person («оператор не отвечает», «я поговорил с менеджером» is
# the known exception) is a question for the search, which may well have an article for it.
ASKS = [
    "оператор",
    "Оператора!",
    "ОПЕРАТОР пожалуйста",
    "живой человек",
    "позовите сотрудника",
    "соедините с человеком",
    "хочу поговорить с менеджером",
    "можно оператора?",
    "дайте живого оператора",
    "переключите на оператора",
    "свяжите со специалистом",
    "как связаться с оператором",
    "с оператором соедините",
    "Здравствуйте, позовите оператора пожалуйста",
    "позовите кого-нибудь из поддержки",
    "мне нужен живой человек, бот ничего не понимает",
    "нужен оператор по поводу штрафа",
    "тп",
    "опиратор",
    "позавите сотрудника",
    "саедините с челавеком",
    "хочу пагаварить с минеджером",
    "жывой человек",
    "jgthfnjh",
    "operator",
    # Someone, the live one, help from a person, and no bot:
    "можно мне с кем-нибудь поговорить",
    "позовите кого-нибудь",
    "дайте живого",
    "есть кто живой?",
    "а человек тут есть?",
    "нужна помощь специалиста",
    "не хочу с ботом общаться",
    "с роботом не хочу разговаривать, у меня списали деньги",
]
STATEMENTS = [
    "оператор связи не работает",
    "мобильный оператор не ловит в машине",
    "оператор не отвечает",
    "сотрудник ДПС выписал штраф",
    "сотрудник дал неправильный ответ",
    "менеджер по продажам обещал скидку",
    "человек поцарапал машину",
    "сколько человек можно посадить в машину",
    "можно ли возить 5 человек",
    "переведите деньги человеку",
    "не нужен оператор",
    "как завершить поездку",
    "нет",
    "кто-то списал деньги с карты",
    "кто-нибудь звонил мне из поддержки?",
    "аккумулятор живой, но машина не заводится",
    "нужна помощь с оплатой",
    "бот не помогает",
    "я не бот",
]


@pytest.mark.parametrize("text", ASKS)
def test_a_request_for_a_person_is_recognised(detector: HumanRequestDetector, text: str) -> None:
    assert detector.detect(text) is not None


@pytest.mark.parametrize("text", STATEMENTS)
def test_a_mention_of_a_person_is_not_a_request(detector: HumanRequestDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("позовите оператора", True),
        ("можно живого человека, пожалуйста?", True),
        ("нужен оператор по поводу штрафа", False),
        ("хочу поговорить с менеджером о скидке для компании", False),
        ("позовите кого-нибудь", True),
        ("не хочу с ботом общаться", True),
        ("не хочу с ботом общаться, у меня списали деньги дважды", False),
    ],
)
def test_a_bare_request_says_nothing_else(
    detector: HumanRequestDetector, text: str, bare: bool
) -> None:
    request = detector.detect(text)
    assert request is not None and request.bare is bare


def test_articles_removed_by_a_reload_are_left_out_of_the_hand_over(dialogue: Dialogue) -> None:
    from bot.dialogue import Conversation, HandOver, Stage

    gone = Hit("gone", 0.9)
    conversation = Conversation(
        question="вопрос", candidates=(gone,), shown=("gone",), stage=Stage.FEEDBACK, article="gone"
    )
    turn = dialogue.vote(conversation, helpful=False)
    assert isinstance(turn.reply, HandOver) and turn.reply.draft.tried == ()


# --- one ticket per problem: a question while a ticket is open is asked about first ---------


def test_a_question_while_a_ticket_is_open_is_asked_about_first(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    turn = dialogue.message(Conversation(), "как завершить поездку", search, open_ticket=1001)
    assert turn.reply == AskAboutTicket(1001) and turn.conversation.stage is Stage.TICKET
    assert turn.searched is None  # recorded once, when the customer says it is a new question


@pytest.mark.parametrize(
    ("text", "decision"),
    [("а машина всё ещё стоит", ESCALATE), ("позовите оператора", ANSWER),
     ("не могу завершить, позовите сотрудника", ANSWER),
     ("я тут, жду", CLARIFY)],  # a vague match is a detail of the ticket, not a new question
)  # fmt: skip
def test_with_nothing_to_answer_a_message_goes_to_the_open_ticket(
    dialogue: Dialogue, text: str, decision: Decision
) -> None:
    turn = dialogue.message(Conversation(), text, FakeSearch(decision), open_ticket=1001)
    assert turn == Turn(Conversation(), AddToTicket(1001, text))


@pytest.mark.parametrize(
    ("text", "screened"),
    [("номер заказа 4471, скрин приложил", True), ("машина всё ещё стоит у дома", True),
     ("как завершить поездку", False), ("а штрафы?", False)],
)  # fmt: skip
def test_in_an_open_ticket_only_a_question_by_its_form_gets_the_full_search(
    dialogue: Dialogue, text: str, screened: bool
) -> None:
    search, screen = FakeSearch(ANSWER), FakeSearch(ESCALATE)
    turn = dialogue.message(Conversation(), text, search, open_ticket=1001, screen=screen)
    assert (screen.questions, search.questions) == (([text], []) if screened else ([], [text]))
    assert isinstance(turn.reply, AddToTicket if screened else AskAboutTicket)


def test_a_detail_the_words_and_the_full_search_both_answer_is_asked_about(
    dialogue: Dialogue,
) -> None:
    search, screen = FakeSearch(ANSWER), FakeSearch(ANSWER)
    text = "завершить поездку не получается"
    turn = dialogue.message(Conversation(), text, search, open_ticket=7, screen=screen)
    assert turn.reply == AskAboutTicket(7)
    assert (screen.questions, search.questions) == ([text], [text])


@pytest.mark.parametrize("decision", [CLARIFY, ESCALATE])
def test_a_detail_only_the_words_answer_goes_to_the_ticket_unasked(
    dialogue: Dialogue, decision: Decision
) -> None:
    search, screen = FakeSearch(decision), FakeSearch(ANSWER)
    text = "машина всё ещё стоит"
    turn = dialogue.message(Conversation(), text, search, open_ticket=7, screen=screen)
    assert turn == Turn(Conversation(), AddToTicket(7, text))
    assert search.questions == [text]


def test_an_answer_the_ticket_tried_already_goes_to_the_ticket_unasked(
    dialogue: Dialogue,
) -> None:
    tried = ("Зоны завершения аренды", "как завершить аренду ")  # titles, as the form fills them
    text = "так и не получается завершить"
    turn = dialogue.message(Conversation(), text, FakeSearch(ANSWER), open_ticket=7, tried=tried)
    assert turn == Turn(Conversation(), AddToTicket(7, text))


def test_an_answer_the_ticket_has_not_tried_is_still_asked_about(dialogue: Dialogue) -> None:
    tried = ("Возврат денег", "перезагрузил телефон")  # what the customer typed counts as well
    turn = dialogue.message(
        Conversation(), "как завершить поездку", FakeSearch(ANSWER), open_ticket=7, tried=tried
    )
    assert turn.reply == AskAboutTicket(7)


@pytest.mark.parametrize(
    "text", ["1", "про заявку", "Это про заявку #1001", "да", "да, про неё", "это уточнение"]
)
def test_about_the_ticket_adds_the_message_to_it(dialogue: Dialogue, text: str) -> None:
    search = FakeSearch(ANSWER)
    waiting, _ = dialogue.message(Conversation(), "а машина всё ещё там", search, open_ticket=1001)
    turn = dialogue.message(waiting, text, search, open_ticket=1001)
    assert turn == Turn(Conversation(), AddToTicket(1001, "а машина всё ещё там"))
    assert search.questions == ["а машина всё ещё там"]  # once, to know whether to ask


@pytest.mark.parametrize("text", ["2", "новый вопрос", "Новый", "нет", "это другое", "второе"])
def test_a_new_question_is_answered_as_any_other(dialogue: Dialogue, text: str) -> None:
    search = FakeSearch(ANSWER)
    waiting, _ = dialogue.message(Conversation(), "как завершить поездку", search, open_ticket=1001)
    turn = dialogue.message(waiting, text, search, open_ticket=1001)
    assert turn.reply == ShowAnswer(CATALOG["end-trip"]) and turn.searched is not None
    assert search.questions == ["как завершить поездку"] * 2


def test_small_talk_while_a_ticket_is_open_is_not_asked_about(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    turn = dialogue.message(Conversation(), "спасибо", search, open_ticket=1001)
    assert turn.reply == SmallTalkReply(SmallTalk.THANKS)


def test_a_conversation_asked_about_survives_json_storage(dialogue: Dialogue) -> None:
    waiting, _ = dialogue.message(Conversation(), "а машина?", FakeSearch(ANSWER), open_ticket=7)
    assert Conversation.from_dict(json.loads(json.dumps(waiting.as_dict()))) == waiting


@pytest.mark.parametrize(
    ("text", "question"),
    [("Почему так долго", True), ("как завершить аренду", True), ("а штрафы?", True),
     ("Подскажите, где парковка", True), ("Быстро, но пришлось ждать ответа", False),
     ("Всё отлично", False), ("оператор был вежлив", False)],
)  # fmt: skip
def test_a_question_by_its_form(text: str, question: bool) -> None:
    assert looks_like_question(text) is question


# --- the ticket form: a new question typed instead of an answer ------------------------------


@pytest.mark.parametrize("decision", [ANSWER, CLARIFY])
def test_a_question_the_kb_knows_typed_in_the_form_may_be_a_new_one(
    dialogue: Dialogue, decision: Decision
) -> None:
    assert dialogue.asks_anew("как завершить поездку?", FakeSearch(decision))


@pytest.mark.parametrize("text", ["вчера вечером", "после обновления", "iPhone 12", "-"])
def test_an_answer_not_phrased_as_a_question_is_not_searched(dialogue: Dialogue, text: str) -> None:
    search = FakeSearch(ANSWER)
    assert not dialogue.asks_anew(text, search)
    assert search.questions == []  # an ordinary answer costs no search


def test_a_question_the_kb_has_nothing_for_is_taken_as_the_answer(dialogue: Dialogue) -> None:
    assert not dialogue.asks_anew("а почему так долго?", FakeSearch(ESCALATE))


def test_a_question_about_what_the_form_tried_already_is_the_forms_problem(
    dialogue: Dialogue,
) -> None:
    tried = ("Как завершить аренду",)  # the article the bot offered before the form
    assert not dialogue.asks_anew("как завершить поездку?", FakeSearch(ANSWER), tried)
    assert not dialogue.asks_anew("как завершить поездку?", FakeSearch(CLARIFY), tried)


# --- not understood, or angry, with no question in it ----------------------------------------


@pytest.mark.parametrize("talk", [SmallTalk.CONFUSED, SmallTalk.UPSET])
def test_confusion_or_anger_alone_is_answered_in_words_not_with_a_ticket(
    dialogue: Dialogue, talk: SmallTalk
) -> None:
    search = FakeSearch(ESCALATE)
    text = {SmallTalk.CONFUSED: "не понял", SmallTalk.UPSET: "вы издеваетесь?"}[talk]
    turn = dialogue.message(Conversation(), text, search)
    assert turn == Turn(Conversation(), SmallTalkReply(talk))
    assert search.questions == []  # never searched, so never a ticket about «не понял»


def test_not_understanding_an_answer_leaves_it_waiting_for_its_vote(dialogue: Dialogue) -> None:
    search = FakeSearch(ANSWER)
    waiting, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(waiting, "в смысле?", search)
    # Said to be about that article: the reply tells how to get the next ones.
    assert turn == Turn(waiting, SmallTalkReply(SmallTalk.CONFUSED, under_answer=True))


@pytest.mark.parametrize("decision", [ANSWER, CLARIFY])
def test_anger_at_what_was_offered_hands_that_question_to_people(
    dialogue: Dialogue, decision: Decision
) -> None:
    search = FakeSearch(decision)
    offered, _ = dialogue.message(Conversation(), "как завершить поездку", search)
    turn = dialogue.message(offered, "достали!", search)
    assert isinstance(turn.reply, HandOver)
    assert turn.reply.reason is HandOverReason.NOT_HELPED
    assert turn.reply.draft.question == "как завершить поездку"
