"""A deployment: N ``faqbot run`` processes against the Bot API emulator, killed and restarted.

Every process is ``python -m bot`` (``faqbot run``) with its environment, its log in the
run's folder; one process polls (Telegram lets one ``getUpdates`` reader per bot). Webhook
replicas behind a balancer are the same shape with a ``WEBHOOK_URL`` and a port each: pass
one environment per replica (:attr:`Deployment.extra`) and the rows of the fault table take
them as they are.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["READY_LINE", "START_UP_S", "Deployment"]

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "articles"
START_UP_S = 300.0  # a start takes 5-80 s on this shared machine, depending on its load
READY_LINE = b"long polling"
"""What a process logs once it reads updates (:func:`bot.startup.serve_bot`)."""


@dataclass
class Deployment:
    """``faqbot run`` × ``len(extra)`` (one each, with its own extra environment).

    :param env: what every process gets (token, Bot API URL, database, Redis)
    :param folder: where the processes' logs go
    :param extra: one mapping per process: what it gets on top of ``env``
    """

    env: Mapping[str, str]
    folder: Path
    extra: Sequence[Mapping[str, str]] = ({},)
    ready_line: bytes = READY_LINE
    """What a process logs once it takes updates (a webhook replica: ``listening at``)."""
    processes: list[asyncio.subprocess.Process | None] = field(default_factory=list)
    starts: int = 0
    kills: int = 0
    start_up_s: list[float] = field(default_factory=list)
    log_paths: list[Path] = field(default_factory=list)

    def _log(self, index: int, start: int) -> Path:
        return self.folder / f"bot-{index}-{start}.log"

    async def start(self) -> None:
        """Start every process and wait until each reads updates."""
        self.processes = [None] * len(self.extra)  # filled as they start: stop() sees them
        await asyncio.gather(*(self.restart(index) for index in range(len(self.extra))))

    async def restart(self, index: int) -> None:
        """Start process ``index`` (again) and wait until it reads updates.

        :raises TimeoutError: it did not within :data:`START_UP_S` (its log says why)
        """
        self.starts += 1
        log_path = self._log(index, self.starts)
        self.log_paths.append(log_path)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.folder),
            "ARTICLES_DIR": str(ARTICLES),
            "RELOAD_ARTICLES": "false",
            **self.env,
            **self.extra[index],
        }
        started = time.monotonic()
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.folder, env=env, stdout=log, stderr=log
            )
        if index < len(self.processes):
            self.processes[index] = process
        else:
            self.processes.append(process)
        while self.ready_line not in log_path.read_bytes():
            if process.returncode is not None:
                raise RuntimeError(f"faqbot run exited with {process.returncode}; see {log_path}")
            if time.monotonic() - started > START_UP_S:
                raise TimeoutError(
                    f"faqbot run not taking updates after {START_UP_S:.0f} s: {log_path}"
                )
            await asyncio.sleep(0.05)
        self.start_up_s.append(time.monotonic() - started)

    async def kill(self, index: int = 0) -> None:
        """SIGKILL process ``index``: nothing of it runs one more instruction."""
        process = self.processes[index]
        if process is None or process.returncode is not None:
            return
        process.kill()
        await process.wait()
        self.kills += 1

    async def stop(self) -> None:
        """SIGTERM every process (the updates in hand finish first) and wait for them."""
        running = [p for p in self.processes if p is not None and p.returncode is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                await process.wait()

    def logs(self, since: int = 0) -> str:
        """The logs of the processes started ``since`` (a count of :attr:`log_paths`) on."""
        return "\n".join(p.read_text(errors="replace") for p in self.log_paths[since:])
