"""The customer export leaves growth empty where the previous revenue was 0 or net returns."""

from __future__ import annotations

import io

from dashboard.analytics.table import customer_table
from dashboard.reports.csv import write_csv
from dashboard.reports.customers import export_frame
from tests.dashboard.analytics.builders import (
    AS_OF,
    DEFAULTS,
    customers_frame,
    days_frame,
    return_only,
    sale,
)


def test_growth_is_blank_for_a_returns_only_previous_period() -> None:
    # 30 days to 2026-11-22; the previous 30 days end on 2026-10-23
    days = days_frame(return_only(1, "2026-10-01", 80.0),  # -80, then nothing: not +100 %
                      sale(2, "2026-10-01", 200.0), sale(2, "2026-11-01", 300.0),  # +50 %
                      sale(3, "2026-11-01", 300.0))  # nothing before
    table = customer_table(days, customers_frame((1, "RET"), (2, "UP"), (3, "NEW")), AS_OF,
                           "30d", DEFAULTS)
    frame = export_frame(table).set_index("customer_code")
    assert frame["growth_pct"].isna().to_dict() == {"RET": True, "UP": False, "NEW": True}
    assert frame.loc["UP", "growth_pct"] == 50.0
    buffer = io.StringIO()
    write_csv(frame.reset_index()[["customer_code", "revenue_prev", "growth_pct"]], buffer)
    lines = buffer.getvalue().lstrip("\ufeff").splitlines()
    assert sorted(lines[1:]) == ["NEW,0.0,", "RET,-80.0,", "UP,200.0,50.0"]
