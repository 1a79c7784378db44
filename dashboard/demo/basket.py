"""What each order contains: its lines, and the order figures that follow from them.

Lines come mostly from the customer's three preferred categories (walk-in sales from the
popular ones), products by popularity inside the category, never the same product twice in one
order. The order's value is split over its lines and turned into whole quantities at the
customer's price: list price less the customer's discount, with prices rising a few percent a
year. A return-only order gives back goods (negative quantities); a few purchase orders also
carry a return line. Unit costs follow the product's cost and are missing where the product's
cost is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.catalogue import Catalogue
from dashboard.demo.timeline import KIND_RETURN

EXTRA_LINES = np.array([0.8, 1.6, 3.0, 0.5])  # mean lines beyond the first: types, walk-in
MAX_LINES = 20
PREFERRED_SHARE = 0.88
PREFERRED_WEIGHT = np.cumsum([0.55, 0.30, 0.15])
MIXED_RETURN_RATE = 0.02
PRICE_DRIFT = 0.03  # list prices rise 3 % a year


def _line_counts(rng: np.random.Generator, group: np.ndarray, kind: np.ndarray) -> np.ndarray:
    extra = np.minimum(rng.poisson(EXTRA_LINES[group]), MAX_LINES - 1)
    return_only = 1 + (rng.random(len(kind)) < 0.2)
    return np.where(kind == KIND_RETURN, return_only, 1 + extra)


def _categories(rng: np.random.Generator, catalogue: Catalogue, prefs: np.ndarray,
                known: np.ndarray) -> np.ndarray:
    n = len(known)
    slot = np.searchsorted(PREFERRED_WEIGHT, rng.random(n) * PREFERRED_WEIGHT[-1], side="right")
    preferred = prefs[np.arange(n), np.minimum(slot, 2)]
    anywhere = rng.choice(catalogue.n_categories, size=n, p=catalogue.category_weight)
    return np.where(known & (rng.random(n) < PREFERRED_SHARE), preferred, anywhere)


def _first_of_each(order_pos: np.ndarray, product: np.ndarray, n_products: int) -> np.ndarray:
    """Mask keeping the first line of each (order, product)."""
    _, first = np.unique(order_pos.astype(np.int64) * n_products + product, return_index=True)
    keep = np.zeros(len(product), dtype=bool)
    keep[first] = True
    return keep


def _quantities(rng: np.random.Generator, value: np.ndarray, price: np.ndarray,
                kind: np.ndarray, line_no: np.ndarray, order_pos: np.ndarray) -> np.ndarray:
    weight = rng.exponential(1.0, len(price))
    share = weight / np.bincount(order_pos, weight)[order_pos]
    quantity = np.maximum(1.0, np.rint(share * value / price))
    returned = kind == KIND_RETURN
    mixed = ~returned & (line_no > 0) & (rng.random(len(price)) < MIXED_RETURN_RATE)
    quantity = np.where(mixed, rng.integers(1, 4, len(price)), quantity)
    return np.where(returned | mixed, -quantity, quantity)


def build_lines(rng: np.random.Generator, orders: pd.DataFrame, traits: pd.DataFrame,
                catalogue: Catalogue, today: int) -> pd.DataFrame:
    """Lines of ``orders`` (columns ``id``, ``customer``, ``day``, ``kind``, ``value``);
    ``order_pos`` is the line's row in ``orders``."""
    cust = orders["customer"].to_numpy()
    known = cust >= 0
    at = np.maximum(cust, 0)
    group = np.where(known, traits["type_idx"].to_numpy()[at], 3)
    kind = orders["kind"].to_numpy()
    counts = _line_counts(rng, group, kind)
    order_pos = np.repeat(np.arange(len(orders)), counts)
    line_no = np.arange(len(order_pos)) - np.repeat(np.cumsum(counts) - counts, counts)
    prefs = traits[["pref0", "pref1", "pref2"]].to_numpy()[at[order_pos]]
    category = _categories(rng, catalogue, prefs, known[order_pos])
    product = catalogue.sample(rng, category)
    keep = _first_of_each(order_pos, product, len(catalogue.category))
    order_pos, line_no, product = order_pos[keep], line_no[keep], product[keep]
    products = catalogue.products
    level = (1 + PRICE_DRIFT) ** ((orders["day"].to_numpy()[order_pos] - today) / 365.0)
    discount = np.where(known, traits["discount"].to_numpy()[at], 0.0)[order_pos]
    list_price = products["list_price"].to_numpy()[product]
    price = np.maximum(np.round(list_price * (1 - discount) * level, 2), 0.01)
    quantity = _quantities(rng, orders["value"].to_numpy()[order_pos], price, kind[order_pos],
                           line_no, order_pos)
    cost = np.round(products["unit_cost"].to_numpy(dtype=float)[product] * level, 2)
    return pd.DataFrame({
        "order_pos": order_pos,
        "order_id": orders["id"].to_numpy()[order_pos],
        "line_key": products["sku"].array[product],
        "product_id": products["id"].to_numpy()[product],
        "quantity": quantity,
        "unit_price": price,
        "unit_cost": cost,
        "amount": np.round(quantity * price, 2),
    })


def order_figures(lines: pd.DataFrame, n_orders: int) -> pd.DataFrame:
    """Per order (by position): amount, return amount, costed revenue, cost, and whether it
    has a purchase line (an order whose lines are all returns is not an order)."""
    pos = lines["order_pos"].to_numpy()
    amount = lines["amount"].to_numpy()
    quantity = lines["quantity"].to_numpy()
    cost = lines["unit_cost"].to_numpy()
    costed = ~np.isnan(cost)

    def total(values: np.ndarray) -> np.ndarray:
        return np.round(np.bincount(pos, values, minlength=n_orders), 2)

    return pd.DataFrame({
        "amount": total(amount),
        "return_amount": total(np.where(quantity < 0, amount, 0.0)),
        "costed_revenue": total(np.where(costed, amount, 0.0)),
        "cost": total(np.where(costed, quantity * np.nan_to_num(cost), 0.0)),
        "has_purchase": np.bincount(pos, quantity > 0, minlength=n_orders) > 0,
    })
