"""The one README writer: a benchmark's figures go between its pair of markers, nothing else moves.

Each benchmark owns one section of the top-level README, named by its markers
(``<!-- benchmarks:start -->`` ... ``<!-- benchmarks:end -->``, likewise ``bot-throughput``
and ``desk-reliability``). ``replace_section`` is pure: it swaps what lies between the two
markers and leaves every other byte alone; ``write_readme`` is its file wrapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Section:
    """A README section a benchmark writes: its marker name and the heading it gets when new.

    >>> Section("desk-reliability", "Agents' desk reliability").start
    '<!-- desk-reliability:start -->'
    """

    name: str
    heading: str

    @property
    def start(self) -> str:
        return f"<!-- {self.name}:start -->"

    @property
    def end(self) -> str:
        return f"<!-- {self.name}:end -->"


BENCHMARKS = Section("benchmarks", "Benchmarks")
"""Answer quality and speed: ``python -m benchmarks``."""
BOT_THROUGHPUT = Section("bot-throughput", "Bot throughput")
"""Updates/s and latency, the bot as its own process: ``python -m benchmarks.bot_throughput``."""
DESK_RELIABILITY = Section("desk-reliability", "Agents' desk reliability")
"""The desk under a burst and restarts: ``python -m benchmarks.desk_reliability``."""
FAULT_TABLE = Section("fault-table", "Faults: kills, restarts, a failing Bot API")
"""Sent / stored / delivered / lost / duplicated / out of order under each fault, per
deployment: ``python -m benchmarks.faults``."""
HYBRID_ENGINE = Section("hybrid-engine", "The hybrid engine")
"""BM25, the encoder alone, the lexical and the hybrid engine, dev and leave-one-set-out:
``python -m benchmarks.train --readme``."""
INTAKE_FAULTS = Section("intake-faults", "Intake under a crash")
"""Messages lost, repeated, reordered by a kill -9: ``python -m benchmarks.intake_faults``."""
REPLICAS = Section("replicas", "Several processes")
"""Updates/s of 1, 2, 4 webhook replicas behind one URL:
``python -m benchmarks.throughput.replicas``."""
START_UP = Section("start-up", "Start-up")
"""``faqbot run`` from launch to polling and to its first answer:
``python -m benchmarks.startup``."""


class MarkersError(ValueError):
    """The README has one marker without the other, or them in the wrong order."""

    def __init__(self, path: str, section: Section = BENCHMARKS) -> None:
        super().__init__(path)
        self.path = path
        self.section = section

    def __str__(self) -> str:
        return (
            f"{self.path}: found only one of {self.section.start} / {self.section.end}, or the "
            "end before the start; put both back (start first) or remove both to let the "
            "section be appended"
        )


def replace_section(readme: str, body: str, section: Section = BENCHMARKS) -> str:
    """``readme`` with ``body`` between the section's markers; appends a ``## heading`` with the
    markers when it has none. Nothing outside the markers changes.

    >>> replace_section("# x\\n<!-- benchmarks:start -->\\nold\\n<!-- benchmarks:end -->\\nend\\n",
    ...                 "new")
    '# x\\n<!-- benchmarks:start -->\\nnew\\n<!-- benchmarks:end -->\\nend\\n'
    >>> print(replace_section("# x\\n", "new", DESK_RELIABILITY))
    # x
    <BLANKLINE>
    ## Agents' desk reliability
    <BLANKLINE>
    <!-- desk-reliability:start -->
    new
    <!-- desk-reliability:end -->
    <BLANKLINE>

    :raises MarkersError: only one marker is present, or the end comes first
    """
    start, end = readme.find(section.start), readme.find(section.end)
    if start == -1 and end == -1:
        gap = (
            ""
            if not readme or readme.endswith("\n\n")
            else "\n"
            if readme.endswith("\n")
            else "\n\n"
        )
        return f"{readme}{gap}## {section.heading}\n\n{section.start}\n{body}\n{section.end}\n"
    if start == -1 or end == -1 or end < start:
        raise MarkersError("README", section)
    return f"{readme[: start + len(section.start)]}\n{body}\n{readme[end:]}"


def write_readme(path: Path, body: str, section: Section = BENCHMARKS) -> None:
    """Write ``body`` into the README at ``path`` between the section's markers (see
    :func:`replace_section`)."""
    # newline="": read and write the bytes as they are, so CRLF files stay CRLF outside the section.
    text = ""
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    try:
        updated = replace_section(text, body, section)
    except MarkersError:
        raise MarkersError(str(path), section) from None
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(updated)
