"""The demo's classification schemes and segmentation rules: the example settings of the
e-commerce manual (seeds 000/001) and two rules in the spirit of seed 004.

Bands are cumulative upper bounds (SPEC.md), so the manual's "+25 % shows they need more
attention" becomes a band from +25 to +50 % after a "steady" band up to +25 %, and "rising star
+50 %" a band above +50 %.

They are business-wide configuration, written only when the database has no scheme (and no
rule) yet, so ``cockpit demo --replace`` keeps whatever the user changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dashboard.analytics.kinds import (
    ORDERS,
    REVENUE_CHANGE,
    REVENUE_RANK,
    REVENUE_SHARE,
    RISK_CHANGE,
    RISK_SCORE,
)
from dashboard.data import schemes as data
from dashboard.demo import chinese

OPEN_END = 999_999  # the last band's bound: "and above"
SCHEMES: tuple[dict[str, Any], ...] = (
    {"title": "Risk of going away", "kind": RISK_SCORE.key, "colour": "#34495e",
     "comment": "How far customers drift from their usual rhythm (days since the last order "
                "against their usual gap). Call 'Going to sleep' customers this week; visit "
                "'At risk' customers with an offer.",
     "bands": [{"label": "Loyal / regular buyer", "upper": 1},
               {"label": "Sales slowing", "upper": 2},
               {"label": "Going to sleep", "upper": 4},
               {"label": "At risk", "upper": 9999}]},
    {"title": "Risk change", "kind": RISK_CHANGE.key, "colour": "#e67e22",
     "comment": "Customers whose risk score rose against the previous period: shifts in "
                "buying patterns before they become at risk. Review the account, then "
                "contact.",
     "bands": [{"label": "Steady (up to +25 %)", "upper": 25},
               {"label": "Need more attention", "upper": 50},
               {"label": "Require account review", "upper": 75},
               {"label": "Require contact", "upper": OPEN_END}]},
    {"title": "Biggest spenders", "kind": REVENUE_RANK.key, "colour": "#2e86c1",
     "comment": "The top-spending customers by revenue over the last 12 months. Protect "
                "'Big spenders' first; grow 'Mid tier' towards them.",
     "bands": [{"label": "Big spenders", "upper": 20},
               {"label": "Mid tier", "upper": 60}]},
    {"title": "Rising and falling stars", "kind": REVENUE_CHANGE.key, "colour": "#8e44ad",
     "comment": "Revenue against the 12 months before. Thank rising stars and offer the next "
                "range; ask falling stars what changed.",
     "bands": [{"label": "Falling star", "upper": -50},
               {"label": "Steady", "upper": 50},
               {"label": "Rising star", "upper": OPEN_END}]},
    {"title": "Share of revenue", "kind": REVENUE_SHARE.key, "colour": "#16a085",
     "comment": "The customers that make up 80 % of the revenue of their customer type. "
                "Never let one of them go unnoticed.",
     "bands": [{"label": "Top 80 %", "upper": 80}]},
    {"title": "Order volume", "kind": ORDERS.key, "colour": "#7f8c8d",
     "comment": "How many orders customers place in 12 months: plan weekly pallet deliveries "
                "for regular bulk buyers; check the profit of many small orders.",
     "min_spend": 1000, "bands": [{"label": "Occasional (up to 4)", "upper": 4},
                                  {"label": "Regular (5 to 12)", "upper": 12},
                                  {"label": "Frequent (13 or more)", "upper": OPEN_END}]},
)

RULES: tuple[dict[str, Any], ...] = (
    {"name": "Likely lost for a month", "figure": "churn_probability", "operator": ">",
     "value": 80.0, "for_days": 30, "action": "alert", "segment": ""},
    {"name": "Churning: call this week", "figure": "status", "operator": "=",
     "value_text": "churning", "for_days": 0, "action": "segment",
     "segment": "Call this week"},
)


def scheme_rows(language: str = "en") -> list[dict[str, Any]]:
    """The schemes with every stored field (timeframe 365 days, all customer types), in
    ``language``."""
    rows = [{"customer_type": None, "timeframe_days": 365, "min_spend": None,
             "min_orders": None, "active": True, "team_id": None, **scheme}
            for scheme in SCHEMES]
    return [chinese.scheme(row) for row in rows] if language == "zh" else rows


def rule_rows(language: str = "en") -> list[dict[str, Any]]:
    rows = [{"value": 0.0, "value_text": None, "active": True, "team_id": None, **rule}
            for rule in RULES]
    return [chinese.rule(row) for row in rows] if language == "zh" else rows


def ensure_demo_configuration(session: Session, language: str = "en") -> tuple[int, int]:
    """Write the example schemes and rules (in ``language``) when there are none; returns
    how many."""
    schemes = rules = 0
    if data.count_schemes(session) == 0:
        for position, values in enumerate(scheme_rows(language)):
            data.insert_scheme(session, values, created_by=None, position=position)
            schemes += 1
    if data.count_rules(session) == 0:
        for values in rule_rows(language):
            data.insert_rule(session, values, created_by=None)
            rules += 1
    return schemes, rules


__all__ = ["RULES", "SCHEMES", "ensure_demo_configuration", "rule_rows", "scheme_rows"]
