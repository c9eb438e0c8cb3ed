"""The bot's configuration, read from the environment and ``.env`` once, at start-up.

Variable names carry no prefix on purpose: ``BOT_TOKEN``, ``DATABASE_URL`` and the rest are
the names deployments already use. Nothing here runs at import; build ``Settings()`` in the
composition root and pass values down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.business_hours import BusinessHours
from bot.desk.roles import AgentRole, Roster
from bot.tickets import Priority, SlaPolicy

__all__ = ["Settings", "mask_password", "normalise_database_url"]

POOL_HEADROOM = 6
"""Connections beyond ``MAX_UPDATES_IN_FLIGHT`` for the workers outside the update lanes."""
DEFAULT_FIRST_RESPONSE_MINUTES: Mapping[Priority, int] = {
    Priority.CRITICAL: 30,
    Priority.HIGH: 60,
    Priority.MEDIUM: 4 * 60,
    Priority.LOW: 8 * 60,
}
DEFAULT_RESOLUTION_HOURS: Mapping[Priority, float] = {
    Priority.CRITICAL: 4,
    Priority.HIGH: 8,
    Priority.MEDIUM: 24,
    Priority.LOW: 40,
}

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

_ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def normalise_database_url(url: str) -> str:
    """Give a plain ``postgres://``, ``postgresql://`` or ``sqlite://`` URL its async driver.

    >>> normalise_database_url("postgres://bot:pw@db:5432/faq")
    'postgresql+asyncpg://bot:pw@db:5432/faq'
    """
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        raise ValueError(f"DATABASE_URL must look like 'scheme://...', got {url!r}")
    return f"{_ASYNC_DRIVERS.get(scheme.lower(), scheme)}://{rest}"


def mask_password(url: str) -> str:
    """``url`` with its password replaced by ``***``, for logs and reprs.

    >>> mask_password("redis://:s3cret@localhost:6379/0")
    'redis://:***@localhost:6379/0'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostinfo}"))


