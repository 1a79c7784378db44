"""Dash callback requests as the renderer sends them, built from ``/_dash-dependencies``.

Shared by ``locustfile.py`` and ``run_load.py`` (its warm-up); imports neither locust nor
the app, only the component ids of ``layouts.ids``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from layouts import ids

CALLBACK_PATH = "/_dash-update-component"
PAGES_ROUTER = ".._pages_content.children..._pages_store.data.."
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SHELL_MESSAGE = ids.SHELL_MESSAGE


def output_parts(key: str) -> tuple[list[tuple[str, str]], bool]:
    """``[(component id, property), ...]`` of a callback's output key; True when it has
    several outputs (then ``outputs`` is a list in the request)."""
    multi = key.startswith("..")
    parts = key.strip(".").split("...") if multi else [key]
    return [tuple(p.rsplit(".", 1)) for p in parts], multi  # type: ignore[misc]


class Callbacks:
    """The app's callbacks by output component, from the ``/_dash-dependencies`` answer."""

    def __init__(self, dependencies: list[dict[str, Any]]) -> None:
        self.specs = {dep["output"]: dep for dep in dependencies}

    def key_for(self, output_id: str) -> str:
        """The key of the callback writing ``output_id`` (a component id, or ``id.prop``
        for a component several callbacks write)."""
        for key in self.specs:
            if any(raw == output_id or f"{raw}.{prop}" == output_id
                   for raw, prop in output_parts(key)[0]):
                return key
        if output_id == "_pages_content":
            return PAGES_ROUTER
        raise KeyError(output_id)

    def body(self, output_id: str, values: dict[str, Any], changed: str | None = None
             ) -> dict[str, Any]:
        """The request of the callback that writes ``output_id``, every input and state at
        the value given by ``"id.prop"`` in ``values`` (else ``None``); ``changed`` is the
        one ``changedPropIds`` entry (default: the first input)."""
        key = self.key_for(output_id)
        spec = self.specs.get(key) or {
            "inputs": [{"id": "_pages_location", "property": "pathname"},
                       {"id": "_pages_location", "property": "search"}], "state": []}

        def item(dep: dict[str, str]) -> dict[str, Any]:
            name = f"{dep['id']}.{dep['property']}"
            return {"id": dep["id"], "property": dep["property"], "value": values.get(name)}

        parts, multi = output_parts(key)
        outputs = [{"id": cid, "property": prop} for cid, prop in parts]
        inputs = [item(dep) for dep in spec["inputs"]]
        state = [item(dep) for dep in spec["state"]]
        first = f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"
        return {"output": key, "outputs": outputs if multi else outputs[0], "inputs": inputs,
                "state": state, "changedPropIds": [changed or first]}


def callback_problem(status: int, text: str) -> str:
    """Why a callback answer is a failure ("" when it is not): not 2xx, not JSON, an
    ``error`` field, or a message the shell would show (every refusal and every crash in a
    callback ends up there, "Something went wrong (reference ...)")."""
    if status == 204:
        return ""
    if not 200 <= status < 300:
        return f"HTTP {status}: {text[:200]}"
    try:
        payload = json.loads(text)
    except ValueError:
        return f"not JSON: {text[:200]}"
    if not isinstance(payload, dict):
        return f"unexpected JSON: {text[:200]}"
    if "error" in payload:
        return f"error: {text[:200]}"
    message = (payload.get("sideUpdate") or {}).get(SHELL_MESSAGE) or {}
    if message.get("children"):
        return f"message: {str(message['children'])[:200]}"
    if "response" not in payload:
        return f"no response: {text[:200]}"
    return ""


def export_href(text: str) -> str:
    """The CSV export address a list answer carries ("" when none)."""
    try:
        response = json.loads(text).get("response", {})
    except (ValueError, AttributeError):
        return ""
    return str((response.get(ids.CUSTOMERS_EXPORT) or {}).get("href") or "")
