"""The canonical import fields of SPEC.md ("Import fields"), what each holds, and the small
table of header synonyms that need no ``--map``.

A file column named like a field (case-insensitive; spaces and hyphens count as underscores)
or like one of its synonyms is taken without mapping. The synonyms are the obvious English
variants and the column names of common Chinese ERP exports (管家婆, 金蝶, 用友); keep the table
short: anything else is mapped with ``--map FIELD=COLUMN``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.analytics.kinds import customer_type_list
from dashboard.models import Customer, Order, OrderLine, Product, Rep

KINDS = ("orders", "customers", "products", "targets")


@dataclass(frozen=True)
class Field:
    """``parse`` names the value parser (see :mod:`dashboard.ingest.values`); ``max_len`` is
    the width of the database column a text value goes to."""

    name: str
    parse: str
    max_len: int | None = None
    help: str = ""


def _width(column) -> int:  # noqa: ANN001
    return int(column.property.columns[0].type.length)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("order_id", "text", _width(Order.order_no), "order number"),
        Field("customer", "text", _width(Customer.code), "customer code; blank: anonymous sale"),
        Field("order_date", "datetime", None, "date or date-time of the order"),
        Field("product", "text", _width(Product.sku), "product SKU"),
        Field("quantity", "quantity", None, "negative: a return"),
        Field("unit_price", "price", None, "price of one unit"),
        Field("amount", "money", None, "line or order amount; negative: a return"),
        Field("unit_cost", "price", None, "cost of one unit"),
        Field("profit", "money", None, "line profit (amount minus cost): gives the unit cost "
                                       "when there is no unit_cost"),
        Field("coupon_code", "text", _width(Order.coupon_code), "coupon code used"),
        Field("line_no", "text", _width(OrderLine.line_key), "line number inside the order"),
        Field("product_name", "text", _width(Product.name)),
        Field("category", "text", _width(Product.category)),
        Field("tags", "tags", None, "comma-separated"),
        Field("list_price", "price", None),
        Field("customer_name", "text", _width(Customer.name)),
        Field("customer_type", "customer_type", None, customer_type_list()),
        Field("region", "text", _width(Customer.region)),
        Field("account_manager", "text", _width(Rep.name), "rep's name; a new name adds a rep"),
        Field("phone", "phone", _width(Customer.phone)),
        Field("email", "email", _width(Customer.email)),
        Field("created_date", "date", None),
        Field("month", "month", None, "e.g. 2026-03"),
        Field("target", "money", None, "monthly sales target"),
    )
}

CUSTOMER_FIELDS = ("customer_name", "customer_type", "region", "account_manager")

#: Fields each kind accepts, and the ones it requires. Orders come in two shapes, told apart
#: by whether a ``product`` column is present: line-level (one row per order line) or
#: order-level (one row per order, with its ``amount``).
LINE_REQUIRED = ("order_id", "customer", "order_date", "product", "quantity")
LINE_OPTIONAL = ("unit_price", "amount", "product_name", "category", "tags", "unit_cost",
                 "profit", "coupon_code", "line_no", *CUSTOMER_FIELDS)
ORDER_REQUIRED = ("customer", "order_date", "amount")
ORDER_OPTIONAL = ("order_id", "coupon_code", *CUSTOMER_FIELDS)

ACCEPTED: dict[str, tuple[str, ...]] = {
    "orders": LINE_REQUIRED + LINE_OPTIONAL,
    "customers": ("customer", *CUSTOMER_FIELDS, "phone", "email", "created_date"),
    "products": ("product", "product_name", "category", "tags", "unit_cost", "list_price"),
    "targets": ("customer", "month", "target"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("customer",),
    "products": ("product",),
    "targets": ("customer", "month", "target"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("order_no", "order_number", "单据编号", "单号", "订单号", "订单编号"),
    "customer": ("customer_code", "客户编码", "客户编号", "客户代码"),
    "customer_name": ("客户名称",),
    "order_date": ("date", "单据日期", "订单日期", "日期"),
    "product": ("sku", "product_code", "商品编码", "商品编号", "存货编码", "物料编码"),
    "product_name": ("商品名称", "存货名称", "物料名称"),
    "category": ("商品类别", "类别"),
    "quantity": ("qty", "数量"),
    "unit_price": ("price", "单价"),
    "amount": ("金额",),
    "unit_cost": ("cost", "成本价", "成本单价"),
    "profit": ("毛利", "利润"),
    "coupon_code": ("coupon", "优惠券"),
    "customer_type": ("客户类型",),
    "region": ("地区", "区域"),
    "account_manager": ("rep", "经手人", "业务员"),
    "phone": ("电话", "手机"),
    "email": ("e_mail", "邮箱"),
    "created_date": ("建档日期",),
    "tags": ("标签",),
    "list_price": ("售价",),
    "line_no": ("行号",),
    "month": ("月份",),
    "target": ("目标", "目标金额"),
}

_SPACES = re.compile(r"[\s\-]+")


def normalise_header(name: object) -> str:
    """A header as shown, without a byte-order mark, zero-width or surrounding spaces."""
    text = str(name).replace("\ufeff", "").replace("\u200b", "").replace("\u00a0", " ")
    return " ".join(text.split())


def header_key(name: str) -> str:
    """The form headers and field names are compared in."""
    return _SPACES.sub("_", normalise_header(name).casefold()).strip("_")