def _split_list(value: Any) -> Any:
    """Accept ``"1,2,3"`` as well as the JSON ``"[1, 2, 3]"`` from the environment."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Everything the bot reads from its environment.

    Tests build it directly: ``Settings(_env_file=None, bot_token="x")``.
    """

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # Validation errors would otherwise echo the raw value of a bad token or secret.
        hide_input_in_errors=True,
    )

    bot_token: SecretStr | None = None
    """Telegram token; may be absent for the terminal demo."""
    bot_api_url: str = "https://api.telegram.org"
    bot_api_timeout_seconds: PositiveFloat = 20
    """How long a Bot API call may take before it is given up and retried. A chat's sends
    wait behind it (one a second, in order), and the agents' group is one chat for every
    topic: aiogram's 60 s would stall the whole desk that long. Telegram answers in well under
    a second; a call it ran and answered after this is sent twice, as after 60 s."""
    database_url: str = "sqlite+aiosqlite:///faqbot.sqlite3"
    redis_url: str | None = None
    """Dialogue state in Redis (aiogram RedisStorage); without it, state is kept in the database."""
    articles_dir: Path = Path("articles")
    agents_chat_id: int | None = None
    """The agents' forum supergroup."""

    webhook_url: str | None = None
    """Public HTTPS URL; polling is used when absent."""
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)

    thresholds_path: Path | None = None
    """Optional file overriding the answer engine's thresholds."""

    sla_first_response_minutes: dict[Priority, PositiveInt] = Field(
        default_factory=lambda: dict(DEFAULT_FIRST_RESPONSE_MINUTES)
    )
    """JSON, e.g. ``{"critical": 15}``; priorities left out keep their defaults."""
    sla_resolution_hours: dict[Priority, PositiveFloat] = Field(
        default_factory=lambda: dict(DEFAULT_RESOLUTION_HOURS)
    )
    business_days: Annotated[frozenset[int], NoDecode] = frozenset({1, 2, 3, 4, 5})
    """ISO weekdays, 1 = Monday ... 7 = Sunday; ``"1,2,3,4,5"`` or ``"[1,2,3,4,5]"``."""
    business_hours_start: time = time(9)
    business_hours_end: time = time(18)
    business_timezone: str = "Europe/Moscow"
    holidays: Annotated[tuple[date, ...], NoDecode] = ()
    """Extra days off, ``"2025-01-01,2025-01-02"``; these are local dates."""

    rate_limit_per_minute: PositiveInt = 20
    max_updates_in_flight: PositiveInt = 32
    """Updates handled at the same time (each chat's in order); the Redis and database pools
    are sized from it, so a burst waits its turn instead of running out of connections."""
    agent_signature: bool = False
    """Sign agents' replies to customers with the agent's first name."""
    agents: Annotated[dict[int, AgentRole], NoDecode] = Field(default_factory=dict)
    """The desk's allow-list, ``"111:lead,222:agent,333"`` (a bare id is an agent); empty:
    every member of the agents' chat is an agent and its administrators are leads."""
    sla_reminder_minutes: PositiveInt = 15
    """Remind the ticket's topic this long before a deadline."""
    sla_check_seconds: PositiveFloat = 30
    """How often the SLA deadlines are checked."""
    relay_retry_seconds: PositiveFloat = 5
    """How soon a message that could not be relayed is tried again."""
    telegram_limits: bool = True
    """Pace every send to Telegram's limits (30/s overall, 1/s per chat, 20/min per group),
    shared through Redis when it is configured; off for a Bot API server without limits."""
    auto_approve: bool = False
    """Write suggested phrasings into the articles without a lead's approval."""
    reload_articles: bool = True
    """Watch ``articles_dir`` and serve edits without a restart; a broken file keeps its last
    good version."""

    web_token: SecretStr | None = None
    """The login token of ``faqbot web``; the page refuses to start without one."""
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8081, ge=1, le=65535)

    shared_intake: bool | None = None
    """Several replicas share the database (and Redis): each chat is handled by one replica at
    a time, taken with a PostgreSQL advisory lock. Unset: on for a webhook on PostgreSQL,
    off otherwise; it needs PostgreSQL."""

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram refuses setWebhook otherwise; say so at start-up, without echoing it.
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("agents", mode="before")
    @classmethod
    def _agent_list(cls, value: Any) -> Any:
        if not isinstance(value, str) or value.strip().startswith("{"):
            return json.loads(value) if isinstance(value, str) else value
        listed: dict[str, str] = {}
        for item in _split_list(value):
            user, _, role = str(item).partition(":")
            listed[user.strip()] = role.strip() or AgentRole.AGENT.value
        return listed

    @field_validator("business_days", "holidays", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("business_days")
    @classmethod
    def _iso_weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        wrong = sorted(day for day in value if not 1 <= day <= 7)
        if wrong:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {wrong}")
        return value

    @field_validator("business_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}, use an IANA name such as 'Europe/Moscow'"
            ) from exc
        return value

    @field_validator("sla_first_response_minutes", "sla_resolution_hours")
    @classmethod
    def _fill_sla_defaults(
        cls, value: dict[Priority, Any], info: ValidationInfo
    ) -> dict[Priority, Any]:
        defaults = (
            DEFAULT_FIRST_RESPONSE_MINUTES
            if info.field_name == "sla_first_response_minutes"
            else DEFAULT_RESOLUTION_HOURS
        )
        return {**defaults, **value}

    @model_validator(mode="after")
    def _hours_in_order(self) -> Settings:
        if not self.business_hours_start < self.business_hours_end:
            raise ValueError(
                f"BUSINESS_HOURS_START ({self.business_hours_start}) must be before "
                f"BUSINESS_HOURS_END ({self.business_hours_end})"
            )
        return self

    def pool_connections(self) -> int:
        """Connections a pool (Redis, the database) needs: one per update in flight, and a few
        for the background workers (relay, SLA watch, the journal's handled marks)."""
        return self.max_updates_in_flight + POOL_HEADROOM

    def sla_policy(self) -> SlaPolicy:
        """The SLA targets as the ticket domain wants them."""
        return SlaPolicy(
            first_response={
                p: timedelta(minutes=m) for p, m in self.sla_first_response_minutes.items()
            },
            resolution={p: timedelta(hours=h) for p, h in self.sla_resolution_hours.items()},
        )

    def roster(self) -> Roster:
        """Who may use the agents' desk."""
        return Roster(dict(self.agents))

    def business_hours(self) -> BusinessHours:
        """The desk's working hours as the ticket domain wants them."""
        return BusinessHours.weekdays(
            self.business_hours_start,
            self.business_hours_end,
            days=(day - 1 for day in self.business_days),
            timezone=self.business_timezone,
            holidays=self.holidays,
        )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # SecretStr hides the token; URLs are plain strings and may carry a password.
        for name, value in super().__repr_args__():
            if name in {"database_url", "redis_url"} and isinstance(value, str):
                value = mask_password(value)
            yield name, value
