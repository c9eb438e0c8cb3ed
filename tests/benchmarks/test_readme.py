"""The README writer touches only the marked section, whichever benchmark's it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.readme import (
    BENCHMARKS,
    DESK_RELIABILITY,
    MarkersError,
    replace_section,
    write_readme,
)

START, END = BENCHMARKS.start, BENCHMARKS.end

README = f"""# faqbot

Intro.

## Benchmarks

{START}
old table
{END}

## Licence

MIT
"""


def test_replaces_only_the_marked_section() -> None:
    updated = replace_section(README, "| new | table |")
    before, after = README.split(START)[0], README.split(END)[1]
    assert updated.startswith(before + START + "\n| new | table |\n" + END)
    assert updated.endswith(END + after)
    assert "old table" not in updated


def test_writing_twice_gives_the_same_file() -> None:
    once = replace_section(README, "figures")
    assert replace_section(once, "figures") == once


def test_appends_a_section_when_markers_are_missing() -> None:
    updated = replace_section("# faqbot\n\nIntro.\n", "figures")
    assert updated == f"# faqbot\n\nIntro.\n\n## Benchmarks\n\n{START}\nfigures\n{END}\n"


@pytest.mark.parametrize("broken", [f"# x\n{START}\n", f"# x\n{END}\n", f"{END}\n{START}\n"])
def test_one_marker_alone_is_an_error(broken: str) -> None:
    with pytest.raises(MarkersError, match="remove both"):
        replace_section(broken, "figures")


def test_write_readme_keeps_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(README.replace("\n", "\r\n").encode())
    write_readme(path, "figures")
    data = path.read_bytes()
    assert data.startswith(b"# faqbot\r\n\r\nIntro.\r\n") and data.endswith(
        b"## Licence\r\n\r\nMIT\r\n"
    )
    assert b"figures" in data and b"old table" not in data


def test_write_readme_names_the_file_on_broken_markers(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(f"# x\n{START}\n", encoding="utf-8")
    with pytest.raises(MarkersError, match=str(path)):
        write_readme(path, "figures")


def test_each_benchmark_writes_its_own_section() -> None:
    both = README.replace(
        "## Licence", f"{DESK_RELIABILITY.start}\nold desk\n{DESK_RELIABILITY.end}\n\n## Licence"
    )
    updated = replace_section(both, "new desk", DESK_RELIABILITY)
    assert "old table" in updated and "old desk" not in updated
    assert f"{DESK_RELIABILITY.start}\nnew desk\n{DESK_RELIABILITY.end}" in updated


def test_the_error_names_the_section_it_looked_for() -> None:
    with pytest.raises(MarkersError, match="desk-reliability:end"):
        replace_section(f"# x\n{DESK_RELIABILITY.start}\n", "figures", DESK_RELIABILITY)
