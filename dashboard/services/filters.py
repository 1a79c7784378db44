"""The global filter bar: what a user may choose, and the page filters a request resolves to.

The address (``dashboard.filters``) says what the browser asks for; :func:`resolve_filters`
turns that :class:`~dashboard.filters.FilterQuery` into the :class:`~dashboard.filters.Filters`
the figures are computed for, strictly and safely: a date after today is today, an unknown
period the default, and a customer type, region or account manager the user may not choose is
dropped (the filter falls back to "all"), never an error. The account managers offered are
those inside the actor's scope (a rep: only themselves), so the bar can never widen what a user
sees; the customer-table gateway narrows to the scope in any case.

A region or account manager that is not one of the user's choices (another team's manager id,
a region outside the scope, a value of the wrong type) is a forged or stale filter: besides
being dropped it is audited like a forged id (``access_denied`` on the object type ``filter``),
once per request and value.
"""

from __future__ import annotations

import datetime as dt
import numbers
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from cachetools import TTLCache

from dashboard import filters as address
from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.analytics.periods import PERIODS
from dashboard.data import filters as data
from dashboard.db import current_identity, session_scope
from dashboard.filters import AnyFilters, Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services.audit import record

EARLIEST = dt.date(2000, 1, 1)
AUDITED_FIELDS = {"region": "region", "rep_id": "manager"}  # field -> address key
# (database, request id, user, field, value) recorded; the database because one process may
# serve several (tests; tools), where request ids and user ids repeat
_AUDITED: TTLCache = TTLCache(maxsize=4096, ttl=300)
_AUDITED_LOCK = threading.Lock()


@dataclass(frozen=True)
class FilterChoices:
    """The options of the filter bar for one user."""

    today: dt.date
    default_period: str
    periods: tuple[str, ...]
    customer_types: tuple[str, ...]
    regions: tuple[str, ...]
    reps: tuple[tuple[int, str], ...]  # (id, name), by name


@dataclass(frozen=True)
class FilterBar:
    choices: FilterChoices
    filters: Filters


def today(runtime: Runtime) -> dt.date:
    """The default as-of date: the server's calendar day (tests replace ``runtime.today``)."""
    return runtime.today()


def default_period(runtime: Runtime) -> str:
    """The period of the ``PERIOD_DAYS`` setting (see :func:`dashboard.filters.default_period`)."""
    return address.default_period(runtime.settings.period_days)


def remembered(runtime: Runtime, key: tuple, compute: Callable[[], Any],
               keep: Callable[[Any], bool] = lambda _value: True) -> Any:
    """``compute()`` kept in this process for ``key`` (which names the data version it comes
    from) in ``runtime.lookups``, unless ``keep`` says no: the scope, the bar's options and
    the views are read on every filter change and change only with the data."""
    return runtime.lookups.get_or_compute(key, compute, keep=keep)


def identity(runtime: Runtime) -> tuple[str, int]:
    """(database instance, data version): what remembered lookups are keyed by."""
    return current_identity(runtime.engine)


def scope_ids(runtime: Runtime, actor: Actor) -> np.ndarray | None:
    """Ids of the customers ``actor`` may see (``None``: all); see ``customer_table.scope_ids``."""
    return customer_table.scope_ids(runtime, actor)


def get_filter_choices(runtime: Runtime, actor: Actor) -> FilterChoices:
    key = ("choices", *identity(runtime), actor.scope_key, today(runtime),
           default_period(runtime))
    return remembered(runtime, key, lambda: _choices(runtime, actor))


def _choices(runtime: Runtime, actor: Actor) -> FilterChoices:
    with session_scope(runtime.engine) as session:
        segments = data.load_segments(session, actor)
        reps = data.load_scope_reps(session, actor)
    present = set(segments["customer_type"].dropna())
    regions = sorted({str(r) for r in segments["region"].dropna() if str(r).strip()})
    return FilterChoices(
        today=today(runtime), default_period=default_period(runtime), periods=PERIODS,
        customer_types=tuple(t for t in CUSTOMER_TYPES if t in present),
        regions=tuple(regions),
        reps=tuple((int(i), str(n)) for i, n in zip(reps["id"], reps["name"], strict=True)),
    )


def resolve_filters(runtime: Runtime, actor: Actor, query: AnyFilters | None,
                    choices: FilterChoices | None = None) -> Filters:
    """The filters ``query`` (what an address asks for, or filters resolved before; ``None``
    fields and a ``None`` query are the defaults) resolves to for ``actor``."""
    choices = choices or get_filter_choices(runtime, actor)
    as_of = getattr(query, "as_of", None)
    if not isinstance(as_of, dt.date) or as_of > choices.today or as_of < EARLIEST:
        as_of = choices.today
    period = getattr(query, "period", None)
    customer_type = getattr(query, "customer_type", None)
    region = getattr(query, "region", None)
    rep_id = getattr(query, "rep_id", None)
    refused: dict[str, Any] = {}
    if region is not None and not (isinstance(region, str) and region in choices.regions):
        refused["region"], region = region, None
    if rep_id is not None and not (isinstance(rep_id, numbers.Integral) and not isinstance(rep_id, bool)
                                   and rep_id in {rep for rep, _name in choices.reps}):
        refused["rep_id"], rep_id = rep_id, None
    if refused:
        _audit_refused(runtime, actor, refused)
    return Filters(
        as_of=as_of,
        period=period if isinstance(period, str) and period in choices.periods
        else choices.default_period,
        customer_type=customer_type if isinstance(customer_type, str)
        and customer_type in choices.customer_types else None,
        region=region,
        rep_id=rep_id,
    )


def _audit_refused(runtime: Runtime, actor: Actor, refused: dict[str, Any]) -> None:
    """Audit filter values the actor may not choose (once per request and value when the
    request is known)."""
    fresh, database = {}, runtime.engine.url.render_as_string(hide_password=True)
    with _AUDITED_LOCK:
        for name, value in refused.items():
            key = (database, actor.request_id, actor.user_id, name, repr(value)[:120])
            if not actor.request_id or key not in _AUDITED:
                fresh[name] = value
                if actor.request_id:
                    _AUDITED[key] = True
    if not fresh:
        return
    shown = {AUDITED_FIELDS[name]: repr(value)[:80] if not isinstance(value, (str, int))
             else value for name, value in fresh.items()}
    record(runtime, actor, "access_denied", object_type="filter",
           object_id=",".join(f"{k}={v}" for k, v in shown.items())[:120],
           detail={"reason": f"not a choice for scope {actor.scope_key}", "refused": shown},
           outcome="denied")


def get_filter_bar(runtime: Runtime, actor: Actor, query: AnyFilters | None) -> FilterBar:
    """The bar's options and the values it shows for ``query``."""
    choices = get_filter_choices(runtime, actor)
    return FilterBar(choices=choices, filters=resolve_filters(runtime, actor, query, choices))


__all__ = ["FilterBar", "FilterChoices", "default_period", "get_filter_bar",
           "get_filter_choices", "identity", "remembered", "resolve_filters", "scope_ids", "today"]
