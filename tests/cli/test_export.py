"""``cockpit export`` and ``cockpit backtest`` end to end, on data that came in through
``cockpit import`` and ``cockpit demo``."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.reports.customers import EXPORT_COLUMNS
from tests.conftest import PG_ADMIN_URL
from tests.data.cdnow.load import SAMPLE

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(data_dir),
            "COCKPIT_SECRET_KEY": "k" * 40}


def _invoke(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def cdnow_csv(tmp_path: Path) -> Path:
    """The CDNOW sample as an ERP would export it: one row per order, no order number."""
    path = tmp_path / "cdnow.csv"
    with open(SAMPLE) as raw, open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["customer", "order_date", "amount"])
        for line in raw:
            customer, _sample, day, _cds, value = line.split()
            writer.writerow([customer, f"{day[:4]}-{day[4:6]}-{day[6:]}", value])
    return path


@pytest.mark.slow
def test_cdnow_import_then_model_export_matches_the_paper(database_url, tmp_path,
                                                          cdnow_csv) -> None:
    env = _env(database_url, tmp_path / "data")
    out = _invoke(env, "import", "orders", str(cdnow_csv))
    assert "6,919" in out
    model = tmp_path / "model.json"
    _invoke(env, "export", "model", "--as-of", "1997-09-30", "--out", str(model))
    fit = json.loads(model.read_text())
    assert fit["customers"] == 2357
    for name, value in PUBLISHED.items():
        assert fit["bgnbd"][name] == pytest.approx(value, rel=0.005), name
    assert fit["bgnbd"]["log_likelihood"] == pytest.approx(-9582.4, abs=0.5)
    for name, value in PUBLISHED_SPEND.items():
        assert fit["gamma_gamma"][name] == pytest.approx(value, rel=0.005), name
    # nothing dated after the as-of date changes a figure: the rows after it are in the data
    report = _invoke(env, "backtest", "--as-of", "1997-09-30", "--horizon", "90", "--json")
    result = json.loads(report)
    assert result["customers_scored"] == 2357
    assert result["auc_model"] > result["auc_recency"] > 0.5


def _demo_export(env: dict[str, str], out: Path) -> list[list[str]]:
    _invoke(env, "demo", "--customers", "150", "--orders", "3000", "--seed", "11",
            "--today", "2026-11-22")
    _invoke(env, "export", "customers", "--as-of", "2026-11-22", "--period", "90",
            "--out", str(out))
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.slow
@pytest.mark.skipif(not PG_ADMIN_URL, reason="needs PostgreSQL (COCKPIT_TEST_DATABASE_URL)")
def test_sqlite_and_postgresql_exports_are_identical(db_templates, tmp_path) -> None:
    sqlite_url = db_templates.sqlite_copy(tmp_path / "demo.sqlite3")
    pg_url = db_templates.pg_copy()
    a = _demo_export(_env(sqlite_url, tmp_path / "a"), tmp_path / "a.csv")
    b = _demo_export(_env(pg_url, tmp_path / "b"), tmp_path / "b.csv")
    assert a[0] == EXPORT_COLUMNS
    assert len(a) == 151
    assert a == b


def test_export_columns_and_fixed_abc(database_url, tmp_path) -> None:
    env = _env(database_url, tmp_path / "data")
    rows = _demo_export(env, tmp_path / "d.csv")
    header, body = rows[0], rows[1:]
    assert header[:5] == ["customer_code", "customer_name", "customer_type", "region",
                          "account_manager"]
    tiers = {r[header.index("abc_tier")] for r in body}
    assert tiers <= {"A", "B", "C", "D"}
    fixed = tmp_path / "fixed.csv"
    _invoke(env, "export", "customers", "--as-of", "2026-11-22", "--period", "90", "--abc",
            "fixed", "--a-min", "1e12", "--b-min", "1e11", "--c-min", "1e10",
            "--out", str(fixed))
    with open(fixed, encoding="utf-8-sig", newline="") as handle:
        fixed_rows = list(csv.DictReader(handle))
    assert {r["abc_tier"] for r in fixed_rows} == {"D"}


def test_bad_arguments_are_clear(database_url, tmp_path) -> None:
    env = _env(database_url, tmp_path / "data")
    result = CliRunner().invoke(main, ["export", "customers", "--as-of", "22/11/2026",
                                       "--out", str(tmp_path / "x.csv")], env=env)
    assert result.exit_code != 0
    assert "not a date" in result.output
    result = CliRunner().invoke(main, ["export", "customers", "--abc", "fixed", "--a-min", "5",
                                       "--b-min", "10", "--out", str(tmp_path / "x.csv")],
                                env=env)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert dt.date.today()  # the command defaults to today when --as-of is absent
