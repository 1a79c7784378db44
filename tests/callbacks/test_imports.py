"""The browser import at ``/import`` (issue 12 item 3): a GBK orders file with a bad row
shows the problem with its row number, imports nothing strictly, then imports the good rows
when asked, as a background job with progress; a cancel before the commit writes nothing;
a rep is refused (audited); a manager's row outside the team refuses the file.

The file (GBK, Chinese ERP headers that the command line's synonyms know)::

    row 2  N-1  A  2026-11-20  SKU1  2    100   螺丝
    row 3  N-2  D  2026-11-21  SKU2  abc  50    垫圈     <- quantity is not a number
    row 4  N-3  G  2026-11-21  SKU1  1    100   螺丝     <- G is a new customer

so 3 rows read, 2 accepted, 1 rejected; the good rows are 2 orders (N-1, N-3), 2 lines,
1 new customer (G) and 1 new product (SKU1).
"""

from __future__ import annotations

import base64
import json
import re
import time

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.errors import AccessDenied
from dashboard.i18n import use_language
from dashboard.models import AuditLog, Customer, Order, OrderLine, Product, User
from dashboard.scope import Actor
from dashboard.services import imports as service
from layouts import ids
from layouts.import_parts import NOT_MAPPED, start_state, summary
from tests.security.fixtures import callback_body, find_callback, side_message

CSV = ("单号,客户编码,日期,商品编码,数量,单价,商品名称\n"
       "N-1,A,2026-11-20,SKU1,2,100,螺丝\n"
       "N-2,D,2026-11-21,SKU2,abc,50,垫圈\n"
       "N-3,G,2026-11-21,SKU1,1,100,螺丝\n").encode("gbk")
PROPOSED = {"order_id": "单号", "customer": "客户编码", "order_date": "日期",
            "product": "商品编码", "quantity": "数量", "unit_price": "单价",
            "product_name": "商品名称"}


def _actor(runtime, username: str) -> Actor:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        row = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user_id=row.id, username=row.username, role=row.role,
                     team_id=row.team_id, rep_id=row.rep_id)


def _counts(runtime) -> dict[str, int]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Order, OrderLine, Customer, Product)}


def _audits(runtime, action: str) -> list[AuditLog]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == action)
                                    .order_by(AuditLog.id)).scalars())


# --- the service -------------------------------------------------------------------------------


def test_check_shows_the_bad_row_then_the_good_rows_import(runtime, world) -> None:  # noqa: ANN001
    owner = _actor(runtime, "owner")
    before = _counts(runtime)
    upload = service.save_upload(runtime, owner, CSV, "erp.csv", "orders")
    kept = runtime.settings.data_dir / "uploads"
    assert [p.read_bytes() for p in kept.iterdir()] == [CSV]  # under the data folder

    check = service.check_upload(runtime, owner, upload.token, "erp.csv", "orders")
    assert check.mapping == PROPOSED  # the command line's synonyms
    assert check.row_numbers == [2, 3, 4] and check.rows[0][:2] == ["N-1", "A"]
    assert check.rows[1][6] == "垫圈"  # read as GBK
    report = check.report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (3, 2, 1)
    assert [(e.row, e.column) for e in report.errors] == [(3, "数量")]
    assert report.errors[0].value == "abc"
    assert _counts(runtime) == before  # the check writes nothing

    strict = service.import_upload(runtime, owner, upload.token, "erp.csv", "orders",
                                   check.mapping)
    assert strict.report.status == "rejected" and _counts(runtime) == before

    stages: list[str] = []
    done = service.import_upload(runtime, owner, upload.token, "erp.csv", "orders",
                                 check.mapping, skip_bad=True, progress=stages.append)
    assert done.report.status == "imported" and done.report.rows_written == 2
    assert stages == ["read", "check", "customers", "products", "orders", "rollups"]
    after = _counts(runtime)
    assert after == {"orders": before["orders"] + 2, "order_lines": before["order_lines"] + 2,
                     "customers": before["customers"] + 1,
                     "products": before["products"] + 1}
    assert done.recompute is not None  # the figures follow the new orders
    audit = _audits(runtime, "import")[-1]
    assert audit.user_id == owner.user_id and audit.detail["rows_written"] == 2
    assert not list(kept.glob("u*"))  # the kept file goes once imported


