"""Agents as the desk last saw them: ``/assign @name`` needs a username → id map."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Agent
from bot.desk.roles import AgentRole
from bot.tickets import Clock, utc_now

__all__ = ["find_agent", "get_agent", "list_agents", "upsert_agent"]


async def upsert_agent(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    role: AgentRole,
    now: Clock = utc_now,
) -> Agent:
    """Record (or refresh) an agent seen in the agents' chat."""
    agent = await get_agent(session, telegram_id)
    if agent is None:
        agent = Agent(telegram_id=telegram_id)
        try:
            async with session.begin_nested():
                _fill(agent, first_name, last_name, username, role, now)
                session.add(agent)
            return agent
        except IntegrityError:
            agent = await get_agent(session, telegram_id)
            if agent is None:
                raise
    _fill(agent, first_name, last_name, username, role, now)
    await session.flush()
    return agent


def _fill(
    agent: Agent,
    first_name: str,
    last_name: str | None,
    username: str | None,
    role: AgentRole,
    now: Clock,
) -> None:
    agent.first_name = first_name[:255]
    agent.last_name = last_name[:255] if last_name else None
    agent.username = username
    agent.role = role
    agent.seen_at = now()


async def get_agent(session: AsyncSession, telegram_id: int) -> Agent | None:
    return await session.scalar(select(Agent).where(Agent.telegram_id == telegram_id))


async def find_agent(session: AsyncSession, username: str) -> Agent | None:
    """An agent by ``@username`` (with or without the ``@``, any case)."""
    name = username.removeprefix("@").casefold()
    query = select(Agent).where(func.lower(Agent.username) == name)
    return await session.scalar(query.order_by(Agent.seen_at.desc()).limit(1))


async def list_agents(session: AsyncSession) -> Sequence[Agent]:
    return (await session.scalars(select(Agent).order_by(Agent.first_name, Agent.id))).all()
