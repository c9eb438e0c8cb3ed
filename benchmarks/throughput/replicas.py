"""Several ``faqbot run --webhook`` processes behind one URL: updates/s at 1, 2 and 4 replicas.

    .venv/bin/python -m benchmarks.throughput.replicas [--replicas 1,2,4] [--customers 60]
        [--questions 10] [--write-readme]

Each count gets the same deployment, built fresh: a PostgreSQL database of its own (the
replicas migrate it together at start-up), Redis, N replica processes on ports of their own
and the round-robin balancer (:mod:`bot.emulator.balancer`, as a process of its own, in
nginx's place) at the URL the emulator's webhook posts to, up to 40 requests at a time, a
chat's updates one after another. The customers ask in a closed loop, each the next question
once the last is answered: updates/s is answers over the time from the first question to the
last answer. The baseline is the single process as it runs without replicas
(``SHARED_INTAKE=false``), measured in the same run; every row's ratio is to it. *CPU per
update* is the replicas' own CPU time (user + system, from ``/proc``) over the updates; the
emulator, the customers and the balancer run in other processes on the same cores.

The harness (:func:`replica_set`) is what ``tests/telegram/test_replicas.py`` starts too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.databases import empty_database, postgres_up
from benchmarks.measure import hardware
from benchmarks.readme import REPLICAS, write_readme
from benchmarks.throughput.load import QUESTIONS, closed_loop
from benchmarks.throughput.timing import Telegram
from bot.emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ARTICLES = ROOT / "articles"
FAQBOT = str(Path(sys.executable).with_name("faqbot"))
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "replicas-secret"
START_UP_S = 300.0
"""A start takes 10-25 s here when the machine is quiet, minutes when it is not."""
_TICK = os.sysconf("SC_CLK_TCK")


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports nobody listens on now (the OS picks them)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def cpu_seconds(pid: int) -> float:
    """A live process's CPU time so far, user and system (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


@dataclass
class ReplicaSet:
    """The replicas and the balancer in front of them, as processes."""

    balancer: asyncio.subprocess.Process
    url: str
    replicas: list[asyncio.subprocess.Process]
    logs: list[Path]
    ports: list[int] = field(default_factory=list)

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.replicas)

    def handled(self) -> list[list[int]]:
        """Per replica, the update ids its log says it handled (aiogram's own line)."""
        found = []
        for log in self.logs:
            text = log.read_text(encoding="utf-8", errors="replace")
            found.append(
                [int(line.split("Update id=")[1].split()[0]) for line in text.splitlines()
                 if "Update id=" in line and " is handled" in line]
            )  # fmt: skip
        return found


async def _listening(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    deadline = time.monotonic() + START_UP_S
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"a replica exited at start-up:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(
        f"a replica did not listen on {port} within {START_UP_S:.0f} s:\n{log.read_text()[-3000:]}"
    )


@contextlib.asynccontextmanager
async def replica_set(
    emulator: TelegramEmulator,
    database_url: str,
    folder: Path,
    count: int,
    *,
    shared: bool = True,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[ReplicaSet]:
    """``count`` replicas of ``faqbot run --webhook`` and the balancer, until the block ends
    (then SIGTERM to each).

    :param database_url: PostgreSQL; the replicas migrate it at start-up
    :param folder: the processes' working directory and logs (``replica-N.log``)
    :param shared: ``SHARED_INTAKE``; off only for the one-process baseline
    """
    *ports, front = free_ports(count + 1)
    balancer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.emulator.balancer",
        "--listen",
        f"127.0.0.1:{front}",
        *(f"127.0.0.1:{port}" for port in ports),
        stdout=asyncio.subprocess.DEVNULL,
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        # The article embeddings' cache is shared (written atomically): a cold one costs every
        # replica tens of seconds of CPU at start-up.
        "HOME": os.environ.get("HOME", str(folder)),
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", ""),
        # Passed on: PYTHONPATH=<another checkout> measures that checkout's replicas.
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "BOT_TOKEN": emulator.token,
        "BOT_API_URL": emulator.base_url,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "ARTICLES_DIR": str(ARTICLES),
        "RELOAD_ARTICLES": "false",
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "TELEGRAM_LIMITS": "false",  # the emulator runs without Telegram's limits here
        "WEBHOOK_URL": f"http://127.0.0.1:{front}/webhook",
        "WEBHOOK_SECRET": SECRET,
        "SHARED_INTAKE": "true" if shared else "false",
        **(extra_env or {}),
    }
    env = {key: value for key, value in env.items() if value}
    replicas: list[asyncio.subprocess.Process] = []
    logs: list[Path] = []
    try:
        for n, port in enumerate(ports, 1):
            log = folder / f"replica-{n}.log"
            with log.open("wb") as output:
                replicas.append(
                    await asyncio.create_subprocess_exec(
                        FAQBOT,
                        "run",
                        "--webhook",
                        "--port",
                        str(port),
                        cwd=folder,
                        env=env,
                        stdout=output,
                        stderr=output,
                    )  # fmt: skip
                )
            logs.append(log)
        for process, port, log in zip(replicas, ports, logs, strict=True):
            await _listening(port, process, log)
        yield ReplicaSet(balancer, f"http://127.0.0.1:{front}", replicas, logs, ports)
    finally:
        for process in replicas:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in replicas:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 60)
            if process.returncode is None:
                process.kill()
                await process.wait()
        balancer.send_signal(signal.SIGTERM)
        await balancer.wait()


