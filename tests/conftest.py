"""Shared fixtures: real databases (SQLite and PostgreSQL) and the Telegram Bot API emulator."""

from tests.bot.db.fixtures import *  # noqa: F403
from tests.emulator_fixtures import telegram, telegram_bot  # noqa: E402, F401
