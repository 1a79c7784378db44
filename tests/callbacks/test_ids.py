"""Every component id a callback uses exists in some layout (the shell, signed in or not,
and every registered page), so ``suppress_callback_exceptions`` can stay off. Pages added
later are covered: the test reads ``app.callback_map`` and ``dash.page_registry``."""

from __future__ import annotations

import json

import dash
from dash.development.base_component import Component

from tests.layouts.walk import walk


def _layout_ids(signed_in: bool) -> set[str]:
    """Ids of the shell (as Dash checks it on the first request, maybe before anyone signed
    in, or as a signed-in owner sees it) and of every page."""
    from layouts.shell import ShellUser, shell

    user = ShellUser(username="u", display_name="U", role="owner", language="en",
                     csrf_token="t") if signed_in else None
    pages = {str(p["path"]) for p in dash.page_registry.values()}
    trees = [shell(user, dash.page_container, pages)]
    trees += [page["layout"]() if callable(page["layout"]) else page["layout"]
              for page in dash.page_registry.values()]
    found: set[str] = set()
    for node in walk(trees):
        if isinstance(node, Component) and getattr(node, "id", None) is not None:
            cid = node.id
            found.add(json.dumps(cid, sort_keys=True) if isinstance(cid, dict) else str(cid))
            if isinstance(cid, dict) and "type" in cid:
                found.add(f"type:{cid['type']}")
    return found


def _callback_ids(app) -> set[str]:  # noqa: ANN001
    used: set[str] = set()
    for key, spec in app.callback_map.items():
        outputs = key.strip(".").split("...") if key.startswith("..") else [key]
        deps = [o.rsplit(".", 1)[0] for o in outputs]
        deps += [d["id"] for d in spec.get("inputs", []) + spec.get("state", [])]
        for raw in deps:
            if raw.startswith("{"):
                parsed = json.loads(raw)
                used.add(f"type:{parsed['type']}" if "type" in parsed else raw)
            else:
                used.add(raw)
    return used


# Pattern-matching ids drawn only by a callback, read with ALL (which matches none before):
# the import page's column dropdowns, one per field of the uploaded file's kind; the
# suggestions' coupon buttons.
DRAWN_LATER = {"type:import-field-dropdown", "type:portrait-suggestion-coupon-button",
               "type:suggestions-rule-coupon-button"}


def test_every_callback_id_is_in_a_layout(cockpit, signed_in) -> None:  # noqa: ANN001
    signed_in("owner")  # a first request: the pages router adds its callbacks
    used = _callback_ids(cockpit) - DRAWN_LATER
    assert len(used) > 30 and "_pages_content" in used
    for signed in (False, True):
        with cockpit.server.test_request_context("/"):
            assert sorted(used - _layout_ids(signed)) == [], signed
    assert cockpit.config.suppress_callback_exceptions is False


def test_ids_are_declared_once_and_kebab_case() -> None:
    from layouts import ids

    values = [v for k, v in vars(ids).items() if k.isupper()]
    assert len(values) == len(set(values))
    assert all(v == v.lower() and " " not in v and "_" not in v for v in values)
