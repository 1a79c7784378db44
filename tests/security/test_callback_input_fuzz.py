"""Issue 16 (3): wrong-typed inputs into every registered callback are refused at the callback
boundary (audited), never an exception inside a callback and never a 5xx.

Hypothesis draws JSON values of every type (numbers up to the 64-bit limits, strings, lists,
objects, nested) for every input and state of every callback of the app's callback map (so
callbacks added later are covered) and posts them through the real endpoint as a signed-in
owner. Background callbacks (a job process per request) are checked at their boundary
directly. In total at least 1,000 examples, bounded to run in well under a minute."""

from __future__ import annotations

import inspect
import json
import logging
import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import callbacks
from callbacks._inputs import INT_MAX, INT_MIN, checked, first_misfit, fits, parameter_types
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import AuditLog
from tests.security.fixtures import Browser

TOTAL_EXAMPLES = int(os.environ.get("COCKPIT_FUZZ_EXAMPLES", "1000"))
SPECIAL = st.sampled_from([0, -1, 1, INT_MAX, INT_MIN, 2**53 + 1, 0.5, -0.0, 1e308, "", "1",
                           "-1", "9223372036854775808", "<script>alert(1)</script>",
                           "'; DROP TABLE customer; --", "30d", "Retail", "/", "?manager=1",
                           "../../etc/passwd", "\u0000", "客户", True, False, None])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=INT_MIN, max_value=INT_MAX),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=24),
                    SPECIAL)
# keys the pages' stores and components use, so that objects reach past the first lookup
KEYS = st.one_of(st.text(max_size=8), st.sampled_from([
    "as_of", "period", "type", "region", "manager", "status", "tier", "tier_prev", "move",
    "mover", "scheme", "band", "selection", "campaign_id", "language", "startRow", "endRow",
    "sortModel", "filterModel", "colId", "sort", "id", "index", "value", "label",
    "customer_id", "code", "user_id", "username", "role", "team_id", "rep_id", "state",
    "month", "amount", "token", "source", "kind", "bands", "title"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)
FUZZ_SETTINGS = dict(deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))


def _entry(draw: Any, raw_id: str, prop: str) -> Any:
    """One input/state entry as the renderer sends it, with a drawn value (pattern ids get
    drawn indexes; ALL/ALLSMALLER a list of 0-3 entries)."""
    if not raw_id.startswith("{"):
        return {"id": raw_id, "property": prop, "value": draw(VALUES)}
    pattern = json.loads(raw_id)

    def one() -> dict[str, Any]:
        cid = {k: (draw(st.one_of(st.integers(min_value=INT_MIN, max_value=INT_MAX),
                                  st.text(max_size=6))) if isinstance(v, list) else v)
               for k, v in pattern.items()}
        return {"id": cid, "property": prop, "value": draw(VALUES)}

    if any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
        return [one() for _ in range(draw(st.integers(min_value=0, max_value=3)))]
    return one()


def _prop_id(entry: dict[str, Any]) -> str:
    cid = entry["id"]
    if isinstance(cid, dict):
        cid = json.dumps(cid, sort_keys=True, separators=(",", ":"))
    return f"{cid}.{entry['property']}"


def _outputs(key: str) -> Any:
    multi = key.startswith("..")
    parts = key.strip(".").split("...") if multi else [key]
    outs = []
    for part in parts:
        raw_id, prop = part.rsplit(".", 1)
        if raw_id.startswith("{"):
            pattern = json.loads(raw_id)
            if any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
                outs.append([])
                continue
            raw_id = {k: (1 if isinstance(v, list) else v) for k, v in pattern.items()}
        outs.append({"id": raw_id, "property": prop})
    return outs if multi else outs[0]


def _body(draw: Any, key: str, spec: dict[str, Any]) -> dict[str, Any]:
    inputs = [_entry(draw, d["id"], d["property"]) for d in spec["inputs"]]
    state = [_entry(draw, d["id"], d["property"]) for d in spec["state"]]
    flat = [e for item in inputs for e in (item if isinstance(item, list) else [item])]
    changed = [_prop_id(draw(st.sampled_from(flat)))] if flat else []
    return {"output": key, "outputs": _outputs(key), "inputs": inputs, "state": state,
            "changedPropIds": changed}


class Failures(logging.Handler):
    """Collects the log records that mean an exception escaped somewhere."""

    WATCHED = ("callbacks._runtime", "dashboard.web.failures", "dashboard.web.callback_guard")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None and not isinstance(
                record.exc_info[1], ValidationError):
            self.records.append(record)


@pytest.fixture
def failures() -> Failures:
    handler = Failures()
    loggers = [logging.getLogger(name) for name in Failures.WATCHED]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def _where(record: logging.LogRecord) -> str:
    """The innermost frame of the product's code in the record's traceback."""
    tb, found = record.exc_info[2], ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if "site-packages" not in name:
            found = f"{name.rsplit('/', 2)[-2]}/{name.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def test_wrong_typed_inputs_into_every_callback(cockpit, signed_in, runtime,
                                                failures) -> None:  # noqa: ANN001
    owner: Browser = signed_in("owner")
    keys = [k for k, spec in cockpit.callback_map.items()
            if "callback" in spec and not spec.get("background")]
    assert len(keys) >= 40  # every page's callbacks and the page router
    per_key = math.ceil(TOTAL_EXAMPLES / len(keys))
    statuses: dict[int, int] = {}
    server_errors: list[tuple[str, int, str]] = []

    def fuzz(key: str, spec: dict[str, Any]) -> None:
        @settings(max_examples=per_key, **FUZZ_SETTINGS)
        @given(data=st.data())
        def send(data: Any) -> None:
            body = _body(data.draw, key, spec)
            response = owner.post("/_dash-update-component", json=body,
                                  headers={"X-CSRFToken": owner.csrf})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code not in (200, 204, 400):
                server_errors.append((key, response.status_code,
                                      response.get_data(as_text=True)[:200]))

        send()

    for key in keys:
        fuzz(key, cockpit.callback_map[key])

    total = sum(statuses.values())
    with session_scope(runtime.engine) as session:
        refused = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.object_type == "callback", AuditLog.outcome == "denied")).scalar_one()
    print(f"\ncallback fuzz: {len(keys)} callbacks, {total} requests, statuses {statuses}, "
          f"{refused} refused at the callback boundary, "
          f"{len(failures.records)} exceptions")
    for record in failures.records:
        print("  exception:", repr(record.exc_info[1])[:120], _where(record))
    assert total >= TOTAL_EXAMPLES
    assert server_errors == []
    assert [(r.name, r.getMessage(), repr(r.exc_info[1]), _where(r)) for r in failures.records] == []
    assert refused > total // 4  # most drawn values do not fit: refused, audited


