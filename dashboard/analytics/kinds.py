"""The product's fixed lists, declared once and read by every layer: the kinds of sales
classification (SPEC.md "Sales classifications") and the customer types (Retail / Trade /
Distributor).

A **scheme kind** says what a scheme bands (:mod:`dashboard.analytics.classification` computes
it from here), how the scheme form checks its band bounds (:mod:`dashboard.services.
scheme_forms`), how a bound reads on the page (a value, a change in %, a "top N %") and the
words the pages and the membership reasons use. A **customer type** has its stored code, the
word the pages show (translated through the catalogs) and the other words an import file may
use for it (:mod:`dashboard.ingest.values` also accepts the shown word in every language).

Adding a scheme kind: one :class:`SchemeKind` below (a value kind names the customer-table
column it bands; a rank kind ranks by ``customers`` or ``revenue``, and only a new way of
ranking needs code in ``classification._rank_band``), then the catalogs
(``python scripts/catalogs.py`` and the Chinese words) and a database migration that widens
the ``schemes.kind`` check. Adding a customer type: one :class:`CustomerType`, the catalogs
and a migration for the ``customers.customer_type`` check.

Only the standard library and the translation marks: the models, the forms and the import read
this module without pandas.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.i18n import N_

# --- scheme kinds -----------------------------------------------------------------------------

VALUE, PERCENT, RANK = "value", "percent", "rank"  # how a kind's band bounds read


@dataclass(frozen=True)
class SchemeKind:
    """One kind of classification scheme.

    ``column``: for value kinds, the customer-table column the bands cut; ``ranking``: for
    rank kinds, what the "top N %" counts (``customers``, or ``revenue`` within the customer
    type). ``unit`` is how the bounds read (``value``, ``percent`` for a change in %, ``rank``
    for top N %). Band upper bounds must lie in ``low..high`` (``low`` itself excluded when
    ``low_open``) and be whole numbers when ``whole``; ``bounds_rule`` is the form's message
    when they do not. ``label`` and ``hint`` are marked texts (translate with ``_``);
    ``reason`` is the figure's English name in membership reasons (stored, not translated)."""

    key: str
    label: str
    hint: str
    reason: str
    bounds_rule: str
    column: str | None = None
    ranking: str | None = None
    unit: str = VALUE
    low: float = -math.inf
    low_open: bool = False
    high: float = math.inf
    whole: bool = False

    def __post_init__(self) -> None:
        if (self.column is None) == (self.ranking is None):
            raise ValueError(f"scheme kind {self.key!r} needs a column or a ranking, not both")

    @property
    def ranked(self) -> bool:
        return self.ranking is not None

    def bounds_fit(self, uppers: Iterable[float]) -> bool:
        """Whether every band upper bound is allowed for this kind."""
        return all((u > self.low if self.low_open else u >= self.low) and u <= self.high
                   and (not self.whole or u == int(u)) for u in uppers)


_RANK_RULE = N_("The bands of a rank or share scheme are percentages above 0 and up to 100.")
_CHANGE_RULE = N_("A change cannot be below -100 %.")

