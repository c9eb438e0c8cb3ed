"""``faqbot check``: every problem as file:line: message, exit 1; a summary and 0 when clean."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.conftest import DEMO, Run

LOCATED = re.compile(r"^(?P<path>.+\.md):(?P<line>\d+): (?P<message>.+)$")


def test_check_passes_a_clean_kb(faqbot: Run, kb: Path) -> None:
    result = faqbot("check", "--articles", str(kb))
    assert (result.code, result.out, result.err) == (0, "OK: 6 articles\n", "")


def test_check_passes_the_demo_kb(faqbot: Run) -> None:
    result = faqbot("check", "--articles", str(DEMO))
    assert (result.code, result.out) == (0, "OK: 47 articles\n")


def test_check_lists_every_problem_with_file_and_line(faqbot: Run, kb: Path) -> None:
    (kb / "orders" / "no-title.md").write_text(
        "---\nid: no-title\ncategory: Заказы\n---\nТекст без заголовка.\n", encoding="utf-8"
    )
    (kb / "payment" / "bad-yaml.md").write_text(
        "---\ntitle: Оплата: картой\ntags: [a, b\n---\nТекст.\n", encoding="utf-8"
    )
    (kb / "promo" / "zz-again.md").write_text(
        "---\nid: promo-code\ntitle: Другой промокод\n---\nТекст.\n", encoding="utf-8"
    )
    result = faqbot("check", "--articles", str(kb))
    assert result.code == 1
    assert result.lines, result.err
    located = [LOCATED.match(line) for line in result.lines]
    assert all(located), result.out
    files = {Path(match["path"]).name for match in located if match}
    assert files == {"no-title.md", "bad-yaml.md", "zz-again.md"}
    duplicate = next(line for line in result.lines if "zz-again.md" in line)
    assert ":2: " in duplicate and "'promo-code'" in duplicate and "promo-code.md:1" in duplicate
    assert result.err.strip().endswith("in 3 files")


def test_check_of_an_empty_folder_fails_in_one_line(faqbot: Run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = faqbot("check", "--articles", "empty")
    assert result.code == 1
    assert result.err.startswith("Error: no articles in empty") and result.err.count("\n") == 1


def test_check_fails_on_a_title_two_articles_share(faqbot: Run, kb: Path) -> None:
    (kb / "promo" / "zz-same.md").write_text(
        "---\nid: zz-same\ntitle: Как применить промокод\n---\nТекст.\n", encoding="utf-8"
    )
    result = faqbot("check", "--articles", str(kb))
    assert result.code == 1
    assert len(result.lines) == 1, result.out
    located = LOCATED.match(result.lines[0])
    assert located and Path(located["path"]).name == "zz-same.md" and located["line"] == "3"
    assert "could get either article" in located["message"]
    assert result.err.strip() == "1 problem in 1 file"


def test_check_passes_articles_without_questions_with_a_hint_naming_them(
    faqbot: Run, kb: Path
) -> None:
    for name in ("a", "b", "c", "d"):
        (kb / "promo" / f"bare-{name}.md").write_text(
            f"---\ntitle: Вопрос без формулировок {name}\n---\nТекст.\n", encoding="utf-8"
        )
    result = faqbot("check", "--articles", str(kb))
    assert (result.code, result.out) == (0, "OK: 10 articles\n")
    assert result.err.startswith("hint: 4 articles have no 'questions:' (")
    assert "bare-a.md" in result.err and "bare-c.md" in result.err and "and 1 more" in result.err
    assert "bare-d.md" not in result.err


def test_check_names_an_authors_typo_and_leaves_customers_phrasings_alone(
    faqbot: Run, kb: Path
) -> None:
    (kb / "account").mkdir()
    (kb / "account" / "password.md").write_text(
        "---\ntitle: Как сменить пароль\nquestions:\n  - забыл пороль\n---\n"
        "Новый пароль задаётся в профиле. Старый пароль перестанет работать.\n",
        encoding="utf-8",
    )
    (kb / "account" / "login.md").write_text(
        "---\ntitle: Не получается войти\nquestions: [не пускает в приложение]\n---\n"
        "Проверьте раскладку.\n\nЕсли забыли пороль, "
        "нажмите «Восстановить».\n",
        encoding="utf-8",
    )
    result = faqbot("check", "--articles", str(kb))
    assert (result.code, result.out) == (0, "OK: 8 articles\n")  # a hint, not a problem
    hint, *located = result.err.splitlines()
    assert hint.startswith("hint: 1 word no dictionary knows, read as a word these articles")
    # The author's slip, where it is; the customer's own «забыл пороль» is not named.
    assert located == [f"  {kb / 'account' / 'login.md'}:7: «пороль» is read as «пароль»"]
