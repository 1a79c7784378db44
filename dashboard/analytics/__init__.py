"""Every figure of SPEC.md, as pure functions over DataFrames (pandas, numpy, scipy only).

Inputs (built by ``dashboard/data`` from the database or the columnar snapshot):

``days`` — the customer-day rollup, one row per customer per day with sales:
    ``customer_id`` int64, ``day`` datetime64[ns] (midnight), ``revenue`` float64 (returns
    included, so it can be negative), ``orders`` int64 (orders with at least one non-return
    line), ``return_orders`` int64 (return-only orders), ``return_amount`` float64 (<= 0),
    ``costed_revenue`` float64 and ``cost`` float64 (lines whose unit cost is known),
    ``coupon_orders`` int64. A day with ``orders > 0`` is a purchase occasion; a day with only
    return orders is not.

``customers`` — one row per customer record: ``customer_id``, ``code``, ``name``,
    ``customer_type`` (Retail / Trade / Distributor), ``region``, ``rep_id``,
    ``account_manager`` (the rep's name), ``team_id``, ``created_date``.

``anonymous`` — daily sales without a customer: ``day``, ``revenue``, ``orders``.

Rows dated after the as-of date may be present in the inputs; every function ignores them.
"""
