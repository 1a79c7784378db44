"""What to sell next: discovery and cross-sell for the portrait, the lists, the rules page, the
export and the backtest.

The whole customer base's suggestions and rules as of a date are computed once per (database,
data version, as-of date, settings) and shared through the figure cache; the per-customer
reads pick their rows from it. Scope: a customer's suggestions only after
``authorise_customer``; the rules page counts every customer (rules describe the catalogue,
not a customer) but its "who buys X and not Y" lists are scoped like every list.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.analytics import suggestion_ranking as ranking
from dashboard.analytics import suggestions as sg
from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.analytics.suggestion_backtest import SuggestionBacktest, backtest_suggestions
from dashboard.cache import cache_key
from dashboard.data import baskets
from dashboard.data.snapshot import current_days
from dashboard.db import current_identity, session_scope
from dashboard.errors import ValidationError
from dashboard.filters import FilterQuery, Filters
from dashboard.i18n import _, format_number, format_percent
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table, selections
from dashboard.services import filters as filter_service
from dashboard.services.access import authorise_customer, customer_key

EXPORT_COLUMNS = ["customer_code", "kind", "rank", "product_code", "category", "reason"]
BACKTEST_HORIZON = 90
RULES_SHOWN = 50


@dataclass(frozen=True)
class SuggestionSet:
    """Every customer's suggestions and the mined rules as of a date (product ids); the
    categories similar customers buy that each customer does not."""

    as_of: dt.date
    suggestions: pd.DataFrame  # sg.SUGGESTION_COLUMNS
    rules: pd.DataFrame  # sg.RULE_COLUMNS
    categories: pd.DataFrame  # customer_id, rank, category, peers_bought
    products: pd.DataFrame  # product_id, sku, name, category, tags, margin_pct


@dataclass(frozen=True)
class CustomerSuggestions:
    customer_id: int
    as_of: dt.date
    items: pd.DataFrame  # rank, kind, sku, name, category, reason, product_id
    categories: list[str]


def suggestion_rules(runtime: Runtime, limit: int | None = None) -> sg.SuggestionRules:
    s = runtime.settings
    return sg.SuggestionRules(min_support=float(s.rules_min_support),
                              min_lift=float(s.rules_min_lift),
                              limit=int(limit or sg.SuggestionRules.limit),
                              narrow_by_tags=bool(s.suggest_by_tags))


def _identity(runtime: Runtime) -> tuple[str, int]:
    return current_identity(runtime.engine)


def _pairs(runtime: Runtime, first: dt.date, last: dt.date) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return baskets.load_product_pairs(session, first, last)

    key = cache_key("product-pairs", *_identity(runtime), first.isoformat(), last.isoformat())
    return runtime.cache.get_or_compute(key, compute)


def products(runtime: Runtime) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return baskets.load_products(session)

    return runtime.cache.get_or_compute(cache_key("products", *_identity(runtime)), compute)


def _year_to(as_of: dt.date) -> tuple[dt.date, dt.date]:
    return as_of - dt.timedelta(days=sg.OWNED_DAYS - 1), as_of


def _ordered(runtime: Runtime, as_of: dt.date) -> np.ndarray:
    """Ids of the customers with an order up to ``as_of`` (from the rollup snapshot)."""
    days = current_days(runtime.engine, runtime.snapshot_dir, runtime.days)
    seen = days.loc[(days["day"] <= pd.Timestamp(as_of)) & (days["orders"] > 0), "customer_id"]
    return seen.unique()


def weight_choice(runtime: Runtime, as_of: dt.date,
                  rules: sg.SuggestionRules | None = None) -> ranking.WeightChoice:
    """The ranking's weights for suggestions as of ``as_of``: the best on the window before
    it (suggested as of ``as_of`` less 90 days, judged up to ``as_of``; cached)."""
    rules = rules or suggestion_rules(runtime)
    early = as_of - dt.timedelta(days=ranking.TUNING_DAYS)

    def compute() -> ranking.WeightChoice:
        return ranking.choose_weights(_pairs(runtime, *_year_to(early)),
                                      _pairs(runtime, *_year_to(as_of)), products(runtime),
                                      customer_table.customers(runtime), pd.Timestamp(early),
                                      rules)

    key = cache_key("suggestion-weights", *_identity(runtime), as_of.isoformat(),
                    rules.cache_key())
    return runtime.cache.get_or_compute(key, compute)


def suggestion_set(runtime: Runtime, as_of: dt.date,
                   rules: sg.SuggestionRules | None = None) -> SuggestionSet:
    """Every customer's suggestions as of ``as_of`` (cached per data version)."""
    rules = rules or suggestion_rules(runtime)

    def compute() -> SuggestionSet:
        pairs = _pairs(runtime, *_year_to(as_of))
        people = customer_table.customers(runtime)
        stamp = pd.Timestamp(as_of)
        b = sg.baskets(pairs, products(runtime), people["customer_id"].to_numpy(), stamp)
        mined = sg.association_rules(b, rules)
        signs = ranking.signs(b, people, mined, rules.narrow_by_tags)
        found = ranking.rank(b, signs, weight_choice(runtime, as_of, rules).weights,
                             rules.limit, ranking.suggested_rows(b, _ordered(runtime, as_of)))
        return SuggestionSet(as_of, found, mined, sg.discovery_categories(b, people),
                             b.products)

    key = cache_key("suggestions-ranked", *_identity(runtime), as_of.isoformat(), rules.cache_key())
    return runtime.cache.get_or_compute(key, compute)


