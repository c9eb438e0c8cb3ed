"""The conversation rules: what to show next for one question: an answer, choices, or people.

The caller searches and decides
(:class:`kb.index.Index`, :func:`bot.policy.decide`); :class:`Dialogue` turns the decision and
what the customer has already seen into a :data:`Reply`, and returns the next
:class:`Conversation` beside it. Nothing here prints, sends or stores anything::

    message(conversation, text, search, open_ticket=None) -> Turn(conversation, reply, ...)
        ask(conversation, question, ranking, decision)   a new question
        choose(conversation, number)                     a numbered choice was picked
        pick(conversation, article_id)                   the same, by the article's button
        vote(conversation, helpful)                      👍 / 👎 on the article shown
        hand_over(conversation, reason)                  the customer wants people
    resume(question, waiting, article, search) -> Conversation
                                                     a button on an old message: the
                                                     conversation it was sent in, rebuilt

    Reply = ShowAnswer | ShowChoices | Thanks | SmallTalkReply | Invite
          | AskAboutTicket | AddToTicket | HandOver

One ticket per problem: while the customer has ticket ``open_ticket`` open, a message the
knowledge base could answer is asked about first (:class:`AskAboutTicket`, stage ``TICKET``):
«1» / «про заявку» adds it to the ticket (:class:`AddToTicket`); «2» / «новый вопрос» takes
it as a new question, answered as any other. A message it has no answer for, or a request
for a person, goes to the open ticket at once, and the customer is told so (a customer has
one open ticket at a time: there is no other place for it); so does a message answered by an
article the ticket says was tried (the customer said it did not help). No form either way.

Yes and no mean one thing everywhere. At a list: a number, «второе», words of one title pick
it; «да» picks the only choice (several: the list again); «0» / «другое» hand over;
«нет» / «ничего не подходит» are a 👎 to the list. Under an answer: «да» / «спасибо» are a 👍,
«нет» / «не помогло» a 👎. A 👎 (or its words) offers the next credible candidates once, if
there are any, then the form, pre-filled with everything shown. A bare «да» / «нет» with
nothing waiting is no question: the customer is invited to ask one (:class:`Invite`); so is a
message with no word in it (keyboard mash, a lone emoji: ``Analysis.unreadable``) or none
that says what it is about («ок», «а можно?»), rather than guessed at or handed to people.

An answer the engine was torn about comes with its close runners-up (``Answer.related``),
numbered: a number or their button shows that article instead (no vote on the first).

Small talk («привет», «спасибо», «ты бот?», :mod:`nlp.small_talk`) is answered from a template
and leaves the conversation where it was: it is never searched, never handed over. «Спасибо»
while an article waits for a vote is a 👍. A greeting followed by a question is the question.

A :class:`Turn` says everything the caller keeps or sends: the next conversation, the reply,
the search a new question made (the ranking and the decision, to store) and the vote a 👍 / 👎
or a typed «да» / «нет» cast (:mod:`bot.dialogue.replies`). Callers never work these out again
from the reply's type.

A :class:`HandOver` carries a :class:`~bot.tickets.TicketDraft` pre-filled with the question and
the titles of every article offered for it (none of them helped, or there would be no hand-over).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import assert_never

from bot.dialogue.conversation import Conversation, Stage, Turn
from bot.dialogue.follow_up import detail_taken, follows_up, joined, leans, taken_in_context
from bot.dialogue.human_request import HumanRequestDetector
from bot.dialogue.replies import (
    AddToTicket,
    AskAboutTicket,
    HandOver,
    HandOverReason,
    Invite,
    Remark,
    Searched,
    ShowAnswer,
    ShowChoices,
    SmallTalkReply,
    Thanks,
    Vote,
)
from bot.dialogue.words import (
    asks_for_news,
    looks_like_question,
    names_all,
    opening_vote,
    parse_choice,
    parse_ticket_or_new,
    parse_title,
    parse_vote,
    rejects,
    says_solved,
)
from bot.policy import Answer, Clarify, Decision, Escalate, Thresholds
from bot.tickets import TicketDraft
from kb.article import Article, Catalog
from nlp.documents import Ranking
from nlp.small_talk import THANKFUL, SmallTalk
from nlp.small_talk import detect as detect_small_talk
from nlp.stopwords import TROUBLE, VAGUE, WHEN

__all__ = [
    "Dialogue",
    "Search",
    "SmallTalkDetector",
    "asks_nothing",
    "small_talk_once_read",
    "tells_trouble",
]


Search = Callable[[str], tuple[Ranking, Decision]]
"""Searches a question and decides: ``index.search(q, k=10)`` then ``decide(ranking)``."""

SmallTalkDetector = Callable[[str], SmallTalk | None]
"""Tells small talk from a question: :func:`nlp.small_talk.detect`."""

Rank = Callable[[str], Ranking]
"""Ranks a question by every view, the encoder's too: ``index.search(q, k=10, thorough=True)``."""