def test_a_chosen_mapping_replaces_the_proposal(runtime, world) -> None:  # noqa: ANN001
    owner = _actor(runtime, "owner")
    upload = service.save_upload(runtime, owner, CSV, "erp.csv", "orders")
    # quantity taken from the price column: row 3's "abc" is no longer read, its "50" is
    mapping = {**PROPOSED, "quantity": "单价", "unit_price": "单价"}
    check = service.check_upload(runtime, owner, upload.token, "erp.csv", "orders", mapping)
    assert check.report.rows_rejected == 0 and check.report.rows_accepted == 3
    missing = {k: v for k, v in PROPOSED.items() if k != "customer"}
    check = service.check_upload(runtime, owner, upload.token, "erp.csv", "orders", missing)
    assert check.report is None and "customer" in check.problem


def test_a_cancel_before_the_commit_writes_nothing(runtime, world) -> None:  # noqa: ANN001
    owner = _actor(runtime, "owner")
    before = _counts(runtime)
    upload = service.save_upload(runtime, owner, CSV, "erp.csv", "orders")

    def step(stage: str) -> None:
        if stage == "orders":  # the customers and products are written by then
            service.cancel_upload(runtime, owner, upload.token, "erp.csv")

    with pytest.raises(service.ImportCancelled):
        service.import_upload(runtime, owner, upload.token, "erp.csv", "orders", PROPOSED,
                              skip_bad=True, progress=step)
    assert _counts(runtime) == before
    assert not _audits(runtime, "import")
    # the file is still there, and a new run is not stopped by the old cancel
    again = service.import_upload(runtime, owner, upload.token, "erp.csv", "orders",
                                  PROPOSED, skip_bad=True)
    assert again.report.status == "imported"
    assert _counts(runtime)["orders"] == before["orders"] + 2


def test_reps_are_refused_and_uploads_are_private(runtime, world) -> None:  # noqa: ANN001
    rep, owner = _actor(runtime, "rep_zhao"), _actor(runtime, "owner")
    with pytest.raises(AccessDenied):
        service.save_upload(runtime, rep, CSV, "erp.csv", "orders")
    refused = _audits(runtime, "access_denied")
    assert refused and refused[-1].object_type == "import" and refused[-1].outcome == "denied"
    upload = service.save_upload(runtime, owner, CSV, "erp.csv", "orders")
    manager = _actor(runtime, "manager_east")
    with pytest.raises(Exception, match="upload"):  # another user's upload is not found
        service.check_upload(runtime, manager, upload.token, "erp.csv", "orders")


def test_a_managers_row_outside_the_team_refuses_the_file(runtime, world) -> None:  # noqa: ANN001
    manager = _actor(runtime, "manager_east")  # East: A, D, F
    data = ("单号,客户编码,日期,商品编码,数量,单价\n"
            "M-1,A,2026-11-20,SKU1,1,10\n"
            "M-2,E,2026-11-20,SKU1,1,10\n").encode("gbk")
    upload = service.save_upload(runtime, manager, data, "m.csv", "orders")
    check = service.check_upload(runtime, manager, upload.token, "m.csv", "orders")
    assert [(e.row, e.reason) for e in check.report.errors] == [(3, service.OUTSIDE)]
    before = _counts(runtime)
    with pytest.raises(AccessDenied):
        service.import_upload(runtime, manager, upload.token, "m.csv", "orders",
                              check.mapping, skip_bad=True)
    assert _counts(runtime) == before
    assert _audits(runtime, "access_denied")[-1].detail["rows"] == [3]


# --- the page's words ----------------------------------------------------------------------------


def test_the_import_button_always_says_why() -> None:
    assert start_state(None, False) == (True, "Choose a file first.")
    checked = {"problem": "", "accepted": 2, "rejected": 1}
    disabled, why = start_state(checked, False)
    assert disabled and why.startswith("1 row has a problem: tick")
    assert start_state(checked, True) == (False, "1 row will be left out.")
    assert start_state({"problem": "", "accepted": 3, "rejected": 0}, False) == (
        False, "3 rows will be imported.")
    assert start_state({"problem": "", "accepted": 0, "rejected": 3}, True)[0]
    with use_language("zh"):
        disabled, why = start_state(checked, False)
    assert disabled and "导入" in why


