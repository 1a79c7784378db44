"""The cockpit's addresses: page paths, the filters and list selector of a query string.

This module is the one vocabulary of the address: the pages build their links with it, the
callbacks parse the address with it, and the services resolve, store and describe filters
with it. Nothing else declares a filter field, its query key, its default or a page path.

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
    once=1                                one-time buyers (one purchase occasion so far)
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

Two filter types, one for each side of the resolution:

- :class:`FilterQuery` is what an address (or the filter bar's controls) *asks for*; every
  field may be ``None`` ("the default"), because the defaults depend on the server (today's
  date, the ``PERIOD_DAYS`` setting) and on the user (what they may choose);
- :class:`Filters` is what a request *resolves to* for one user (``services.filters``):
  the figures are computed for it, so the as-of date and the period are always set.

Both encode the same way (:func:`filter_params`), so a resolved view can be linked to.
Read an address with :func:`parse_filters` and :func:`parse_selector` (both take the query as
Dash pages pass it to ``layout(**query)``, or a ``?...`` string); build one with
:func:`customers_url`, :func:`cockpit_url` or :func:`with_filters`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.analytics.periods import PERIODS, ROLLING
from dashboard.analytics.selection import MOVERS, NO_TIER, Selector
from dashboard.analytics.status import STATUSES
from dashboard.errors import ValidationError

# --- page paths ---------------------------------------------------------------------------------

COCKPIT_PATH = "/"
CUSTOMERS_PATH = "/customers"
CUSTOMER_PATH_TEMPLATE = "/customer/<code>"
CUSTOMER_EXPORT_PATH = "/customers/export.csv"
CAMPAIGNS_PATH = "/campaigns"
NEW_CAMPAIGN_PATH = "/campaigns/new"
CAMPAIGN_PATH_TEMPLATE = "/campaigns/<campaign_id>"
SCHEMES_PATH = "/schemes"
ALERTS_PATH = "/alerts"
LEDGER_PATH = "/ledger"
CONTACT_PLAN_PATH = "/contact-plan"
TARGETS_PATH = "/targets"
TEAM_PATH = "/team"
USERS_PATH = "/users"
FOLLOWUPS_PATH = "/followups"
AUDIT_PATH = "/audit"
DUPLICATES_PATH = "/duplicates"
IMPORT_PATH = "/import"
SUGGESTIONS_PATH = "/suggestions"
MY_PATH = "/my"  # a customer's own page, the only one their sign-in opens
NOT_FOUND_PATH = "/404"

# --- the query's vocabulary ---------------------------------------------------------------------

DEFAULT_PERIOD = "30d"
FILTER_KEYS = ("as_of", "period", "type", "region", "manager")
SELECTOR_KEYS = ("status", "new", "once", "tier_prev", "tier", "move", "mover", "scheme", "band",
                 "segment")
MAX_TEXT = 120
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[1-9]\d{0,9}$")
_BAND = re.compile(r"^[1-9]\d?$")


def customer_path(code: Any, query: str = "") -> str:
    """The portrait of the customer with ``code`` (``query``: a ``?...`` string to keep)."""
    return "/customer/" + quote(str(code), safe="") + query


def campaign_path(campaign_id: Any) -> str:
    """The results page of campaign ``campaign_id``."""
    return f"{CAMPAIGNS_PATH}/{int(campaign_id)}"


def default_period(period_days: Any) -> str:
    """The period of the ``PERIOD_DAYS`` setting when it is 30, 90 or 365 days, else
    :data:`DEFAULT_PERIOD`."""
    days = int(period_days or ROLLING[DEFAULT_PERIOD])
    return next((key for key, length in ROLLING.items() if length == days), DEFAULT_PERIOD)


@dataclass(frozen=True)
class FilterQuery:
    """What the address asks for (``None``: the default)."""

    as_of: dt.date | None = None
    period: str | None = None
    customer_type: str | None = None
    region: str | None = None
    rep_id: int | None = None


@dataclass(frozen=True)
class Filters:
    """What a page is computed for: the as-of date, the period and optional narrowing."""

    as_of: dt.date
    period: str = DEFAULT_PERIOD
    customer_type: str | None = None
    region: str | None = None
    rep_id: int | None = None

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValidationError(f"unknown period {self.period!r}", code="bad_period")

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON values (how a view is kept, keyed and audited)."""
        return {"as_of": self.as_of.isoformat(), "period": self.period,
                "customer_type": self.customer_type, "region": self.region,
                "rep_id": self.rep_id}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Filters:
        """:meth:`to_dict` read back (``KeyError``, ``TypeError``, ``ValueError`` or
        ``ValidationError`` when it is not one)."""
        return cls(as_of=dt.date.fromisoformat(raw["as_of"]), period=raw["period"],
                   customer_type=raw.get("customer_type"), region=raw.get("region"),
                   rep_id=raw.get("rep_id"))


AnyFilters = FilterQuery | Filters


# --- parsing ------------------------------------------------------------------------------------


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
    return value if EARLIEST <= value <= LATEST else None


def _text(text: str | None) -> str | None:
    if not text or len(text) > MAX_TEXT or any(ord(ch) < 0x20 or ord(ch) == 0x7F
                                               for ch in text):
        return None
    return text


def _choice(text: str | None, choices: Collection[str]) -> str | None:
    return text if text in choices else None


def kept_filters(query: Mapping[str, Any] | str | None) -> str:
    """``?as_of=…&period=…`` of an address: its filter bar's values (as-of date, period,
    type, region, account manager) for a link to another page, ``""`` when there are none."""
    params = query_params(query)
    kept = {key: params[key] for key in FILTER_KEYS if params.get(key)}
    return "?" + urlencode(kept) if kept else ""


