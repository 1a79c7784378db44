"""The active classifications: the schemes and segmentation rules in force, as the engines
(``dashboard.analytics.classification``, ``dashboard.analytics.rules``) take them, and every
scheme's assignment of every customer as of a date.

Read by the recompute (which records them as memberships) and by the Schemes and Rules page
services (which count and list them for a user); none of those borrows from another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.analytics.classification import Scheme, classify_many
from dashboard.analytics.rules import ALERT, PENDING, Condition, Rule
from dashboard.cache import cache_key
from dashboard.data import memberships as membership_data
from dashboard.data import sales
from dashboard.data import schemes as data
from dashboard.data.snapshot import current_days
from dashboard.db import current_identity, session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services.access import visible_teams
from dashboard.services.scheme_forms import scheme_of

log = logging.getLogger(__name__)
RULE_KEYS = ("name", "figure", "operator", "value", "value_text", "for_days", "action",
             "segment", "team_id")
ASSIGNMENT_COLUMNS = ["scheme", "customer_id", "band", "label", "value"]
BADGE_COLUMNS = ["customer_id", "kind", "source_id", "team_id", "title", "label", "band",
                 "colour", "order"]
SEGMENT_COLOUR = "#495057"  # rules have no colour of their own: one neutral segment colour


def clean_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row with pandas' missing values as None."""
    return {k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v)
            for k, v in record.items()}


def active_schemes(session: Session) -> tuple[dict[int, Scheme], dict[int, int | None]]:
    """Every active scheme as the engine's :class:`Scheme`, and each one's team."""
    schemes, teams = {}, {}
    for record in data.scheme_records(session, active_only=True):  # a handful of schemes
        record = clean_record(record)
        try:
            schemes[int(record["id"])] = scheme_of(record)
        except ValueError:
            log.warning("scheme %s is invalid and was skipped", record["id"])
            continue
        teams[int(record["id"])] = None if record["team_id"] is None else int(record["team_id"])
    return schemes, teams


def rule_of(record: Mapping[str, Any]) -> Rule:
    clean = clean_record(record)
    more = tuple(Condition(str(c.get("figure", "")), str(c.get("operator", "")),
                           float(c.get("value") or 0.0), c.get("value_text"))
                 for c in (clean.get("conditions") or []))
    return Rule(**{k: clean[k] for k in RULE_KEYS if k != "value"},
                value=float(clean["value"] or 0.0), more=more,
                actions=tuple(clean.get("actions") or ()),
                followup_kind=clean.get("followup_kind"),
                followup_days=int(clean.get("followup_days") or 0),
                subject=clean.get("subject") or "customer",
                share_pct=clean.get("share_pct"))


def active_rules(session: Session, subject: str = "customer") -> dict[int, Rule]:
    """Every active, valid rule by id over ``subject`` (customers, or account managers)."""
    rules = {}
    for record in data.load_rules(session, active_only=True).to_dict("records"):  # rules
        try:
            rule = rule_of(record)
        except ValueError:
            log.warning("rule %s is invalid and was skipped", record["id"])
            continue
        if rule.subject == subject:
            rules[int(record["id"])] = rule
    return rules


def _definitions_key(schemes: Mapping[int, Scheme]) -> str:
    text = json.dumps({str(k): repr(v) for k, v in sorted(schemes.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def scheme_assignment(runtime: Runtime, as_of: dt.date,
                      schemes: Mapping[int, Scheme] | None = None) -> pd.DataFrame:
    """Every active scheme's assignment of every customer as of ``as_of`` (``classify_many``:
    ``scheme``, ``customer_id``, ``band`` from 0, ``label``, ``value``), cached."""
    if schemes is None:
        with session_scope(runtime.engine) as session:
            schemes, _teams = active_schemes(session)
    rules = customer_table.figure_settings(runtime)
    identity = current_identity(runtime.engine)
    key = cache_key("scheme-assignment", *identity, as_of.isoformat(), rules.cache_key(),
                    _definitions_key(schemes))

    def compute() -> pd.DataFrame:
        days = current_days(runtime.engine, runtime.snapshot_dir, runtime.days)
        with session_scope(runtime.engine) as session:
            customers = sales.load_customers(session)
        fit = customer_table.churn_fit(runtime, as_of, rules.horizon_days) if schemes else None
        return classify_many(days, customers, as_of, schemes, rules, fit)

    return runtime.cache.get_or_compute(key, compute)


def _empty_badges() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("customer_id", "source_id",
                                                               "order") else "object")
                         for c in BADGE_COLUMNS})