def test_the_summary_speaks_the_users_language(runtime, world) -> None:  # noqa: ANN001
    owner = _actor(runtime, "owner")
    upload = service.save_upload(runtime, owner, CSV, "erp.csv", "orders")
    report = service.import_upload(runtime, owner, upload.token, "erp.csv", "orders",
                                   PROPOSED, skip_bad=True).report
    english = json.dumps(summary(report).to_plotly_json(), default=str, ensure_ascii=False)
    assert "Imported Orders from erp.csv in" in english
    assert "Rows: 3 read, 2 accepted, 1 rejected, 2 written." in english
    assert "customers 1 new" in english and "orders 2 new" in english
    with use_language("zh"):
        chinese = json.dumps(summary(report).to_plotly_json(), default=str,
                             ensure_ascii=False)
    assert "已导入" in chinese and "读取 3 行" in chinese


# --- through the app (callbacks over HTTP, the background job included) ---------------------------


def _contents(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def _post(client, body: dict, **kwargs):  # noqa: ANN001, ANN003, ANN202
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf}, **kwargs)


def _fields(mapping: dict[str, str], fields: tuple[str, ...]) -> list[dict]:
    return [{"id": {"index": f, "type": ids.IMPORT_FIELD}, "property": "value",
             "value": mapping.get(f, NOT_MAPPED)} for f in fields]


def _end_id(client) -> str:  # noqa: ANN001
    page = client.get("/import").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">'
                                  r'(.*?)</script>', page, re.S).group(1))
    return config["end_id"]


def test_the_page_checks_then_imports_the_good_rows_in_the_background(runtime, world,  # noqa: ANN001
                                                                       signed_in) -> None:
    owner = signed_in("owner")
    app = owner.app
    page = owner.get("/import?kind=orders")
    assert page.status_code == 200
    key = find_callback(app, ids.IMPORT_MAPPING)
    received = _post(owner, callback_body(app, key, {
        f"{ids.IMPORT_UPLOAD}.contents": _contents(CSV),
        f"{ids.IMPORT_UPLOAD}.filename": "erp.csv", f"{ids.IMPORT_KIND}.value": "orders"}))
    out = received.get_json()["response"]
    stored = out[ids.IMPORT_FILE]["data"]
    assert stored["filename"] == "erp.csv" and stored["size"] == len(CSV)
    form = json.dumps(out[ids.IMPORT_MAPPING], ensure_ascii=False)
    assert '"value": "客户编码"' in form and '"value": "数量"' in form

    fields = service.ACCEPTED["orders"]
    key = next(k for k, spec in app.callback_map.items()
               if any(ids.IMPORT_FIELD in dep["id"] for dep in spec["inputs"]))
    body = callback_body(app, key, {f"{ids.IMPORT_FILE}.data": stored,
                                    f"{ids.IMPORT_KIND}.value": "orders"})
    body["inputs"][0] = _fields(PROPOSED, fields)
    checked = _post(owner, body).get_json()["response"]
    problems = json.dumps(checked[ids.IMPORT_PROBLEMS], ensure_ascii=False)
    assert '"row": 3' in problems and '"column": "数量"' in problems and '"abc"' in problems
    assert checked[ids.IMPORT_CHECKED]["data"] == {"problem": "", "accepted": 2,
                                                   "rejected": 1}
    key = find_callback(app, ids.IMPORT_WHY)
    button = owner.callback(key, {f"{ids.IMPORT_CHECKED}.data": checked[ids.IMPORT_CHECKED][
        "data"], f"{ids.IMPORT_SKIP_BAD}.value": False}).get_json()["response"]
    assert button[ids.IMPORT_START]["disabled"] is True
    assert "tick" in button[ids.IMPORT_WHY]["children"]

    before = _counts(runtime)
    key = next(k for k in app.callback_map if k.startswith(ids.IMPORT_RESULT + "."))
    body = callback_body(app, key, {
        f"{ids.IMPORT_START}.n_clicks": 1, f"{ids.IMPORT_FILE}.data": stored,
        f"{ids.IMPORT_KIND}.value": "orders", f"{ids.IMPORT_SKIP_BAD}.value": True,
        f"{ids.IMPORT_QUERY}.data": {"language": "en", "kind": "orders"}})
    position = next(i for i, s in enumerate(app.callback_map[key]["state"])
                    if s["id"].startswith("{"))
    body["state"][position] = [{**f, "property": "value"} for f in _fields(PROPOSED, fields)]
    end_id = _end_id(owner)
    started = _post(owner, body, query_string={"endId": end_id})
    assert started.status_code == 200, started.get_data(as_text=True)[:300]
    job = started.get_json()
    query = {"cacheKey": job["cacheKey"], "job": job["job"], "endId": end_id}
    progress, deadline, payload = [], time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        # an empty answer (204): the job ended between Dash's two reads of one poll (its
        # result, then whether it runs); the result is still kept for the next poll
        payload = _post(owner, body, query_string=query).get_json(silent=True) or {}
        if payload.get("progress"):
            progress.append(payload["progress"])
        if payload.get("response"):
            break
        time.sleep(0.1)
    result = json.dumps(payload["response"], ensure_ascii=False)
    assert "Imported Orders from erp.csv" in result
    assert "Rows: 3 read, 2 accepted, 1 rejected, 2 written." in result
    # a poll may miss the last report when the job ends between two polls: every report
    # seen is a percentage that never goes back
    shown = [int(v) for p in progress for k, v in p.items() if k.endswith(".value")]
    assert progress and len(shown) == len(progress)
    assert shown == sorted(shown) and all(0 <= n <= 100 for n in shown)
    assert _counts(runtime)["orders"] == before["orders"] + 2


