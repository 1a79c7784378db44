"""``cockpit export team`` and ``cockpit report team`` on demo data: one row per account manager;
the export's revenue equals the customer export's revenue summed by account manager, its
counts the customer export's; the PDF reads back (pdftotext) with the same rows, in English and
Chinese."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main

REQUIRED = ["account_manager", "customers", "active", "churning", "lost", "revenue",
            "revenue_prev", "target", "attainment_pct", "money_at_risk", "open_alerts",
            "overdue_followups", "calls", "visits"]


def _invoke(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("team-export")
    env = {"COCKPIT_DATABASE_URL": f"sqlite:///{root / 'cockpit.db'}",
           "COCKPIT_DATA_DIR": str(root / "data"), "COCKPIT_SECRET_KEY": "k" * 40}
    _invoke(env, "demo", "--customers", "150", "--orders", "3000", "--seed", "11",
            "--today", "2026-11-22")
    return env


@pytest.mark.parametrize("period", ["30", "90", "month"])
def test_team_export_sums_the_customer_export(demo_env, tmp_path: Path, period: str) -> None:
    team_csv, customers_csv = tmp_path / "team.csv", tmp_path / "customers.csv"
    out = _invoke(demo_env, "export", "team", "--as-of", "2026-11-22", "--period", period,
                  "--out", str(team_csv))
    assert "account managers as of 2026-11-22" in out
    _invoke(demo_env, "export", "customers", "--as-of", "2026-11-22", "--period", period,
            "--out", str(customers_csv))
    team = pd.read_csv(team_csv, encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""]).fillna({"account_manager": ""})
    customers = pd.read_csv(customers_csv, encoding="utf-8-sig", keep_default_na=False,
                            na_values=[""]).fillna({"account_manager": ""})
    assert set(REQUIRED) <= set(team.columns)
    # the contact plan's figures and the account managers' segments come after the columns
    # the export had before
    assert list(team.columns)[-5:] == ["redemptions", "planned_contacts", "planned_made",
                                       "contact_plan_pct", "segments"]
    assert (team["planned_made"] <= team["planned_contacts"]).all()
    assert team["account_manager"].is_unique and len(team) >= 2
    by_manager = customers.groupby("account_manager").agg(
        revenue=("revenue", "sum"), revenue_prev=("revenue_prev", "sum"),
        customers=("customer_code", "size"))
    merged = team.merge(by_manager.reset_index(), on="account_manager", how="outer",
                        suffixes=("", "_customers"))
    assert merged["revenue"].round(2).tolist() == merged["revenue_customers"].round(2).tolist()
    assert (merged["revenue_prev"].round(2).tolist()
            == merged["revenue_prev_customers"].round(2).tolist())
    assert merged["customers"].tolist() == merged["customers_customers"].tolist()
    for status in ("active", "churning", "lost"):
        counted = customers.loc[customers["status"] == status].groupby("account_manager").size()
        assert team.set_index("account_manager")[status].to_dict() == {
            name: int(counted.get(name, 0)) for name in team["account_manager"]}
    assert team["revenue"].sum() == pytest.approx(customers["revenue"].sum(), abs=0.005)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_team_report_pdf_reads_back(demo_env, tmp_path: Path) -> None:
    team_csv = tmp_path / "team.csv"
    _invoke(demo_env, "export", "team", "--as-of", "2026-11-22", "--period", "90",
            "--out", str(team_csv))
    team = pd.read_csv(team_csv, encoding="utf-8-sig", keep_default_na=False)
    for language, words in (("en", ("Team report", "Account manager", "Total",
                                     "Nov 22, 2026", "Contact")),
                            ("zh", ("团队报告", "经手人", "合计", "2026年11月22日", "联系计划"))):
        pdf = tmp_path / f"team-{language}.pdf"
        out = _invoke(demo_env, "report", "team", "--as-of", "2026-11-22", "--period", "90",
                      "--language", language, "--out", str(pdf))
        assert "Wrote the team report" in out and pdf.read_bytes()[:5] == b"%PDF-"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        for word in words:
            assert word in text, (language, word)
        for name in team["account_manager"]:  # long names are cut to the column ("…")
            assert (name or ("No account" if language == "en" else "无经手人"))[:10] in text
        top = team.iloc[0]
        assert f"{int(top['customers']):,}" in text
