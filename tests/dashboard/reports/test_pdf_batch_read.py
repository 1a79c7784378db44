"""A batch of reports reads the portraits together (one query per table) and prints exactly
what the single report prints: the text of each customer's page read with eleven others
equals the text read alone (the per-customer limits and groupings of the batch queries), in English and Chinese; a zip holds one PDF per customer,
named like the single report; a selection from the customer list prints only its own,
in-scope customers and refuses one larger than the maximum."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile

import pandas as pd
import pytest

from dashboard.demo import DemoOptions, generate_demo
from dashboard.errors import NotFound, ValidationError
from dashboard.filters import FilterQuery
from dashboard.reports import pdf
from dashboard.scope import Actor
from dashboard.services import portrait, reports, selections
from dashboard.services.recompute import run_recompute
from tests.dashboard.reports.test_pdf import pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def demo(runtime):  # noqa: ANN001, ANN201
    generate_demo(runtime.engine, DemoOptions(customers=40, orders=1_500, seed=5, today=TODAY))
    run_recompute(runtime, Actor.system("test"), TODAY, backfill_months=3)
    return runtime


def _context() -> pdf.ReportContext:
    return pdf.ReportContext(printed_by="test", printed_on=TODAY, filters_text="-",
                             rules_text="-")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_batch_read_prints_what_the_single_read_prints(demo, tmp_path, language) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    query = FilterQuery(as_of=TODAY)
    filters = reports.filter_service.resolve_filters(
        demo, owner, query, reports.filter_service.get_filter_choices(demo, owner))
    ids = reports.select_for_report(demo, owner, filters, limit=12)
    batch = portrait.get_portraits(demo, owner, ids, query)
    assert [view.customer_id for view in batch] == ids  # the order asked for
    for view in batch:
        single = portrait.get_portrait(demo, owner, view.customer_id, query)
        assert single.record == view.record
        assert pd.Series(single.figures, dtype=object).equals(
            pd.Series(view.figures, dtype=object))
        pd.testing.assert_frame_equal(single.monthly, view.monthly)
        pd.testing.assert_frame_equal(single.timeline.reset_index(drop=True),
                                      view.timeline, check_dtype=False)
        one = pdf_text(pdf.customer_pdf([single], language, _context()), tmp_path, "one.pdf")
        many = pdf_text(pdf.customer_pdf([view], language, _context()), tmp_path, "many.pdf")
        assert one == many
        assert str(view.record.name) in one and "{\"key\"" not in one  # texts worded
    # something on these pages to compare: histories, timelines and money were read
    assert any(view.history is not None and len(view.history) for view in batch)
    assert any(len(view.timeline) for view in batch)
    assert any(view.money.open_count for view in batch)


def test_a_zip_holds_one_pdf_per_customer(demo, tmp_path) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    found = reports.customers_report(demo, owner, FilterQuery(as_of=TODAY), limit=5,
                                     language="zh", as_zip=True)
    assert found.customers == 5 and found.filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(found.content)) as archive:
        names = archive.namelist()
        assert len(names) == 5 and len(set(names)) == 5
        assert all(n.startswith("customer-") and n.endswith("-2026-11-22.pdf") for n in names)
        first = archive.read(names[0])
    assert first.startswith(b"%PDF")
    assert "截至 2026年11月22日" in pdf_text(first, tmp_path)


def test_a_selection_prints_its_customers(demo, runtime) -> None:  # noqa: ANN001
    owner = Actor(user_id=1, username="owner", role="owner")
    table = reports.customer_table.customer_table(demo, TODAY, "30d")
    picked = table["customer_id"].head(3).astype(int).tolist()
    token = selections.store_selection(demo, owner, picked)
    found = reports.customers_report(demo, owner, FilterQuery(as_of=TODAY), selection=token)
    assert found.customers == 3
    other = Actor(user_id=2, username="other", role="owner")
    with pytest.raises(Exception, match="token of another user"):
        reports.customers_report(demo, other, FilterQuery(as_of=TODAY), selection=token)
    with pytest.raises(NotFound):
        reports.customers_report(demo, owner, FilterQuery(as_of=TODAY),
                                 selection="x" * 32)


def test_a_selection_larger_than_the_maximum_is_refused(demo, monkeypatch) -> None:  # noqa: ANN001
    owner = Actor(user_id=1, username="owner", role="owner")
    table = reports.customer_table.customer_table(demo, TODAY, "30d")
    token = selections.store_selection(demo, owner, table["customer_id"].head(4).tolist())
    monkeypatch.setattr(reports, "MAX_CUSTOMERS", 3)
    with pytest.raises(ValidationError) as refused:
        reports.customers_report(demo, owner, FilterQuery(as_of=TODAY), selection=token)
    assert refused.value.code == "selection_too_large"
