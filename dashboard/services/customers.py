"""The customer lists at ``/customers``: pages of rows for the grid, the CSV export of exactly
the rows shown, and "select all N matching".

A list is a :class:`ListRequest`: the address's filters and list selector
(``dashboard.filters``) plus what the grid asks for (quick search, column filters, sort;
``dashboard.analytics.listing``). The service resolves the filters for the actor (the filter
service: never wider than the actor may see), then keeps, from the cached customer table
(``customer_table.customer_table``: no figure is recomputed here), the rows inside the actor's scope
and the filters (``customer_table.narrow``, the same rule as every page), the selector's rows
(``analytics.selection``) and the rows passing the search and column filters, in the order
asked for. The browser's values are requests only: unknown columns, operators and values are
dropped, and nothing can reach a customer outside the scope.

The list's extra columns come from the database and are cached per data version and as-of
date like the table: phone and e-mail, receivables and overdue amounts
(``analytics.receivables``), and the last visit, call and coupon, which are also keyed by the
latest visit and campaign message ids (a recorded call shows at once) and refreshed at least
every :data:`CONTACTS_TTL_SECONDS` (a message delivered since). They are held per process in
the runtime's ``lists`` memo, aligned to the table's rows, with the search text and sort
orders computed once per version; the contact details and receivables also in the shared
figure cache, so a worker's first list reads what another worker computed.

Every page answer names its *view* with a token (:func:`save_view`): the export link and
"select all N matching" use it, so they see exactly the rows the grid showed. The rows of a
view and of a scope are remembered with the cached data (per data version: customers move
between account managers and teams only through imports, which bump it), so scrolling asks
the grid's next page for the price of formatting it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.listing import (
    COLUMNS,
    FrameSource,
    ListQuery,
    folded_text,
    ordered_positions,
    query_from_dict,
    query_mask,
    sort_key,
)
from dashboard.analytics.periods import Period, period_bounds
from dashboard.analytics.receivables import BUCKET_COLUMNS, receivables
from dashboard.analytics.selection import Selector, selection_mask
from dashboard.cache import Memo, cache_key
from dashboard.data import customers as data
from dashboard.data import schemes as scheme_data
from dashboard.data.audit import insert_audit
from dashboard.db import current_identity, session_scope
from dashboard.filters import AnyFilters, Filters, selector_to_dict
from dashboard.i18n import current_language
from dashboard.reports.customers import export_frame
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import classifications, customer_table, selections, suggestions
from dashboard.services import filters as filter_service
from dashboard.services.access import authorise_customer, customer_key, visible_teams

log = logging.getLogger(__name__)

CONTACTS_TTL_SECONDS = 60
VIEWS_KEPT = 64
PAGE_LIMIT = 1000
EXPORT_CHUNK = 5000
TABLE_COLUMNS = [
    "customer_id", "customer_code", "customer_name", "customer_type", "region", "rep_id",
    "account_manager", "status", "is_new", "one_time_buyer", "abc_tier", "abc_tier_prev", "tier_move", "action",
    "revenue", "revenue_prev", "growth_pct", "orders", "orders_prev", "gross_margin",
    "margin_pct", "avg_order_value", "first_order_date", "last_order_date",
    "days_since_last_order", "mean_gap_days", "gap_borrowed", "risk_score",
    "risk_score_prev", "risk_change_pct", "churn_probability", "expected_orders_next_90d",
    "expected_value_next_90d", "usual_gap_days", "money_at_risk", "potential", "headroom",
]
EXTRA_COLUMNS = ["phone", "email", "contact", "receivable", "overdue", *BUCKET_COLUMNS,
                 "last_visit", "last_call", "last_coupon", "churn_pct", "suggest"]
ROW_COLUMNS = [*TABLE_COLUMNS, *EXTRA_COLUMNS]
EXPORT_EXTRAS = ["phone", "email", "receivable", "overdue", "last_visit", "last_call",
                 "last_coupon"]


# --- requests and views -----------------------------------------------------------------------


@dataclass(frozen=True)
class ListRequest:
    """What the page asks for: the address's filters, its list selector and the grid's
    search, filters and sort."""

    filters: AnyFilters | None
    selector: Selector = field(default_factory=Selector)
    query: ListQuery = field(default_factory=ListQuery)


@dataclass(frozen=True)
class ListView:
    """A request resolved for one actor: the filters it really gets."""

    filters: Filters
    selector: Selector
    query: ListQuery

    def to_dict(self) -> dict[str, Any]:
        return {"filters": self.filters.to_dict(),
                "selector": selector_to_dict(self.selector),
                "query": self.query.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListView:
        return cls(filters=Filters.from_dict(data["filters"]),
                   selector=Selector(**data["selector"]),
                   query=query_from_dict(data.get("query")))


@dataclass(frozen=True)
class ListHeader:
    """What the page says above the grid."""

    filters: Filters
    selector: Selector
    period: Period
    today: dt.date
    default_period: str
    scope: str
    rep_name: str | None
    currency: str
    scheme_words: tuple[str, str | None] | None = None  # (scheme title, band label)
    segment_words: str | None = None  # the selector's segment name (when the actor sees it)
    choices: tuple[ClassChoice, ...] = ()  # the bands and segments the list can narrow to


@dataclass(frozen=True)
class ClassChoice:
    """A band of a scheme (``band`` from 1) or a rule's segment (``band`` None) the actor
    may see, for the list's band and segment filter."""

    kind: str  # scheme | segment
    source_id: int
    band: int | None
    title: str
    label: str
    colour: str


