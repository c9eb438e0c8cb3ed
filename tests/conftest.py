"""Shared fixtures: real databases (SQLite and PostgreSQL) and the Telegram Bot API emulator."""

from tests.bot.db.fixtures import *  # noqa: F403
