"""``faqbot run`` as a process: start-up failures are one line and a non-zero exit; a good
configuration serves customers until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat
from bot.settings import Settings
from bot.startup import StartupError, serve_bot
from tests.telegram.conftest import ARTICLES

FAQBOT = str(Path(sys.executable).with_name("faqbot"))
START_UP_S = 60  # imports, migrations and the index: a few seconds, more on a busy machine


def _environment(telegram: TelegramEmulator, tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "BOT_TOKEN": telegram.token,
        "BOT_API_URL": telegram.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "ARTICLES_DIR": str(ARTICLES),
    }
    env.update(values)
    return {key: value for key, value in env.items() if value}


async def _run(env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        FAQBOT,
        "run",
        cwd=cwd,  # no .env there
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), START_UP_S)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize(
    ("values", "line"),
    [
        (
            {"BOT_TOKEN": "123456:not-the-token"},
            "Error: Telegram rejected BOT_TOKEN (401 Unauthorized at {api}): "
            "check the token from @BotFather",
        ),
        (
            {"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/test"},
            "Error: database postgresql+asyncpg://postgres@127.0.0.1:1/test is unavailable: ",
        ),
    ],
    ids=["rejected-token", "database-down"],
)
async def test_a_failed_start_up_check_is_one_line_and_exit_1(
    telegram: TelegramEmulator, tmp_path: Path, values: dict[str, str], line: str
) -> None:
    code, stdout, stderr = await _run(_environment(telegram, tmp_path, **values), tmp_path)
    assert code == 1
    assert stdout == ""
    [shown] = stderr.strip().splitlines()
    assert shown.startswith(line.format(api=telegram.base_url))


# The same checks in this process: a process costs seconds of imports each.
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"bot_token": None}, "BOT_TOKEN is not set: create a bot with @BotFather"),
        ({"bot_token": "  "}, "BOT_TOKEN is not set"),
        ({"bot_token": "no colon"}, "BOT_TOKEN is malformed: it looks like 123456789:AA..."),
        ({"webhook_url": "https://bot.example/telegram"}, "webhook mode needs WEBHOOK_SECRET"),
        (
            {"bot_api_url": "http://127.0.0.1:1"},
            "the Bot API at http://127.0.0.1:1 does not answer",
        ),
        ({"articles_dir": "/nonexistent/articles"}, "/nonexistent/articles"),
    ],
    ids=["no-token", "blank-token", "malformed-token", "webhook-no-secret", "api-down", "no-kb"],
)
async def test_start_up_checks_name_the_setting_to_fix(
    telegram: TelegramEmulator, tmp_path: Path, values: dict[str, Any], message: str
) -> None:
    settings = Settings(
        _env_file=None,
        **{
            "bot_token": telegram.token,
            "bot_api_url": telegram.base_url,
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            **values,
        },
    )
    with pytest.raises(StartupError) as raised:
        await serve_bot(settings, webhook=False)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


async def _log_until(process: asyncio.subprocess.Process, text: str, log: list[str]) -> None:
    """Read the bot's log into ``log`` until a line has ``text``."""
    assert process.stderr is not None
    while text not in (log[-1] if log else ""):
        line = await process.stderr.readline()
        assert line, f"the bot stopped before logging {text!r}:\n{''.join(log)}"
        log.append(line.decode())


async def test_run_serves_customers_and_article_edits_until_sigterm(
    telegram: TelegramEmulator, tmp_path: Path, warm_cache: dict[str, str]
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(ARTICLES, articles)
    process = await asyncio.create_subprocess_exec(
        FAQBOT,
        "run",
        cwd=tmp_path,
        env=_environment(telegram, tmp_path, ARTICLES_DIR=str(articles), **warm_cache),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    log: list[str] = []
    try:
        await telegram.wait_until_polling(timeout=START_UP_S)
        chat = Chat(telegram, telegram.new_user("Анна"))
        answer = await chat.say("не приходит код из смс")
        assert answer["text"].startswith("Не приходит код для входа")

        # RELOAD_ARTICLES is on by default: an edit is served without a restart.
        await asyncio.wait_for(_log_until(process, "for article edits", log), START_UP_S)
        login = articles / "app" / "login-code.md"
        login.write_text(
            login.read_text(encoding="utf-8").replace('код для входа"', 'СМС-код"'),
            encoding="utf-8",
        )
        await asyncio.wait_for(_log_until(process, "reloaded 47 articles", log), START_UP_S)
        answer = await chat.say("не приходит код из смс")
        assert answer["text"].startswith("Не приходит СМС-код")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), START_UP_S)
    log.append(stderr.decode())
    assert process.returncode == 0, "".join(log)
    text = "".join(log)
    assert "bot @faq_test_bot" in text and "47 articles" in text
    assert "changed login-code" in text and "change detected" not in text
    assert (tmp_path / "bot.sqlite3").exists()
