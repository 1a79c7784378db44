"""The demo distributor: a deterministic, realistic order history for trying the cockpit.

``generate_demo(engine, DemoOptions(...))`` writes customers, products, three years of orders
with their lines, rollups, invoices and payments, visits, comments, targets and coupon
templates into an empty database (``cockpit demo``). The same seed and ``today`` always give
the same data. One module per concern: ``calendar`` (seasonality), ``names``, ``catalogue``,
``customers`` (types and behaviour archetypes), ``timeline`` (when orders happen), ``basket``
(order lines), ``rollups``, ``finance`` (invoices and payments), ``contacts`` (visits, calls,
comments), ``targets``, ``coupons``, ``orders`` (chunked writing) and ``runner``.
"""

from dashboard.demo.options import DemoOptions
from dashboard.demo.runner import DemoSummary, database_has_data, generate_demo

__all__ = ["DemoOptions", "DemoSummary", "database_has_data", "generate_demo"]
