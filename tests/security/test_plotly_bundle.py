"""The charts' plotly.js is the basic bundle of plotly.py's own plotly.js version, sent
compressed and revalidated, and it draws every trace type the layouts use."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from dashboard.web.plotly_bundle import ADDRESS, BUNDLE, TRACE_TYPES

ROOT = Path(__file__).resolve().parents[2]
TRACE_DICT = re.compile(r'\{"type": "(\w+)", "x":')  # a trace as a dict: its type, then x
TRACE_OBJECT = re.compile(r"\bgo\.([A-Z]\w+)\(")


def test_the_bundle_is_plotly_pys_version_and_small() -> None:
    head = BUNDLE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in head
    assert BUNDLE.stat().st_size < 1_500_000  # the full bundle is 4.8 MB
    assert (BUNDLE.parent / "LICENSE").read_text().startswith("MIT License")


def test_every_trace_type_the_layouts_draw_is_in_the_bundle() -> None:
    found: set[str] = set()
    for source in [*(ROOT / "layouts").rglob("*.py"), *(ROOT / "callbacks").rglob("*.py")]:
        text = source.read_text(encoding="utf-8")
        found |= set(TRACE_DICT.findall(text))
        found |= {name.lower() for name in TRACE_OBJECT.findall(text)} - {"figure", "layout"}
    assert found >= {"bar", "scatter"}  # the pattern still finds the charts
    assert found <= TRACE_TYPES, f"not in the basic bundle: {sorted(found - TRACE_TYPES)}"


def test_the_address_serves_the_basic_bundle_compressed(signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    plain = owner.get(ADDRESS)
    assert plain.status_code == 200
    assert plain.mimetype == "text/javascript"
    assert plain.get_data() == BUNDLE.read_bytes()
    packed = owner.get(ADDRESS, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < 500_000
    tag = plain.headers["ETag"]
    again = owner.get(ADDRESS, headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.get_data()


def test_other_component_files_are_still_dashs(signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    page = owner.get("/").get_data(as_text=True)
    address = re.search(r'src="(/_dash-component-suites/dash/dcc/[^"]*\.js)"', page)
    assert address, "the page names no dcc bundle"
    assert owner.get(address.group(1)).status_code == 200
    assert owner.get("/_dash-component-suites/plotly/package_data/nothing.js").status_code == 404