def test_a_rep_gets_the_refusal_page_and_refused_callbacks(runtime, world,  # noqa: ANN001
                                                          signed_in) -> None:
    rep = signed_in("rep_zhao")
    page = rep.get("/import")
    assert page.status_code == 200  # the page frame; its body says why (drawn in the browser)
    key = find_callback(rep.app, ids.IMPORT_MAPPING)
    refused = _post(rep, callback_body(rep.app, key, {
        f"{ids.IMPORT_UPLOAD}.contents": _contents(CSV),
        f"{ids.IMPORT_UPLOAD}.filename": "erp.csv", f"{ids.IMPORT_KIND}.value": "orders"}))
    assert side_message(refused) == "You do not have access to this."
    uploads = runtime.settings.data_dir / "uploads"
    assert not uploads.exists() or not list(uploads.glob("u*"))  # nothing kept for a rep
    assert _audits(runtime, "access_denied")[-1].object_type == "import"


def test_the_targets_upload_says_why_nothing_was_imported(runtime, world,  # noqa: ANN001
                                                          signed_in) -> None:
    """Strict import with one bad row: the page says why and the button stays usable; ticked,
    the good row imports."""
    manager = signed_in("manager_east")
    app = manager.app
    upload = _contents(b"customer,month,target\nA,2026-12,100\nA,2026-13,5\n")
    key = next(k for k in app.callback_map if k.startswith(".."  + ids.TARGETS_PREVIEW)
               and ids.TARGETS_REFRESH in k)
    values = {f"{ids.TARGETS_IMPORT}.n_clicks": 1, f"{ids.TARGETS_UPLOAD}.contents": upload,
              f"{ids.TARGETS_UPLOAD}.filename": "t.csv", f"{ids.TARGETS_SKIP_BAD}.value": False,
              f"{ids.TARGETS_REFRESH}.data": 0}
    out = manager.callback(key, values).get_json()["response"]
    text = json.dumps(out[ids.TARGETS_PREVIEW], ensure_ascii=False)
    assert "Nothing was imported: 1 row has a problem. Tick" in text
    assert out[ids.TARGETS_IMPORT] == {"disabled": False}
    assert ids.TARGETS_REFRESH not in out  # nothing written, nothing to redraw
    out = manager.callback(key, {**values, f"{ids.TARGETS_SKIP_BAD}.value": True}).get_json()[
        "response"]
    assert "Imported: 2 rows: 1 good, 1 with problems." in json.dumps(out[ids.TARGETS_PREVIEW])
    assert out[ids.TARGETS_IMPORT] == {"disabled": True}