@dataclass(frozen=True)
class CustomerPage:
    view: ListView
    view_token: str
    rows: pd.DataFrame  # ROW_COLUMNS
    total: int
    start: int
    currency: str
    badges: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerBrief:
    customer_id: int
    code: str
    name: str


@dataclass
class ListData:
    """The cached customer table with the list's extra columns, aligned row by row, and the
    rows of the last views asked for (scrolling asks for the same view page after page)."""

    key: tuple
    table: pd.DataFrame
    extras: pd.DataFrame
    source: ListSource
    views: Memo = field(default_factory=lambda: Memo(VIEWS_KEPT))

    def remember(self, key: Any, compute: Any) -> np.ndarray:
        """The rows (positions, or a mask) named by ``key``, computed once."""
        return self.views.get_or_compute(key, compute)


class ListSource(FrameSource):
    """The table and its extras as one :class:`~dashboard.analytics.listing.Source`."""

    def __init__(self, table: pd.DataFrame, extras: pd.DataFrame) -> None:
        super().__init__(table)
        self.extras = extras

    def column(self, name: str) -> pd.Series:
        return self.extras[name] if name in self.extras.columns else self.frame[name]

    def folded(self, name: str) -> pd.Series:
        return self._remember(("folded", name), lambda: folded_text(self.column(name)))

    def sort_key(self, name: str, descending: bool) -> np.ndarray:
        return self._remember(("key", name, str(descending)),
                              lambda: sort_key(self.column(name), COLUMNS[name], descending))


# --- the cached list data ---------------------------------------------------------------------


