"""Contact with customers over the last year: visits and calls by the account managers, with
outcomes and notes, and comments on customer records (in English and Chinese).

Distributors are visited about monthly and called every few weeks, trade customers less,
shops rarely; prospects get the odd call; customers who are slipping away or dropping get
retention calls in the last two months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.customers import ARCHETYPES

VISITS_PER_YEAR = np.array([0.15, 3.0, 10.0])
CALLS_PER_YEAR = np.array([1.0, 8.0, 18.0])
PROSPECT_CALLS_PER_YEAR = 2.0
RETENTION_CALLS = 2
COMMENTED_SHARE = 0.12

# outcome keys as the contact service records them (``dashboard.services.contacts.OUTCOMES``)
OUTCOMES = {
    "visit": (["ordered", "order_promised", "reached", "call_back", "complaint",
               "not_interested", "other"], [0.30, 0.15, 0.25, 0.15, 0.05, 0.05, 0.05]),
    "call": (["reached", "ordered", "no_answer", "left_message", "call_back",
              "not_interested", "order_promised"], [0.25, 0.15, 0.20, 0.10, 0.15, 0.08, 0.07]),
    "retention": (["no_answer", "not_interested", "lost_to_competitor", "call_back",
                   "order_promised", "ordered"], [0.30, 0.20, 0.10, 0.20, 0.10, 0.10]),
}
NOTES = {
    "ordered": ["Restock order for the coming season.",
                "Placed the usual order, wants delivery by Friday.",
                "补货下单，要求周五前送到。", "下了常规月度订单。"],
    "order_promised": ["Will order after the site survey next week.",
                       "Promised an order once the project is confirmed.",
                       "下周确认项目后下单。", "答应月底前补货。"],
    "reached": ["Wants a quote for 500 boxes of anchors.", "Asked for the new price list.",
                "需要一份新的报价单。", "询问批量采购折扣。"],
    "call_back": ["Busy on site, call back tomorrow.",
                  "Owner away, talk to the buyer next time.", "客户在开会，明天再打。",
                  "老板不在，下次找采购经理。"],
    "complaint": ["Late delivery last week; agreed a discount on the next order.",
                  "上次到货有破损，已安排换货。"],
    "not_interested": ["Stock is full until after the holiday.", "说价格太高，暂时不考虑。"],
    "lost_to_competitor": ["Buying from a cheaper supplier now.", "已转向其他供应商采购。"],
    "no_answer": ["No answer.", "电话无人接听。"],
    "left_message": ["Left a message with the shop assistant.", "已留言，等回电。"],
    "other": ["Dropped off the new catalogue.", "送去了新产品目录。"],
}
COMMENTS = [
    "Prefers delivery before 10 am.", "Pays by bank transfer at month end.",
    "Main contact: purchasing manager Mr. Li.",
    "Interested in the new TopForce cordless range.",
    "Warehouse moved to the new industrial park.", "Asked to be contacted by e-mail only.",
    "送货前请先电话确认。", "月底统一对账付款。", "采购负责人：王经理。", "对新款电动工具感兴趣。",
    "仓库已搬到新工业园。", "春节前需要提前备货。",
]


def _pick(rng: np.random.Generator, choices: tuple[list[str], list[float]],
          n: int) -> np.ndarray:
    values, weights = choices
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=weights)]


def _notes(rng: np.random.Generator, outcome: np.ndarray) -> np.ndarray:
    pools = {k: np.asarray(v, dtype=object) for k, v in NOTES.items()}
    note = np.empty(len(outcome), dtype=object)
    for key, pool in pools.items():
        mask = outcome == key
        note[mask] = pool[rng.integers(0, len(pool), int(mask.sum()))]
    return note


def _moments(rng: np.random.Generator, first: np.ndarray, today: int,
             start: np.datetime64) -> np.ndarray:
    """A working-day date-time between day ``first`` and yesterday (a contact is recorded
    after it happened, never later than the history's last day)."""
    first = np.minimum(first, today - 1)
    day = first + (rng.random(len(first)) * (today - first)).astype(np.int64)
    weekday = ((np.datetime64(start, "D") + day).astype(int) + 3) % 7  # Monday = 0
    friday, monday = day - (weekday - 4), day + (7 - weekday)
    weekend_to = np.where(friday >= first, friday, np.minimum(monday, today - 1))
    day = np.where(weekday >= 5, weekend_to, day)
    seconds = rng.integers(9 * 3600, 18 * 3600, len(first))
    return (np.datetime64(start, "s") + day.astype("timedelta64[D]")
            + seconds.astype("timedelta64[s]"))


def _events(rng: np.random.Generator, owner: np.ndarray, kind: str, outcomes: str,
            first: np.ndarray, today: int, start: np.datetime64) -> pd.DataFrame:
    outcome = _pick(rng, OUTCOMES[outcomes], len(owner))
    return pd.DataFrame({"customer": owner, "kind": kind, "outcome": outcome,
                         "happened_at": _moments(rng, first, today, start),
                         "note": _notes(rng, outcome)})


def build_visits(rng: np.random.Generator, traits: pd.DataFrame, customers: pd.DataFrame,
                 today: int, start: np.datetime64, first_id: int) -> pd.DataFrame:
    type_idx = traits["type_idx"].to_numpy()
    arche = np.asarray(ARCHETYPES)[traits["archetype"].to_numpy()]
    since = np.maximum(np.maximum(traits["created_day"].to_numpy(), today - 364), 0)
    years = (today + 1 - since) / 365.0
    prospect = arche == "never"
    calls = rng.poisson(np.where(prospect, PROSPECT_CALLS_PER_YEAR, CALLS_PER_YEAR[type_idx])
                        * years)
    visits = rng.poisson(np.where(prospect, 0.0, VISITS_PER_YEAR[type_idx]) * years)
    at_risk = np.flatnonzero(np.isin(arche, ["slipping", "drop"]))
    at_risk = np.repeat(at_risk, RETENTION_CALLS)
    owners = [np.repeat(np.arange(len(traits)), visits), np.repeat(np.arange(len(traits)), calls)]
    parts = [
        _events(rng, owners[0], "visit", "visit", since[owners[0]], today, start),
        _events(rng, owners[1], "call", "call", since[owners[1]], today, start),
        _events(rng, at_risk, "call", "retention", np.full(len(at_risk), today - 59), today,
                start),
    ]
    frame = pd.concat(parts, ignore_index=True).sort_values(["happened_at", "customer"],
                                                            kind="stable")
    who = frame["customer"].to_numpy()
    happened = frame["happened_at"].to_numpy()
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + len(frame)),
        "customer_id": customers["id"].to_numpy()[who],
        "rep_id": customers["rep_id"].to_numpy()[who],
        "kind": frame["kind"].to_numpy(),
        "happened_at": happened,
        "outcome": frame["outcome"].to_numpy(),
        "note": frame["note"].to_numpy(),
        "created_at": happened + rng.integers(60, 4 * 3600, len(frame)).astype(
            "timedelta64[s]"),
    })


def build_comments(rng: np.random.Generator, traits: pd.DataFrame, customers: pd.DataFrame,
                   today: int, start: np.datetime64, first_id: int) -> pd.DataFrame:
    chosen = np.flatnonzero(rng.random(len(traits)) < COMMENTED_SHARE)
    owner = np.repeat(chosen, rng.integers(1, 4, len(chosen)))
    since = np.maximum(np.maximum(traits["created_day"].to_numpy()[owner], today - 729), 0)
    created = _moments(rng, since, today, start)
    pool = np.asarray(COMMENTS, dtype=object)
    deleted = rng.random(len(owner)) < 0.03
    frame = pd.DataFrame({
        "customer_id": customers["id"].to_numpy()[owner],
        "body": pool[rng.integers(0, len(pool), len(owner))],
        "created_at": created,
        "deleted_at": np.where(deleted, created + np.timedelta64(2, "D"),
                               np.datetime64("NaT", "s")),
    }).sort_values(["created_at", "customer_id"], kind="stable")
    return frame.assign(id=np.arange(first_id, first_id + len(frame)))