# --- words --------------------------------------------------------------------------------


def _type_word(code: str) -> str:
    kind = CUSTOMER_TYPES.get(code)
    return _(kind.label) if kind is not None else str(code or "")


def _fill(template: str, values: dict[str, pd.Series]) -> pd.Series:
    """``template`` filled row by row from string columns (vectorised)."""
    pieces = re.split(r"(\{\w+\})", template)
    index = next(iter(values.values())).index
    out = pd.Series("", index=index, dtype="object")
    for piece in pieces:
        name = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
        out = out + (values[name].astype(str) if name in values else piece)
    return out


def _worded(series: pd.Series, word: Callable[[object], str]) -> pd.Series:
    """``word`` applied once per distinct value."""
    uniques = series.drop_duplicates()
    return series.map(dict(zip(uniques, [word(v) for v in uniques], strict=True)))


FEW_REASONS = 50  # up to this many lines (a portrait's ten) are worded line by line


def reasons(items: pd.DataFrame, catalogue: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """One line per suggestion saying why, in the current language."""
    if items.empty:
        return pd.Series([], index=items.index, dtype="object")
    if len(items) <= FEW_REASONS:
        return _reasons_by_line(items, catalogue, people)
    # only the products and people these lines name
    catalogue = catalogue.loc[catalogue["product_id"].isin(items["antecedent_id"].dropna())]
    names = catalogue.set_index("product_id")["name"]
    people = people.loc[people["customer_id"].isin(items["customer_id"].unique()),
                        ["customer_id", "customer_type", "region"]]
    return _reasons_by_column(items, names, people)


def _templates() -> tuple[str, str, str]:
    return (_("{share} of the customers who buy {product} also buy it (lift {lift})"),
            _("Bought by {n} of {m} similar customers ({type}, {region}) in the last "
              "90 days"),
            _("Bought by {n} of {m} {type} customers in the last 90 days"))


def _reasons_by_column(items: pd.DataFrame, names: pd.Series,
                       people: pd.DataFrame) -> pd.Series:
    """Every line at once, each distinct number worded once (an export's thousands)."""
    cross_text, local_text, wide_text = _templates()
    info = items[["customer_id"]].merge(people, on="customer_id",
                                        how="left").set_index(items.index)
    cross = _fill(cross_text, {
        "share": _worded((items["confidence"].fillna(0) * 100).round(), format_percent),
        # object first: a product missing from the catalogue leaves a float NaN column
        "product": items["antecedent_id"].map(names).astype(object).fillna(""),
        "lift": _worded(items["lift"].fillna(0).round(1), lambda v: format_number(v, 1))})
    numbers = {"n": _worded(items["peers_bought"], format_number),
               "m": _worded(items["peers"], format_number),
               "type": _worded(info["customer_type"].fillna(""), _type_word),
               "region": info["region"].fillna(_("no region"))}
    local = _fill(local_text, numbers)
    wide = _fill(wide_text, numbers)
    return pd.Series(np.where(items["kind"] == "cross_sell", cross,
                              np.where(items["peer_scope"] == "type_region", local, wide)),
                     index=items.index, dtype="object")


def _reasons_by_line(items: pd.DataFrame, catalogue: pd.DataFrame,
                     people: pd.DataFrame) -> pd.Series:
    """The same words as :func:`_reasons_by_column`, one line at a time: a portrait's ten
    lines without the fixed cost of two dozen column operations (the products and people
    they name are picked out of the whole catalogue and customer list with NumPy)."""
    cross_text, local_text, wide_text = _templates()
    # the few rows first, then their values (turning a whole text column into Python
    # strings costs more than all the rest)
    named = catalogue.iloc[np.flatnonzero(np.isin(
        catalogue["product_id"].to_numpy(), items["antecedent_id"].dropna().to_numpy()))]
    name_of = {key: ("" if pd.isna(value) else str(value)) for key, value in zip(
        named["product_id"].tolist(), named["name"].tolist(), strict=True)}
    mine = people.iloc[np.flatnonzero(np.isin(people["customer_id"].to_numpy(),
                                              items["customer_id"].to_numpy()))]
    person = {int(cid): (kind, region) for cid, kind, region in zip(
        mine["customer_id"].tolist(), mine["customer_type"].tolist(),
        mine["region"].tolist(), strict=True)}
    lines = []
    columns = ("customer_id", "kind", "antecedent_id", "confidence", "lift", "peers_bought",
               "peers", "peer_scope")
    for cid, kind, antecedent, confidence, lift, bought, peers, scope in zip(
            *(items[c].tolist() for c in columns), strict=True):
        if kind == "cross_sell":
            share = float(np.round(0.0 if pd.isna(confidence) else confidence * 100))
            lines.append(cross_text.format(
                share=format_percent(share),
                product="" if pd.isna(antecedent) else name_of.get(antecedent, ""),
                lift=format_number(float(np.round(0.0 if pd.isna(lift) else lift, 1)), 1)))
            continue
        customer_type, region = person.get(int(cid), (None, None))
        words = {"n": format_number(bought), "m": format_number(peers),
                 "type": _type_word("" if pd.isna(customer_type) else customer_type),
                 "region": _("no region") if pd.isna(region) else str(region)}
        lines.append((local_text if scope == "type_region" else wide_text).format(**words))
    return pd.Series(lines, index=items.index, dtype="object")


def _with_products(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each product's ``sku``, ``name`` and ``category`` (empty for a product
    gone from the catalogue), as a left join on ``product_id`` gives it: looked up by
    position, a portrait's ten rows cost less than a join (decision 246)."""
    where = pd.Index(catalogue["product_id"]).get_indexer(frame["product_id"])
    return frame.reset_index(drop=True).assign(**{
        column: catalogue[column].array.take(where, allow_fill=True)
        for column in ("sku", "name", "category")})


# --- reads --------------------------------------------------------------------------------


def get_customer_suggestions(runtime: Runtime, actor: Actor, customer: object,
                             as_of: dt.date) -> CustomerSuggestions:
    """One customer's suggestions in the portrait's order (``AccessDenied``, audited, for
    a customer outside the actor's scope)."""
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer_key(customer))
    return customer_suggestions(runtime, customer_id, as_of)