def _details(runtime: Runtime, identity: tuple, as_of: dt.date,
             table: pd.DataFrame) -> pd.DataFrame:
    """Per customer id: phone, e-mail, the search text and the receivables as of ``as_of``."""
    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            contacts = data.load_contact_details(session).set_index("customer_id")
            invoices = data.load_open_invoices(session, as_of)
        money = receivables(invoices, as_of).set_index("customer_id")
        ids = table["customer_id"].to_numpy()
        phone = contacts["phone"].reindex(ids)
        email = contacts["email"].reindex(ids)
        contact = (phone.fillna("") + " " + email.fillna("")).str.strip()
        parts = [table[c].astype("string").fillna("").to_numpy() for c in
                 ("customer_name", "customer_code", "region", "account_manager")]
        haystack = pd.Series(parts[0], index=ids, dtype="string")
        for part in [*parts[1:], phone.fillna("").to_numpy(), email.fillna("").to_numpy()]:
            haystack = haystack + "\n" + pd.Series(part, index=ids, dtype="string")
        amounts = money.reindex(ids)[["receivable", "overdue", *BUCKET_COLUMNS]].fillna(0.0)
        return amounts.assign(phone=phone.to_numpy(), email=email.to_numpy(),
                              contact=contact.replace("", pd.NA).to_numpy(),
                              haystack=haystack.str.casefold().to_numpy())

    # kept in this process in front of the shared cache: the first list a worker draws reads
    # the other worker's result instead of running the receivables query again (1 s at
    # 50,000 customers on SQLite)
    key = cache_key("list-details", identity, as_of)
    return runtime.lists.get_or_compute(("details", identity, as_of),
                                        lambda: runtime.cache.get_or_compute(key, compute))


def _last_contacts(runtime: Runtime, identity: tuple, as_of: dt.date,
                   stamp: tuple[int, int]) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return data.load_last_contacts(session, as_of).set_index("customer_id")

    return runtime.lists.get_or_compute(("contacts", identity, as_of, stamp), compute,
                                        ttl=CONTACTS_TTL_SECONDS)


def list_data(runtime: Runtime, filters: Filters) -> ListData:
    """The customer table as of ``filters`` with the list's extra columns (cached; rebuilt
    with the last contacts at least every :data:`CONTACTS_TTL_SECONDS`)."""
    identity = current_identity(runtime.engine)
    with session_scope(runtime.engine) as session:
        stamp = data.get_contact_stamp(session)
    table = customer_table.customer_table(runtime, filters.as_of, filters.period)
    details = _details(runtime, identity, filters.as_of, table)
    contacts = _last_contacts(runtime, identity, filters.as_of, stamp)
    key = (identity, filters.as_of, filters.period,
           customer_table.figure_settings(runtime).cache_key(), stamp)

    suggested = suggestions.top_suggestions(runtime, filters.as_of).set_index("customer_id")

    def compute() -> ListData:
        ids = table["customer_id"].to_numpy()
        dates = contacts.reindex(ids)
        churn = table["churn_probability"].astype("float64") * 100.0
        extras = details.reindex(ids).assign(
            last_visit=dates["last_visit"].dt.normalize(),
            last_call=dates["last_call"].dt.normalize(),
            last_coupon=dates["last_coupon"].dt.normalize(),
            churn_pct=churn.to_numpy(),
            suggest=suggested["suggest"].reindex(ids).astype("string").to_numpy(),
        ).reset_index(drop=True)
        return ListData(key=key, table=table, extras=extras,
                        source=ListSource(table, extras))

    return runtime.lists.get_or_compute(("list", *key), compute, ttl=CONTACTS_TTL_SECONDS)


# --- resolving and applying a request --------------------------------------------------------


def resolve_view(runtime: Runtime, actor: Actor, request: ListRequest,
                 choices: filter_service.FilterChoices | None = None) -> ListView:
    filters = filter_service.resolve_filters(runtime, actor, request.filters, choices)
    return ListView(filters=filters, selector=request.selector, query=request.query)


def scoped_mask(runtime: Runtime, actor: Actor, table: pd.DataFrame,
                filters: Filters) -> np.ndarray:
    """The rows of the (whole) table inside the actor's scope and the page filters, by the
    customer-table gateway's own rule."""
    base = table[["customer_id", "customer_type", "region", "rep_id"]].assign(
        _pos=np.arange(len(table)))
    kept = customer_table.narrow(base, customer_table.scope_ids(runtime, actor), filters)["_pos"].to_numpy()
    mask = np.zeros(len(table), dtype=bool)
    mask[kept] = True
    return mask


