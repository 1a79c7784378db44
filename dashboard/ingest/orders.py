"""Order rows: the checks that span rows, and the tables the database receives.

Every line-level row is one order line, even when its order lists the same product again (two
prices, a promotion, free goods, a split delivery) or repeats a row exactly. A line is keyed
inside its order by ``line_key``: the mapped ``line_no`` when the row has one, else the row's
position among that order's rows in the file (1, 2, ...), so importing the same file again finds
the same lines and a corrected file replaces them. Only two rows of one order with the same
mapped ``line_no`` are a duplicated order line. Rows of one order that name different customers
become one order per customer (see :func:`split_by_customer`); otherwise all rows of an order
must agree on the customer and the date.
Order-level rows (one per order, with an ``amount``) become an order with one line; without an
``order_id`` the order number is derived from the row's content, so importing the same file
again finds the same orders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.ingest.mapping import ColumnMap
from dashboard.ingest.readers import RawTable
from dashboard.ingest.validate import Checked, ErrorLog, duplicates, parse_rows, require
from dashboard.models import LineMoney, Order

GENERATED_PREFIX = "AUTO-"
# order money is kept at the precision its columns store (4 decimals: unit prices with 3-4
# decimals, sub-cent line amounts), rounded here so that SQLite (which stores the float as
# given) holds what PostgreSQL's NUMERIC holds and a re-import compares equal
LINE_MONEY_DECIMALS = int(LineMoney.scale)
ORDER_NO_WIDTH = int(Order.__table__.c.order_no.type.length)
CUSTOMER_ATTRS = {"customer_name": "name", "customer_type": "customer_type",
                  "region": "region", "account_manager": "rep_name"}
PRODUCT_ATTRS = {"product_name": "name", "category": "category", "tags": "tags",
                 "unit_cost": "unit_cost"}


@dataclass
class OrderTables:
    """What one import writes: ``orders`` (one row per order number), ``lines``,
    ``customers`` and ``products`` referenced (with the attributes the rows carry) and the
    account managers named."""

    orders: pd.DataFrame
    lines: pd.DataFrame
    customers: pd.DataFrame
    products: pd.DataFrame
    reps: list[str]


def check_orders(raw: RawTable, columns: ColumnMap) -> tuple[pd.DataFrame, ErrorLog]:
    frame, log, texts = parse_rows(raw, columns)
    if columns.mode == "order":
        frame = _order_level(frame, log, texts)
    else:
        frame = _line_level(frame, log, texts)
    duplicates(log, frame, ["order_no", "line_key"], _key_field(columns), "order line", texts)
    if columns.mode == "line":
        _conflicts(log, frame, "customer", "customer")
        _conflicts(log, frame.assign(day=frame["order_date"].dt.normalize()), "day", "date",
                   field_name="order_date")
    return frame, log


def _key_field(columns: ColumnMap) -> str:
    return "line_no" if columns.mode == "line" else "order_id"


def _line_level(frame: pd.DataFrame, log: ErrorLog, texts: dict) -> pd.DataFrame:
    require(log, frame, texts, ("order_id", "order_date", "product", "quantity"))
    has_amount = frame["amount"].notna() if "amount" in frame else pd.Series(
        False, index=frame.index)
    if "unit_price" in texts:
        log.add("unit_price", (texts["unit_price"] == "") & ~has_amount,
                "blank required value")
    quantity = frame["quantity"].round(3)  # the column's precision: 0.0004 is zero
    log.add("quantity", quantity == 0, "zero quantity", texts["quantity"])
    if "amount" in frame:
        clash = has_amount & (np.sign(frame["amount"]) * np.sign(quantity) < 0)
        log.add("amount", clash, "amount and quantity have different signs", texts["amount"])
    price = frame["unit_price"] if "unit_price" in frame else pd.Series(np.nan,
                                                                        index=frame.index)
    price = price.fillna(frame["amount"] / quantity if "amount" in frame else np.nan)
    amount = (quantity * price).round(LINE_MONEY_DECIMALS)
    if "amount" in frame:
        amount = frame["amount"].round(LINE_MONEY_DECIMALS).where(has_amount, amount)
    if "profit" in frame:  # cost of the line = amount - profit (e.g. Superstore's Profit)
        derived = (amount - frame["profit"]) / quantity
        given = frame["unit_cost"] if "unit_cost" in frame else pd.Series(np.nan,
                                                                          index=frame.index)
        frame = frame.assign(unit_cost=given.fillna(derived.where(quantity != 0)))
    order_no, split_from = split_by_customer(texts)
    # position among the order's rows in the file, rejected rows included, so a line keeps
    # its key whether or not another row of its order is accepted
    line_key = (order_no.groupby(order_no, sort=False).cumcount() + 1).astype("str")
    if "line_no" in texts:
        line_key = texts["line_no"].where(texts["line_no"] != "", line_key)
    return frame.assign(order_no=order_no, line_key=line_key, sku=texts["product"],
                        quantity=quantity,
                        unit_price=price.abs().round(LINE_MONEY_DECIMALS),
                        line_amount=amount, identical=identical_rows(texts),
                        split_from=split_from)


def split_by_customer(texts: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Order numbers, with the rows of an order that name another customer than its first
    named one moved to an order of their own, ``<order number>/<customer code>`` (exports
    reuse an order number across customers; every line counts for the customer it names).
    Also the original number of each moved row (else ""). A blank customer in a named order
    stays a disagreement the checks report, and so does a number too long for the column."""
    order_no = texts["order_id"]
    none = pd.Series("", index=order_no.index, dtype="str")
    if "customer" not in texts:
        return order_no, none
    customer = texts["customer"]
    named = customer.where(customer != "")
    first = named.groupby(order_no, sort=False).transform("first")
    moved = (order_no != "") & named.notna() & first.notna() & (customer != first)
    if not moved.any():
        return order_no, none
    own = order_no + "/" + customer
    moved &= own.str.len() <= ORDER_NO_WIDTH
    return order_no.where(~moved, own), order_no.where(moved, "")


