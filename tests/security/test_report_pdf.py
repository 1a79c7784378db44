"""The portrait's printable report under attack: ``/customers/report.pdf`` answers only a
signed-in user, only for a customer of their scope; a foreign customer and a missing one get
the same refusal (audited); a report given is audited as an export."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.models import AuditLog
from dashboard.reports.pdf_links import report_href

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _count(runtime, username: str, **where: str) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        query = select(func.count()).select_from(AuditLog).where(AuditLog.username == username)
        for column, value in where.items():
            query = query.where(getattr(AuditLog, column) == value)
        return int(session.execute(query).scalar_one())


def test_a_rep_gets_only_their_own_customers_report(runtime, world, signed_in,  # noqa: ANN001
                                                    tmp_path: Path) -> None:
    rep1 = signed_in("rep1")
    denied_before = _count(runtime, "rep1", outcome="denied")
    answers = [rep1.get(report_href(code)) for code in world.customer_codes("REP3")[:3]]
    answers += [rep1.get(report_href("NO-SUCH-CUSTOMER")), rep1.get(report_href("")),
                rep1.get("/customers/report.pdf?code=" + quote("<script>"))]
    bodies = [a.get_data() for a in answers]
    assert {a.status_code for a in answers} <= {403, 404}
    assert len({a.status_code for a in answers}) == 1  # foreign and missing look the same
    assert not any(b.startswith(b"%PDF") for b in bodies)
    assert not any(name.encode() in b for name in world.sentinels("REP3") for b in bodies)
    assert _count(runtime, "rep1", outcome="denied") - denied_before == len(answers)

    own = world.customer_codes("REP1")[0]
    answer = rep1.get(report_href(own))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    path = tmp_path / "own.pdf"
    path.write_bytes(answer.get_data())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert world.sentinels("REP1")[0] in text
    assert _count(runtime, "rep1", action="export", object_type="customer",
                  object_id=own) == 1


def test_the_report_needs_a_session(world, browser) -> None:  # noqa: ANN001
    answer = browser().get(report_href(world.customer_codes("REP1")[0]))
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
