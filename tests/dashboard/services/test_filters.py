"""The filter bar's options are the actor's, and the filters a request asks for resolve
strictly (dropped, never refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import FilterQuery
from dashboard.services import filters as service
from tests.dashboard.services.cockpit_world import AS_OF, build_cockpit_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    yield build_cockpit_world(runtime)


def test_choices_follow_the_scope(runtime, world) -> None:  # noqa: ANN001
    owner = service.get_filter_choices(runtime, world.actor("owner"))
    assert owner.customer_types == ("Retail", "Trade", "Distributor")
    assert owner.regions == ("East", "West")
    assert owner.reps == ((world.reps["Wang"], "Wang"), (world.reps["Zhao"], "Zhao"))
    assert owner.today == AS_OF and owner.default_period == "30d"
    east = service.get_filter_choices(runtime, world.actor("manager_east"))
    assert (east.customer_types, east.regions) == (("Retail", "Trade"), ("East",))
    assert east.reps == ((world.reps["Wang"], "Wang"),)
    rep = service.get_filter_choices(runtime, world.actor("rep_zhao"))
    assert rep.reps == ((world.reps["Zhao"], "Zhao"),)
    assert rep.customer_types == ("Retail", "Distributor")
    nobody = service.get_filter_choices(runtime, world.actor("nobody"))
    assert (nobody.customer_types, nobody.regions, nobody.reps) == ((), (), ())


def test_resolution_drops_what_the_user_may_not_choose(runtime, world) -> None:  # noqa: ANN001
    rep = world.actor("rep_zhao")
    asked = FilterQuery(as_of=AS_OF + dt.timedelta(days=3), period="fortnight",
                        customer_type="Trade", region="East", rep_id=world.reps["Wang"])
    resolved = service.resolve_filters(runtime, rep, asked)
    assert (resolved.as_of, resolved.period, resolved.customer_type, resolved.region,
            resolved.rep_id) == (AS_OF, "30d", None, None, None)
    fine = FilterQuery(as_of=dt.date(2026, 6, 30), period="quarter",
                       customer_type="Distributor", region="West", rep_id=world.reps["Zhao"])
    resolved = service.resolve_filters(runtime, rep, fine)
    assert (resolved.as_of, resolved.period, resolved.customer_type, resolved.region,
            resolved.rep_id) == (dt.date(2026, 6, 30), "quarter", "Distributor", "West",
                                 world.reps["Zhao"])
    ancient = service.resolve_filters(runtime, rep, FilterQuery(as_of=dt.date(1990, 1, 1)))
    assert ancient.as_of == AS_OF
    assert service.resolve_filters(runtime, rep, object()).as_of == AS_OF  # nothing asked


def test_default_period_follows_the_setting(runtime, world) -> None:  # noqa: ANN001
    assert service.default_period(runtime) == "30d"
    runtime.settings = runtime.settings.replace(period_days=90)
    assert service.default_period(runtime) == "90d"
    assert service.get_filter_choices(runtime, world.actor("owner")).default_period == "90d"
    runtime.settings = runtime.settings.replace(period_days=45)  # no such choice
    assert service.default_period(runtime) == "30d"


def test_today_is_the_server_day_unless_fixed(runtime) -> None:  # noqa: ANN001
    assert service.today(runtime) == dt.date.today()
    runtime.today = lambda: dt.date(2030, 1, 2)
    assert service.today(runtime) == dt.date(2030, 1, 2)


def test_bar_state(runtime, world) -> None:  # noqa: ANN001
    from layouts.components.filter_bar import ALL, bar_state

    bar = service.get_filter_bar(runtime, world.actor("rep_wang"),
                                 FilterQuery(period="90d", region="East"))
    state = bar_state(bar)
    assert len(state) == 10
    assert {k: state[k] for k in ("as_of", "as_of_max", "period", "type", "region",
                                  "manager")} == {
        "as_of": "2026-11-22", "as_of_max": "2026-11-22", "period": "90d", "type": ALL,
        "region": "East", "manager": ALL}
    assert [o["value"] for o in state["period_options"]] == ["30d", "90d", "365d", "month",
                                                             "quarter", "year"]
    assert [o["value"] for o in state["type_options"]] == [ALL, "Retail", "Trade"]
    assert [o["value"] for o in state["region_options"]] == [ALL, "East"]
    # a rep sees only themselves
    assert state["manager_options"] == [{"label": "Wang", "value": ALL}]
    owner = bar_state(service.get_filter_bar(runtime, world.actor("owner"),
                                             FilterQuery(rep_id=world.reps["Zhao"])))
    assert owner["manager"] == str(world.reps["Zhao"])
    assert [o["label"] for o in owner["manager_options"]] == ["All account managers", "Wang",
                                                              "Zhao"]


def test_scope_and_choices_are_remembered_per_data_version(runtime, world) -> None:  # noqa: ANN001
    from dashboard.db import bump_data_version, session_scope
    from dashboard.models import Customer

    east = world.actor("manager_east")
    first = service.scope_ids(runtime, east)
    assert sorted(first) == sorted(world.customers[c] for c in "ADF")
    assert service.scope_ids(runtime, east) is first
    choices = service.get_filter_choices(runtime, east)
    assert service.get_filter_choices(runtime, east) is choices
    assert service.scope_ids(runtime, world.actor("owner")) is None
    with session_scope(runtime.engine, write=True) as session:
        session.get(Customer, world.customers["B"]).rep_id = world.reps["Wang"]
        bump_data_version(session)  # every write that moves customers bumps the version
    assert sorted(service.scope_ids(runtime, east)) == sorted(
        world.customers[c] for c in "ABDF")
    assert service.get_filter_choices(runtime, east).regions == ("East", "West")