def identical_rows(texts: dict[str, pd.Series]) -> pd.Series:
    """True for a row whose every mapped value equals an earlier row's (the order number
    included): kept as a line of its own, and counted for the import summary."""
    if "order_id" not in texts:
        return pd.Series(False, index=next(iter(texts.values())).index)
    frame = pd.DataFrame(texts)
    return frame.duplicated(keep="first") & (texts["order_id"] != "")


def _order_level(frame: pd.DataFrame, log: ErrorLog, texts: dict) -> pd.DataFrame:
    require(log, frame, texts, ("order_date", "amount"))
    # 0 is a real order (free goods, a 100 % coupon)
    amount = frame["amount"].round(LINE_MONEY_DECIMALS)
    given = texts["order_id"] if "order_id" in texts else pd.Series("", index=frame.index,
                                                                      dtype="str")
    blank = given == ""
    order_no = given.where(~blank, generated_order_numbers(frame, blank)) if blank.any() \
        else given
    return frame.assign(order_no=order_no, line_key="", sku=pd.NA,
                        quantity=np.where(amount < 0, -1.0, 1.0), unit_price=amount.abs(),
                        line_amount=amount)


def generated_order_numbers(frame: pd.DataFrame, wanted: pd.Series | None = None) -> pd.Series:
    """A stable number per order-level row: a hash of customer, date-time, amount and the
    row's occurrence among identical rows (two equal sales on one day stay two orders).
    Only the ``wanted`` rows are hashed (the rows without an order number; the others are
    "" here), but the occurrence counts every row, as the numbers were first derived."""
    when = frame["order_date"].dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
    # to the cent, as the numbers were first derived: they must not change for stored orders
    amount = frame["amount"].round(2).map("{:.2f}".format, na_action="ignore").fillna("")
    customer = frame["customer"] if "customer" in frame else ""
    key = (customer + "|" + when + "|" + amount).astype("str")
    occurrence = key.groupby(key).cumcount().astype("str")
    text = key + "|" + occurrence
    if wanted is not None:
        text = text.loc[wanted]
    # hashlib, not pandas' hashing: the numbers must stay the same across library versions
    digests = [GENERATED_PREFIX + hashlib.sha1(t.encode("utf-8")).hexdigest()[:20].upper()
               for t in text.tolist()]
    numbers = pd.Series(digests, index=text.index, dtype="str")
    return numbers if wanted is None else numbers.reindex(frame.index, fill_value="")


