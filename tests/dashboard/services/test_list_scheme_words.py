"""The customer list names a scheme and band by their title and label, for those who see the
scheme; anyone else gets nothing (the page then names them by number)."""

from __future__ import annotations

from dashboard.analytics.selection import Selector
from dashboard.data import schemes as scheme_data
from dashboard.data.dataset import ensure_teams_and_reps
from dashboard.db import session_scope
from dashboard.scope import Actor
from dashboard.services.customers import _scheme_words
from layouts.customer_words import selector_words


def _scheme(runtime, title: str, team_id: int | None) -> int:  # noqa: ANN001
    values = {"title": title, "kind": "risk_score", "colour": "#c0392b", "comment": "",
              "customer_type": None, "timeframe_days": 365, "min_spend": None,
              "min_orders": None, "active": True, "team_id": team_id,
              "bands": [{"label": "Regular", "upper": 1}, {"label": "At risk", "upper": 9}]}
    with session_scope(runtime.engine, write=True) as session:
        return int(scheme_data.insert_scheme(session, values, created_by=None, position=0))


def test_scheme_and_band_in_words(runtime) -> None:  # noqa: ANN001
    import pandas as pd

    with session_scope(runtime.engine, write=True) as session:
        reps = ensure_teams_and_reps(session, pd.DataFrame(
            [("Ann", "North", "1", "a@x.example"), ("Bo", "South", "2", "b@x.example")],
            columns=["name", "team", "phone", "email"]))
    north, south = (int(t) for t in reps["team_id"])
    business = _scheme(runtime, "Risk of going away", None)
    southern = _scheme(runtime, "South only", south)
    owner = Actor.system()
    manager = Actor(user_id=9, username="m", role="manager", team_id=north)
    assert _scheme_words(runtime, owner, Selector(scheme=business, band=2)) == (
        "Risk of going away", "At risk")
    assert _scheme_words(runtime, manager, Selector(scheme=business)) == (
        "Risk of going away", None)
    assert _scheme_words(runtime, manager, Selector(scheme=business, band=5)) == (
        "Risk of going away", None)
    assert _scheme_words(runtime, manager, Selector(scheme=southern, band=1)) is None
    assert _scheme_words(runtime, owner, Selector(scheme=southern, band=1)) == (
        "South only", "Regular")
    assert _scheme_words(runtime, owner, Selector(scheme=business + 99, band=1)) is None
    assert _scheme_words(runtime, owner, Selector(status="lost")) is None


def test_list_words_use_the_titles() -> None:
    assert selector_words(Selector(scheme=1, band=2), ("Risk of going away", "At risk")) == [
        "Risk of going away: At risk"]
    assert selector_words(Selector(scheme=1), ("Risk of going away", None)) == [
        "Risk of going away"]
    assert selector_words(Selector(scheme=1, band=2)) == ["Classification scheme 1, band 2"]
