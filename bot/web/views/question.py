"""``/try?q=``: what the bot would do with a question: the decision and the best articles.

The same order as the dialogue's (:meth:`bot.dialogue.Dialogue.message`): a request for a
person goes to people whatever the search says; small talk is answered in kind and searches
nothing (typed with a slip, it is told once the search has read it); «да» or «нет» with nothing
before it, and a message with no question in it, get an invitation to ask.

For an answer or a list, the page also shows what a «нет» would bring next, by the dialogue
itself: the next articles (ranked again by meaning where the words alone had decided), or
people.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.dialogue import (
    Conversation,
    Dialogue,
    Search,
    ShowChoices,
    asks_nothing,
    parse_vote,
    rejects,
    small_talk_once_read,
    tells_trouble,
)
from bot.policy import Answer, Clarify, Decision
from bot.serving.answers import QUESTION_LIMIT
from bot.web.pages import render
from bot.web.site import site
from kb.article import Article
from nlp.documents import Ranking

__all__ = ["try_question"]


async def try_question(request: web.Request) -> web.StreamResponse:
    answers = site(request).answers.pinned()
    text = request.query.get("q", "").strip()
    context: dict[str, Any] = {"question": text, "too_long": len(text) > QUESTION_LIMIT}
    if text and len(text) <= QUESTION_LIMIT:
        dialogue = answers.dialogue
        wants_person = dialogue.detector.detect(text) is not None
        talk = None if wants_person else dialogue.small_talk(text)
        if talk is not None:
            context.update(decision="small_talk", talk=talk.value)
            return render(request, "try", **context)
        ranking, decision = await answers.off_loop(answers.search, text)
        talk = None if wants_person else small_talk_once_read(ranking, dialogue.small_talk)
        if talk is not None:  # «спасиб», «здраствуйте»: small talk typed with a slip
            context.update(decision="small_talk", talk=talk.value)
            return render(request, "try", **context)
        # What the customer would see of each article: the answer, a button beside it, a choice.
        offered: dict[str, str] = {}
        if isinstance(decision, Answer):
            offered[decision.hit.doc_id] = "ответ"
            offered.update((hit.doc_id, "рядом с ответом") for hit in decision.related)
        elif isinstance(decision, Clarify):
            offered.update((hit.doc_id, "вариант") for hit in decision.hits)
        # «да», «не помогло»: a reply to what was shown, no question of its own (as a first
        # message: «всё равно не работает» is searched there, as a problem told vaguely).
        reply = parse_vote(text, loosely=False) is not None or rejects(text, loosely=False)
        nothing = asks_nothing(ranking) or reply
        if nothing and not wants_person:
            offered = {}  # the bot shows none of them: it asks for a question
        if not (wants_person or nothing) and isinstance(decision, Answer | Clarify):
            context["after_no"] = await answers.off_loop(
                _after_no, dialogue, text, ranking, decision, answers.search
            )
        context.update(
            decision=decision.kind,
            confidence=decision.confidence,
            wants_person=wants_person,
            asks_nothing=nothing,
            trouble=nothing and not reply and tells_trouble(ranking),
            a_reply=reply,
            hits=[
                (hit, answers.get(hit.doc_id), offered.get(hit.doc_id, "")) for hit in ranking.hits
            ],
            analysis=ranking.analysis,
        )
    return render(request, "try", **context)


def _after_no(
    dialogue: Dialogue, text: str, ranking: Ranking, decision: Decision, search: Search
) -> list[Article]:
    """The articles a «нет» to what the bot shows for ``text`` would offer next; none: it
    would hand the question to people."""
    shown = dialogue.ask(Conversation(), text, ranking, decision)
    _, reply = dialogue.message(shown.conversation, "нет", search)
    return list(reply.articles) if isinstance(reply, ShowChoices) else []
