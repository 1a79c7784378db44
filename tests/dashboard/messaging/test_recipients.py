"""Who can be reached on a channel, and the holdout draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.messaging.plan import plan_recipients
from dashboard.messaging.recipients import holdout_size, pick_holdout, reachability, seed_from


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6],
        "code": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "name": ["a", "b", "c", "d", "e", ""],
        "phone": ["+86 138-0000-0001", None, "12", "(010) 5555 0101", "  ", "13800000006"],
        "email": ["a@x.cn", "b@x", None, "d@x.com\r\nBcc: e@evil", "e@x.cn", "f@x.cn"],
        "opt_out_sms": [False, False, False, False, False, True],
        "opt_out_email": [False, False, False, False, True, False],
        "tier": ["A", None, "B", "C", "D", "A"],
    })


def test_sms_reasons() -> None:
    out = reachability(_customers(), "sms")
    assert out["address"].tolist()[:4] == ["+8613800000001", "", "12", "01055550101"]
    assert out["reason"].tolist() == ["", "no_address", "invalid_address", "", "no_address",
                                      "opted_out"]


def test_email_reasons() -> None:
    out = reachability(_customers(), "email")
    assert out["reason"].tolist() == ["", "invalid_address", "no_address", "invalid_address",
                                      "opted_out", ""]
    assert out["reason_text"].iloc[4] == "opted out of this channel"


def test_log_channel_reaches_everyone() -> None:
    out = reachability(_customers(), "log")
    assert (out["reason"] == "").all()
    assert out["address"].tolist() == ["a@x.cn", "b@x", "12", "d@x.com\r\nBcc: e@evil",
                                       "e@x.cn", "f@x.cn"]
    nothing = _customers().assign(phone=None, email=" ")
    assert reachability(nothing, "log")["address"].tolist() == ["C1", "C2", "C3", "C4", "C5",
                                                                "C6"]


def test_plan_holds_out_only_reachable_customers() -> None:
    plan = plan_recipients(_customers(), "sms", 50, seed=7)
    assert plan["status"].tolist().count("unreachable") == 4
    reachable = plan[plan["status"] != "unreachable"]
    assert sorted(reachable["customer_id"]) == [1, 4]
    assert sorted(reachable["status"]) == ["holdout", "pending"]


def test_holdout_size_rounds_half_up() -> None:
    assert [holdout_size(n, 10) for n in (0, 4, 5, 14, 15, 1000)] == [0, 0, 1, 1, 2, 100]
    assert holdout_size(3, 50) == 2


def test_holdout_is_reproducible_and_order_free() -> None:
    ids = np.arange(100, 200)
    mask = pick_holdout(ids, 10, seed_from("intent-1"))
    shuffled = np.random.default_rng(1).permutation(ids)
    again = pick_holdout(shuffled, 10, seed_from("intent-1"))
    assert set(ids[mask]) == set(shuffled[again])
    assert set(ids[mask]) != set(ids[pick_holdout(ids, 10, seed_from("intent-2"))])


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 400), pct=st.floats(0, 50), seed=st.integers(0, 2**63 - 1))
def test_holdout_has_exactly_the_rounded_share(n: int, pct: float, seed: int) -> None:
    mask = pick_holdout(np.arange(n) * 3 + 1, pct, seed)
    assert mask.sum() == holdout_size(n, pct) == int(np.floor(n * pct / 100 + 0.5 + 1e-9))