def customer_badges(runtime: Runtime, as_of: dt.date) -> pd.DataFrame:
    """Every customer's places to show as badges (``BADGE_COLUMNS``), for every user: the
    band of each active scheme as of ``as_of`` (``kind`` "scheme", ``band`` from 1, the
    scheme's colour) and the segment of each active segment rule the customer is in now
    (``kind`` "segment", the open membership; waiting and alert rows are not segments).
    ``team_id`` says whose they are: callers keep only what the user may see. Cached per
    data version, as-of date, definitions and the open rule memberships; ``order`` sorts the
    badges of a customer: segments first (by rule; few, and each one says what to do), then
    the schemes' bands in the Schemes page's order."""
    with session_scope(runtime.engine) as session:
        scheme_rows = data.scheme_records(session, active_only=True)
        rule_rows = data.rule_records(session, active_only=True)
        stamp = membership_data.open_stamp(session, "rule:")
    schemes, teams = {}, {}
    for record in scheme_rows:  # a handful of schemes
        record = clean_record(record)
        try:
            schemes[int(record["id"])] = scheme_of(record)
        except ValueError:
            continue
        teams[int(record["id"])] = record
    segment_rules = {}
    for record in rule_rows:  # a handful of rules
        try:
            if "segment" in rule_of(record).all_actions:
                segment_rules[int(record["id"])] = clean_record(record)
        except ValueError:
            continue
    identity = current_identity(runtime.engine)
    key = cache_key("customer-badges", *identity, as_of.isoformat(),
                    customer_table.figure_settings(runtime).cache_key(),
                    _definitions_key(schemes), json.dumps(
                        [[k, v["colour"], v["title"], v["team_id"], v["position"]]
                         for k, v in sorted(teams.items())], default=str),
                    json.dumps(sorted(segment_rules), default=str), *stamp)

    def compute() -> pd.DataFrame:
        parts = []
        if schemes:
            placed = scheme_assignment(runtime, as_of, schemes)
            placed = placed.loc[placed["band"].notna()]
            order = {k: i for i, k in enumerate(teams)}
            source = placed["scheme"].astype("int64")
            parts.append(pd.DataFrame({
                "customer_id": placed["customer_id"].astype("int64").to_numpy(),
                "kind": "scheme", "source_id": source.to_numpy(),
                "team_id": source.map({k: v["team_id"] for k, v in teams.items()}).to_numpy(),
                "title": source.map({k: str(v["title"]) for k, v in teams.items()}).to_numpy(),
                "label": placed["label"].astype(str).to_numpy(),
                "band": (placed["band"].astype("int64") + 1).to_numpy(),
                "colour": source.map({k: str(v["colour"] or "") for k, v in teams.items()}
                                     ).to_numpy(),
                "order": (source.map(order).astype("int64") + 1_000_000).to_numpy()}))
        if segment_rules:
            with session_scope(runtime.engine) as session:
                rows = membership_data.load_open_memberships(
                    session, [f"rule:{i}" for i in segment_rules])
            rows = rows.loc[~rows["label"].isin([PENDING, ALERT])]
            rule = rows["source"].str.slice(5).astype("int64")
            parts.append(pd.DataFrame({
                "customer_id": rows["customer_id"].astype("int64").to_numpy(),
                "kind": "segment", "source_id": rule.to_numpy(),
                "team_id": rule.map({k: v["team_id"] for k, v in segment_rules.items()}
                                    ).to_numpy(),
                "title": rule.map({k: str(v["name"]) for k, v in segment_rules.items()}
                                  ).to_numpy(),
                "label": rows["label"].astype(str).to_numpy(), "band": None,
                "colour": SEGMENT_COLOUR, "order": rule.to_numpy()}))
        if not parts:
            return _empty_badges()
        frame = pd.concat(parts, ignore_index=True)
        return frame.sort_values(["customer_id", "order"], kind="stable").reset_index(drop=True)

    # kept in this process too (a page of the list asks for it on every scroll), in front
    # of the shared cache
    return runtime.lists.get_or_compute(("badges", key),
                                        lambda: runtime.cache.get_or_compute(key, compute))


def visible_badges(badges: pd.DataFrame, teams: list[int] | None) -> pd.DataFrame:
    """The badges of business-wide schemes and rules and of ``teams`` (None: every one)."""
    if teams is None:
        return badges
    team = badges["team_id"]
    return badges.loc[team.isna() | team.isin(teams)]


def badges_for(runtime: Runtime, actor: Actor, as_of: dt.date,
               customer_ids: Any) -> dict[int, list[dict[str, Any]]]:
    """The band and segment badges of some customers that ``actor`` may see (schemes and
    rules business-wide or of their team): per customer id, a list of ``{"kind", "title",
    "label", "colour"}``, segments first, then bands in the Schemes page's order. Read from :func:`customer_badges`
    (cached per data version and as-of date), never a query per customer."""
    badges = customer_badges(runtime, as_of)
    with session_scope(runtime.engine) as session:
        teams = visible_teams(session, actor)
    mine = visible_badges(badges, teams)
    mine = mine.loc[mine["customer_id"].isin(np.asarray(customer_ids, dtype=np.int64))]
    found: dict[int, list[dict[str, Any]]] = {}
    for customer, kind, title, label, colour in zip(  # the badges of these customers only
            mine["customer_id"].tolist(), mine["kind"].tolist(), mine["title"].tolist(),
            mine["label"].tolist(), mine["colour"].tolist(), strict=True):
        found.setdefault(int(customer), []).append(
            {"kind": kind, "title": title, "label": label, "colour": colour})
    return found


__all__ = ["ASSIGNMENT_COLUMNS", "BADGE_COLUMNS", "badges_for", "customer_badges",
           "visible_badges", "RULE_KEYS", "active_rules", "active_schemes", "clean_record",
           "rule_of", "scheme_assignment"]
