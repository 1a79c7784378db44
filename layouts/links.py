"""Links between the cockpit's pages, rendered from the address vocabulary.

The paths, the filter and list-selector query and their defaults are ``dashboard.filters``'s
(the one place that declares them); this module only turns them into ``dcc.Link``
components, so a page links to a list, a portrait or a campaign the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from dash import dcc

from dashboard.analytics.selection import Selector
from dashboard.filters import (
    DEFAULT_PERIOD,
    AnyFilters,
    campaign_path,
    cockpit_url,
    customer_path,
    customers_url,
)


def opens(href: str | None) -> dict[str, Any]:
    """The attributes that make an element (a table cell, a span) open ``href`` without being
    a link component (``assets/navigate.js``: a click or Enter changes the address as a link
    does; Ctrl or middle click opens a new tab). Give the element the class ``cell-link``.
    Dash's renderer draws a page in time growing with the square of its components
    (docs/decisions.md 229); a cell that is its own link saves one per figure."""
    if href is None:
        return {}
    return {"data-href": href, "role": "link", "tabIndex": "0"}


def customers_link(children: Any, filters: AnyFilters, selector: Selector, *,
                   today: Any = None, default_period: str | None = DEFAULT_PERIOD,
                   **props: Any) -> dcc.Link:
    """A link to the customer list of exactly the customers ``selector`` keeps under
    ``filters`` (``today`` and ``default_period``: the defaults to leave out)."""
    return dcc.Link(children, href=customers_url(filters, selector, today=today,
                                                 default_period=default_period), **props)


def cockpit_link(children: Any, filters: AnyFilters, *, today: Any = None,
                 default_period: str | None = DEFAULT_PERIOD, **props: Any) -> dcc.Link:
    """A link to the overview under ``filters``."""
    return dcc.Link(children, href=cockpit_url(filters, today=today,
                                               default_period=default_period), **props)


def customer_link(children: Any, code: Any, query: str = "", **props: Any) -> dcc.Link:
    """A link to the portrait of the customer with ``code``."""
    return dcc.Link(children, href=customer_path(code, query), **props)


def campaign_link(children: Any, campaign_id: Any, **props: Any) -> dcc.Link:
    """A link to the results of campaign ``campaign_id``."""
    return dcc.Link(children, href=campaign_path(campaign_id), **props)


__all__ = ["campaign_link", "cockpit_link", "customer_link", "customers_link", "opens"]