def parse_filters(query: Mapping[str, Any] | str | None) -> FilterQuery:
    """The filter part of an address (never raises; bad values become ``None``)."""
    params = query_params(query)
    manager = params.get("manager", "")
    return FilterQuery(
        as_of=_date(params.get("as_of")),
        period=_choice(params.get("period"), PERIODS),
        customer_type=_choice(params.get("type"), CUSTOMER_TYPES),
        region=_text(params.get("region")),
        rep_id=int(manager) if _ID.match(manager) else None,
    )


def parse_selector(query: Mapping[str, Any] | str | None) -> Selector:
    """The list selector of an address (never raises; bad parts are dropped)."""
    params = query_params(query)
    return Selector(
        status=_choice(params.get("status"), STATUSES),
        new=params.get("new") == "1",
        once=params.get("once") == "1",
        tier=_choice(params.get("tier"), TIERS),
        tier_prev=_choice(params.get("tier_prev"), (*TIERS, NO_TIER)),
        move=_choice(params.get("move"), MOVES),
        mover=_choice(params.get("mover"), MOVERS),
        **_scheme_band(params.get("scheme", ""), params.get("band", "")),
        segment=int(params["segment"]) if _ID.match(params.get("segment", "")) else None,
    )


def _scheme_band(scheme: str, band: str) -> dict[str, int | None]:
    """``scheme`` and ``band`` of a list address (a band without its scheme is dropped)."""
    if not _ID.match(scheme):
        return {"scheme": None, "band": None}
    return {"scheme": int(scheme), "band": int(band) if _BAND.match(band) else None}


def selector_to_dict(selector: Selector) -> dict[str, Any]:
    """The selector's fields as JSON values (how a view is kept, keyed and audited)."""
    return {f.name: getattr(selector, f.name) for f in fields(selector)}


# --- encoding -----------------------------------------------------------------------------------


def filter_params(filters: AnyFilters, *, today: dt.date | None = None,
                  default_period: str | None = DEFAULT_PERIOD) -> dict[str, str]:
    """The filter query of ``filters``, defaults left out (an as-of date equal to ``today``
    too, so that the link keeps following today; ``default_period=None`` keeps every
    period, for a record of exactly what was asked)."""
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
    """The list selector's part of an address."""
    params: dict[str, str] = {}
    for key in SELECTOR_KEYS:
        value = getattr(selector, key)
        if key in ("new", "once"):
            if value:
                params[key] = "1"
        elif isinstance(value, int):
            params[key] = str(value)
        elif value:
            params[key] = value
    return params


def list_params(selector: Selector, filters: Filters) -> dict[str, str]:
    """A customer list as address parameters with every filter kept (the as-of date and
    the period too): the record of exactly which list something came from."""
    return {**selector_params(selector), **filter_params(filters, default_period=None)}


def kept_list_params(kept: Mapping[str, Any]) -> dict[str, str]:
    """:func:`list_params` of a kept list view (``{"filters": Filters.to_dict(), "selector":
    selector_to_dict(), ...}``); empty when ``kept`` is not one."""
    try:
        selector = Selector(**(kept.get("selector") or {}))
        filters = Filters.from_dict(kept.get("filters") or {})
    except (KeyError, TypeError, ValueError, ValidationError):
        return {}
    return list_params(selector, filters)


def encode(params: Mapping[str, str]) -> str:
    """``?a=1&b=2`` (empty when there is nothing to say)."""
    return "?" + urlencode(dict(params)) if params else ""


def cockpit_url(filters: AnyFilters, **canonical: Any) -> str:
    """The overview under ``filters`` (``canonical``: ``today`` and ``default_period`` to
    leave out)."""
    return COCKPIT_PATH + encode(filter_params(filters, **canonical))


def customers_url(filters: AnyFilters, selector: Selector, **canonical: Any) -> str:
    """The customer list of exactly the customers ``selector`` keeps under ``filters``
    (``canonical``: ``today`` and ``default_period`` to leave out)."""
    return CUSTOMERS_PATH + encode({**filter_params(filters, **canonical),
                                    **selector_params(selector)})


def with_filters(search: str | None, filters: AnyFilters, **canonical: Any) -> str:
    """``search`` with its filter part replaced by ``filters`` (other keys, such as a list
    selector, are kept in their order)."""
    kept = {k: v for k, v in query_params(search or "").items() if k not in FILTER_KEYS}
    return encode({**filter_params(filters, **canonical), **kept})


__all__ = [
    "ALERTS_PATH", "AUDIT_PATH", "CAMPAIGNS_PATH", "CONTACT_PLAN_PATH", "LEDGER_PATH", "CAMPAIGN_PATH_TEMPLATE", "COCKPIT_PATH",
    "CUSTOMERS_PATH", "CUSTOMER_EXPORT_PATH", "CUSTOMER_PATH_TEMPLATE", "DEFAULT_PERIOD",
    "DUPLICATES_PATH",
    "FILTER_KEYS", "IMPORT_PATH", "MY_PATH", "NEW_CAMPAIGN_PATH", "NOT_FOUND_PATH", "SCHEMES_PATH",
    "SELECTOR_KEYS",
    "TARGETS_PATH", "TEAM_PATH", "USERS_PATH", "FOLLOWUPS_PATH", "AnyFilters", "FilterQuery", "Filters", "campaign_path",
    "cockpit_url", "customer_path", "customers_url", "default_period", "encode",
    "filter_params", "kept_list_params", "list_params", "parse_filters", "parse_selector", "query_params", "selector_params",
    "selector_to_dict", "with_filters",
]
