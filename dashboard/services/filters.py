"""The global filter bar: what a user may choose, and the page filters a request resolves to.

The address (``layouts/links.py``) says what the browser asks for; :func:`resolve_filters`
turns that into the :class:`~dashboard.services.figures.Filters` the figures are computed
for, strictly and safely: a date after today is today, an unknown period the default, and a
customer type, region or account manager the user may not choose is dropped (the filter
falls back to "all"), never an error. The account managers offered are those inside the
actor's scope (a rep: only themselves), so the bar can never widen what a user sees; the
figures service narrows to the scope in any case.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboard.analytics.periods import PERIODS, ROLLING
from dashboard.data import filters as data
from dashboard.db import data_identity, session_scope
from dashboard.models import CUSTOMER_TYPES
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import figures
from dashboard.services.figures import Filters

EARLIEST = dt.date(2000, 1, 1)
MEMO_ITEMS = 256
_LOCK = threading.Lock()


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
    """The default as-of date: the server's calendar day (tests set ``extras["today"]``)."""
    fixed = runtime.extras.get("today")
    return fixed() if callable(fixed) else (fixed or dt.date.today())


def default_period(runtime: Runtime) -> str:
    """The period of the ``PERIOD_DAYS`` setting when it is 30, 90 or 365, else 30 days."""
    days = int(runtime.settings.period_days or 30)
    return next((key for key, length in ROLLING.items() if length == days), "30d")


def remembered(runtime: Runtime, key: tuple, compute: Callable[[], Any],
               keep: Callable[[Any], bool] = lambda _value: True) -> Any:
    """``compute()`` kept in this process for ``key`` (which names the data version it comes
    from), the last :data:`MEMO_ITEMS` keys, unless ``keep`` says no: the scope, the bar's
    options and the views are read on every filter change and change only with the data."""
    with _LOCK:
        memo = runtime.extras.setdefault("filter_memo", OrderedDict())
        if key in memo:
            memo.move_to_end(key)
            return memo[key]
    value = compute()
    if keep(value):
        with _LOCK:
            memo[key] = value
            while len(memo) > MEMO_ITEMS:
                memo.popitem(last=False)
    return value


def identity(runtime: Runtime) -> tuple[str, int]:
    """(database instance, data version): what remembered lookups are keyed by."""
    with session_scope(runtime.engine) as session:
        return data_identity(session)


def scope_ids(runtime: Runtime, actor: Actor) -> np.ndarray | None:
    """Ids of the customers ``actor`` may see (``None``: all); see ``figures.scope_ids``."""
    return figures.scope_ids(runtime, actor)


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


def resolve_filters(runtime: Runtime, actor: Actor, query: Any,
                    choices: FilterChoices | None = None) -> Filters:
    """The filters ``query`` (anything with ``as_of``, ``period``, ``customer_type``,
    ``region`` and ``rep_id``; missing ones are defaults) resolves to for ``actor``."""
    choices = choices or get_filter_choices(runtime, actor)
    as_of = getattr(query, "as_of", None)
    if not isinstance(as_of, dt.date) or as_of > choices.today or as_of < EARLIEST:
        as_of = choices.today
    period = getattr(query, "period", None)
    customer_type = getattr(query, "customer_type", None)
    region = getattr(query, "region", None)
    rep_id = getattr(query, "rep_id", None)
    return Filters(
        as_of=as_of,
        period=period if period in choices.periods else choices.default_period,
        customer_type=customer_type if customer_type in choices.customer_types else None,
        region=region if region in choices.regions else None,
        rep_id=rep_id if rep_id in {rep for rep, _name in choices.reps} else None,
    )


def get_filter_bar(runtime: Runtime, actor: Actor, query: Any) -> FilterBar:
    """The bar's options and the values it shows for ``query``."""
    choices = get_filter_choices(runtime, actor)
    return FilterBar(choices=choices, filters=resolve_filters(runtime, actor, query, choices))


__all__ = ["FilterBar", "FilterChoices", "default_period", "get_filter_bar",
           "get_filter_choices", "identity", "remembered", "resolve_filters", "scope_ids", "today"]
