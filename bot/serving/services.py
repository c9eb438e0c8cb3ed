"""The one value every front end is handed: the services built once at start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.serving.learning import Learning
from bot.serving.service_levels import ServiceLevels
from bot.settings import Settings
from bot.texts import Texts
from bot.tickets import Clock, utc_now

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """What handlers, pages and commands work with, built by :mod:`bot.startup`.

    Handlers receive it whole (``Dispatcher(services=...)``) instead of a dozen parameters,
    so a new service is one field here, not a new argument in every signature.

    :param answers: the knowledge base being served; a hot reload swaps its version in place
    :param database: short transactions over the bot's database
    :param texts: every sentence a person reads, from ``bot/templates``
    :param levels: SLA targets and working hours, with the clock that stamps tickets
    :param learning: customers' wordings becoming phrasings (suggest, approve, reject)
    """

    answers: Answers
    database: Database
    texts: Texts
    levels: ServiceLevels
    learning: Learning

    @property
    def clock(self) -> Clock:
        """ "Now" for tickets, deadlines and texts: one clock for every service."""
        return self.levels.clock

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        database: Database,
        answers: Answers,
        clock: Clock = utc_now,
        on_written: Callable[[], Awaitable[object]] | None = None,
    ) -> Services:
        """The services over an open database and a loaded knowledge base.

        :param clock: "now" for tickets, deadlines and texts (tests stop it)
        :param on_written: called after an approved phrasing is written into an article, so
            that it is served at once (the composition root passes the reloader here)
        """
        return cls(
            answers=answers,
            database=database,
            texts=Texts(tz=settings.business_timezone, clock=clock),
            levels=ServiceLevels(settings.sla_policy(), settings.business_hours(), clock),
            learning=Learning(
                database,
                answers,
                auto_approve=settings.auto_approve,
                clock=clock,
                on_written=on_written,
            ),
        )
