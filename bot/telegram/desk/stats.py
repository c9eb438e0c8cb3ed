"""``/stats [сегодня|неделя|месяц]`` in the agents' chat: the desk's numbers for a period.

Periods are calendar ones in the desk's timezone (:mod:`bot.desk.periods`). The reply goes
to the topic the command came from (``message.answer`` keeps a forum topic's thread).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.repo import (
    count_breaches,
    count_by_status,
    count_finished,
    csat_summary,
    median_first_response,
    per_agent,
    self_service,
)
from bot.desk.periods import (
    StatsPeriod,
    UnknownPeriod,
    parse_period,
    period_bounds,
)
from bot.serving import Services
from bot.serving.service_levels import ServiceLevels
from bot.telegram.desk.access import Gate
from bot.telegram.desk.context import refusal
from bot.telegram.desk.filters import InAgentsChat

__all__ = ["get_router", "stats_context"]


def get_router(chat_id: int) -> Router:
    """The ``/stats`` command, in the agents' chat only (any topic, or General).

    Handlers take ``gate`` (:class:`Gate`) and ``services`` from the dispatcher's data.

    :param chat_id: the agents' chat
    """
    router = Router(name="desk.stats")
    router.message.filter(InAgentsChat(chat_id))
    router.message.register(show_stats, Command("stats"))
    return router


async def show_stats(
    message: Message, command: CommandObject, gate: Gate, services: Services
) -> None:
    """Reply with the period's numbers, in the topic (or General) the command came from."""
    texts, levels = services.texts, services.levels
    if await gate.admit(message.from_user) is None:
        await message.answer(texts.render("agents/refused", lead_only=False))
        return
    try:
        period = parse_period(command.args)
    except UnknownPeriod as error:
        await message.answer(refusal(texts, error))
        return
    now = levels.clock()
    async with services.database.transaction() as session:
        context = await stats_context(session, period, now=now, levels=levels)
    await message.answer(texts.render("agents/stats", **context))


async def stats_context(
    session: AsyncSession, period: StatsPeriod, *, now: datetime, levels: ServiceLevels
) -> dict[str, Any]:
    """What ``agents/stats.j2`` shows for the calendar period containing ``now``.

    :param period: today, this week or this month
    :param now: the present; open tickets past a deadline at ``now`` count as breaches
    :param levels: its timezone draws the calendar
    """
    since, until = period_bounds(period, now, levels.hours.zone)
    bounds: dict[str, Any] = {"since": since, "until": until}
    statuses = await count_by_status(session, **bounds)
    questions = await self_service(session, **bounds)
    breaches = await count_breaches(session, **bounds, now=lambda: now)
    csat = await csat_summary(session, **bounds)
    agents = await per_agent(session, **bounds)
    return {
        "period": period.value,
        "opened": sum(statuses.values()),
        "finished": await count_finished(session, **bounds),
        "questions": questions.questions,
        "self_served": questions.self_served,
        "first_response": await median_first_response(session, **bounds),
        "breaches_first": breaches.first_response,
        "breaches_resolution": breaches.resolution,
        "csat_average": csat.average,
        "csat_count": csat.count,
        "agents": [
            {
                "name": agent.name or str(agent.telegram_id),
                "taken": agent.taken,
                "resolved": agent.resolved,
                "first_response": agent.median_first_response,
                "csat_average": agent.csat.average,
            }
            for agent in agents
        ],
    }