def _scheme_bands(runtime: Runtime, actor: Actor, view: ListView) -> list[pd.Series]:
    """The customers' bands in the selector's classification scheme, if it names one (the
    schemes service refuses, audited, a scheme the actor may not see)."""
    scheme = getattr(view.selector, "scheme", None)
    if scheme is None:
        return []
    from dashboard.services import schemes

    return [schemes.band_numbers(runtime, actor, scheme, view.filters.as_of)]


def _segment_members(runtime: Runtime, actor: Actor, view: ListView) -> pd.Index | None:
    """The customers of the selector's rule segment, if it names one (refused, audited, for
    a rule the actor may not see)."""
    rule = getattr(view.selector, "segment", None)
    if rule is None:
        return None
    from dashboard.services import schemes

    return schemes.segment_members(runtime, actor, rule)


def view_positions(runtime: Runtime, actor: Actor, view: ListView) -> tuple[ListData,
                                                                             np.ndarray]:
    """The rows of ``view`` as positions in the cached table, in the view's order."""
    lists = list_data(runtime, view.filters)

    f = view.filters
    scope = ("scope", actor.scope_key, f.customer_type, f.region, f.rep_id)

    def compute() -> np.ndarray:
        mask = lists.remember(scope, lambda: scoped_mask(runtime, actor, lists.table, f)).copy()
        if not view.selector.is_empty:
            bands = _scheme_bands(runtime, actor, view)
            mask &= selection_mask(lists.table, view.selector, bands[0] if bands else None,
                                   _segment_members(runtime, actor, view))
        mask = query_mask(lists.source, view.query, within=mask)
        return ordered_positions(lists.source, mask, view.query.sort)

    if getattr(view.selector, "scheme", None) is not None or \
            getattr(view.selector, "segment", None) is not None:
        return lists, compute()  # the scheme service checks (and audits) every request
    key = json.dumps([actor.scope_key, view.to_dict()], sort_keys=True, default=str)
    return lists, lists.remember(key, compute)


def rows_at(lists: ListData, positions: np.ndarray) -> pd.DataFrame:
    """The list's columns for the rows at ``positions`` (in that order)."""
    taken = {c: lists.table[c].array.take(positions) for c in TABLE_COLUMNS}
    taken.update({c: lists.extras[c].array.take(positions) for c in EXTRA_COLUMNS})
    return pd.DataFrame(taken, columns=ROW_COLUMNS, copy=False)


def _token_for(actor: Actor, view: ListView) -> str:
    text = json.dumps([actor.user_id, actor.scope_key, view.to_dict()], sort_keys=True,
                      default=str)
    digest = hashlib.sha256(text.encode()).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


def save_view(runtime: Runtime, actor: Actor, view: ListView) -> str:
    """A token naming ``view`` for ``actor`` (the same view gives the same token; kept again
    when this process has not kept it in the last hour)."""
    token = _token_for(actor, view)
    if token not in runtime.saved_views:
        try:
            if not selections.owned(runtime, "view", actor, token):
                selections.keep(runtime, "view", actor, token, {"view": view.to_dict()})
        except Exception:  # noqa: BLE001 - a full or broken store must not hide the list
            # the rows still show; an export or "select all" of this view then answers that
            # the list has expired, and the next read tries to keep it again
            log.warning("could not keep the list view in the shared store", exc_info=True)
            return token
        runtime.saved_views.set(token, True)
    return token


def load_view(runtime: Runtime, actor: Actor, token: Any) -> ListView:
    """The view ``token`` names (``NotFound`` when expired, ``AccessDenied`` when another
    user's)."""
    return ListView.from_dict(selections.take(runtime, "view", actor, token)["view"])


# --- use cases ----------------------------------------------------------------------------------