def _background_functions() -> list[Any]:
    callbacks._import_all()  # noqa: SLF001 - the registry is filled by the pages' modules
    return [fn for _args, kwargs, fn in callbacks._REGISTRY  # noqa: SLF001
            if kwargs.get("background")]


def test_background_callbacks_refuse_wrong_typed_inputs_at_their_boundary(cockpit) -> None:  # noqa: ANN001
    functions = _background_functions()
    assert functions, "the send jobs are background callbacks"
    refused: list[tuple[str, str]] = []
    examples: list[int] = []

    def fuzz(fn: Any) -> None:
        guarded = checked(fn, lambda f, name, _hint, _value: refused.append((f.__name__, name)))
        signature, hints = inspect.signature(fn), parameter_types(fn)
        assert hints, fn.__name__
        count = len([p for p in signature.parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])

        @settings(max_examples=100, **FUZZ_SETTINGS)
        @given(args=st.lists(VALUES, min_size=count, max_size=count))
        def call(args: list[Any]) -> None:
            examples.append(1)
            misfit = first_misfit(signature, hints, tuple(args), {})
            if misfit is None:
                return  # fits: the job itself runs (covered by the send-job tests)
            before = len(refused)
            with pytest.raises(ValidationError):
                guarded(*args)
            assert refused[before:] == [(fn.__name__, misfit[0])]

        call()

    for fn in functions:
        fuzz(fn)
    examples = len(examples)  # type: ignore[assignment]
    assert examples >= 100 * len(functions)
    assert len(refused) > examples // 2


@pytest.mark.parametrize(("value", "hint", "expected"), [
    (None, "int", True), (3, "int", True), (3.0, "int", True), (3.5, "int", False),
    (True, "int", False), (INT_MAX, "int", True), (INT_MAX + 1, "int", False),
    (INT_MIN - 1, "int", False), ("3", "int", False), ([3], "int", False),
    ("a", "str", True), (1, "str", False), (["a"], "list[str]", True),
    (["a", 1], "list[str]", False), ("a", "list[str]", False),
    ({"a": 1}, "dict[str, Any]", True), ("a", "dict[str, Any]", False),
    ([1, 2], "dict[str, Any]", False), ([None, 2], "list[int | None]", True),
    ([{"a": 1}], "list[dict[str, Any]]", True), ([[1]], "list[dict[str, Any]]", False),
    (1.5, "float", True), (1, "float", True), ("1.5", "float", False), (True, "bool", True),
    (1, "bool", False), ("30d", "Literal['30d', '90d']", True),
    ("7d", "Literal['30d', '90d']", False), ({"x": 1}, "Any", True), ([1], "object", True),
    ([1, "a"], "tuple[int, str]", True), ([1, 2], "tuple[int, str]", False),
    ([None], "list[dict[str, Any]] | None", False), ([None, 1], "list[int | None]", True),
    ({"a": None}, "dict[str, str]", False), ({"a": None}, "dict[str, Any]", True),
    (None, "list[str]", True), (None, "str", True),
])
def test_fits_follows_the_declared_type(value: Any, hint: str, expected: bool) -> None:
    from typing import Literal

    declared = eval(hint, {"Any": Any, "Literal": Literal})  # noqa: S307 - fixed texts
    assert fits(value, declared) is expected
