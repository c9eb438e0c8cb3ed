"""Sessions, the login token and redirects after login (bot.web.auth), without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings
from bot.web import auth
from bot.web.auth import Sessions, safe_next


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_only_the_exact_token_matches() -> None:
    sessions = Sessions("s3cret-токен")
    assert sessions.token_matches("s3cret-токен")
    for wrong in ("", "s3cret", "s3cret-токен ", "S3CRET-ТОКЕН"):
        assert not sessions.token_matches(wrong)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        Sessions("")


def test_a_session_lives_until_it_expires_or_ends() -> None:
    clock = Clock()
    sessions = Sessions("t", lifetime=timedelta(hours=1), clock=clock)
    session = sessions.start()
    assert sessions.get(session.id) is session and session.csrf != session.id
    clock.now += timedelta(minutes=59)
    assert sessions.get(session.id) is session
    clock.now += timedelta(minutes=1)
    assert sessions.get(session.id) is None
    other = sessions.start()
    sessions.end(other.id)
    assert sessions.get(other.id) is None
    assert sessions.get(None) is None and sessions.get("made-up") is None


def test_a_flood_of_logins_ends_the_oldest_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "MAX_SESSIONS", 3)
    sessions = Sessions("t")
    first, *rest = [sessions.start() for _ in range(4)]
    assert sessions.get(first.id) is None
    assert all(sessions.get(s.id) is s for s in rest)


def test_notices_are_shown_once() -> None:
    session = Sessions("t").start()
    session.notify("decided", outcome="added")
    assert session.pop_notices() == [("decided", {"outcome": "added"})]
    assert session.pop_notices() == []


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/articles?sort=title", "/articles?sort=title"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("articles", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
    ],
)
def test_after_login_only_pages_of_this_site(target: str | None, safe: str) -> None:
    assert safe_next(target) == safe


def test_the_web_token_is_a_secret_in_settings() -> None:
    settings = Settings(_env_file=None, web_token="s3cret")
    assert settings.web_token is not None and settings.web_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8081)
