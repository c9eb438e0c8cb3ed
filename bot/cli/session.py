"""The terminal conversation behind ``faqbot chat``: read a line, let the dialogue decide, show."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, assert_never

import click

from bot.cli.common import build_index, is_debug, load_catalog, one_line
from bot.cli.terminal import Terminal
from bot.texts import Texts

# The engine (bot.dialogue, bot.policy, nlp) imports scikit-learn: it is imported in
# _Engine's thread, and by the functions below once it is there, so the prompt comes at once.
if TYPE_CHECKING:
    from bot.cli.handover import TicketDesk
    from bot.dialogue import Conversation, Dialogue, HandOver, Reply, Turn
    from bot.policy import Decision
    from bot.tickets import TicketDraft
    from kb import Article, Catalog
    from kb.index import Index
    from nlp.documents import Ranking

__all__ = ["talk"]

T = TypeVar("T")

EXIT = frozenset({"/выход", "/exit", "/quit", "/q"})
HELP = frozenset({"/помощь", "/help", "/start"})
#: Search depth: room for next-best offers after a 👎 (``faqbot eval`` searches as deep).
DEPTH = 10


def talk(articles: Path, database_url: str | None) -> None:
    """Load the KB, greet, and talk until /выход, the end of input or Ctrl-C.

    :param database_url: where tickets go; ``DATABASE_URL`` (settings) when ``None``
    """
    terminal = Terminal(Texts())
    catalog = load_catalog(articles)
    desk = _Desk(database_url)
    engine = _Engine(catalog)
    try:
        terminal.say("welcome", count=len(catalog), folder=str(articles))
        _Session(engine, terminal, desk).run()
        terminal.say("goodbye")
    except KeyboardInterrupt:
        click.echo()
        terminal.say("goodbye")
    finally:
        desk.close()
        engine.close()


class _Engine:
    """The index and the dialogue, built in a thread while the customer reads and types.

    Building takes a second or two (scikit-learn's import, the typo vocabulary); a person
    needs longer to type a question, so the prompt comes at once and the first answer does not
    wait. Input from a pipe waits for the build at its first line.

    Leaving at once waits for the build (:meth:`close`): a daemon thread killed at exit in the
    middle of C++ code (rapidfuzz, scikit-learn) aborts the process ("FATAL: exception not
    rethrown"), and imports during the interpreter's shutdown fail.

    The main thread imports the engine's modules only once this thread has (:attr:`imported`):
    a Ctrl+C landing in the main thread while both imported ``bot.dialogue`` left a module
    lock held, and this thread waited on it forever, and the chat on this thread.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._ready = threading.Event()
        #: Set once the engine's modules are imported (or failed to be).
        self.imported = threading.Event()
        self._dialogue: Dialogue | None = None
        self._index: Index | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, name="faqbot-engine")
        self._thread.start()

    def _build(self) -> None:
        try:
            from bot.dialogue import Dialogue, HumanRequestDetector

            self.imported.set()
            self._index = build_index(self._catalog).warm()
            detector = HumanRequestDetector(self._index.retriever.analyzer.lemmatizer)
            self._dialogue = Dialogue(
                self._catalog,
                detector,
                rank_fully=partial(self._index.search, k=DEPTH, thorough=True),
            )
        except BaseException as error:  # re-raised in the main thread by ready()
            self._error = error
        finally:
            self.imported.set()
            self._ready.set()

    def close(self) -> None:
        """Wait for the build to end, used or not."""
        self._thread.join()

    def ready(self) -> tuple[Index, Dialogue]:
        """Wait for the build; re-raise what it failed with."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._index is not None and self._dialogue is not None
        return self._index, self._dialogue


class _Session:
    """One terminal conversation: read a line, let the dialogue decide, show the reply."""

    def __init__(self, engine: _Engine, terminal: Terminal, desk: _Desk) -> None:
        self.engine = engine
        self.terminal = terminal
        self.desk = desk
        #: The customer's open ticket, once one is filed or found: new questions are asked
        #: about it first (one ticket per problem).
        self.ticket: int | None = None
        self.tried: tuple[str, ...] = ()  # what the ticket filed in this chat says was tried
        self.attempt = 0  # the stored question the chat is about (0: none yet)
        #: Where the dialogue stands; set by every turn shown, the ones a reply leads to too
        #: (a new question asked from the ticket form).
        self.conversation: Conversation | None = None

    def run(self) -> None:
        while (line := self.terminal.read()) is not None:
            text = line.strip()
            if not text:
                continue
            if text.lower() in EXIT:
                return
            if text.lower() in HELP:
                self.terminal.say("help", example=self._example())
                continue
            self.engine.imported.wait()  # never importing alongside the engine's thread
            from bot.dialogue.words import slash_command

            command = slash_command(text)
            if command is not None:
                # A command this chat does not have («/отмена» outside a form, «/menu»).
                self.terminal.say("unknown_command", command=command)
                continue
            _, dialogue = self.engine.ready()
            if self.conversation is None:
                from bot.dialogue import Conversation

                self.conversation = Conversation()
            turn = dialogue.message(
                self.conversation,
                text,
                self._search,
                open_ticket=self.ticket,
                screen=self._screen,
                tried=self.tried,
            )
            if not self._show_and_record(turn):
                return

    def _show_and_record(self, turn: Turn) -> bool:
        """Show the reply and store the turn (:meth:`_show`'s result).

        An answer is shown first: the database's first opening (~0.6 s) then passes while the
        customer reads. A hand-over is stored first: the ticket form may be left by Ctrl-C.
        """
        from bot.dialogue import HandOver

        self.conversation = turn.conversation
        if isinstance(turn.reply, HandOver):
            self.attempt = self.desk.record(turn, self.attempt)
            return self._show(turn.reply)
        shown = self._show(turn.reply)
        self.attempt = self.desk.record(turn, self.attempt)
        return shown

    def _search(self, question: str, *, dense: bool = True) -> tuple[Ranking, Decision]:
        from bot.policy import decide

        index, _ = self.engine.ready()
        ranking = index.search(question, k=DEPTH, dense=dense)
        return ranking, decide(ranking)

    def _screen(self, message: str) -> tuple[Ranking, Decision]:
        """The word views alone, as the bot screens a detail in an open ticket."""
        return self._search(message, dense=False)

    def _example(self, *, trouble: bool = False) -> str | None:
        """A question of this knowledge base, for the hints («например: …»); ``trouble``: a
        problem told in its words, for the hint to «не работает»."""
        index, _ = self.engine.ready()
        catalog = index.catalog
        return catalog.example_problem() if trouble else catalog.example_question()

    def _show(self, reply: Reply) -> bool:
        """Show the reply; ``False`` when the chat ends with it (left in the ticket form)."""
        from bot.dialogue import (
            AddToTicket,
            AskAboutTicket,
            HandOver,
            Invite,
            Remark,
            ShowAnswer,
            ShowChoices,
            SmallTalkReply,
            Thanks,
        )

        match reply:
            case ShowAnswer(article=article, related=related):
                titles = [a.title for a in related]
                self.terminal.say("answer", article=_plain_text(article), related=titles)
            case ShowChoices(articles=articles, retry=retry, again=again):
                titles = [a.title for a in articles]
                self.terminal.say("choices", options=titles, retry=retry, again=again)
            case Invite(trouble=trouble):
                self.terminal.say("invite", example=self._example(trouble=trouble), trouble=trouble)
            case Thanks():
                self.terminal.say("thanks")
            case SmallTalkReply(talk=talk, under_answer=under_answer):
                self.terminal.say(
                    "small_talk",
                    talk=talk.value,
                    example=self._example(),
                    under_answer=under_answer,
                )
            case AskAboutTicket(number=number):
                self.terminal.say("ask_about_ticket", number=number)
            case AddToTicket(text=text, remark=remark):
                self._add_to_ticket(text, solved=remark is Remark.SOLVED)
            case HandOver():
                return self._hand_over(reply)
            case _:
                assert_never(reply)
        return True

    def _add_to_ticket(self, text: str, *, solved: bool = False) -> None:
        self.ticket = self.desk.add(text)
        if self.ticket is not None:
            self.terminal.say("ticket_solved" if solved else "added_to_ticket", number=self.ticket)
            return
        # Closed meanwhile: then it is a new question after all.
        from bot.dialogue import Conversation

        _, dialogue = self.engine.ready()
        self._show_and_record(dialogue.message(Conversation(), text, self._search))

    def _hand_over(self, reply: HandOver) -> bool:
        from dataclasses import replace

        from bot.cli.ticket_form import fill
        from bot.dialogue.ticket_form import QUESTIONS

        if self.ticket is None:
            self.ticket = self.desk.open_ticket()  # filed in an earlier chat
        if self.ticket is not None and not reply.draft.question:
            self.terminal.say("ticket_already_open", number=self.ticket)
            return True
        if self.ticket is not None:
            # One open ticket per customer: the new question goes to it, said so, no form.
            self.ticket = self.desk.add(reply.draft.what_happened)
            if self.ticket is not None:
                self.terminal.say("question_added_to_ticket", number=self.ticket)
                return True
        draft = reply.draft
        if not draft.contact:
            draft = replace(draft, contact=self.desk.known_contact())
        self.terminal.say("hand_over", reason=reply.reason.value, questions=QUESTIONS)
        _, dialogue = self.engine.ready()

        def asks_anew(text: str, form: TicketDraft) -> bool:
            return dialogue.asks_anew(text, self._search, form.tried)

        filled = fill(draft, self.terminal, dialogue.detector, asks_anew)
        if filled.draft is not None:
            self.ticket = self.desk.file(filled.draft, self.terminal)
            self.tried = filled.draft.tried
        if filled.question is not None:  # «новый вопрос» instead of an answer: the form is gone
            from bot.dialogue import Conversation

            turn = dialogue.message(
                Conversation(), filled.question, self._search, screen=self._screen
            )
            return self._show_and_record(turn)
        return not filled.leave


def _plain_text(article: Article) -> str:
    from bot.rendering import render_plain

    return render_plain(article.body, title=article.title)


class _Desk:
    """Files tickets and records questions; settings, database and migrations are set up on the
    first use."""

    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self._desk: TicketDesk | None = None
        self._texts: Texts | None = None
        self._unrecorded = False  # recording failed once: not tried again in this chat

    def file(self, draft: TicketDraft, terminal: Terminal) -> int | None:
        """File the ticket and say so; its number, ``None`` if it could not be saved."""
        try:
            ticket = self._opened().file(draft)
        except Exception as error:  # the chat goes on without the ticket; say why on stderr
            if is_debug():
                traceback.print_exc()
            click.echo(f"Error: the ticket was not saved: {one_line(error)}", err=True)
            terminal.say("ticket_failed")
            return None
        assert self._texts is not None
        if ticket.created:
            text = self._texts.plain(
                "cli/ticket_created",
                number=ticket.number,
                priority=ticket.priority.label_ru.lower(),
                due=ticket.first_response_due,
            )
        else:
            text = self._texts.plain("cli/ticket_exists", number=ticket.number)
        terminal.show(text)
        return ticket.number

    def record(self, turn: Turn, attempt: int) -> int:
        """Store the turn's question and vote; on failure say so once and chat on unrecorded.

        :returns: the stored question the chat is about now (``attempt`` if nothing was stored)
        """
        if self._unrecorded or (turn.searched is None and turn.vote is None):
            return attempt
        try:
            return self._opened().record(turn, attempt)
        except Exception as error:  # analytics never stop the chat; the tickets say their own
            if is_debug():
                traceback.print_exc()
            click.echo(f"Warning: questions are not recorded: {one_line(error)}", err=True)
            self._unrecorded = True
            return attempt

    def open_ticket(self) -> int | None:
        """The customer's open ticket; ``None`` also when the database cannot say."""
        return self._quietly(lambda desk: desk.open_ticket())

    def add(self, text: str) -> int | None:
        """Add ``text`` to the open ticket; its number, ``None`` if none is open (or on error)."""
        return self._quietly(lambda desk: desk.add(text))

    def known_contact(self) -> str | None:
        """The contact remembered from an earlier form; ``None`` also on error."""
        return self._quietly(lambda desk: desk.known_contact())

    def _quietly(self, work: Callable[[TicketDesk], T]) -> T | None:
        # Looking up is a convenience: without it the form is asked in full, and a database
        # that cannot be used says so when the ticket is filed.
        try:
            return work(self._opened())
        except Exception:
            if is_debug():
                traceback.print_exc()
            return None

    def _opened(self) -> TicketDesk:
        if self._desk is None:
            self._desk, self._texts = self._open()
        return self._desk

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()

    def _open(self) -> tuple[TicketDesk, Texts]:
        from bot.cli.handover import TicketDesk
        from bot.settings import Settings

        settings = Settings(database_url=self.database_url) if self.database_url else Settings()
        return TicketDesk.from_settings(settings), Texts(tz=settings.business_timezone)
