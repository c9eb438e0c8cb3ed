"""Fixtures for the ``faqbot`` command line: a small Russian KB and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "articles"

ARTICLES = {
    "orders/order-status.md": """\
---
id: order-status
title: Где мой заказ
category: Заказы
tags: [заказ, доставка, курьер]
questions:
  - Когда привезут заказ
  - Заказ опаздывает
  - Курьер не едет
---
Статус заказа виден в разделе **Мои заказы**. Курьер обычно приезжает за 40–60 минут.
""",
    "orders/cancel-order.md": """\
---
id: cancel-order
title: Как отменить заказ
category: Заказы
tags: [отмена, заказ]
questions:
  - Передумал, хочу отменить заказ
  - Отмена заказа
---
Отменить заказ можно, пока его не начали готовить: **Мои заказы** → **Отменить**.
""",
    "orders/change-address.md": """\
---
id: change-address
title: Как изменить адрес доставки
category: Заказы
tags: [адрес, доставка]
questions:
  - Указал не тот адрес
  - Поменять адрес в заказе
---
Адрес можно поменять в чате с курьером или в карточке заказа, пока курьер не выехал.
""",
    "payment/payment-methods.md": """\
---
id: payment-methods
title: Способы оплаты
category: Оплата
tags: [оплата, карта, наличные]
questions:
  - Можно ли оплатить картой
  - Оплата наличными курьеру
---
Оплатить можно картой в приложении, через СБП или наличными курьеру.
""",
    "payment/refund.md": """\
---
id: refund
title: Возврат денег за заказ
category: Оплата
tags: [возврат, деньги]
questions:
  - Верните деньги
  - Когда вернутся деньги за отменённый заказ
---
Деньги возвращаются на карту за 3–5 рабочих дней. Подробнее — [правила возврата](https://example.com/refund).
""",
    "promo/promo-code.md": """\
---
id: promo-code
title: Как применить промокод
category: Акции
tags: [промокод, скидка]
questions:
  - Куда вводить промокод
  - Промокод не работает
---
Введите промокод в корзине, в поле **Промокод**, до оплаты.
""",
}
TITLES = {
    "order-status": "Где мой заказ",
    "cancel-order": "Как отменить заказ",
    "change-address": "Как изменить адрес доставки",
    "payment-methods": "Способы оплаты",
    "refund": "Возврат денег за заказ",
    "promo-code": "Как применить промокод",
}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


Run = Callable[..., Result]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """Six short articles of a food-delivery service, in two subfolders."""
    folder = tmp_path / "articles"
    for name, text in ARTICLES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("# Руководство автора: не статья\n", encoding="utf-8")
    return folder


@pytest.fixture
def faqbot(tmp_path: Path) -> Run:
    """Run ``python -m bot.cli ARGS`` in ``tmp_path`` with ``stdin``; return code, out, err.

    The environment is cleared of the settings the CLI reads, so a developer's ``.env`` or
    ``ARTICLES_DIR`` does not leak in; tickets go to ``tmp_path/faqbot.sqlite3`` by default.
    """

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in {"ARTICLES_DIR", "DATABASE_URL"}
        }
        environ.update(PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT), **(env or {}))
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=environ,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
