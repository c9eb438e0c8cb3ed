"""``faqbot web``: refuses to start without a token, serves the login page, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.cli.conftest import ROOT, Run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_without_a_token_it_refuses_in_one_line(faqbot: Run, kb: Path) -> None:
    result = faqbot("web", "--articles", str(kb), env={"WEB_TOKEN": ""})
    assert result.code == 1
    assert result.err.startswith("Error: WEB_TOKEN is not set")
    assert len(result.err.strip().splitlines()) == 1


def test_it_serves_the_login_page_until_sigterm(tmp_path: Path, kb: Path) -> None:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k not in {"ARTICLES_DIR", "DATABASE_URL"}}
    environ.update(PYTHONPATH=str(ROOT), WEB_TOKEN="secret-token", RELOAD_ARTICLES="false")
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "web", "--articles", str(kb), "--port", str(port)],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _get(f"http://127.0.0.1:{port}/login", server)
        assert "Токен входа" in page
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
        _, err = server.communicate()
    assert "web page at http://127.0.0.1:" in err
    assert "secret-token" not in err


def _get(url: str, server: subprocess.Popen[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                _, err = server.communicate()
                raise AssertionError(f"faqbot web did not answer at {url}: {err}") from None
            time.sleep(0.2)
