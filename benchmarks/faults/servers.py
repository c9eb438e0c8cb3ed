"""A PostgreSQL and a Redis of the benchmark's own, on spare ports, so it may restart them.

The machine's shared servers (5432, 6379) serve other people's tests and are never touched.
PostgreSQL comes from ``initdb`` in a temporary folder (trust auth, ``fsync`` off: the
benchmark measures the bot, not the disk); as root its binaries run as the ``postgres``
user. Redis keeps an append-only file, as a production Redis does, so a restart keeps the
conversations' state.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

__all__ = ["PrivatePostgres", "PrivateRedis", "spare_port"]


def spare_port() -> int:
    """A TCP port nobody listens on now (the OS's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise FileNotFoundError(f"{name} not found on PATH or under /usr/lib/postgresql/*/bin")
    return found


class PrivatePostgres:
    """``initdb`` + ``pg_ctl`` in ``folder``; :meth:`restart` stops it for a while.

    :param folder: the data directory's parent (made private to the server's user)
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = spare_port()
        self._as_postgres: Sequence[str] = (
            ("runuser", "-u", "postgres", "--") if os.geteuid() == 0 else ()
        )

    @property
    def url(self) -> str:
        """The bot's ``DATABASE_URL`` (the ``postgres`` database of this server)."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self._as_postgres, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )

    async def _pg_ctl(self, *args: str) -> None:
        command = [_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log")]
        await asyncio.to_thread(self._run, *command, *args)

    async def start(self) -> None:
        # Commit timestamps: the benchmark reads when each "delivered" mark was committed.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c track_commit_timestamp=on"
        )
        await self._pg_ctl("-o", options, "-w", "-t", "60", "start")

    async def stop(self) -> None:
        """``pg_ctl stop -m fast``: open connections are ended (57P01), new ones refused."""
        await self._pg_ctl("-m", "fast", "-w", "-t", "60", "stop")

    async def restart(self, away: float) -> None:
        """Stop, ``away`` seconds with no server, start again."""
        await self.stop()
        await asyncio.sleep(away)
        await self.start()

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls) -> AsyncIterator[PrivatePostgres]:
        with tempfile.TemporaryDirectory(prefix="faqbot-faults-pg-") as tmp:
            server = cls(Path(tmp))
            if server._as_postgres:
                shutil.chown(tmp, "postgres", "postgres")
            initdb = _postgres_bin("initdb")
            await asyncio.to_thread(
                server._run, initdb, "-D", str(server.data), "-U", "postgres", "--auth=trust"
            )
            await server.start()
            try:
                yield server
            finally:
                with contextlib.suppress(subprocess.CalledProcessError):
                    await server._pg_ctl("-m", "immediate", "-w", "stop")


class PrivateRedis:
    """``redis-server`` on a spare port with an append-only file; :meth:`restart` stops it
    (a clean shutdown, the file written) for a while."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = spare_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self._process = await asyncio.create_subprocess_exec(
            shutil.which("redis-server") or "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)),
            *("--appendonly", "yes", "--save", "", "--protected-mode", "no"),
            stdout=log,
            stderr=log,
        )
        log.close()
        for _ in range(200):
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"redis-server did not listen on {self.port} within 10 s")

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await asyncio.wait_for(self._process.wait(), 30)

    async def restart(self, away: float) -> None:
        await self.stop()
        await asyncio.sleep(away)
        await self.start()

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls) -> AsyncIterator[PrivateRedis]:
        with tempfile.TemporaryDirectory(prefix="faqbot-faults-redis-") as tmp:
            server = cls(Path(tmp))
            await server.start()
            try:
                yield server
            finally:
                await server.stop()