def customer_suggestions(runtime: Runtime, customer_id: int,
                         as_of: dt.date) -> CustomerSuggestions:
    """One customer's suggestions, for a caller that has authorised the customer."""
    found = suggestion_set(runtime, as_of)
    mine = found.suggestions.loc[found.suggestions["customer_id"] == customer_id]
    items = _with_products(mine, found.products)
    items = items.assign(reason=reasons(items, found.products,
                                        customer_table.customers(runtime)))
    cats = found.categories.loc[found.categories["customer_id"] == customer_id, "category"]
    return CustomerSuggestions(customer_id, as_of, items.reset_index(drop=True),
                               cats.astype(str).tolist())


def top_suggestions(runtime: Runtime, as_of: dt.date) -> pd.DataFrame:
    """``customer_id`` and ``suggest`` (the first suggestion's product name) of every
    customer with one: the lists' "suggest" column."""
    found = suggestion_set(runtime, as_of)
    first = _with_products(found.suggestions.loc[found.suggestions["rank"] == 1],
                           found.products)
    return pd.DataFrame({"customer_id": first["customer_id"].to_numpy(),
                         "suggest": first["name"].fillna(first["sku"]).to_numpy()})


def get_rules(runtime: Runtime, as_of: dt.date, top: int = 100) -> pd.DataFrame:
    """The strongest rules (by lift, then support) with both products' codes and names."""
    found = suggestion_set(runtime, as_of)
    names = found.products.set_index("product_id")
    rules = found.rules.head(top)
    return rules.assign(
        antecedent_sku=rules["antecedent_id"].map(names["sku"]).to_numpy(),
        antecedent=rules["antecedent_id"].map(names["name"]).to_numpy(),
        consequent_sku=rules["consequent_id"].map(names["sku"]).to_numpy(),
        consequent=rules["consequent_id"].map(names["name"]).to_numpy()).reset_index(drop=True)


