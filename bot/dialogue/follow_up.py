"""A question that goes on from the one before it: «а если нет интернета?» under the answer to
«как завершить поездку». Alone it finds no sure answer; searched with the question it follows,
it may. What is taken from such a search, and how the two are told as one (pure).

So does a detail the bot asked for: «завершить аренду» after «не получается» and «что именно
не работает?».
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.conversation import Conversation
from bot.dialogue.words import looks_like_question
from bot.policy import Answer, Clarify, Decision
from nlp.documents import Ranking

__all__ = [
    "SUPPORTED_WITHIN",
    "detail_taken",
    "follows_up",
    "joined",
    "leans",
    "taken_in_context",
]

#: A follow-up's context may lead only to an article its own words rank this high.
SUPPORTED_WITHIN = 5

#: Words that open a question leaning on the one before: «а если…», «и где это?».
_LEANING = frozenset({"а", "и", "но", "ну"})


def follows_up(conversation: Conversation, text: str) -> bool:
    """Whether ``text`` may lean on the question whose answer or choices are shown: phrased
    as a question, or opened by «а», «и», «но» («а если не получается»).

    Statements are not: tried on the demo, «хочу работать у вас» under «Как завершить
    аренду» was answered in context with «Не получается завершить аренду».
    """
    if not conversation.showing or not conversation.question:
        return False
    return looks_like_question(text) or leans(text)


def leans(text: str) -> bool:
    """Whether ``text`` opens with «а», «и», «но»: it goes on from what was said before.

    >>> leans("А если нет интернета?"), leans("как вырастить кактус?")
    (True, False)
    """
    words = text.casefold().split()
    return bool(words) and words[0].strip(",.") in _LEANING


def joined(question: str, more: str) -> str:
    """The question asked and what the customer added to it, as one question, as typed.

    >>> joined("Как завершить поездку?", "а если нет интернета?")
    'Как завершить поездку? а если нет интернета?'
    >>> joined("как завершить поездку", "машина не закрывается")
    'как завершить поездку. машина не закрывается'
    """
    before = question.strip()
    if not before:
        return more.strip()
    return f"{before}{' ' if before.endswith(('.', '!', '?', '…')) else '. '}{more.strip()}"


def taken_in_context(
    conversation: Conversation,
    decision: Decision,
    *,
    alone: Ranking | None,
    settled: bool,
) -> Decision | None:
    """What to show for a follow-up from the search of it with the question before
    (``decision``); None where that is no better than what it found alone.

    The article shown is left out: the customer has it and asks past it (an article on a
    list is not, the customer had only its title).

    :param alone: the follow-up's own ranking; the article the context leads to must be
        among its first :data:`SUPPORTED_WITHIN` (a new question of its own, «как вырастить
        кактус?» at a list about orders, got that list again from the context's words);
        None: the follow-up has no word that says what about («а если не получается?»).
        Nor may it lead where the question before led first, unless the new words do too
    :param settled: alone, the follow-up found choices to offer; only a sure answer in
        context replaces them (choices in context, led by another article than the one
        shown, replace nothing found or a ticket)
    """
    shown = conversation.article
    match decision:
        case Answer(hit=hit) if hit.doc_id != shown:
            lead = hit.doc_id
        case Clarify(hits=(first, *rest)) if not settled and first.doc_id != shown:
            # Led by the article shown, the rest of a list is what is left, not a lead.
            lead = first.doc_id
            decision = replace(decision, hits=(first, *(h for h in rest if h.doc_id != shown)))
        case _:
            return None
    own = [hit.doc_id for hit in alone.hits[:SUPPORTED_WITHIN]] if alone is not None else []
    if alone is not None and lead not in own:
        return None
    before = conversation.candidates[0].doc_id if conversation.candidates else None
    if lead == before and own[:1] != [before]:
        return None  # where the question before led anyway: the new words added nothing
    return decision


def detail_taken(told: Decision, *, alone: Ranking, alone_decision: Decision) -> bool:
    """Whether a detail of trouble («завершить аренду», typed when asked what exactly does not
    work after «не получается») is read by the search of it with the trouble (``told``)
    rather than by its own (``alone``, ``alone_decision``).

    With the trouble, «завершить аренду» is «Не получается завершить аренду», not «Как
    завершить аренду». But trouble words match any article titled «Не получается…»: the
    article the two lead to must be among the detail's own first :data:`SUPPORTED_WITHIN`
    («забронировать» was led to «Не получается завершить аренду»), and a sure answer to the
    detail alone is not traded for choices («оплата картой»).
    """
    match told:
        case Answer(hit=hit):
            lead = hit.doc_id
        case Clarify(hits=(first, *_)):
            lead = first.doc_id
        case _:
            return False
    if isinstance(alone_decision, Answer) and not isinstance(told, Answer):
        return False
    own = [hit.doc_id for hit in alone.hits[:SUPPORTED_WITHIN]]
    return not own or lead in own
