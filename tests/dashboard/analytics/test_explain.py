"""The reasons of the membership rows a step opened, worded only for those rows."""

from __future__ import annotations

import pandas as pd

from dashboard.analytics.explain import opened_reasons
from dashboard.analytics.memberships import Ledger
from dashboard.analytics.reasons import decode
from dashboard.analytics.rules import Rule

from .test_standing import AS_OF, assignment, config, no_rows, table


def test_only_the_opened_pairs_are_explained() -> None:
    rules = {3: Rule(name="Slipping", figure="risk_score", operator=">", value=2.0)}
    opened = pd.DataFrame({"customer_id": [2, 1, 2, 2],
                           "source": ["status", "abc", "scheme:7", "rule:3"]})
    out = opened_reasons(opened, table(), assignment(), config(rules=rules),
                         Ledger(no_rows()), AS_OF)
    got = {(c, s): decode(r) for c, s, r in zip(out["customer_id"], out["source"],
                                                 out["reason"], strict=True)}
    assert got == {
        (2, "status"): ("status.risk_above", {"risk": 2.5, "limit": 2.0}),
        (1, "abc"): ("tier.revenue", {"revenue": 300.0, "days": 30, "end": "2026-11-22"}),
        (2, "scheme:7"): ("scheme.band", {"band": "At risk", "figure": "risk_score",
                                          "value": 2.5}),
        (2, "rule:3"): ("rule.met", {"figure": "risk_score", "value": 2.5, "operator": ">",
                                     "threshold": 2.0}),
    }


def test_nothing_opened_nothing_explained() -> None:
    empty = pd.DataFrame({"customer_id": pd.Series(dtype="int64"),
                          "source": pd.Series(dtype=object)})
    assert opened_reasons(empty, table(), assignment(), config(), Ledger(no_rows()),
                          AS_OF).empty