def asks_nothing(ranking: Ranking) -> bool:
    """Whether the searched message holds no question: no word in it («фывапролдж», «😀»),
    or none that says what it is about («ок», «а можно?», «вчера вечером», «проблема»,
    «ничего не работает», «срочно», a phone number alone). The customer is invited to ask.

    Numbers and codes alone are a question when the knowledge base has one of them (an
    error code pasted from the screen, «E-100»), not otherwise (a phone, an order number).
    A number of one or two digits alone never is: it is a pick from a list no longer shown
    («5» under an answer), and every knowledge base has «5» somewhere («3–5 дней»), so it was
    searched and, nothing fitting, opened the ticket form.
    """
    if ranking.analysis.unreadable:
        return True
    # «не» says nothing of what either: «не проблема» was handed over as a question.
    topics = [
        term
        for term in ranking.analysis.terms
        if term not in WHEN and term not in VAGUE and term != "не"
    ]
    if any(not _is_number(term) for term in topics):
        return False
    if topics and all(term.isdigit() and len(term) <= 2 for term in topics):
        return True
    return not (topics and _words_matched(ranking))


def tells_trouble(ranking: Ranking) -> bool:
    """Whether the message says something does not work (:data:`nlp.stopwords.TROUBLE`) or
    cannot be done («не могу»: «мочь» is no term); with :func:`asks_nothing`, a complaint
    with no object: «ничего не работает», «опять не получается», «проблема»."""
    return any(term in TROUBLE or term == "не" for term in ranking.analysis.terms)


def small_talk_once_read(
    ranking: Ranking, detect: SmallTalkDetector = detect_small_talk
) -> SmallTalk | None:
    """Small talk typed with a slip («спасиб», «здраствуйте», «как дила»), told once the
    search has read the words: as typed they are no phrase, and as a question no article
    fits. None for a message the search repaired nothing in (it was looked at as typed)."""
    if not ranking.analysis.repairs:
        return None
    return detect(ranking.analysis.repaired_text)


def _is_number(term: str) -> bool:
    return any(ch.isdigit() for ch in term)


def _words_matched(ranking: Ranking) -> bool:
    """Whether the word views found the message's words in some article."""
    return (ranking.engine == "lexical" and bool(ranking.hits)) or ranking.words_share > 0


