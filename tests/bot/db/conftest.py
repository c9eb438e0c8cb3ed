"""Database fixtures for these tests (the lead may also import them in tests/conftest.py)."""

from tests.bot.db.fixtures import *  # noqa: F403