async def forget_redis_keys(bot_id: str) -> None:
    """The FSM, rate-limit and outbound keys of a bot id used for one run only."""
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(f"faqbot:*{bot_id}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@dataclass(frozen=True)
class Row:
    """One deployment's figures."""

    label: str
    replicas: int
    updates: int
    lost: int
    seconds: float
    cpu_s: float

    @property
    def per_second(self) -> float:
        return (self.updates - self.lost) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        answered = self.updates - self.lost
        return 1000 * self.cpu_s / answered if answered else float("nan")


async def measure(count: int, *, shared: bool, customers: int, questions: int, seed: int) -> Row:
    """One deployment, fresh database and bot id, the closed loop through it."""
    token = f"{900000 + (os.getpid() * 7 + count * 131 + shared) % 90000}:replicas-bench"
    with tempfile.TemporaryDirectory(prefix="faqbot-replicas-") as tmp:
        folder = Path(tmp)
        async with empty_database("postgresql", folder) as url:
            telegram = Telegram()
            telegram.emulator = TelegramEmulator(token=token)
            telegram.emulator.log = telegram.log
            try:
                async with (
                    telegram.emulator,
                    replica_set(telegram.emulator, url, folder, count, shared=shared) as fleet,
                ):
                    warm = [telegram.emulator.new_user(f"Разогрев {n}") for n in range(count * 4)]
                    for question in QUESTIONS:
                        for user in warm:
                            telegram.ask(user, question)
                        for user in warm:
                            await telegram.reply(user)
                    telegram.sent.clear()
                    since = len(telegram.log.calls)
                    cpu = fleet.cpu()
                    await closed_loop(telegram, customers, questions, seed)
                    cpu = fleet.cpu() - cpu
                    result = telegram.measure(
                        "postgresql", "closed", range(since, len(telegram.log.calls)), {}
                    )
                    # Back to "no webhook" before the emulator stops (see tests/test_webhook).
                    await telegram.emulator.webhook.delete()
            finally:
                await forget_redis_keys(token.partition(":")[0])
    label = f"{count} replica{'s' if count > 1 else ''}" + ("" if shared else ", not shared")
    return Row(label, count, result.updates, result.lost, result.seconds, cpu)


def table(rows: Sequence[Row]) -> str:
    baseline = rows[0].per_second if rows else 0.0
    lines = [
        "| deployment | updates | lost | updates/s | × the one process | CPU ms per update |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        ratio = row.per_second / baseline if baseline else float("nan")
        lines.append(
            f"| {row.label} | {row.updates} | {row.lost} | {row.per_second:.0f} "
            f"| {ratio:.2f} | {row.cpu_ms_per_update:.1f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    hw = hardware()
    return f"{hw['cores']} CPUs {hw['cpu']}, Python {hw['python']}, commit {hw['commit']}"


async def main_async(args: argparse.Namespace) -> list[Row]:
    if not await postgres_up():
        raise SystemExit("PostgreSQL is not running at 127.0.0.1:5432: nothing to measure")
    rows = []
    plan = [(1, False)] + [(n, True) for n in args.replicas]
    for count, shared in plan:
        row = await measure(
            count,
            shared=shared,
            customers=args.customers,
            questions=args.questions,
            seed=args.seed,
        )
        print(
            f"  {row.label}: {row.per_second:.0f} updates/s, {row.lost} lost, "
            f"load {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput.replicas",
        description="Updates/s of N webhook replicas behind one URL, on PostgreSQL and Redis.",
    )
    parser.add_argument(
        "--replicas",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        default=[1, 2, 4],
        help="replica counts, comma-separated",
    )
    parser.add_argument("--customers", type=int, default=60, help="closed loop: customers")
    parser.add_argument("--questions", type=int, default=10, help="closed loop: each asks")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows = asyncio.run(main_async(args))
    seconds = time.perf_counter() - started
    text = table(rows)
    print(text)
    print(f"\n{machine()}; load average {load_before:.1f} at the start")
    if args.write_readme:
        counts = ",".join(str(n) for n in args.replicas)
        command = (
            f"python -m benchmarks.throughput.replicas --replicas {counts} "
            f"--customers {args.customers} --questions {args.questions}"
        )
        body = (
            f"_{date.today().isoformat()}, {machine()}; `{command}`, {seconds:.0f} s; load "
            f"average {load_before:.1f} at the start (other work shares the machine)._\n\n{text}"
        )
        write_readme(README, body, REPLICAS)
        print(f"Figures written into {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
