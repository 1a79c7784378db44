"""Order rows: the checks that span rows, and the tables the database receives.

Line-level rows (one per order line) are keyed inside their order by ``line_key``: the mapped
``line_no`` when the file has one, else the product SKU; two rows with the same order and key
are a duplicated order line. All rows of an order must agree on the customer and the date.
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

GENERATED_PREFIX = "AUTO-"
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
    if columns.mode == "order":
        return "order_id"
    return "line_no" if "line_no" in columns.columns else "product"


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
    amount = (quantity * price).round(2)
    if "amount" in frame:
        amount = frame["amount"].round(2).where(has_amount, amount)
    line_key = texts["product"]
    if "line_no" in texts:
        line_key = texts["line_no"].where(texts["line_no"] != "", line_key)
    return frame.assign(order_no=texts["order_id"], line_key=line_key, sku=texts["product"],
                        quantity=quantity, unit_price=price.abs().round(2),
                        line_amount=amount)


def _order_level(frame: pd.DataFrame, log: ErrorLog, texts: dict) -> pd.DataFrame:
    require(log, frame, texts, ("order_date", "amount"))
    amount = frame["amount"].round(2)  # 0 is a real order (free goods, a 100 % coupon)
    given = texts["order_id"] if "order_id" in texts else pd.Series("", index=frame.index,
                                                                      dtype="str")
    order_no = given.where(given != "", generated_order_numbers(frame))
    return frame.assign(order_no=order_no, line_key="", sku=pd.NA,
                        quantity=np.where(amount < 0, -1.0, 1.0), unit_price=amount.abs(),
                        line_amount=amount)


def generated_order_numbers(frame: pd.DataFrame) -> pd.Series:
    """A stable number per order-level row: a hash of customer, date-time, amount and the
    row's occurrence among identical rows (two equal sales on one day stay two orders)."""
    when = frame["order_date"].dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
    amount = frame["amount"].round(2).map("{:.2f}".format, na_action="ignore").fillna("")
    customer = frame["customer"] if "customer" in frame else ""
    key = (customer + "|" + when + "|" + amount).astype("str")
    occurrence = key.groupby(key).cumcount().astype("str")
    text = (key + "|" + occurrence).tolist()
    # hashlib, not pandas' hashing: the numbers must stay the same across library versions
    digests = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:20].upper() for t in text]
    return pd.Series(digests, index=frame.index, dtype="str").radd(GENERATED_PREFIX)


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
        amount=lambda o: o["amount"].round(2),
        customer_code=lambda o: o["customer_code"].replace("", np.nan),
        replace_lines=lambda o: pd.Index(list(broken)).get_indexer(o["order_no"]) < 0,
    )
    lines = good[["order_no", "line_key", "sku", "quantity", "unit_price"]].assign(
        unit_cost=good["unit_cost"] if "unit_cost" in good else np.nan,
        amount=good["line_amount"])
    named = good[good["customer"] != ""]
    customers = _last_values(named, "customer", CUSTOMER_ATTRS)
    products = (_last_values(good, "sku", PRODUCT_ATTRS) if checked.mode == "line"
                else pd.DataFrame({"code": pd.Series([], dtype="str")}))
    reps = sorted(set(customers["rep_name"].dropna())) if "rep_name" in customers else []
    return OrderTables(orders=orders, lines=lines.reset_index(drop=True),
                       customers=customers, products=products, reps=reps)
