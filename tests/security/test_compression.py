"""Static bundles are sent compressed; pages and callback answers never are (BREACH)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest


def _grid_address(page_html: str) -> str:
    match = re.search(r'src="(/_dash-component-suites/dash_ag_grid/[^"]*\.js)"', page_html)
    assert match, "the page names no grid bundle"
    return match.group(1)


def test_a_bundle_is_sent_compressed_and_unchanged(signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    page = owner.get("/")
    address = _grid_address(page.get_data(as_text=True))
    plain = owner.get(address)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert len(plain.get_data()) > 1_000_000  # the grid bundle: about 1.3 MB
    packed = owner.get(address, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = packed.get_data()
    assert len(body) < len(plain.get_data()) / 3
    assert gzip.decompress(body) == plain.get_data()
    again = owner.get(address, headers={"Accept-Encoding": "gzip"})  # from the kept body
    assert again.get_data() == body


def test_the_assets_stylesheet_is_compressed(signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    plain = owner.get("/assets/cockpit.css").get_data()
    # the assets are sent as file streams, which flask-compress packs with brotli or zstd
    response = owner.get("/assets/cockpit.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "br"
    assert brotli.decompress(response.get_data()) == plain


@pytest.mark.parametrize("path", ["/", "/customers", "/login"])
def test_pages_are_never_compressed(browser, signed_in, path) -> None:  # noqa: ANN001
    client = browser() if path == "/login" else signed_in("owner")
    response = client.get(path, headers={"Accept-Encoding": "gzip, br, zstd"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_callback_answers_are_never_compressed(signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    response = owner.post("/_dash-update-component", json={"output": "x", "inputs": []},
                          headers={"X-CSRFToken": owner.csrf, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
