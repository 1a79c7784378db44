"""Addresses of the cockpit: the filter bar's query string and the customer-list links.

This is the contract between the overview (which builds the links) and the customer list
(which reads them). Both use the functions here; nothing else builds or parses these queries.

**Filter query** (every page that shows the filter bar; a value equal to its default is left
out, so ``/`` is "today, last 30 days, everyone I may see")::

    as_of=2026-11-22    the as-of date (default: today)
    period=90d          30d | 90d | 365d | month | quarter | year (default: 30d)
    type=Retail         Retail | Trade | Distributor (default: all)
    region=North        a region name (default: all)
    manager=12          an account manager's id (default: all the user may see)

Parsing is strict and safe: a malformed or unknown value is dropped and its default applies;
it never raises. Whether a region or account manager is one the user may choose, and whether
the date is not after today, is checked by ``dashboard.services.filters`` (which also drops,
never refuses).

**Customer list**: ``/customers?<filter query>&<list selector>``, where the list selector is
one of (see ``dashboard.analytics.selection`` for the exact rows each one keeps)::

    status=active|churning|lost|never     customers with that status
    new=1                                 first order ever inside the period
    tier=A|B|C|D                          current ABC tier
    tier_prev=A|B|C|D|none&tier=A|B|C|D   a cell of the tier movement matrix
                                          (none: no tier before)
    move=up|down|same|new                 tier movement
    mover=revenue_surge|revenue_drop|orders_surge|orders_drop
                                          the 30-day surges and drops
    scheme=7&band=2                       band 2 (counting from 1) of classification scheme 7
                                          as of the as-of date (``scheme=7`` alone: any band);
                                          resolve it with ``dashboard.services.schemes``
                                          (``band_numbers`` / ``select_customers``), which
                                          also refuses a scheme the user may not see

Build a link with :func:`customers_url`; read one with :func:`parse_filters` and
:func:`parse_selector` (both take the query as Dash pages pass it to ``layout(**query)``, or
a ``?...`` string).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.periods import PERIODS
from dashboard.analytics.selection import MOVERS, NO_TIER, Selector
from dashboard.analytics.status import STATUSES
from layouts.labels import CUSTOMER_TYPE_NAMES

CUSTOMERS_PATH = "/customers"
COCKPIT_PATH = "/"
DEFAULT_PERIOD = "30d"
FILTER_KEYS = ("as_of", "period", "type", "region", "manager")
SELECTOR_KEYS = ("status", "new", "tier_prev", "tier", "move", "mover", "scheme", "band")
MAX_TEXT = 120
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[1-9]\d{0,9}$")
_BAND = re.compile(r"^[1-9]\d?$")


class FilterLike(Protocol):
    """Anything with the filter fields (this module's :class:`FilterQuery`, or the
    services' resolved ``Filters``)."""

    as_of: dt.date | None
    period: str | None
    customer_type: str | None
    region: str | None
    rep_id: int | None


@dataclass(frozen=True)
class FilterQuery:
    """What the address asks for (``None``: the default)."""

    as_of: dt.date | None = None
    period: str | None = None
    customer_type: str | None = None
    region: str | None = None
    rep_id: int | None = None


def query_params(query: Mapping[str, Any] | str | None) -> dict[str, str]:
    """One text per key from a ``?a=1&b=2`` string or a mapping (a repeated key keeps its
    first value); keys and values are stripped."""
    if query is None:
        return {}
    if isinstance(query, str):
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    else:
        pairs = [(k, v[0] if isinstance(v, (list, tuple)) and v else v)
                 for k, v in query.items()]
    params: dict[str, str] = {}
    for key, value in pairs:
        if isinstance(key, str) and key not in params and isinstance(value, (str, int)):
            params[key.strip()] = str(value).strip()
    return params


def _date(text: str | None) -> dt.date | None:
    if not text or not _DATE.match(text):
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2199 else None


def _text(text: str | None) -> str | None:
    if not text or len(text) > MAX_TEXT or any(ord(ch) < 0x20 or ord(ch) == 0x7F
                                               for ch in text):
        return None
    return text


def _choice(text: str | None, choices: tuple[str, ...] | list[str]) -> str | None:
    return text if text in choices else None


def parse_filters(query: Mapping[str, Any] | str | None) -> FilterQuery:
    """The filter part of an address (never raises; bad values become ``None``)."""
    params = query_params(query)
    manager = params.get("manager", "")
    return FilterQuery(
        as_of=_date(params.get("as_of")),
        period=_choice(params.get("period"), PERIODS),
        customer_type=_choice(params.get("type"), list(CUSTOMER_TYPE_NAMES)),
        region=_text(params.get("region")),
        rep_id=int(manager) if _ID.match(manager) else None,
    )


def parse_selector(query: Mapping[str, Any] | str | None) -> Selector:
    """The list selector of an address (never raises; bad parts are dropped)."""
    params = query_params(query)
    return Selector(
        status=_choice(params.get("status"), STATUSES),
        new=params.get("new") == "1",
        tier=_choice(params.get("tier"), TIERS),
        tier_prev=_choice(params.get("tier_prev"), (*TIERS, NO_TIER)),
        move=_choice(params.get("move"), MOVES),
        mover=_choice(params.get("mover"), MOVERS),
        **_scheme_band(params.get("scheme", ""), params.get("band", "")),
    )


def _scheme_band(scheme: str, band: str) -> dict[str, int | None]:
    """``scheme`` and ``band`` of a list address (a band without its scheme is dropped)."""
    if not _ID.match(scheme):
        return {"scheme": None, "band": None}
    return {"scheme": int(scheme), "band": int(band) if _BAND.match(band) else None}


def filter_params(filters: FilterLike, *, today: dt.date | None = None,
                  default_period: str = DEFAULT_PERIOD) -> dict[str, str]:
    """The filter query of ``filters``, defaults left out (an as-of date equal to ``today``
    too, so that the link keeps following today)."""
    params: dict[str, str] = {}
    if filters.as_of is not None and filters.as_of != today:
        params["as_of"] = filters.as_of.isoformat()
    if filters.period and filters.period != default_period:
        params["period"] = filters.period
    if filters.customer_type:
        params["type"] = filters.customer_type
    if filters.region:
        params["region"] = filters.region
    if filters.rep_id is not None:
        params["manager"] = str(int(filters.rep_id))
    return params


def selector_params(selector: Selector) -> dict[str, str]:
    params: dict[str, str] = {}
    for key in SELECTOR_KEYS:
        value = getattr(selector, key)
        if key == "new":
            if value:
                params["new"] = "1"
        elif isinstance(value, int):
            params[key] = str(value)
        elif value:
            params[key] = value
    return params


def encode(params: Mapping[str, str]) -> str:
    """``?a=1&b=2`` (empty when there is nothing to say)."""
    return "?" + urlencode(dict(params)) if params else ""


def cockpit_url(filters: FilterLike, **canonical: Any) -> str:
    return COCKPIT_PATH + encode(filter_params(filters, **canonical))


def customers_url(filters: FilterLike, selector: Selector, **canonical: Any) -> str:
    """The customer list of exactly the customers ``selector`` keeps under ``filters``
    (``canonical``: ``today`` and ``default_period`` to leave out)."""
    return CUSTOMERS_PATH + encode({**filter_params(filters, **canonical),
                                    **selector_params(selector)})


def with_filters(search: str | None, filters: FilterLike, **canonical: Any) -> str:
    """``search`` with its filter part replaced by ``filters`` (other keys, such as a list
    selector, are kept in their order)."""
    kept = {k: v for k, v in query_params(search or "").items() if k not in FILTER_KEYS}
    return encode({**filter_params(filters, **canonical), **kept})


__all__ = ["CUSTOMERS_PATH", "FILTER_KEYS", "SELECTOR_KEYS", "FilterLike", "FilterQuery",
           "cockpit_url", "customers_url", "encode", "filter_params", "parse_filters",
           "parse_selector", "query_params", "selector_params", "with_filters"]