def get_list_header(runtime: Runtime, actor: Actor, filter_query: AnyFilters | None,
                    selector: Selector) -> ListHeader:
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, filter_query, choices)
    return ListHeader(filters=filters, selector=selector,
                      period=period_bounds(filters.as_of, filters.period),
                      today=choices.today, default_period=choices.default_period,
                      scope=actor.scope_kind,
                      rep_name=dict(choices.reps).get(filters.rep_id) if filters.rep_id
                      else None, currency=str(runtime.settings.currency or "CNY"),
                      scheme_words=_scheme_words(runtime, actor, selector),
                      segment_words=_segment_words(runtime, actor, selector),
                      choices=class_choices(runtime, actor))


def class_choices(runtime: Runtime, actor: Actor) -> tuple[ClassChoice, ...]:
    """Every segment of the active rules and every band of the active schemes the actor
    sees: segments first (as on the badges), then the bands in the Schemes page's order."""
    with session_scope(runtime.engine) as session:
        teams = visible_teams(session, actor)
        schemes_frame = scheme_data.load_schemes(session, teams, active_only=True)
        rules_frame = scheme_data.load_rules(session, teams, active_only=True)
    found: list[ClassChoice] = []
    for record in rules_frame.to_dict("records"):  # a handful of rules; segments first
        try:
            segment = "segment" in classifications.rule_of(record).all_actions
        except ValueError:
            continue
        if segment and record["segment"]:
            found.append(ClassChoice("segment", int(record["id"]), None, str(record["name"]),
                                     str(record["segment"]), classifications.SEGMENT_COLOUR))
    for record in schemes_frame.to_dict("records"):  # a handful of schemes
        for number, band in enumerate(record["bands"] or [], start=1):
            found.append(ClassChoice("scheme", int(record["id"]), number, str(record["title"]),
                                     str(band.get("label") or number),
                                     str(record["colour"] or "")))
    return tuple(found)


def _seen(session: Any, actor: Actor, row: Any) -> Any:
    """``row`` (a scheme or rule) when ``actor`` sees its team's configuration, else None."""
    teams = visible_teams(session, actor)
    if row is None or (teams is not None and row.team_id is not None
                       and int(row.team_id) not in teams):
        return None
    return row


def _segment_words(runtime: Runtime, actor: Actor, selector: Selector) -> str | None:
    """The segment name of the selector's rule, when ``actor`` sees the rule."""
    rule_id = getattr(selector, "segment", None)
    if rule_id is None:
        return None
    with session_scope(runtime.engine) as session:
        row = _seen(session, actor, scheme_data.get_rule(session, int(rule_id)))
        return None if row is None else str(row.segment or row.name)


def page_badges(runtime: Runtime, actor: Actor, as_of: dt.date,
                customer_ids: Any) -> dict[int, list[dict[str, Any]]]:
    """The band and segment badges of the rows of a page (``classifications.badges_for``)."""
    return classifications.badges_for(runtime, actor, as_of, customer_ids)


def _scheme_words(runtime: Runtime, actor: Actor,
                  selector: Selector) -> tuple[str, str | None] | None:
    """The title of the selector's scheme and the label of its band (numbered from 1), when
    ``actor`` sees the scheme; None otherwise (the page then names them by number)."""
    scheme_id = getattr(selector, "scheme", None)
    if scheme_id is None:
        return None
    with session_scope(runtime.engine) as session:
        row = _seen(session, actor, scheme_data.get_scheme(session, int(scheme_id)))
        if row is None:
            return None
        band = getattr(selector, "band", None)
        bands = list(row.bands or [])
        label = str(bands[band - 1].get("label") or "") if band and band <= len(bands) else None
        return str(row.title), label or None


def get_customer_page(runtime: Runtime, actor: Actor, request: ListRequest, start: int = 0,
                      end: int = 100) -> CustomerPage:
    """Rows ``start`` to ``end`` (excluded; at most :data:`PAGE_LIMIT`) of the list."""
    start = max(0, int(start))
    end = max(start, min(int(end), start + PAGE_LIMIT))
    view = resolve_view(runtime, actor, request)
    lists, positions = view_positions(runtime, actor, view)
    rows = rows_at(lists, positions[start:end])
    return CustomerPage(view=view, view_token=save_view(runtime, actor, view),
                        rows=rows, total=len(positions),
                        start=start, currency=str(runtime.settings.currency or "CNY"),
                        badges=page_badges(runtime, actor, view.filters.as_of,
                                           rows["customer_id"].to_numpy()))


