"""Golden test: the benchmark knowledge bases in ../shared/bench load cleanly and as expected.

They live outside the repository; each test skips, saying where it looked, when one is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kb import Catalog, load_folder

BENCH = Path(__file__).parents[2] / "../shared/bench"


def bench_folder(relative: str) -> Path:
    folder = BENCH / relative
    if not folder.is_dir():
        pytest.skip(f"benchmark knowledge base not found at {folder.resolve()}")
    return folder


def load(relative: str) -> Catalog:
    result = load_folder(bench_folder(relative))
    assert result.problems == (), "\n".join(str(p) for p in result.problems)
    return result.catalog


@pytest.mark.parametrize(
    ("relative", "count"),
    [
        ("sota/articles", 50),
        ("klever/articles", 60),
        ("rutube_support/articles-zero", 286),
    ],
)
def test_benchmark_kb_loads_without_problems(relative: str, count: int) -> None:
    catalog = load(relative)

    assert len(catalog) == count
    assert all(article.title and article.body for article in catalog)


def test_sota_app_not_working_article() -> None:
    article = load("sota/articles")["app-not-working"]

    assert article.title == "Приложение «Мой Сота» не работает"
    assert article.category == "Приложение"
    assert article.tags == ("приложение", "ошибка", "вылетает")
    assert article.questions == (
        "Приложение Мой Сота вылетает при запуске",
        "Почему в приложении бесконечная загрузка?",
        "Не открывается приложение Соты после обновления",
    )
    assert article.body.startswith("Если приложение «Мой Сота» закрывается")
    assert "| `ERR-700` | Неверная дата и время на телефоне |" in article.body
    assert article.path is not None
    assert article.path.relative_to(bench_folder("sota/articles")) == Path("app/app-not-working.md")
    assert article.line == 1


@pytest.mark.parametrize("name", ["sota", "klever"])
def test_ids_titles_and_categories_match_the_catalog_tsv(name: str) -> None:
    catalog = load(f"{name}/articles")
    tsv = bench_folder(name) / "catalog.tsv"
    with tsv.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))

    expected = {row["id"]: (row["title"], row["category"]) for row in rows}
    assert {a.id: (a.title, a.category) for a in catalog} == expected


def test_rutube_zero_shot_articles_have_no_questions() -> None:
    catalog = load("rutube_support/articles-zero")

    assert [a.id for a in catalog] == [f"rt{n:03d}" for n in range(1, 287)]
    assert not any(a.questions for a in catalog)
