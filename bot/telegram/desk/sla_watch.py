"""SLA reminders and breach notices in the agents' chat: stored first, sent once.

Every ``interval`` seconds the watch asks :func:`bot.desk.sla.due_notices` what each ticket
near or past a deadline is due, and stores those notices (unique per ticket, kind and
deadline: a restart, or a second worker, stores nothing new). Then it sends what is stored
and not yet sent: a reminder or a breach notice in the ticket's topic and, for a breach, a
word to the leads in General with a link to the topic.

A notice is claimed before it is sent (so two workers cannot both send it), marked sent
after, and unclaimed if Telegram refuses, to be tried at the next check. A process that dies
between the claim and the mark leaves a claim another worker (or the restarted one) takes
over after ``stale_after`` seconds: the notice comes late, never not at all; the one window
where it comes twice is a death between Telegram's answer and the mark.
A ticket without a topic yet keeps its notices until the topic exists; a notice that lost
its point while it waited (answered, resolved, deadline moved or passed) is dropped.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agent, Ticket
from bot.db.repo import (
    claim_notice,
    get_agent,
    list_agents,
    mark_notice_delivered,
    notice_candidates,
    release_notice,
    store_notice,
    undelivered_notices,
)
from bot.desk.roles import AgentRole, Roster
from bot.desk.sla import Notice, NoticeKind, TicketDeadlines, due_notices, still_due
from bot.serving.database import Database
from bot.serving.service_levels import ServiceLevels
from bot.serving.worker import Worker
from bot.telegram.desk.links import topic_link
from bot.telegram.outages import until_written
from bot.texts import Texts
from bot.tickets import Clock

__all__ = ["SlaWatch"]

logger = logging.getLogger(__name__)

_BATCH = 100


@dataclass(frozen=True)
class _Outgoing:
    """A notice to send, with what its messages say (read before talking to Telegram)."""

    notice_id: int
    notice: Notice
    number: int
    subject: str
    topic_id: int
    assignee: str | None


class SlaWatch(Worker):
    """Watches the SLA deadlines of open tickets; one per process.

    :param chat_id: the agents' chat
    :param roster: the allow-list; its leads (or, without one, agents recorded as leads)
        are mentioned in breach notices
    :param remind_before: how long before a deadline the topic is reminded
    :param interval: seconds between checks
    :param clock: "now"; the service levels' clock when omitted
    :param stale_after: seconds after which another worker's claim is taken over
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        texts: Texts,
        levels: ServiceLevels,
        chat_id: int,
        roster: Roster,
        *,
        remind_before: timedelta = timedelta(minutes=15),
        interval: float = 30.0,
        clock: Clock | None = None,
        stale_after: float = 60.0,
    ) -> None:
        super().__init__("sla-watch", interval=interval)
        self.bot = bot
        self.db = db
        self.texts = texts
        self.levels = levels
        self.chat_id = chat_id
        self.roster = roster
        self.remind_before = remind_before
        self.clock = clock if clock is not None else levels.clock
        self.stale_after = stale_after
        # Parts of a notice sent before its other part failed, so a retry in this process
        # does not repeat them.
        self._sent_parts: set[tuple[int, str]] = set()

    async def round(self) -> int:
        return await self.tick()

    # --- one check ------------------------------------------------------------------------

    async def tick(self) -> int:
        """Store the notices due now, then send every stored one that can be sent.

        :returns: how many notices were sent
        """
        now = self.clock()
        await self._plan(now)
        return await self._deliver(now)

    async def _plan(self, now: datetime) -> None:
        async with self.db.transaction() as session:
            tickets = await notice_candidates(
                session, now=now, remind_before=self.remind_before, limit=_BATCH
            )
            for ticket in tickets:
                for notice in due_notices(_deadlines(ticket), now, self.remind_before):
                    stored = await store_notice(
                        session, ticket, notice.kind, notice.due_at, now=self.clock
                    )
                    if stored.created:
                        logger.info("ticket #%s: %s stored", ticket.number, notice.kind.value)

    async def _deliver(self, now: datetime) -> int:
        async with self.db.transaction() as session:
            outgoing = await self._outgoing(session, now)
            leads = (
                await self._leads(session) if any(o.notice.kind.breached for o in outgoing) else []
            )
        sent = 0
        for item in outgoing:
            async with self.db.transaction() as session:
                if not await claim_notice(
                    session,
                    item.notice_id,
                    now=self.clock,
                    stale_after=self.stale_after,
                    worker=self.db.worker,
                ):
                    continue  # another worker sends it
            try:
                await self._send(item, leads, now)
            except Exception as error:
                async with self.db.transaction() as session:
                    await release_notice(session, item.notice_id)
                if not isinstance(error, TelegramAPIError):
                    raise
                logger.error(
                    "ticket #%s: %s not sent, retrying at the next check: %s",
                    item.number,
                    item.notice.kind.value,
                    error,
                )
                if isinstance(error, TelegramRetryAfter):
                    break  # flood control: the rest waits for the next check
                continue
            await until_written(
                functools.partial(self._mark_delivered, item.notice_id),
                f"marking SLA notice {item.notice_id} sent",
            )
            self._sent_parts.discard((item.notice_id, "topic"))
            self._sent_parts.discard((item.notice_id, "leads"))
            sent += 1
        return sent

    async def _mark_delivered(self, notice_id: int) -> None:
        """Telegram has it: a mark lost to a database outage would send it again."""
        async with self.db.transaction() as session:
            await mark_notice_delivered(session, notice_id, now=self.clock)

    async def _outgoing(self, session: AsyncSession, now: datetime) -> list[_Outgoing]:
        """Stored notices to send now; those that lost their point are settled unsent."""
        outgoing = []
        for pending in await undelivered_notices(session, limit=_BATCH):
            ticket = pending.ticket
            notice = Notice(NoticeKind(pending.notice.kind.value), pending.notice.due_at)
            if not still_due(notice, _deadlines(ticket), now, self.remind_before):
                await mark_notice_delivered(session, pending.notice.id, now=self.clock)
                logger.info(
                    "ticket #%s: %s dropped, no longer due", ticket.number, notice.kind.value
                )
                continue
            if ticket.topic_id is None:
                continue  # sent once the ticket has its topic
            outgoing.append(
                _Outgoing(
                    notice_id=pending.notice.id,
                    notice=notice,
                    number=ticket.number,
                    subject=ticket.what_happened or ticket.question,
                    topic_id=ticket.topic_id,
                    assignee=await _assignee(session, ticket),
                )
            )
        return outgoing

    async def _leads(self, session: AsyncSession) -> list[dict[str, Any]]:
        """Whom a breach notice mentions: the listed leads, or, with no list, the agents
        recorded as leads (the chat's administrators, as the gate saw them)."""
        agents = {agent.telegram_id: agent for agent in await list_agents(session)}
        if self.roster.open:
            ids = [uid for uid, agent in agents.items() if agent.role is AgentRole.LEAD]
        else:
            ids = list(self.roster.leads)
        return [{"id": uid, "name": _name(agents[uid]) if uid in agents else None} for uid in ids]

    async def _send(self, item: _Outgoing, leads: list[dict[str, Any]], now: datetime) -> None:
        kind = item.notice.kind
        target = kind.target.value
        due = item.notice.due_at
        if (item.notice_id, "topic") not in self._sent_parts:
            if kind.breached:
                text = self.texts.render("agents/sla_breached", target=target, due=due, now=now)
            else:
                text = self.texts.render(
                    "agents/sla_reminder", target=target, due=due, left=due - now, now=now
                )
            await self.bot.send_message(self.chat_id, text, message_thread_id=item.topic_id)
            self._sent_parts.add((item.notice_id, "topic"))
        if kind.breached and (item.notice_id, "leads") not in self._sent_parts:
            text = self.texts.render(
                "agents/sla_lead_notice",
                number=item.number,
                subject=item.subject,
                target=target,
                due=due,
                link=topic_link(self.chat_id, item.topic_id),
                assignee=item.assignee,
                leads=leads,
                now=now,
            )
            await self.bot.send_message(self.chat_id, text)
            self._sent_parts.add((item.notice_id, "leads"))


def _deadlines(ticket: Ticket) -> TicketDeadlines:
    return TicketDeadlines(
        is_open=ticket.status.is_open,
        first_response_at=ticket.first_response_at,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
    )


async def _assignee(session: AsyncSession, ticket: Ticket) -> str | None:
    if ticket.assignee_id is None:
        return None
    agent = await get_agent(session, ticket.assignee_id)
    return _name(agent) if agent is not None else str(ticket.assignee_id)


def _name(agent: Agent) -> str:
    full = " ".join(part for part in (agent.first_name, agent.last_name) if part)
    return full or (f"@{agent.username}" if agent.username else str(agent.telegram_id))
