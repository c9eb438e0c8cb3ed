"""What the views share: the bot's services and the page's own (sessions, the gap report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from aiohttp import web

from bot.serving import Answers, Database, Learning, Services
from bot.texts import Texts
from bot.tickets import Clock
from bot.web.auth import Sessions
from bot.web.gaps import GapSource

__all__ = ["SITE", "Site", "site"]


@dataclass(frozen=True)
class Site:
    """What the views use.

    :param services: the bot's services, built once by :mod:`bot.startup`
    :param sessions: who is logged in
    :param gaps: builds the content-gap report for the overview
    :param login_delay: seconds a wrong token waits before the answer (slows guessing)
    """

    services: Services
    sessions: Sessions
    gaps: GapSource
    login_delay: float

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def answers(self) -> Answers:
        return self.services.answers

    @property
    def learning(self) -> Learning:
        return self.services.learning

    @property
    def texts(self) -> Texts:
        return self.services.texts

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def tz(self) -> tzinfo:
        """Whose days the charts count: the desk's timezone."""
        return self.services.levels.hours.zone


SITE = web.AppKey("site", Site)


def site(request: web.Request) -> Site:
    return request.app[SITE]
