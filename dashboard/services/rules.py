"""Dynamic segmentation rules (SPEC.md "Dynamic segmentation rules", seed 004).

The same ownership as schemes (``dashboard.services.access``): everyone sees the
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

from dashboard.analytics.rules import PENDING, condition
from dashboard.data import schemes as data
from dashboard.data.audit import insert_audit
from dashboard.data.contact_plans import delete_plans, get_plans_of, set_plan
from dashboard.data.filters import load_scope_reps
from dashboard.data.memberships import close_sources, count_open_by_label
from dashboard.data.rep_memberships import close_rep_sources, load_open_rep_memberships
from dashboard.db import session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.access import (
    as_key,
    authorise_config,
    may_edit,
    team_for,
    visible_teams,
)
from dashboard.services.classifications import clean_record, rule_of
from dashboard.services.recompute import refresh_after_change
from dashboard.services.scheme_forms import parse_rule

log = logging.getLogger(__name__)


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


def get_rules(runtime: Runtime, actor: Actor) -> list[RuleView]:
    """The rules ``actor`` sees, with their members among the customers they may see."""
    allowed = customer_table.scope_ids(runtime, actor)
    with session_scope(runtime.engine) as session:
        frame = data.load_rules(session, visible_teams(session, actor))
        names = data.load_team_names(session)
        sources = [f"rule:{int(i)}" for i in frame["id"]]
        counts = count_open_by_label(session, sources, allowed) if sources else pd.DataFrame(
            columns=["source", "label", "customers"])
        reps = load_open_rep_memberships(session, sources) if sources else pd.DataFrame(
            columns=["rep_id", "source"])
        seen = set(load_scope_reps(session, actor)["id"].astype(int))
    reps = reps.loc[reps["rep_id"].isin(seen)] if len(reps) else reps
    views = []
    for record in frame.to_dict("records"):  # rules, not customers
        record = clean_record(record)
        mine = counts.loc[counts["source"] == f"rule:{int(record['id'])}"]
        waiting = int(mine.loc[mine["label"] == PENDING, "customers"].sum())
        if record.get("subject") == "account_manager":  # members: account managers
            mine = pd.DataFrame({"customers": [int((reps["source"] == f"rule:{int(record['id'])}")
                                                   .sum()) if len(reps) else 0]})
        team = record["team_id"]
        views.append(RuleView(record=record, editable=may_edit(actor, team),
                              team_name=None if team is None else names.get(int(team)),
                              members=int(mine["customers"].sum()) - waiting,
                              pending=waiting))
    return views


def get_rule(runtime: Runtime, actor: Actor, rule_id: Any) -> dict[str, Any]:
    """One rule's stored values for the edit form (refused when not changeable), with its
    segment's contact plan (``channel``, ``frequency_days``) when it sets one."""
    with session_scope(runtime.engine) as session:
        row = data.get_rule(session, as_key(rule_id))
        authorise_config(session, actor, "rule", row, rule_id, edit=True)
        record = {c: getattr(row, c) for c in data.RULE_COLUMNS}
        plans = get_plans_of(session, f"rule:{row.id}")
    if len(plans):
        record.update(channel=str(plans["channel"].iloc[0]),
                      frequency_days=int(plans["frequency_days"].iloc[0]))
    return record


def preview_rule(runtime: Runtime, actor: Actor, fields: Mapping[str, Any]) -> int:
    """How many customers ``actor`` may see meet the rule's conditions now (today, the
    default period), before it is saved; "for N days" is not waited for. Invalid fields
    raise ``ValidationError`` like a save."""
    values = parse_rule({**fields, "name": fields.get("name") or "preview"})
    rule = rule_of({**values, "team_id": None})
    table = customer_table.customer_table(runtime, filter_service.today(runtime),
                                          filter_service.default_period(runtime),
                                          customer_table.figure_settings(runtime))
    allowed = customer_table.scope_ids(runtime, actor)
    held = condition(table, rule)
    if allowed is not None:
        held &= table["customer_id"].isin(allowed).to_numpy()
    return int(held.sum())


def _save_plan(session: Session, rule_id: int, values: Mapping[str, Any],
               plan: Mapping[str, Any] | None, at: Any) -> None:
    """The rule's segment carries ``plan`` (or no plan without the contact action)."""
    source = f"rule:{rule_id}"
    if plan is None:
        delete_plans(session, source)
        return
    delete_plans(session, source, keep=str(values["segment"]))
    set_plan(session, source, str(values["segment"]), plan["channel"],
             plan["frequency_days"], at)


def save_rule(runtime: Runtime, actor: Actor, rule_id: Any, fields: Mapping[str, Any]) -> int:
    """Create (``rule_id`` None) or change a rule; returns its id. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        if rule_id is not None:  # a forged id is refused before anything else is read
            authorise_config(session, actor, "rule", data.get_rule(session, as_key(rule_id)),
                             rule_id, edit=True)
        values = parse_rule(fields)
        plan = values.pop("contact_plan")
        if rule_id is None:
            values["team_id"] = team_for(session, actor, fields.get("team_id"), "rule")
            new_id = data.insert_rule(session, values, created_by=actor.user_id)
            insert_audit(session, actor, "rule.create", object_type="rule", object_id=new_id,
                         detail={"after": values, "contact_plan": plan})
        else:
            row = data.get_rule(session, as_key(rule_id))
            authorise_config(session, actor, "rule", row, rule_id, edit=True)
            before = {c: getattr(row, c) for c in data.RULE_FIELDS}
            data.update_rule(session, row.id, values)
            if (before.get("subject") or "customer") != (values.get("subject") or "customer"):
                # the rule now counts other members: the old ones leave its segment today
                close = (close_rep_sources if before.get("subject") == "account_manager"
                         else close_sources)
                close(session, [f"rule:{row.id}"], filter_service.today(runtime))
            new_id = int(row.id)
            insert_audit(session, actor, "rule.update", object_type="rule", object_id=new_id,
                         detail={"before": before, "after": values, "contact_plan": plan})
        _save_plan(session, new_id, values, plan, runtime.clock())
    refresh_after_change(runtime, actor, {f"rule:{new_id}"})
    return new_id


def delete_rule(runtime: Runtime, actor: Actor, rule_id: Any) -> None:
    """Delete a rule: its memberships close today, its alerts stay. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        row = data.get_rule(session, as_key(rule_id))
        authorise_config(session, actor, "rule", row, rule_id, edit=True)
        before = {c: getattr(row, c) for c in data.RULE_FIELDS}
        data.delete_rule(session, row.id)
        delete_plans(session, f"rule:{row.id}")
        close_sources(session, [f"rule:{row.id}"], filter_service.today(runtime))
        close_rep_sources(session, [f"rule:{row.id}"], filter_service.today(runtime))
        insert_audit(session, actor, "rule.delete", object_type="rule", object_id=row.id,
                     detail={"before": before})


__all__ = ["RuleView", "delete_rule", "get_rule", "get_rules", "preview_rule", "save_rule"]
