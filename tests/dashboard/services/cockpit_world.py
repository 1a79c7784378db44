"""A small distributor for the cockpit's service, layout and callback tests, with figures
worked out by hand (as of 22 Nov 2026, last 30 days: 24 Oct - 22 Nov, against 24 Sep - 23 Oct):

==========  ===========  ======  ====  ==================================  =========  ====
customer    type         region  rep   orders (days before the as-of date)  status     tier
==========  ===========  ======  ====  ==================================  =========  ====
A Alpha     Trade        East    Wang  2: 5000, 52: 1000, 82: 1000          active     C → A
B Beta      Retail       West    Zhao  174: 80, 205: 90                     lost       D → D
C Gamma     Retail       West    Zhao  (none)                               never      – → D
D Delta     Retail       East    Wang  12: 2000, 43: 3000                   active     B → B
E Epsilon   Distributor  West    Zhao  38: 4000, 48: 4000                   churning   A → D
F Foxtrot   Retail       East    Wang  7: 500 (first order: new)            active     – → C
==========  ===========  ======  ====  ==================================  =========  ====

plus a cash sale of 700 21 days ago. Revenue 7500 (+700 cash) against 12000; orders 3
against 4. Revenue surge: A (+4000); revenue and orders drop: E. Team East is Wang's, West
Zhao's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.data.rollups import refresh_rollups
from dashboard.db import bump_data_version, session_scope
from dashboard.models import Customer, Order, OrderLine, Rep, Team
from dashboard.runtime import Runtime
from dashboard.scope import Actor

AS_OF = dt.date(2026, 11, 22)
CUSTOMERS = (
    ("A", "Alpha", "Trade", "East", "Wang", [(2, 5000.0), (52, 1000.0), (82, 1000.0)]),
    ("B", "Beta", "Retail", "West", "Zhao", [(174, 80.0), (205, 90.0)]),
    ("C", "Gamma", "Retail", "West", "Zhao", []),
    ("D", "Delta", "Retail", "East", "Wang", [(12, 2000.0), (43, 3000.0)]),
    ("E", "Epsilon", "Distributor", "West", "Zhao", [(38, 4000.0), (48, 4000.0)]),
    ("F", "Foxtrot", "Retail", "East", "Wang", [(7, 500.0)]),
)
CASH_SALE = (21, 700.0)


@dataclass
class CockpitWorld:
    teams: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)

    def actor(self, who: str) -> Actor:
        """``owner``, ``manager_east``, ``manager_west``, ``rep_wang``, ``rep_zhao`` or
        ``nobody`` (a manager without a team)."""
        return {
            "owner": Actor(user_id=1, username="owner", role="owner"),
            "manager_east": Actor(user_id=2, username="me", role="manager",
                                  team_id=self.teams["East"]),
            "manager_west": Actor(user_id=3, username="mw", role="manager",
                                  team_id=self.teams["West"]),
            "rep_wang": Actor(user_id=4, username="rw", role="rep", rep_id=self.reps["Wang"]),
            "rep_zhao": Actor(user_id=5, username="rz", role="rep", rep_id=self.reps["Zhao"]),
            "nobody": Actor(user_id=6, username="nb", role="manager"),
        }[who]


def _order(session, number: str, customer_id: int | None, day: dt.date,  # noqa: ANN001
           amount: float) -> None:
    order = Order(order_no=number, customer_id=customer_id, order_date=day, amount=amount)
    session.add(order)
    session.flush()
    session.add(OrderLine(order_id=order.id, line_key="", quantity=1, unit_price=amount,
                          amount=amount))


def build_cockpit_world(runtime: Runtime, *, today: dt.date = AS_OF) -> CockpitWorld:
    world = CockpitWorld()
    runtime.today = lambda: today
    with session_scope(runtime.engine, write=True) as session:
        for team, rep in (("East", "Wang"), ("West", "Zhao")):
            row = Team(name=team)
            session.add(row)
            session.flush()
            person = Rep(name=rep, team_id=row.id)
            session.add(person)
            session.flush()
            world.teams[team], world.reps[rep] = row.id, person.id
        keys: list[tuple[int | None, dt.date]] = []
        for code, name, kind, region, rep, orders in CUSTOMERS:
            customer = Customer(code=code, name=name, customer_type=kind, region=region,
                                rep_id=world.reps[rep])
            session.add(customer)
            session.flush()
            world.customers[code] = customer.id
            for number, (ago, amount) in enumerate(orders):
                day = AS_OF - dt.timedelta(days=ago)
                _order(session, f"{code}-{number}", customer.id, day, amount)
                keys.append((customer.id, day))
        cash_day = AS_OF - dt.timedelta(days=CASH_SALE[0])
        _order(session, "CASH-1", None, cash_day, CASH_SALE[1])
        keys.append((None, cash_day))
        refresh_rollups(session, keys)
        bump_data_version(session)
    return world