def customers_buying(runtime: Runtime, as_of: dt.date, buys: int,
                     lacks: int | None = None) -> np.ndarray:
    """Ids of the customers who bought product ``buys`` in the 365 days to ``as_of`` and not
    product ``lacks`` (the rules page's "who buys X and not Y")."""
    pairs = sg.window_pairs(_pairs(runtime, *_year_to(as_of)), pd.Timestamp(as_of),
                            sg.OWNED_DAYS)
    have = set(pairs.loc[pairs["product_id"] == buys, "customer_id"].tolist())
    if lacks is not None:
        have -= set(pairs.loc[pairs["product_id"] == lacks, "customer_id"].tolist())
    return np.array(sorted(have), dtype=np.int64)


def customers_suggested(runtime: Runtime, as_of: dt.date, product_id: int) -> np.ndarray:
    """Ids of the customers to whom ``product_id`` is suggested."""
    found = suggestion_set(runtime, as_of).suggestions
    return np.sort(found.loc[found["product_id"] == product_id, "customer_id"].unique())


def _in_scope(runtime: Runtime, actor: Actor, ids: np.ndarray) -> np.ndarray:
    allowed = customer_table.scope_ids(runtime, actor)
    return ids if allowed is None else ids[np.isin(ids, allowed)]


def select_suggested(runtime: Runtime, actor: Actor, as_of: dt.date, product_id: int) -> str:
    """A selection (token for the new-campaign page) of the customers the actor may see to
    whom ``product_id`` is suggested: a suggestion's coupon campaign."""
    ids = _in_scope(runtime, actor, customers_suggested(runtime, as_of, int(product_id)))
    return selections.store_selection(runtime, actor, ids, source="picked")


def select_portrait_suggestion(runtime: Runtime, actor: Actor, query: FilterQuery,
                               product_id: object) -> str:
    """:func:`select_suggested` as of the date the page's address asks for."""
    if isinstance(product_id, bool) or not isinstance(product_id, int) or product_id < 1:
        raise ValidationError("not a product id", code="invalid")
    filters = filter_service.resolve_filters(runtime, actor, query)
    return select_suggested(runtime, actor, filters.as_of, product_id)


def select_rule_customers(runtime: Runtime, actor: Actor, as_of: dt.date, buys: int,
                          lacks: int) -> tuple[str, int]:
    """A selection of the customers the actor may see who bought ``buys`` in the 365 days
    and not ``lacks`` (a rule's "who buys X and not Y"); its token and size."""
    ids = _in_scope(runtime, actor, customers_buying(runtime, as_of, int(buys), int(lacks)))
    return selections.store_selection(runtime, actor, ids, source="picked"), len(ids)


@dataclass(frozen=True)
class RulesPage:
    filters: Filters
    rules: pd.DataFrame  # get_rules columns
    baskets: int  # customers with a purchase in the 365 days (the rules' base)
    settings: sg.SuggestionRules