class Dialogue:
    """The conversation rules over one catalog.

    :param catalog: the articles that rankings name
    :param detector: recognises "позовите оператора"; one over a fresh lemmatizer if omitted
    :param thresholds: ``choices`` and ``choice_ratio`` bound the next-best offer after a 👎
    :param small_talk: tells «привет» from a question; :func:`nlp.small_talk.detect` if omitted
    :param rank_fully: ranks a question answered by its words alone again by meaning too,
        before a «нет» offers the next ones (which the words alone order by any word shared:
        «Штрафы ГИБДД» after «Деньги списали дважды»); omitted: the candidates as found.
        It embeds the question (tens of ms): a caller on an event loop runs :meth:`vote`
        and :meth:`message` in a worker thread
    """

    def __init__(
        self,
        catalog: Catalog,
        detector: HumanRequestDetector | None = None,
        thresholds: Thresholds | None = None,
        small_talk: SmallTalkDetector | None = None,
        rank_fully: Rank | None = None,
    ) -> None:
        self.catalog = catalog
        self.detector = detector or HumanRequestDetector()
        self.thresholds = thresholds or Thresholds()
        self.small_talk = small_talk or detect_small_talk
        self.rank_fully = rank_fully

    def message(
        self,
        conversation: Conversation,
        text: str,
        search: Search,
        open_ticket: int | None = None,
        screen: Search | None = None,
        tried: Collection[str] = (),
    ) -> Turn:
        """A message typed by the customer, whatever the stage.

        An answer to «про заявку или новый вопрос?» first; then a request for a person; a
        number while choices are shown, a yes/no while an article waits for a vote; then small
        talk; anything else is a new question, searched with ``search``. While a ticket is
        open, a new question or a request is asked about before either.

        :param text: the message; must not be blank (callers answer blanks themselves)
        :param open_ticket: the number of the customer's open ticket, if they have one
        :param screen: a cheaper ``search`` (the word views alone) for a message in an open
            ticket that is not phrased as a question; ``search`` if omitted
        :param tried: what the open ticket says was tried (:attr:`TicketDraft.tried`: the
            titles of the articles the customer said did not help)
        """
        if not text.strip():
            raise ValueError("a blank message has no question in it")
        if conversation.stage is Stage.TICKET:
            about_ticket = parse_ticket_or_new(text)
            if about_ticket is not None:
                return self.about_ticket(conversation, about_ticket, search)
            conversation = Conversation()  # neither: a message of its own, asked about afresh
        request = self.detector.detect(text)
        if request is not None and open_ticket is not None:
            # People have the ticket already: the request goes to them, with its words.
            return Turn(Conversation(), AddToTicket(open_ticket, text.strip()))
        if request is not None:
            # A request that says more («позовите оператора: вчера списали дважды») goes to
            # people with its words, after the question it follows, if any: the words had
            # been dropped for that question, and with them what the customer asked about.
            asked = conversation.question
            if not request.bare:
                asked = joined(asked, text)
            return self.hand_over(replace(conversation, question=asked), HandOverReason.ASKED)
        talk = self.small_talk(text)
        remark = None
        if open_ticket is not None:  # read only where a ticket could take it
            remark = Remark.SOLVED if talk is SmallTalk.SOLVED else _remark_of(text)
        if open_ticket is not None and remark is not None:
            # «всё, разобрался» or «когда ответите?» while people have the ticket: they must
            # read it (it had got «рад, что получилось» and stayed open in their queue), and
            # the customer may close it, or is told where it stands; nothing to search.
            return Turn(Conversation(), AddToTicket(open_ticket, text.strip(), remark))
        opening = opening_vote(text) if conversation.showing else None
        if conversation.stage is Stage.CHOICE:
            turn = self._at_list(conversation, text, talk)
            if turn is not None:
                return turn
            if opening is not None and not opening[0]:
                return self._not_these_because(conversation, opening[1], search)
        if conversation.stage is Stage.FEEDBACK:
            number = parse_choice(text, len(conversation.choices)) if conversation.choices else None
            if number:  # one of the related articles beside the answer («0» means nothing here)
                return self.choose(conversation, number)
            helpful = False if rejects(text) else parse_vote(text)
            if talk in THANKFUL:
                helpful = True  # «спасибо большое!» under an answer: it helped
            if helpful is not None:
                return self.vote(conversation, helpful)
            if opening is not None:
                helped, rest = opening
                return self._vote_and_more(
                    conversation, helped, rest, search, open_ticket, screen, tried
                )
        if talk is SmallTalk.UPSET and conversation.question:
            # Angry at what was offered for a question: people take that question now, not
            # another list («вы издеваетесь?» under an answer or a list); or at being asked
            # what exactly does not work: nothing was offered, people are wanted.
            reason = HandOverReason.NOT_HELPED if conversation.showing else HandOverReason.ASKED
            return self.hand_over(conversation, reason)
        if talk is not None:
            return Turn(conversation, self._small_talk_reply(conversation, talk))
        # With an article or a list shown, «всё равно не работает» was read above; with
        # nothing shown it is a first message about a problem, searched as such.
        loosely = conversation.showing
        vote = parse_vote(text, loosely=loosely)
        if vote is not None or rejects(text, loosely=loosely):
            # «да» to nothing: not a question to search. «всё равно не работает» in words of
            # one's own, while people have a ticket, tells them the problem is still there.
            if open_ticket is None or vote is True or rejects(text, loosely=False):
                return Turn(conversation, Invite())
        if open_ticket is not None:
            return self._ticket_or_new(text, open_ticket, search, screen, tried)
        ranking, decision = search(text)
        read = ranking.analysis.repaired_text
        if (
            conversation.showing
            and read != text.strip()
            and (parse_vote(read) is not None or rejects(read))
        ):
            # «yt gjvjukj», «не памагло»: a vote typed with a slip, once the search read it
            # (it had been searched as a question); read so, it searches nothing more.
            return self.message(conversation, read, search, open_ticket, screen, tried)
        if conversation.stage is Stage.DETAIL and self._details(text, ranking, decision):
            # «не получается» — «что именно?» — «завершить аренду»: searched alone, «Как
            # завершить аренду»; with the trouble it details, «Не получается завершить аренду».
            # The customer told the two as one, and people get them so if it comes to them.
            text = joined(conversation.question, text)
            both, both_decision = search(text)
            if detail_taken(both_decision, alone=ranking, alone_decision=decision):
                ranking, decision = both, both_decision
        talk = small_talk_once_read(ranking, self.small_talk)
        if talk in THANKFUL and conversation.stage is Stage.FEEDBACK:
            return self.vote(conversation, True)
        if talk is not None:
            return Turn(conversation, self._small_talk_reply(conversation, talk))
        nothing = asks_nothing(ranking)
        follows = not isinstance(decision, Answer) and follows_up(conversation, text)
        if follows:
            turn = self._in_context(
                conversation,
                text,
                search,
                alone=None if nothing else ranking,
                settled=not nothing and isinstance(decision, Clarify),
            )
            if turn is not None:
                return turn
        if nothing:
            # Whatever it matched, it is no question for an article or for people; the
            # customer is asked to put it in words («не получается»: what exactly, and the
            # answer is read with it).
            if tells_trouble(ranking):
                asking = Conversation(question=text.strip(), stage=Stage.DETAIL)
                return Turn(asking, Invite(trouble=True))
            return Turn(conversation, Invite())
        turn = self.ask(conversation, text.strip(), ranking, decision)
        if follows and leans(text) and isinstance(turn.reply, HandOver):
            # People get the question it follows too: «а если оставлю тут?» alone tells an
            # agent nothing of the trip that would not end («как вырастить кактус?» needs
            # nothing before it).
            # The authors' report lists it so too: the fragment alone is no question to
            # write an article for.
            told = joined(conversation.question, text)
            draft = TicketDraft.from_question(told, rejected_articles=turn.reply.draft.tried)
            searched = replace(turn.searched, question=told) if turn.searched else None
            turn = replace(turn, reply=replace(turn.reply, draft=draft), searched=searched)
        return turn

    @staticmethod
    def _details(text: str, alone: Ranking, decision: Decision) -> bool:
        """Whether ``text``, typed when asked what exactly does not work, says what (to be read
        with the trouble it details) rather than being a question or a complaint of its own:
        «как оплатить штраф?» that an article answers, «не могу войти в приложение»."""
        if tells_trouble(alone):
            return False
        return not (looks_like_question(text) and isinstance(decision, Answer))

    def _in_context(
        self,
        conversation: Conversation,
        text: str,
        search: Search,
        *,
        alone: Ranking | None,
        settled: bool,
    ) -> Turn | None:
        """A question under an answer or a list that alone finds no sure answer, searched with
        the question it follows (:mod:`~bot.dialogue.follow_up`): «а если нет интернета?»
        after «как завершить поездку» (alone, a ticket form; with it, «Не получается
        завершить аренду»). None if that is no better; ``alone`` and ``settled`` as for
        :func:`~bot.dialogue.follow_up.taken_in_context`.
        """
        question = joined(conversation.question, text)
        ranking, decision = search(question)
        taken = taken_in_context(conversation, decision, alone=alone, settled=settled)
        if taken is None:
            return None
        turn = self.ask(conversation, question, ranking, taken)
        # The article shown stays seen: a «нет» to what follows does not offer it again.
        shown = (conversation.article,) if conversation.article else ()
        seen = _with(shown, turn.conversation.shown)
        return replace(turn, conversation=replace(turn.conversation, shown=seen))

    def about_ticket(self, conversation: Conversation, about: bool, search: Search) -> Turn:
        """The answer to «про заявку или новый вопрос?» (typed, or by button).

        :param about: ``True``: add the message to the ticket; ``False``: a new question
        :raises ValueError: nothing was asked about
        """
        if conversation.stage is not Stage.TICKET or conversation.ticket is None:
            raise ValueError(
                f"no ticket was asked about: the conversation is at {conversation.stage}"
            )
        if about:
            return Turn(Conversation(), AddToTicket(conversation.ticket, conversation.question))
        return self.message(Conversation(), conversation.question, search)

    def ask(
        self, conversation: Conversation, question: str, ranking: Ranking, decision: Decision
    ) -> Turn:
        """A new question: answer it, offer choices, or hand it over.

        :param conversation: the conversation so far; a new question starts afresh
        :param ranking: the question's ranking (10 hits give next-best offers room)
        """
        fresh = Conversation(question=question, candidates=ranking.hits, by_words=ranking.by_words)
        match decision:
            case Answer(hit=hit, related=related):
                beside = tuple(h.doc_id for h in related if h.doc_id in self.catalog)
                turn = self._answer(fresh, hit.doc_id, chosen=False, related=beside)
            case Clarify(hits=hits):
                turn = self._offer(fresh, tuple(hit.doc_id for hit in hits), retry=False)
            case Escalate():
                turn = self.hand_over(fresh, HandOverReason.NOT_FOUND)
            case _:
                assert_never(decision)
        return replace(turn, searched=Searched(question, ranking, decision))

    def choose(self, conversation: Conversation, number: int) -> Turn:
        """The customer picked ``number`` (1-based) from the list shown (choices, or the related
        articles beside an answer); 0 means "other".

        :raises ValueError: no list is shown, or the number is not on it
        """
        if not conversation.choices or not conversation.showing:
            raise ValueError(f"no choices are shown: the conversation is at {conversation.stage}")
        if number == 0:
            return self.hand_over(conversation, HandOverReason.NOT_HELPED)
        if not 1 <= number <= len(conversation.choices):
            raise ValueError(f"choice {number} is not in 1..{len(conversation.choices)}")
        return self._answer(conversation, conversation.choices[number - 1], chosen=True)

    def pick(self, conversation: Conversation, article_id: str) -> Turn:
        """The customer pressed the button of ``article_id`` on the list shown.

        :raises ValueError: the article is not on the list shown
        """
        if not conversation.lists(article_id):
            raise ValueError(f"article {article_id!r} is not on the list shown")
        return self.choose(conversation, conversation.choices.index(article_id) + 1)

    def vote(self, conversation: Conversation, helpful: bool) -> Turn:
        """👍 ends the conversation; 👎 offers the next-best candidates once, then people.

        :raises ValueError: no article waits for a vote
        """
        if conversation.stage is not Stage.FEEDBACK or conversation.article is None:
            raise ValueError(f"no vote is expected: the conversation is at {conversation.stage}")
        cast = Vote(conversation.question, conversation.article, helpful)
        if helpful:
            return Turn(Conversation(), Thanks(), vote=cast)
        return replace(self._not_these(conversation), vote=cast)

    def _ticket_or_new(
        self,
        text: str,
        number: int,
        search: Search,
        screen: Search | None = None,
        tried: Collection[str] = (),
    ) -> Turn:
        """A message while ticket ``number`` is open: ask whether it is a new question only
        when the knowledge base answers it with confidence; anything else (a detail, a
        screenshot's caption, a vague match the bot would only guess at) belongs to the open
        ticket, the customer's one place for now (one open ticket at a time).

        A message not phrased as a question is screened by ``screen`` when given: a
        customer's burst of details then costs a millisecond each, not an embedding each
        (tens of ms, which queued a burst's messages for seconds). A new question so
        phrased that only the encoder would know it (about one in ten on the dev sets) then
        joins the ticket, where the agents read it. What the words alone would answer is
        searched in full before the customer is asked: one shared word is enough for them
        («всё ещё жду» and an article's «Сколько ждать проверку»), not for the whole engine.

        An answer the ticket has tried already is no new question: «код так и не пришёл»
        after «Не приходит код для входа» did not help is the ticket's problem, still there.
        """
        if screen is not None and not looks_like_question(text):
            ranking, decision = screen(text)
            if isinstance(decision, Answer):
                ranking, decision = search(text)
        else:
            ranking, decision = search(text)
        read = ranking.analysis.repaired_text  # «ye xnj nfv?» read as «ну что там?»
        remark = _remark_of(read) if read != text else None
        if remark is not None:
            return Turn(Conversation(), AddToTicket(number, text.strip(), remark))
        if not isinstance(decision, Answer) or self._was_tried(decision.hit.doc_id, tried):
            return Turn(Conversation(), AddToTicket(number, text.strip()))
        waiting = Conversation(question=text.strip(), stage=Stage.TICKET, ticket=number)
        return Turn(waiting, AskAboutTicket(number))

    def asks_anew(self, text: str, search: Search, tried: Collection[str] = ()) -> bool:
        """Whether ``text``, typed at a question of the ticket form, reads as a new question
        rather than an answer to it: phrased as a question, and led by an article the
        knowledge base answers with or offers among choices, one the form's problem has not
        tried already.

        «как поменять тариф» at «Когда это началось?» would otherwise go to the agent as the
        time. The customer is asked which it is (:data:`~bot.dialogue.ticket_form.ASKS_ANEW_AT`),
        so a list of choices is enough here, where an open ticket asks only about a confident
        answer (:meth:`message`): a question's form already says much, and a wrong guess costs
        one button. Nothing found, or a repeat of the form's own problem («код так и не
        пришёл?»), stays an answer.

        :param tried: what the form's draft says was tried (:attr:`TicketDraft.tried`)
        """
        if not text.strip() or not looks_like_question(text):
            return False
        _, decision = search(text)
        match decision:
            case Answer(hit=hit) | Clarify(hits=(hit, *_)):
                return not self._was_tried(hit.doc_id, tried)
        return False

    def _was_tried(self, article_id: str, tried: Collection[str]) -> bool:
        article = self.catalog.get(article_id)
        if article is None or not tried:
            return False
        return article.title.casefold().strip() in {t.casefold().strip() for t in tried}

    def _vote_and_more(
        self,
        conversation: Conversation,
        helped: bool,
        rest: str,
        search: Search,
        open_ticket: int | None = None,
        screen: Search | None = None,
        tried: Collection[str] = (),
    ) -> Turn:
        """A vote under an answer with more after it: «помогло, а как оплатить штраф?» is a 👍
        and a new question; «не помогло, машина всё ещё не закрывается» a 👎 whose detail
        chooses the next articles (it had been searched alone, the vote lost, and offered
        «Машина не открывается» for a trip that would not end).

        :param open_ticket: as for :meth:`message`, for the new question (``screen``,
            ``tried`` too)
        """
        cast = Vote(conversation.question, conversation.article or "", helped)
        talk = self.small_talk(rest)
        if talk is not None:  # «не помогло, бесит», «помогло, спасибо огромное»
            if talk is SmallTalk.UPSET and not helped:
                return replace(self.hand_over(conversation, HandOverReason.NOT_HELPED), vote=cast)
            return self.vote(conversation, helped)
        if helped:
            turn = self.message(Conversation(), rest, search, open_ticket, screen, tried)
            return replace(turn, vote=cast)
        return replace(self._not_these_because(conversation, rest, search), vote=cast)

    def _not_these_because(self, conversation: Conversation, detail: str, search: Search) -> Turn:
        """A «нет» with a detail: the next articles are those of the question and the detail
        together, and the detail goes into the ticket's question if it comes to one."""
        question = joined(conversation.question, detail)
        ranking, decision = search(question)
        refined = replace(conversation, question=question)
        if ranking.hits:
            refined = replace(refined, candidates=ranking.hits, by_words=ranking.by_words)
        if isinstance(decision, Answer):
            # The detail names the problem: its article, even one a list had («нет, мне
            # отказали в проверке прав» under a list with «Проверка … не пройдена»), but not
            # the article just turned down.
            hit = decision.hit.doc_id
            if hit != conversation.article and hit in self.catalog:
                return self._answer(replace(refined, retried=True), hit, chosen=False)
        return self._not_these(refined)

    def _not_these(self, conversation: Conversation) -> Turn:
        """A 👎 to what was shown: the next credible candidates once, if any; then people."""
        if conversation.retried:
            return self.hand_over(conversation, HandOverReason.NOT_HELPED)
        conversation = self._by_meaning(conversation)
        following = self._next_best(conversation)
        if not following:
            return self.hand_over(conversation, HandOverReason.NOT_HELPED)
        return self._offer(conversation, following, retry=True)

    @staticmethod
    def _small_talk_reply(conversation: Conversation, talk: SmallTalk) -> SmallTalkReply:
        return SmallTalkReply(talk, under_answer=conversation.stage is Stage.FEEDBACK)

    def _by_meaning(self, conversation: Conversation) -> Conversation:
        """``conversation`` with its candidates ranked by every view, if the words alone did."""
        if not conversation.by_words or self.rank_fully is None or not conversation.question:
            return conversation
        ranking = self.rank_fully(conversation.question)
        if not ranking.hits:
            return conversation
        return replace(conversation, candidates=ranking.hits, by_words=ranking.by_words)

    def _at_list(
        self, conversation: Conversation, text: str, talk: SmallTalk | None
    ) -> Turn | None:
        """What ``text`` says to the numbered list shown; ``None`` if it is not about the list."""
        choices = conversation.choices
        titles = [getattr(self.catalog.get(i), "title", "") for i in choices]
        number = parse_choice(text, len(choices))
        if number is None and not rejects(text, loosely=False):
            # «нет» turns the list down, even where a title starts with it («Нет интернета»);
            # «не получается» read as a verdict does not, where it is a title's words.
            number = parse_title(text, titles)
        if number == 0:
            return self.hand_over(conversation, HandOverReason.NOT_HELPED)
        if number is not None:
            return self.choose(conversation, number)
        if rejects(text):
            return self._not_these(conversation)
        # «да», «ага» or «оба» to a list: one at a time, which first?
        if (parse_vote(text) is True or names_all(text)) and talk in (None, SmallTalk.OKAY):
            if len(choices) == 1:
                return self.choose(conversation, 1)
            articles = tuple(self._article(i) for i in choices)
            return Turn(conversation, ShowChoices(articles, retry=conversation.retried, again=True))
        return None

    def hand_over(self, conversation: Conversation, reason: HandOverReason) -> Turn:
        """Give the question to people; the draft lists every article already offered."""
        # An article removed by a hot reload since it was shown is simply left out.
        tried = tuple(
            article.title
            for article in map(self.catalog.get, conversation.shown)
            if article is not None
        )
        draft = TicketDraft.from_question(conversation.question, rejected_articles=tried)
        return Turn(Conversation(), HandOver(draft, reason))

    def resume(
        self, question: str, *, waiting: Stage, article: str | None, search: Search
    ) -> Conversation:
        """The conversation a button on an old message was sent in, rebuilt from what was stored.

        A button outlives its conversation (the customer asked something else since, or the
        bot restarted); the stored question and the article on the button are enough to carry
        on from there, exactly as if that message were the last one.

        :param question: the stored question (for the /start menu: the article's title)
        :param waiting: ``FEEDBACK``: ``article`` waits for a vote; ``CHOICE``: ``article`` is
            on the list shown; ``IDLE``: nothing waits, ``article`` (if any) was offered
        :param search: searched again for the candidates a 👎 draws on (not called for
            ``IDLE``: a hand-over needs none)
        """
        shown = (article,) if article is not None else ()
        if waiting is Stage.IDLE:
            return Conversation(question=question, shown=shown)
        if article is None:
            raise ValueError(f"a conversation at {waiting} needs the article on the button")
        ranking, _ = search(question)
        return Conversation(
            question=question,
            candidates=ranking.hits,
            by_words=ranking.by_words,
            shown=shown,
            stage=waiting,
            choices=shown if waiting is Stage.CHOICE else (),
            article=article if waiting is Stage.FEEDBACK else None,
        )

    def _answer(
        self,
        conversation: Conversation,
        article_id: str,
        *,
        chosen: bool,
        related: tuple[str, ...] = (),
    ) -> Turn:
        # The related articles are not counted as shown: a 👎 offers them again as a list,
        # where they are the natural next candidates, and a hand-over does not list them as tried.
        shown = _with(conversation.shown, (article_id,))
        state = replace(
            conversation, shown=shown, stage=Stage.FEEDBACK, choices=related, article=article_id
        )
        beside = tuple(self._article(i) for i in related)
        return Turn(state, ShowAnswer(self._article(article_id), chosen=chosen, related=beside))

    def _offer(self, conversation: Conversation, ids: tuple[str, ...], *, retry: bool) -> Turn:
        state = replace(
            conversation,
            shown=_with(conversation.shown, ids),
            stage=Stage.CHOICE,
            choices=ids,
            article=None,
            retried=conversation.retried or retry,
        )
        return Turn(state, ShowChoices(tuple(self._article(i) for i in ids), retry=retry))

    def _next_best(self, conversation: Conversation) -> tuple[str, ...]:
        """Candidates not offered yet and close enough to the best one to be worth a look."""
        if not conversation.candidates:
            return ()
        floor = self.thresholds.choice_ratio * conversation.candidates[0].score
        following = [
            hit.doc_id
            for hit in conversation.candidates
            if hit.doc_id not in conversation.shown
            and hit.score >= floor
            and hit.doc_id in self.catalog  # not removed by a reload since the search
        ]
        return tuple(following[: self.thresholds.choices])

    def _article(self, article_id: str) -> Article:
        article = self.catalog.get(article_id)
        if article is None:
            raise LookupError(f"article {article_id!r} is not in the catalog the dialogue knows")
        return article


def _remark_of(text: str) -> Remark | None:
    """What ``text`` says of the open ticket beyond a detail: solved, or waiting for news."""
    if says_solved(text):
        return Remark.SOLVED
    return Remark.WAITING if asks_for_news(text) else None


def _with(seen: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    return seen + tuple(item for item in more if item not in seen)