def matching_ids(runtime: Runtime, actor: Actor, view_token: Any) -> tuple[ListView,
                                                                           np.ndarray]:
    """The customer ids of every row of a saved view (for "select all N matching")."""
    view = load_view(runtime, actor, view_token)
    lists, positions = view_positions(runtime, actor, view)
    return view, lists.table["customer_id"].to_numpy()[positions]


def select_matching(runtime: Runtime, actor: Actor, view_token: Any,
                    selection_token: str | None = None) -> tuple[str, int]:
    """Keep every customer of a saved view as the actor's selection: (token, count)."""
    view, ids = matching_ids(runtime, actor, view_token)
    token = selections.store_selection(runtime, actor, ids, source="matching",
                                       description=view.to_dict(), token=selection_token)
    return token, len(ids)


@dataclass(frozen=True)
class CustomerExport:
    filename: str
    rows: int
    chunks: Iterator[pd.DataFrame]


def export_rows(lists: ListData, positions: np.ndarray,
                language: str | None = None) -> pd.DataFrame:
    """The export columns (``reports.customers``, the reason in ``language``) of these rows,
    with the list's own columns after the account manager."""
    rows = rows_at(lists, positions)
    frame = export_frame(rows, language or current_language())
    extras = rows[EXPORT_EXTRAS].assign(**{
        c: pd.to_datetime(rows[c]).dt.strftime("%Y-%m-%d")
        for c in ("last_visit", "last_call", "last_coupon")},
        receivable=rows["receivable"].round(2), overdue=rows["overdue"].round(2))
    at = frame.columns.get_loc("account_manager") + 1
    return pd.concat([frame.iloc[:, :at], extras, frame.iloc[:, at:]], axis=1)


def export_customers(runtime: Runtime, actor: Actor, view_token: Any,
                     language: str | None = None) -> CustomerExport:
    """The rows of a saved view as export frames (in chunks), audited."""
    language = language or current_language()
    view = load_view(runtime, actor, view_token)
    lists, positions = view_positions(runtime, actor, view)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="customers",
                     detail={"rows": len(positions), "view": view.to_dict(),
                             "source": "customer list"})

    def chunks() -> Iterator[pd.DataFrame]:
        if len(positions) == 0:
            yield export_rows(lists, positions, language)
        for first in range(0, len(positions), EXPORT_CHUNK):
            yield export_rows(lists, positions[first:first + EXPORT_CHUNK], language)

    name = f"customers-{view.filters.as_of.isoformat()}.csv"
    return CustomerExport(filename=name, rows=len(positions), chunks=chunks())


def get_customer_brief(runtime: Runtime, actor: Actor, customer: Any) -> CustomerBrief:
    """Code and name of a customer the actor may see (refused and audited otherwise)."""
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer_key(customer))
        names = data.get_customer_names(session, [customer_id])
    row = names.iloc[0]
    return CustomerBrief(customer_id=customer_id, code=str(row["code"]), name=str(row["name"]))


__all__ = ["EXTRA_COLUMNS", "ROW_COLUMNS", "TABLE_COLUMNS", "ClassChoice", "CustomerBrief", "CustomerExport",
           "CustomerPage", "ListData", "ListHeader", "ListRequest", "ListView",
           "export_customers", "export_rows", "get_customer_brief", "get_customer_page",
           "class_choices", "get_list_header", "list_data", "page_badges", "load_view",
           "matching_ids", "resolve_view",
           "rows_at", "save_view", "scoped_mask", "select_matching", "view_positions"]
