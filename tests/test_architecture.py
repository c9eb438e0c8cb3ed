"""The map of the floors in the README holds: imports point down, never up, never in a circle.

Read from the source with :mod:`ast` (nothing is imported), so a new module is checked the day
it is written. Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nlp", "kb", "bot", "benchmarks")

FLOORS: tuple[tuple[str, ...], ...] = (
    # 0: Russian text and retrieval
    ("nlp",),
    # 1: the knowledge base
    ("kb",),
    # 2: the pure core: decisions, tickets, texts, rendering, desk rules, reports
    (
        "bot.plural",
        "bot.business_hours",
        "bot.rendering",
        "bot.policy",
        "bot.tickets",
        "bot.texts",
        "bot.dialogue",
        "bot.desk",
        "bot.reports",
        "bot.evaluation",
    ),
    # 3: configuration and storage
    ("bot.settings", "bot.db"),
    # 4: the services every front end shares
    ("bot.serving",),
    # 5: the front ends, side by side (neither imports the other)
    ("bot.telegram", "bot.web", "bot.emulator"),
    # 6: the composition root (and how start-up treats the garbage collector)
    ("bot.startup", "bot.collector"),
    # 7: the command line and the ways to start it
    ("bot.cli", "bot.__main__", "bot"),
    # 8: measurements of everything
    ("benchmarks",),
)
"""Lowest first. A module may import its own floor's modules and any floor below."""

FRONT_ENDS = ("bot.telegram", "bot.web")
PURE = ("nlp", "kb", "bot.policy", "bot.tickets", "bot.dialogue", "bot.desk")
"""The core takes data and returns data: no transport, no database, no network."""
IO_LIBRARIES = ("aiogram", "sqlalchemy", "aiohttp", "redis", "asyncpg", "aiosqlite", "httpx")


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic's revisions are data in code, loaded by Alembic
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def imports(name: str, path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # ``from bot.serving import answers`` may name a submodule
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def owner(module: str, known: set[str]) -> str | None:
    """The module of ours that ``module`` names: itself, or its nearest known parent."""
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


def floor(module: str) -> tuple[int, str]:
    best: tuple[int, str] | None = None
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > len(best[1]):
                    best = (level, prefix)
    assert best is not None, f"{module} is on no floor: add it to FLOORS (and the README map)"
    return best


GRAPH: dict[str, set[str]] = {}


def graph() -> dict[str, set[str]]:
    if not GRAPH:
        paths = dict(modules())
        known = set(paths)
        for name, path in paths.items():
            targets = {owner(imported, known) for imported in imports(name, path)}
            GRAPH[name] = {t for t in targets if t is not None and t != name}
    return GRAPH


def test_every_module_has_a_floor() -> None:
    for module in graph():
        floor(module)


def test_no_module_imports_a_floor_above_its_own() -> None:
    upward = []
    for module, targets in graph().items():
        level, room = floor(module)
        for target in targets:
            # A package's __init__ re-exports its own modules: not an upward import.
            if module and target.startswith(module + "."):
                continue
            their_level, their_room = floor(target)
            if their_level > level:
                upward.append(f"{module} (floor {level}) imports {target} (floor {their_level})")
    assert not upward, "\n".join(sorted(upward))


def test_front_ends_do_not_import_each_other() -> None:
    crossing = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        for mine in FRONT_ENDS
        for theirs in FRONT_ENDS
        if mine != theirs and floor(module)[1] == mine and floor(target)[1] == theirs
    ]
    assert not crossing, "\n".join(sorted(crossing))


def test_nothing_imports_the_composition_root_but_the_command_line() -> None:
    importers = sorted(
        module
        for module, targets in graph().items()
        if "bot.startup" in targets and floor(module)[1] not in ("bot.cli", "bot.__main__")
    )
    assert importers == []


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    # Packages re-export their modules; a module importing its own package's __init__ is
    # the only legitimate way back, and it is not drawn as a dependency on the package.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if target.startswith(module + ".") or module.startswith(target + "."):
                continue  # a package and its own modules
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


@pytest.mark.parametrize("core", PURE)
def test_the_core_imports_no_transport_and_no_database(core: str) -> None:
    impure = sorted(
        f"{module} imports {name}"
        for module, path in modules()
        if floor(module)[1] == core or module == core or module.startswith(core + ".")
        for name in imports(module, path)
        if name.split(".")[0] in IO_LIBRARIES
    )
    assert not impure, "\n".join(impure)
