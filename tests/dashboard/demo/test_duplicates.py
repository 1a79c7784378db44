"""The demo plants duplicate customers, and the candidate search finds them (recall)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.analytics.duplicates import candidate_pairs, normalise_name
from dashboard.demo import DemoOptions, generate_demo
from dashboard.demo.catalogue import build_catalogue
from dashboard.demo.customers import build_customers, build_traits
from dashboard.demo.duplicates import PLANTS, plant_duplicates
from dashboard.models import Customer


def demo_customers(options: DemoOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's customers and plants, built the way the demo builds them."""
    catalogue = build_catalogue(options.rng("catalogue"), 1)
    start = np.datetime64(options.start)
    today = int((np.datetime64(options.today) - start).astype(int))
    traits = build_traits(options.rng("traits"), options.customers, today,
                          catalogue.category_weight)
    grid = np.arange(1, 13).reshape(3, 4)
    customers = build_customers(options.rng("customers"), traits, start, grid, 1)
    return plant_duplicates(options.rng("duplicates"), customers)


def found(pairs: pd.DataFrame, plants: pd.DataFrame) -> float:
    got = set(zip(pairs["customer_a"], pairs["customer_b"], strict=True))
    wanted = {(min(a, b), max(a, b)) for a, b in zip(plants["original_id"],
                                                     plants["copy_id"], strict=True)}
    return len(wanted & got) / len(wanted)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_plants_are_found(seed: int) -> None:
    customers, plants = demo_customers(DemoOptions(seed=seed))
    assert len(plants) == PLANTS and len(customers) == DemoOptions().customers
    assert set(plants["kind"]) == {"phone", "legal", "email"}
    assert plants["original_id"].nunique() == PLANTS
    assert not set(plants["original_id"]) & set(plants["copy_id"])
    legal = plants[plants["kind"] == "legal"]
    names = customers.set_index("id")["name"]
    assert all(normalise_name(names[a]) == normalise_name(names[b])
               for a, b in zip(legal["original_id"], legal["copy_id"], strict=True))
    recall = found(candidate_pairs(customers[["id", "name", "phone", "email"]]), plants)
    assert recall >= 0.9


def test_the_demo_database_holds_the_plants(engine) -> None:  # noqa: ANN001
    options = DemoOptions(customers=300, orders=3_000, seed=3)
    summary = generate_demo(engine, options)
    with engine.connect() as connection:
        customers = pd.DataFrame(connection.execute(select(
            Customer.id, Customer.name, Customer.phone, Customer.email)).all(),
            columns=["id", "name", "phone", "email"])
    assert len(summary.duplicates) == PLANTS and len(customers) == 300
    assert found(candidate_pairs(customers), summary.duplicates) >= 0.9
