"""Duplicate customers (SPEC "Duplicate customers"): the review of candidate pairs, "not a
duplicate" (remembered), the merge into the kept record and its undo.

Owners and managers only (a manager: pairs whose two customers are both in the team's
scope); anyone else is refused and audited. A merge moves every row of the merged record to
the kept one in one transaction (``dashboard.data.duplicates.move_rows``), records the moved
ids in the decision and in the audit row (``customer.merge``), and bumps the data version;
undo moves exactly those rows back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.analytics.duplicates import candidate_pairs
from dashboard.cache import cache_key
from dashboard.data import duplicates as data
from dashboard.data.audit import insert_audit
from dashboard.db import bump_data_version, current_identity, session_scope
from dashboard.errors import Conflict, NotFound, ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customers, require_role

ROLES = ("owner", "manager")
MAX_PAIRS = 30  # a page of pairs; the next ones come up as these are decided


@dataclass(frozen=True)
class DuplicateReview:
    pairs: pd.DataFrame  # analytics.duplicates.PAIR_COLUMNS, best first
    cards: pd.DataFrame  # data.duplicates.CARD_COLUMNS, indexed by id
    merged: pd.DataFrame  # merge decisions, newest first, with both cards' names
    total: int  # candidate pairs before the cut to MAX_PAIRS


def _key(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"not a customer id: {value!r}") from exc


def get_duplicates(runtime: Runtime, actor: Actor, *, limit: int = MAX_PAIRS
                   ) -> DuplicateReview:
    """Candidate pairs among the customers ``actor`` may see, without decided pairs."""
    with session_scope(runtime.engine) as session:
        require_role(session, actor, *ROLES, object_id="duplicates")  # a "page" refusal
        customers = data.load_matching_customers(session, actor)
        decisions = data.load_decisions(session, actor)
        decided = sorted(zip(decisions["customer_a"].tolist(), decisions["customer_b"].tolist(),
                             strict=True))
        key = cache_key("duplicate-pairs", *current_identity(runtime.engine), actor.scope_kind,
                        actor.team_id, actor.rep_id, decided)
        pairs = runtime.cache.get_or_compute(key, lambda: candidate_pairs(customers, decided))
        shown = pairs.head(max(1, int(limit)))
        merged = decisions[decisions["decision"] == "merged"].reset_index(drop=True)
        wanted = set(shown["customer_a"]) | set(shown["customer_b"]) | set(
            merged["customer_a"]) | set(merged["customer_b"])
        cards = data.load_customer_cards(session, wanted).set_index("id")
    return DuplicateReview(pairs=shown.reset_index(drop=True), cards=cards, merged=merged,
                           total=len(pairs))


def _authorise_pair(session: Any, actor: Actor, a: Any, b: Any) -> tuple[int, int]:
    require_role(session, actor, *ROLES, object_type="customer", object_id=f"{a},{b}")
    first, second = _key(a), _key(b)
    if first == second:
        raise ValidationError("a customer cannot be a duplicate of itself")
    authorise_customers(session, actor, [first, second])
    return first, second


def reject_pair(runtime: Runtime, actor: Actor, a: Any, b: Any,
                score: float | None = None) -> int:
    """Remember that ``a`` and ``b`` are different customers; the pair is not proposed again.
    Audited (``duplicate.distinct``)."""
    with session_scope(runtime.engine, write=True) as session:
        first, second = _authorise_pair(session, actor, a, b)
        if data.get_pair_decision(session, first, second) is not None:
            raise Conflict("this pair was already decided")
        decision_id = data.insert_decision(session, first, second, "distinct",
                                           user_id=actor.user_id, username=actor.username,
                                           score=score)
        insert_audit(session, actor, "duplicate.distinct", object_type="customer",
                     object_id=f"{min(first, second)},{max(first, second)}",
                     detail={"customers": sorted([first, second]), "score": score})
    return decision_id


def merge_customers(runtime: Runtime, actor: Actor, keep: Any, drop: Any,
                    score: float | None = None) -> int:
    """Merge ``drop`` into ``keep``: every row of ``drop`` moves to ``keep`` (rows that clash
    with one ``keep`` has stay). One transaction; audited (``customer.merge``) with the moved
    ids; undoable with :func:`undo_merge`. Returns the decision's id."""
    with session_scope(runtime.engine, write=True) as session:
        kept, dropped = _authorise_pair(session, actor, keep, drop)
        if data.get_pair_decision(session, kept, dropped) is not None:
            raise Conflict("this pair was already decided")
        before = {"kept": data.count_rows(session, kept),
                  "merged": data.count_rows(session, dropped)}
        moved = data.move_rows(session, dropped, kept)
        decision_id = data.insert_decision(session, kept, dropped, "merged",
                                           user_id=actor.user_id, username=actor.username,
                                           kept_id=kept, score=score, moved=moved)
        bump_data_version(session)
        insert_audit(session, actor, "customer.merge", object_type="customer",
                     object_id=kept, detail={"kept": kept, "merged": dropped,
                                             "decision": decision_id, "moved": moved,
                                             "before": before})
    return decision_id


def undo_merge(runtime: Runtime, actor: Actor, decision_id: Any) -> dict[str, int]:
    """Move back every row a merge moved and forget the merge. Audited
    (``customer.merge_undo``). Returns the rows restored per table."""
    with session_scope(runtime.engine, write=True) as session:
        require_role(session, actor, *ROLES, object_type="duplicate_decision",
                     object_id=str(decision_id)[:40])
        decision = data.get_decision(session, _key(decision_id))
        if decision is None or decision.decision != "merged" or decision.kept_id is None:
            raise NotFound("no such merge")
        kept = decision.kept_id
        dropped = decision.customer_b if kept == decision.customer_a else decision.customer_a
        authorise_customers(session, actor, [kept, dropped])
        moved = {name: [int(i) for i in ids] for name, ids in (decision.moved or {}).items()}
        restored = data.restore_rows(session, moved, dropped, kept)
        data.delete_decision(session, decision.id)
        bump_data_version(session)
        insert_audit(session, actor, "customer.merge_undo", object_type="customer",
                     object_id=kept, detail={"kept": kept, "merged": dropped,
                                             "decision": int(decision_id),
                                             "restored": restored})
    return restored


__all__ = ["DuplicateReview", "MAX_PAIRS", "ROLES", "get_duplicates", "merge_customers",
           "reject_pair", "undo_merge"]
