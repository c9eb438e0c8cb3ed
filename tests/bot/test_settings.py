"""Settings: defaults, the environment's variable names, URL normalisation, secrets."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

import bot.settings
from bot.settings import Settings, mask_password, normalise_database_url
from bot.tickets import Priority, SlaPolicy

CONTRACT = [
    "BOT_TOKEN",
    "BOT_API_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "ARTICLES_DIR",
    "AGENTS_CHAT_ID",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_HOST",
    "WEBHOOK_PORT",
    "THRESHOLDS_PATH",
    "SLA_FIRST_RESPONSE_MINUTES",
    "SLA_RESOLUTION_HOURS",
    "BUSINESS_DAYS",
    "BUSINESS_HOURS_START",
    "BUSINESS_HOURS_END",
    "BUSINESS_TIMEZONE",
    "HOLIDAYS",
    "RATE_LIMIT_PER_MINUTE",
    "AGENT_SIGNATURE",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CONTRACT:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = Settings(_env_file=None)
    assert settings.bot_token is None
    assert settings.bot_api_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite+aiosqlite:///faqbot.sqlite3"
    assert settings.redis_url is None
    assert settings.articles_dir == Path("articles")
    assert settings.agents_chat_id is None
    assert settings.webhook_url is None
    assert settings.rate_limit_per_minute == 20
    assert settings.agent_signature is False
    hours = settings.business_hours()
    assert hours.timezone == "Europe/Moscow"
    assert [w is not None for w in hours.week] == [True] * 5 + [False] * 2
    assert hours.week[0] is not None and (hours.week[0].opens, hours.week[0].closes) == (
        time(9),
        time(18),
    )


def test_default_sla_matches_the_domain_defaults() -> None:
    assert Settings(_env_file=None).sla_policy() == SlaPolicy()


def test_reads_contract_names_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_URL", "postgres://bot@db/faq")
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/1")
    monkeypatch.setenv("AGENTS_CHAT_ID", "-1001234567890")
    monkeypatch.setenv("WEBHOOK_PORT", "8443")
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "5")
    monkeypatch.setenv("AGENT_SIGNATURE", "true")
    monkeypatch.setenv("BUSINESS_DAYS", "1,2,3,4,5,6")
    monkeypatch.setenv("BUSINESS_HOURS_START", "10:00")
    monkeypatch.setenv("HOLIDAYS", "2025-01-01, 2025-01-07")
    monkeypatch.setenv("SLA_FIRST_RESPONSE_MINUTES", '{"critical": 15}')

    settings = Settings(_env_file=None)

    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "123:abc"
    assert settings.database_url == "postgresql+asyncpg://bot@db/faq"
    assert settings.redis_url == "redis://localhost:6379/1"
    assert settings.agents_chat_id == -1001234567890
    assert settings.webhook_port == 8443
    assert settings.rate_limit_per_minute == 5
    assert settings.agent_signature is True
    hours = settings.business_hours()
    assert hours.week[5] is not None and hours.week[6] is None
    assert hours.holidays == {date(2025, 1, 1), date(2025, 1, 7)}
    assert hours.week[0] is not None and hours.week[0].opens == time(10)
    policy = settings.sla_policy()
    assert policy.first_response[Priority.CRITICAL] == timedelta(minutes=15)
    assert policy.first_response[Priority.LOW] == timedelta(hours=8)  # default kept


def test_json_lists_are_accepted_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUSINESS_DAYS", "[1, 2, 3]")
    monkeypatch.setenv("HOLIDAYS", '["2025-05-01"]')
    settings = Settings(_env_file=None)
    assert settings.business_days == {1, 2, 3}
    assert settings.holidays == (date(2025, 5, 1),)


def test_reads_dotenv_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("BOT_TOKEN=from-file\nARTICLES_DIR=kb\nSOMETHING_ELSE=ignored\n")
    settings = Settings(_env_file=env)
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "from-file"
    assert settings.articles_dir == Path("kb")


def test_keyword_arguments_for_tests() -> None:
    settings = Settings(_env_file=None, bot_token="x", agents_chat_id=-100)
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == "x"
    assert settings.agents_chat_id == -100


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("POSTGRESQL://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///faqbot.sqlite3", "sqlite+aiosqlite:///faqbot.sqlite3"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_url_gets_async_driver(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
    assert Settings(_env_file=None, database_url=given).database_url == expected


def test_database_url_without_scheme_is_refused() -> None:
    with pytest.raises(ValidationError, match="scheme://"):
        Settings(_env_file=None, database_url="faqbot.sqlite3")


def test_secrets_stay_out_of_repr() -> None:
    settings = Settings(
        _env_file=None,
        bot_token="123:TOKEN",
        webhook_secret="HOOK",
        database_url="postgresql://bot:DBPASS@db/faq",
        redis_url="redis://:REDISPASS@cache:6379/0",
    )
    for shown in (repr(settings), str(settings)):
        for secret in ("TOKEN", "HOOK", "DBPASS", "REDISPASS"):
            assert secret not in shown
    assert "postgresql+asyncpg://bot:***@db/faq" in repr(settings)
    assert settings.database_url == "postgresql+asyncpg://bot:DBPASS@db/faq"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("redis://:pw@localhost:6379/0", "redis://:***@localhost:6379/0"),
        ("postgresql+asyncpg://bot:p%40ss@db/faq", "postgresql+asyncpg://bot:***@db/faq"),
        ("sqlite+aiosqlite:///faqbot.sqlite3", "sqlite+aiosqlite:///faqbot.sqlite3"),
    ],
)
def test_mask_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"business_timezone": "Moscow"}, "unknown timezone 'Moscow'"),
        ({"business_days": "0,1"}, "1 \\(Monday\\) to 7"),
        ({"business_hours_start": "18:00", "business_hours_end": "09:00"}, "must be before"),
        ({"sla_first_response_minutes": {"critical": 0}}, "greater than 0"),
        ({"rate_limit_per_minute": 0}, "greater than 0"),
        ({"webhook_secret": "has spaces"}, "A-Z, a-z, 0-9, _ and -"),
    ],
)
def test_invalid_values_are_explained(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, **changes)  # type: ignore[arg-type]


def test_invalid_secret_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, webhook_secret="my secret!")
    assert "my secret!" not in str(caught.value)


def test_nothing_is_read_at_import() -> None:
    assert not any(isinstance(value, Settings) for value in vars(bot.settings).values())
