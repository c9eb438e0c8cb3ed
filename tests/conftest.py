"""Shared fixtures: real databases (SQLite and PostgreSQL), the Telegram Bot API emulator, and
a cache of embeddings of the suite's own."""

from collections.abc import Iterator

import pytest

from tests.bot.db.fixtures import *  # noqa: F403
from tests.emulator_fixtures import telegram, telegram_bot  # noqa: E402, F401


@pytest.fixture(scope="session", autouse=True)
def embeddings_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Embeddings are cached where ``XDG_CACHE_HOME`` says: a folder of this run's, so the
    suite neither reads a developer's cache (a stale one would hide a change) nor writes into
    it. Set in the environment, the processes the suite starts (``faqbot chat``) share it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield
