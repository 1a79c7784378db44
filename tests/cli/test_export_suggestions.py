"""``cockpit export suggestions`` and ``cockpit backtest --suggestions`` end to end, on order
lines that came in through ``cockpit import``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.test_export import _env, _invoke

AS_OF = "2026-06-30"


def _orders(path: Path) -> Path:
    rows = [["order_id", "customer", "order_date", "product", "quantity", "unit_price"]]
    for c in range(2, 7):  # five similar customers buy P1, P2 and P5 in June
        rows += [[f"J{c}", f"C{c}", "2026-06-01", p, 1, 10] for p in ("P1", "P2", "P5")]
        rows += [[f"L{c}", f"C{c}", "2026-07-05", "P9", 1, 10]]  # after the as-of date
    rows += [["A1", "C1", "2026-05-01", "P1", 2, 10], ["B1", "C1", "2026-01-01", "P2", 1, 10],
             ["O1", "C1", "2025-05-01", "P5", 1, 10],  # 426 days before: not "bought"
             ["N1", "C1", "2026-07-10", "P5", 1, 10]]  # bought after the as-of date
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def test_export_suggests_only_products_not_bought_in_the_year_and_ignores_later_orders(
        database_url, tmp_path) -> None:
    env = _env(database_url, tmp_path / "data")
    _invoke(env, "import", "orders", str(_orders(tmp_path / "orders.csv")))
    out = tmp_path / "suggestions.csv"
    said = _invoke(env, "export", "suggestions", "--as-of", AS_OF, "--limit", "10",
                   "--out", str(out))
    assert "Wrote 1 suggestions" in said
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["customer_code", "kind", "rank", "product_code", "category", "reason"]
    # C1 bought P1 and P2 within the year; P9 is bought only after the as-of date
    assert rows[1][:5] == ["C1", "discovery", "1", "P5", ""]
    assert rows[1][5].startswith("Bought by 5 of 5 similar customers (")
    assert rows[1][5].endswith(") in the last 90 days")
    assert len(rows) == 2


def test_backtest_of_suggestions_judges_the_next_90_days(database_url, tmp_path) -> None:
    env = _env(database_url, tmp_path / "data")
    _invoke(env, "import", "orders", str(_orders(tmp_path / "orders.csv")))
    result = json.loads(_invoke(env, "backtest", "--suggestions", "--as-of", AS_OF, "--json"))
    assert (result["customers"], result["buyers"], result["k"]) == (6, 6, 10)
    got = {m["method"]: m for m in result["methods"]}
    assert got["suggestions"]["customers_hit"] == 1  # C1 bought P5, the one suggestion
    assert got["suggestions"]["hit_rate"] == 1 / 6
    assert got["suggestions"]["precision_at_k"] == 1 / 60
    said = _invoke(env, "backtest", "--suggestions", "--as-of", AS_OF)
    assert "hit rate  16.7 %" in said and "item_cf" in said