def get_rules_page(runtime: Runtime, actor: Actor, query: FilterQuery | None,
                   top: int = RULES_SHOWN) -> RulesPage:
    """The strongest rules as of the date the address asks for. Rules describe products
    over every customer (counts only, never a customer)."""
    filters = filter_service.resolve_filters(runtime, actor, query)
    pairs = sg.window_pairs(_pairs(runtime, *_year_to(filters.as_of)),
                            pd.Timestamp(filters.as_of), sg.OWNED_DAYS)
    return RulesPage(filters, get_rules(runtime, filters.as_of, top),
                     int(pairs["customer_id"].nunique()), suggestion_rules(runtime))


def get_page_backtest(runtime: Runtime, actor: Actor,
                      query: FilterQuery | None) -> SuggestionBacktest:
    """The backtest shown on the page: suggestions made 90 days before the page's as-of
    date, judged on the 90 days up to it."""
    filters = filter_service.resolve_filters(runtime, actor, query)
    return get_suggestion_backtest(runtime,
                                   filters.as_of - dt.timedelta(days=BACKTEST_HORIZON))


def select_rule_from_page(runtime: Runtime, actor: Actor, query: FilterQuery | None,
                          pair: object) -> str:
    """The page's "coupon for those who buy X and not Y": ``pair`` is "X-Y" (product ids)."""
    parts = str(pair).split("-") if isinstance(pair, str) else []
    if len(parts) != 2 or not all(p.isdigit() and 0 < len(p) < 12 for p in parts):
        raise ValidationError("not a rule", code="invalid")
    filters = filter_service.resolve_filters(runtime, actor, query)
    return select_rule_customers(runtime, actor, filters.as_of, int(parts[0]), int(parts[1]))[0]


# --- export and backtest ------------------------------------------------------------------


def write_suggestion_export(runtime: Runtime, as_of: dt.date, limit: int, out: Path) -> int:
    """``cockpit export suggestions``: one row per customer and suggestion (``EXPORT_COLUMNS``)
    for every customer with an order in the 365 days, in the portrait's order; returns the
    number of rows written."""
    rules = suggestion_rules(runtime, limit)
    found = suggestion_set(runtime, as_of, rules)
    people = customer_table.customers(runtime)
    items = _with_products(found.suggestions, found.products).merge(
        people[["customer_id", "code"]], on="customer_id", how="left")
    items = items.sort_values(["code", "rank"], kind="stable", ignore_index=True)
    frame = pd.DataFrame({"customer_code": items["code"], "kind": items["kind"],
                          "rank": items["rank"].astype(int), "product_code": items["sku"],
                          "category": items["category"].fillna(""),
                          "reason": reasons(items, found.products, people)})
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, columns=EXPORT_COLUMNS, quoting=csv.QUOTE_MINIMAL,
                 encoding="utf-8")
    return len(frame)


def get_suggestion_backtest(runtime: Runtime, as_of: dt.date,
                            horizon: int = BACKTEST_HORIZON) -> SuggestionBacktest:
    """The three lists made as of ``as_of`` judged on the ``horizon`` days after it."""
    rules = suggestion_rules(runtime)

    def compute() -> SuggestionBacktest:
        before = _pairs(runtime, *_year_to(as_of))
        after = _pairs(runtime, as_of + dt.timedelta(days=1),
                       as_of + dt.timedelta(days=horizon))
        return backtest_suggestions(before, after, products(runtime),
                                    customer_table.customers(runtime), pd.Timestamp(as_of),
                                    horizon, rules, choice=weight_choice(runtime, as_of, rules))

    key = cache_key("suggestion-backtest-ranked", *_identity(runtime), as_of.isoformat(), horizon,
                    rules.cache_key())
    return runtime.cache.get_or_compute(key, compute)


__all__ = ["EXPORT_COLUMNS", "CustomerSuggestions", "RulesPage", "get_page_backtest",
           "get_rules_page", "select_rule_from_page", "SuggestionSet", "customers_buying",
           "customers_suggested", "get_customer_suggestions", "get_rules",
           "customer_suggestions", "get_suggestion_backtest", "products", "reasons",
           "select_portrait_suggestion", "select_rule_customers", "select_suggested",
           "suggestion_rules",
           "suggestion_set", "top_suggestions", "weight_choice", "write_suggestion_export"]
