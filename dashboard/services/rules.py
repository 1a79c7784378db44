"""Dynamic segmentation rules (SPEC.md "Dynamic segmentation rules", seed 004).

The same ownership as schemes (``dashboard.services.schemes``): everyone sees the
business-wide rules and their team's; owners change all, managers their team's (a team's rule
applies to that team's customers only), reps none; forged ids are refused and audited. Saving
or deleting a rule brings its memberships (and alerts) up to date at once; every recompute
re-evaluates all rules.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.analytics.rules import PENDING, Rule
from dashboard.data import schemes as data
from dashboard.data.audit import insert_audit
from dashboard.data.memberships import close_sources, count_open_by_label
from dashboard.db import session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import figures
from dashboard.services import filters as filter_service
from dashboard.services.scheme_forms import parse_rule
from dashboard.services.schemes import (
    as_key,
    authorise_config,
    clean_record,
    may_edit,
    refresh_memberships,
    team_for,
    visible_teams,
)

log = logging.getLogger(__name__)
RULE_KEYS = ("name", "figure", "operator", "value", "value_text", "for_days", "action",
             "segment", "team_id")


@dataclass(frozen=True)
class RuleView:
    """A rule as the page shows it: members now (in the user's scope) and those waiting for
    the rule's days to pass."""

    record: dict[str, Any]
    team_name: str | None
    editable: bool
    members: int
    pending: int

    @property
    def id(self) -> int:
        return int(self.record["id"])


def rule_of(record: Mapping[str, Any]) -> Rule:
    clean = clean_record(record)
    return Rule(**{k: clean[k] for k in RULE_KEYS if k != "value"},
                value=float(clean["value"] or 0.0))


def active_rules(session: Session) -> dict[int, Rule]:
    """Every active, valid rule by id."""
    rules = {}
    for record in data.load_rules(session, active_only=True).to_dict("records"):  # rules
        try:
            rules[int(record["id"])] = rule_of(record)
        except ValueError:
            log.warning("rule %s is invalid and was skipped", record["id"])
    return rules


def get_rules(runtime: Runtime, actor: Actor) -> list[RuleView]:
    """The rules ``actor`` sees, with their members among the customers they may see."""
    allowed = figures.scope_ids(runtime, actor)
    with session_scope(runtime.engine) as session:
        frame = data.load_rules(session, visible_teams(session, actor))
        names = data.load_team_names(session)
        sources = [f"rule:{int(i)}" for i in frame["id"]]
        counts = count_open_by_label(session, sources, allowed) if sources else pd.DataFrame(
            columns=["source", "label", "customers"])
    views = []
    for record in frame.to_dict("records"):  # rules, not customers
        record = clean_record(record)
        mine = counts.loc[counts["source"] == f"rule:{int(record['id'])}"]
        waiting = int(mine.loc[mine["label"] == PENDING, "customers"].sum())
        team = record["team_id"]
        views.append(RuleView(record=record, editable=may_edit(actor, team),
                              team_name=None if team is None else names.get(int(team)),
                              members=int(mine["customers"].sum()) - waiting,
                              pending=waiting))
    return views


def get_rule(runtime: Runtime, actor: Actor, rule_id: Any) -> dict[str, Any]:
    """One rule's stored values for the edit form (refused when not changeable)."""
    with session_scope(runtime.engine) as session:
        row = data.get_rule(session, as_key(rule_id))
        authorise_config(session, actor, "rule", row, rule_id, edit=True)
        return {c: getattr(row, c) for c in data.RULE_COLUMNS}


def save_rule(runtime: Runtime, actor: Actor, rule_id: Any, fields: Mapping[str, Any]) -> int:
    """Create (``rule_id`` None) or change a rule; returns its id. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        if rule_id is not None:  # a forged id is refused before anything else is read
            authorise_config(session, actor, "rule", data.get_rule(session, as_key(rule_id)),
                             rule_id, edit=True)
        values = parse_rule(fields)
        if rule_id is None:
            values["team_id"] = team_for(session, actor, fields.get("team_id"), "rule")
            new_id = data.insert_rule(session, values, created_by=actor.user_id)
            insert_audit(session, actor, "rule.create", object_type="rule", object_id=new_id,
                         detail={"after": values})
        else:
            row = data.get_rule(session, as_key(rule_id))
            authorise_config(session, actor, "rule", row, rule_id, edit=True)
            before = {c: getattr(row, c) for c in data.RULE_FIELDS}
            data.update_rule(session, row.id, values)
            new_id = int(row.id)
            insert_audit(session, actor, "rule.update", object_type="rule", object_id=new_id,
                         detail={"before": before, "after": values})
    refresh_memberships(runtime, actor, {f"rule:{new_id}"})
    return new_id


def delete_rule(runtime: Runtime, actor: Actor, rule_id: Any) -> None:
    """Delete a rule: its memberships close today, its alerts stay. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        row = data.get_rule(session, as_key(rule_id))
        authorise_config(session, actor, "rule", row, rule_id, edit=True)
        before = {c: getattr(row, c) for c in data.RULE_FIELDS}
        data.delete_rule(session, row.id)
        close_sources(session, [f"rule:{row.id}"], filter_service.today(runtime))
        insert_audit(session, actor, "rule.delete", object_type="rule", object_id=row.id,
                     detail={"before": before})


__all__ = ["RuleView", "active_rules", "delete_rule", "get_rule", "get_rules", "rule_of",
           "save_rule"]
