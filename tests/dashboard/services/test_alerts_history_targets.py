"""Alerts (scoped lists, mark done, forged ids), the customer history for the portrait, and
customer targets (set, import with preview, scope, CSV report) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.analytics.reasons import decode
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.filters import Filters
from dashboard.models import Alert, AuditLog, SegmentRule, Target
from dashboard.services import alerts, history, targets
from dashboard.services.recompute import run_recompute
from layouts.stored_texts import render

from .recompute_world import AS_OF, build

D = dt.date


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    world = build(runtime)
    with session_scope(runtime.engine, write=True) as s:
        s.add(SegmentRule(name="Not active", figure="status", operator="!=", value=0.0,
                          value_text="active", for_days=0, action="alert", segment=""))
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=2)
    return world


def audit_rows(runtime, action: str) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return [tuple(r) for r in s.execute(
            select(AuditLog.action, AuditLog.object_type, AuditLog.object_id, AuditLog.outcome)
            .where(AuditLog.action == action)).all()]


def test_alerts_are_listed_and_counted_in_the_users_scope(runtime, world) -> None:  # noqa: ANN001
    # alerts: B (churning) and C (lost) and N (never)
    assert alerts.count_open(runtime, world.owner()) == 3
    assert alerts.count_open(runtime, world.manager("East")) == 3
    assert alerts.count_open(runtime, world.rep("Wang")) == 1
    assert alerts.count_open(runtime, world.rep("Zhao")) == 0
    page = alerts.get_alerts(runtime, world.rep("Li"))
    assert sorted(page.rows["customer_code"]) == ["C", "N"] and page.total == 2
    assert set(page.rows["rule_name"]) == {"Not active"}
    message = page.rows.set_index("customer_code").loc["C", "message"]
    assert decode(message) == ("alert.met", {"rule": "Not active", "figure": "status",
                                             "value": "lost", "operator": "!=",
                                             "threshold": "active"})
    assert render(message, page.currency, "en") == "Not active: Status Lost ≠ Active"
    assert render(message, page.currency, "zh") == "Not active：状态 已流失 ≠ 活跃"


def test_marking_done_is_audited_and_forgeries_are_refused(runtime, world) -> None:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        ids = dict(s.execute(select(Alert.customer_id, Alert.id)).all())
    b_alert = ids[world.customers["B"]]
    for actor, key in ((world.rep("Zhao"), b_alert), (world.rep("Li"), b_alert),
                       (world.manager("West"), b_alert), (world.rep("Wang"), 999_999),
                       (world.rep("Wang"), "x'; --")):
        with pytest.raises(AccessDenied):
            alerts.close_alert(runtime, actor, key)
    assert alerts.close_alert(runtime, world.rep("Wang"), b_alert) is True
    assert alerts.close_alert(runtime, world.owner(), b_alert) is False  # already done
    assert audit_rows(runtime, "alert.done") == [("alert.done", "alert", str(b_alert), "ok")]
    with session_scope(runtime.engine) as s:
        denied = s.execute(select(AuditLog.object_type).where(AuditLog.outcome == "denied")
                           ).scalars().all()
    assert sorted(denied) == ["alert", "alert", "customer", "customer", "customer"]
    assert alerts.count_open(runtime, world.owner()) == 2
    done = alerts.get_alerts(runtime, world.owner(), status="done")
    assert done.rows["customer_code"].tolist() == ["B"] and done.open_count == 2
    with pytest.raises(ValidationError):
        alerts.get_alerts(runtime, world.owner(), status="everything")


def test_history_gives_month_ends_and_changes_for_the_portrait(runtime, world) -> None:  # noqa: ANN001
    frame = history.get_customer_history(runtime, world.rep("Li"), "C")
    ends = frame.loc[frame["kind"] == "month_end"]
    assert ends["date"].dt.date.tolist() == [D(2026, 9, 30), D(2026, 10, 31), AS_OF]
    assert ends["status"].tolist() == ["active", "churning", "lost"]
    assert ends["risk_score"].round(2).tolist() == [0.7, 2.8, 5.0]
    moves = frame.loc[(frame["kind"] == "change") & (frame["source"] == "status")]
    assert [(label, decode(reason)) for label, reason in moves[["label", "reason"]].values] \
        == [("active", ("status.risk_at_most", {"risk": 0.7, "limit": 2})),
            ("churning", ("status.risk_above", {"risk": 2.8, "limit": 2})),
            ("lost", ("status.risk_above", {"risk": 5, "limit": 4}))]
    rule = frame.loc[frame["source"].str.startswith("rule:", na=False)]
    assert rule["source_name"].unique().tolist() == ["Not active"]
    assert frame["date"].is_monotonic_increasing
    with pytest.raises(AccessDenied):
        history.get_customer_history(runtime, world.rep("Zhao"), "C")
    with pytest.raises(AccessDenied):
        history.get_customer_history(runtime, world.rep("Zhao"), world.customers["C"])


def test_targets_are_set_by_hand_for_customers_in_scope_and_audited(runtime, world) -> None:  # noqa: ANN001
    east = world.manager("East")
    assert targets.set_target(runtime, east, "A", "2026-11-15", "1,000") == 1000.0
    targets.set_target(runtime, east, "A", D(2026, 10, 1), 250)
    targets.set_target(runtime, east, "A", D(2026, 10, 1), 300)  # replaces
    targets.set_target(runtime, east, "B", D(2026, 11, 1), 500)
    targets.set_target(runtime, east, "B", D(2026, 11, 1), "")  # removes
    for attempt in (lambda: targets.set_target(runtime, east, "Z", AS_OF, 5),
                    lambda: targets.set_target(runtime, world.rep("Wang"), "A", AS_OF, 5)):
        with pytest.raises(AccessDenied):
            attempt()
    for bad in ("-1", "lots", "1e13"):
        with pytest.raises(ValidationError):
            targets.set_target(runtime, east, "A", AS_OF, bad)
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(Target.customer_id, Target.month, Target.amount)
                         .order_by(Target.month)).all()
    assert [tuple(r) for r in rows] == [(world.customers["A"], D(2026, 10, 1), 300.0),
                                        (world.customers["A"], D(2026, 11, 1), 1000.0)]
    assert len(audit_rows(runtime, "target.set")) == 5
    page = targets.get_targets_page(runtime, east, Filters(as_of=AS_OF))
    # A: 1, 11, 21 and 31 October (400) against 300 (met), 10 and 20 November (200) against
    # 1000
    (row,) = page.summary.to_dict("records")
    assert (row["customer_code"], row["target"], row["actual"], row["months"],
            row["months_met"]) == ("A", 1300.0, 600.0, 2, 1)
    assert page.totals["pct"] == pytest.approx(600 / 1300 * 100)
    one = targets.get_customer_targets(runtime, east, "B", AS_OF)  # no target at all
    assert len(one) == 12 and one["target"].isna().all()
    assert one.loc[one["month"] == pd.Timestamp("2026-10-01"), "actual"].item() == 600.0


def test_target_import_previews_checks_scope_and_writes(runtime, world) -> None:  # noqa: ANN001
    upload = b"customer,month,target\nA,2026-11,900\nZ,2026-11,50\nQQ,2026-11,10\nB,bad,1\n"
    east = world.manager("East")
    report = targets.preview_import(runtime, east, upload, "t.csv")
    assert report.status == "preview"
    problems = [(e.row, e.reason) for e in report.errors]
    assert (3, targets.UNKNOWN) in problems and (4, targets.UNKNOWN) in problems
    assert any(row == 5 for row, _reason in problems)
    assert report.rows_accepted == 1 and report.rows_rejected == 3
    with pytest.raises(AccessDenied):  # Z belongs to the West team
        targets.import_targets(runtime, east, upload, "t.csv", skip_bad=True)
    good = b"customer,month,target\nA,2026-11,900\nB,2026-10,400\n"
    done = targets.import_targets(runtime, east, good, "t.csv")
    assert done.status == "imported" and done.created["targets"] == 2
    with pytest.raises(AccessDenied):
        targets.preview_import(runtime, world.rep("Wang"), good, "t.csv")
    name, text = targets.targets_csv(runtime, east, Filters(as_of=AS_OF))
    assert name == "targets-2026-11-22.csv"
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 24 and set(rows[0]) == set(targets.REPORT_COLUMNS)
    b_oct = next(r for r in rows if r["customer_code"] == "B" and r["month"] == "2026-10")
    assert (b_oct["target"], b_oct["actual"], b_oct["pct_of_target"]) == ("400.0", "600.0",
                                                                         "150.0")
    assert audit_rows(runtime, "export") == [("export", "targets", "", "ok")]


def test_the_report_is_safe_against_spreadsheet_formulas(runtime, world) -> None:  # noqa: ANN001
    from dashboard.db import bump_data_version
    from dashboard.models import Customer

    with session_scope(runtime.engine, write=True) as s:
        s.get(Customer, world.customers["A"]).name = "=HYPERLINK(\"http://x\")"
        bump_data_version(s)
    targets.set_target(runtime, world.owner(), "A", AS_OF, 10)
    _name, text = targets.targets_csv(runtime, world.owner(), Filters(as_of=AS_OF))
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
