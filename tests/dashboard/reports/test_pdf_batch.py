"""A batch of 100 customer reports in one PDF on the demo distributor (after a recompute, so
that every section has its risk history): the time it takes (goal: at most 20 s), one section
per customer, every page renderable."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time

import pytest

from dashboard.demo import DemoOptions, generate_demo
from dashboard.filters import FilterQuery
from dashboard.scope import Actor
from dashboard.services import reports
from dashboard.services.recompute import run_recompute

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")]
TODAY = dt.date(2026, 11, 22)
GOAL_SECONDS = 20.0  # the goal on an idle two-core machine
LIMIT_SECONDS = 90.0  # what fails the test: a shared, loaded test machine runs slower


def test_a_hundred_customers_in_one_pdf(runtime, tmp_path) -> None:  # noqa: ANN001
    generate_demo(runtime.engine, DemoOptions(customers=160, orders=5_000, seed=3,
                                              today=TODAY))
    owner = Actor.system("test")
    run_recompute(runtime, owner, TODAY, backfill_months=12)
    started = time.perf_counter()
    found = reports.customers_report(runtime, owner, FilterQuery(as_of=TODAY), limit=100,
                                     language="zh")
    seconds = time.perf_counter() - started
    print(f"\n100 customer reports: {seconds:.1f} s (goal {GOAL_SECONDS:.0f} s), "
          f"{len(found.content) / 1024:,.0f} KiB, load average {os.getloadavg()[0]:.1f}")
    assert found.customers == 100
    path = tmp_path / "batch.pdf"
    path.write_bytes(found.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(info.split("Pages:")[1].split()[0])
    assert pages >= 100  # every section starts on a page of its own
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("截至 2026年11月22日 · 近 30 天") == 100  # one heading per customer
    assert "状态与流失概率变化" in text and "尚未记录月末数据" not in text
    assert seconds <= LIMIT_SECONDS