_SCHEME_KIND_LIST = (
    SchemeKind(
        "risk_score", N_("Risk score"),
        N_("Days since the last order against the usual gap: 0 just bought, 1 due, 4 four "
           "usual gaps without an order. The manual's example: 1, 2, 4, 9999."),
        N_("risk score"),
        N_("Risk scores start at 0: the first band's upper bound must be above 0."),
        column="risk_score", low=0.0, low_open=True),
    SchemeKind(
        "risk_change", N_("Risk change against the previous period"),
        N_("Rise of the risk score in %, against the period before. Example: 25, 50, 75, "
           "999999 (a band above 25 % needs more attention)."),
        N_("risk change"), _CHANGE_RULE, column="risk_change_pct", unit=PERCENT, low=-100.0),
    SchemeKind(
        "revenue_rank", N_("Revenue rank (top % of customers)"),
        N_("Top N % of customers by revenue; each band leaves out the earlier ones. Example: "
           "20 (big spenders), 60 (mid tier)."),
        N_("of customers rank higher"), _RANK_RULE, ranking="customers", unit=RANK, low=0.0,
        low_open=True, high=100.0),
    SchemeKind(
        "revenue_change", N_("Revenue change against the previous period"),
        N_("Revenue growth in % against the period before. Example: -50 (falling stars), 50, "
           "999999 (rising stars)."),
        N_("revenue change"), _CHANGE_RULE, column="growth_pct", unit=PERCENT, low=-100.0),
    SchemeKind(
        "revenue_share", N_("Share of the type's total revenue"),
        N_("The customers that make up N % of their type's revenue. Example: 80."),
        N_("of the type's revenue ranks higher"), _RANK_RULE, ranking="revenue", unit=RANK,
        low=0.0, low_open=True, high=100.0),
    SchemeKind(
        "orders", N_("Number of orders"),
        N_("Orders in the timeframe. Example: 4, 12, 999999."),
        N_("orders"), N_("Order counts are whole numbers of 0 or more."),
        column="orders", low=0.0, whole=True),
)
SCHEME_KINDS: dict[str, SchemeKind] = {k.key: k for k in _SCHEME_KIND_LIST}
"""Every scheme kind by key, in the order the scheme form lists them."""
RISK_SCORE, RISK_CHANGE, REVENUE_RANK, REVENUE_CHANGE, REVENUE_SHARE, ORDERS = _SCHEME_KIND_LIST
DEFAULT_SCHEME_KIND = RISK_SCORE.key  # what a new scheme starts with

# --- customer types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerType:
    """A customer type: its stored ``code``, the marked word the pages show (``label``) and
    the other words an import may use for it (``words``; compared after :func:`word_key`)."""

    code: str
    label: str
    words: tuple[str, ...] = ()


_CUSTOMER_TYPE_LIST = (
    CustomerType("Retail", N_("Retail"), (
        "retailer", "retailers", "retail customer", "retail store", "retail shop", "shop",
        "store", "零售", "零售商", "零售客户", "零售店", "门店")),
    CustomerType("Trade", N_("Trade"), (
        "trade customer", "trader", "wholesale", "wholesaler", "wholesalers",
        "wholesale customer", "批发", "批发商", "批发客户", "贸易", "贸易商", "商贸")),
    CustomerType("Distributor", N_("Distributor"), (
        "distributors", "distribution", "dealer", "dealers", "reseller", "resellers",
        "agent", "分销", "分销商", "经销", "经销商", "代理", "代理商")),
)
CUSTOMER_TYPES: dict[str, CustomerType] = {t.code: t for t in _CUSTOMER_TYPE_LIST}
"""Every customer type by code, in the order the pages list them."""
RETAIL, TRADE, DISTRIBUTOR = (t.code for t in _CUSTOMER_TYPE_LIST)
DEFAULT_CUSTOMER_TYPE = RETAIL  # a customer imported without a type

_SPACES = re.compile(r"\s+")


def word_key(text: str) -> str:
    """How a customer-type word is compared: full-width forms as ASCII (NFKC), case folded,
    spaces trimmed and runs of spaces (full-width ones too) as one."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return _SPACES.sub(" ", folded).strip()


def customer_type_list() -> str:
    """The codes in English prose: "Retail, Trade or Distributor"."""
    codes = list(CUSTOMER_TYPES)
    return ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else codes[0]


def customer_type_words(shown: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Every accepted word (as :func:`word_key`) → its customer type code: the codes, the
    declared words, and ``shown`` — (code, word) pairs such as each language's label."""
    pairs = [(t.code, word) for t in _CUSTOMER_TYPE_LIST
             for word in (t.code, t.label, *t.words)]
    found: dict[str, str] = {}
    for code, word in (*pairs, *shown):
        key = word_key(word)
        if found.setdefault(key, code) != code:
            raise ValueError(f"the word {word!r} names two customer types")
    return found


__all__ = ["CUSTOMER_TYPES", "DEFAULT_CUSTOMER_TYPE", "DEFAULT_SCHEME_KIND", "DISTRIBUTOR",
           "ORDERS", "PERCENT", "RANK", "RETAIL", "REVENUE_CHANGE", "REVENUE_RANK",
           "REVENUE_SHARE", "RISK_CHANGE", "RISK_SCORE", "SCHEME_KINDS", "TRADE", "VALUE",
           "CustomerType", "SchemeKind", "customer_type_list", "customer_type_words", "word_key"]
