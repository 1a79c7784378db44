"""Walking a Dash component tree in tests (links, texts, ids)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash import dcc
from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Any]:
    """Every component and string under ``node`` (itself included), depth first."""
    if node is None:
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from walk(item)
        return
    yield node
    if isinstance(node, Component):
        for name in getattr(node, "_children_props", []) or []:
            yield from walk(getattr(node, name.split(".")[0], None))
        yield from walk(getattr(node, "children", None))


def text(node: Any) -> str:
    return "".join(n for n in walk(node) if isinstance(n, str))


def links(node: Any) -> list[tuple[str, str]]:
    """(href, text) of every ``dcc.Link`` under ``node`` and of every element that opens an
    address itself (``data-href``: ``layouts.links.opens``)."""
    found = []
    for n in walk(node):
        if isinstance(n, dcc.Link):
            found.append((n.href, text(n.children)))
        elif isinstance(n, Component) and getattr(n, "data-href", None):
            found.append((getattr(n, "data-href"), text(n.children)))
    return found


def ids(node: Any) -> set[Any]:
    return {n.id for n in walk(node) if isinstance(n, Component) and getattr(n, "id", None)}