def _conflicts(log: ErrorLog, frame: pd.DataFrame, column: str, what: str, *,
               field_name: str | None = None) -> None:
    """Rows of one order that disagree on ``column``: each names a row that differs."""
    order_code = pd.factorize(frame["order_no"])[0]
    value_code = pd.factorize(frame[column])[0]
    base = np.int64(value_code.max() + 2)
    pairs = pd.unique(order_code.astype(np.int64) * base + value_code + 1)
    kinds = np.bincount(pairs // base, minlength=order_code.max() + 1)
    split = (kinds[order_code] > 1) & (frame["order_no"] != "").to_numpy()
    if not split.any():
        return
    usable = frame.loc[split]
    values = usable[column].astype("str").fillna("")
    sub = pd.DataFrame({"order_no": usable["order_no"], "value": values,
                        "row": usable["row"]}).reset_index()
    firsts = sub.groupby(["order_no", "value"], as_index=False)["row"].min()
    pairs = sub.merge(firsts, on="order_no", suffixes=("", "_other"))
    pairs = pairs[pairs["value"] != pairs["value_other"]]
    pick = pairs.loc[pairs.groupby("index")["row_other"].idxmin()].set_index("index")
    shown = pick["value_other"].str.slice(0, 10) if what == "date" else pick["value_other"]
    reason = ("the rows of order " + pick["order_no"] + " disagree on the " + what +
              " (row " + pick["row_other"].astype("str") + " has '" + shown + "')")
    mask = pd.Series(frame.index.isin(pick.index), index=frame.index)
    value = values.reindex(frame.index).fillna("").astype("str")
    if what == "date":
        value = value.str.slice(0, 10)
    log.add(field_name or column, mask, reason.reindex(frame.index).astype("str"), value)


def _last_values(frame: pd.DataFrame, key: str, attrs: dict[str, str]) -> pd.DataFrame:
    """One row per ``key`` with the last non-blank value of each attribute in file order."""
    present = {src: dst for src, dst in attrs.items() if src in frame}
    data = frame[[key, *present]].replace("", np.nan)
    return (data.groupby(key, sort=False).last().reset_index()
            .rename(columns={key: "code", **present}))


def build_order_tables(checked: Checked) -> OrderTables:
    frame = checked.frame
    bad = checked.bad
    good = frame.loc[~bad]
    broken = set(frame.loc[bad, "order_no"])
    stamp = good["order_date"]
    has_time = stamp != stamp.dt.normalize()
    grouped = good.assign(
        day=stamp.dt.normalize(), at=stamp.where(has_time),
        coupon=good["coupon_code"].replace("", np.nan) if "coupon_code" in good else np.nan,
        returned=good["quantity"] < 0,
    ).groupby("order_no", sort=False)
    orders = grouped.agg(customer_code=("customer", "first"), order_date=("day", "first"),
                         ordered_at=("at", "min"), coupon_code=("coupon", "first"),
                         amount=("line_amount", "sum"), is_return=("returned", "all"))
    orders = orders.reset_index().assign(
        amount=lambda o: o["amount"].round(LINE_MONEY_DECIMALS),
        customer_code=lambda o: o["customer_code"].replace("", np.nan),
        replace_lines=lambda o: pd.Index(list(broken)).get_indexer(o["order_no"]) < 0,
    )
    lines = good[["order_no", "line_key", "sku", "quantity", "unit_price"]].assign(
        unit_cost=(good["unit_cost"].round(LINE_MONEY_DECIMALS) if "unit_cost" in good
                   else np.nan),
        amount=good["line_amount"])
    named = good[good["customer"] != ""]
    first_day = named.groupby("customer", sort=False)["order_date"].min().dt.normalize()
    customers = _last_values(named, "customer", CUSTOMER_ATTRS)
    # a customer created by an order import is dated by its first order (SPEC "Time")
    customers["created_date"] = first_day.reindex(customers["code"]).to_numpy()
    products = (_last_values(good, "sku", PRODUCT_ATTRS) if checked.mode == "line"
                else pd.DataFrame({"code": pd.Series([], dtype="str")}))
    reps = sorted(set(customers["rep_name"].dropna())) if "rep_name" in customers else []
    return OrderTables(orders=orders, lines=lines.reset_index(drop=True),
                       customers=customers, products=products, reps=reps)
