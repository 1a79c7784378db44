"""A small distributor whose figures are easy to check by hand, for the recompute, scheme,
rule, alert, history and target tests.

As of 22 Nov 2026 every customer who buys orders every 10 days (usual gap 10):

=====  ======  ===========================  =================  ==========================
code   team    orders (days before 22 Nov)  last order         risk score on 22 Nov
=====  ======  ===========================  =================  ==========================
A      East    2, 12, ..., 52 (6 × 100)     20 Nov             0.2  (active)
B      East    25, 35, ..., 75 (6 × 200)    28 Oct             2.5  (churning)
C      East    50, 60, ..., 100 (6 × 300)   3 Oct              5.0  (lost)
N      East    none                         –                  –    (never traded)
Z      West    5, 15, ..., 55 (6 × 50)      17 Nov             0.5  (active)
=====  ======  ===========================  =================  ==========================

A and B belong to rep Wang, C and N to rep Li (both team East), Z to rep Zhao (team West).
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
PLAN = {  # code: (rep, first day back, amount)
    "A": ("Wang", 2, 100.0), "B": ("Wang", 25, 200.0), "C": ("Li", 50, 300.0),
    "N": ("Li", None, 0.0), "Z": ("Zhao", 5, 50.0),
}


@dataclass
class World:
    teams: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    orders: int = 0

    def owner(self) -> Actor:
        return Actor(user_id=None, username="owner", role="owner")

    def manager(self, team: str) -> Actor:
        return Actor(user_id=None, username=f"manager-{team}", role="manager",
                     team_id=self.teams[team])

    def rep(self, name: str) -> Actor:
        return Actor(user_id=None, username=f"rep-{name}", role="rep", rep_id=self.reps[name])


def add_order(runtime: Runtime, world: World, code: str, day: dt.date, amount: float) -> None:
    """One more order (a data change: the rollup and the data version follow)."""
    with session_scope(runtime.engine, write=True) as s:
        world.orders += 1
        order = Order(order_no=f"X{world.orders}", customer_id=world.customers[code],
                      order_date=day, amount=amount)
        s.add(order)
        s.flush()
        s.add(OrderLine(order_id=order.id, line_key="", quantity=1, unit_price=amount,
                        amount=amount))
        s.flush()
        refresh_rollups(s, [(world.customers[code], day)])
        bump_data_version(s)


def build(runtime: Runtime) -> World:
    world = World()
    runtime.today = lambda: AS_OF
    with session_scope(runtime.engine, write=True) as s:
        for team in ("East", "West"):
            row = Team(name=team)
            s.add(row)
            s.flush()
            world.teams[team] = row.id
        for rep, team in (("Wang", "East"), ("Li", "East"), ("Zhao", "West")):
            row = Rep(name=rep, team_id=world.teams[team])
            s.add(row)
            s.flush()
            world.reps[rep] = row.id
        keys = []
        for code, (rep, first, amount) in PLAN.items():
            customer = Customer(code=code, name=f"{code} Co", customer_type="Retail",
                                region="North", rep_id=world.reps[rep])
            s.add(customer)
            s.flush()
            world.customers[code] = customer.id
            for k in range(6 if first is not None else 0):
                day = AS_OF - dt.timedelta(days=first + 10 * k)
                world.orders += 1
                order = Order(order_no=f"O{world.orders}", customer_id=customer.id,
                              order_date=day, amount=amount)
                s.add(order)
                s.flush()
                s.add(OrderLine(order_id=order.id, line_key="", quantity=1,
                                unit_price=amount, amount=amount))
                keys.append((customer.id, day))
        s.flush()
        refresh_rollups(s, keys)
        bump_data_version(s)
    return world
