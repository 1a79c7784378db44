"""The demo's product catalogue: about 800 industrial and building supplies in 15 categories.

Each product has a brand and application tags (``brand:…``, ``use:…``) that the portrait's
"similar products" discovery can narrow by, a list price drawn around its category's typical
price, and a unit cost from the category's margin (a few products have no known cost, as in
real ERP exports). Popularity inside a category is heavy-tailed: a few best sellers, a long tail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# name, SKU prefix, typical list price, gross margin, demand weight, main uses, items
CATEGORIES = [
    ("Fasteners", "FST", 25, 0.38, 1.4, ("construction", "industrial"),
     ("Hex Bolt", "Hex Nut", "Flat Washer", "Self-Tapping Screw", "Expansion Anchor",
      "Threaded Rod", "Blind Rivet", "Wood Screw")),
    ("Hand Tools", "HTL", 85, 0.32, 1.1, ("maintenance", "renovation"),
     ("Claw Hammer", "Adjustable Wrench", "Screwdriver Set", "Combination Pliers",
      "Tape Measure", "Utility Knife", "Socket Set", "Hacksaw")),
    ("Power Tools", "PWT", 480, 0.18, 0.8, ("construction", "renovation"),
     ("Cordless Drill", "Angle Grinder", "Impact Driver", "Rotary Hammer", "Circular Saw",
      "Heat Gun", "Jigsaw", "Bench Grinder")),
    ("Electrical", "ELC", 45, 0.30, 1.2, ("electrical", "construction"),
     ("Copper Cable 2.5mm²", "Wall Switch", "Power Socket", "Circuit Breaker", "Junction Box",
      "PVC Conduit", "Extension Lead", "Cable Ties")),
    ("Lighting", "LGT", 60, 0.35, 0.9, ("electrical", "renovation"),
     ("LED Bulb", "LED Panel", "Floodlight", "LED Tube", "Downlight", "Emergency Light",
      "Work Lamp", "Solar Light")),
    ("Plumbing", "PLB", 40, 0.33, 1.0, ("plumbing", "renovation"),
     ("PPR Pipe", "Ball Valve", "Elbow Fitting", "Basin Tap", "Shower Set", "PVC Pipe",
      "Pipe Clamp", "Floor Drain")),
    ("Paints & Coatings", "PNT", 120, 0.30, 0.8, ("renovation", "construction"),
     ("Interior Wall Paint", "Exterior Paint", "Primer", "Wood Varnish", "Spray Paint",
      "Floor Coating", "Anti-Rust Paint", "Paint Roller")),
    ("Adhesives & Sealants", "ADH", 30, 0.40, 0.7, ("renovation", "maintenance"),
     ("Silicone Sealant", "Construction Adhesive", "Epoxy Glue", "PU Foam", "PTFE Tape",
      "Instant Glue", "Tile Grout", "Duct Tape")),
    ("Safety Equipment", "SFT", 35, 0.36, 0.9, ("construction", "industrial"),
     ("Safety Helmet", "Work Gloves", "Safety Goggles", "Dust Mask", "Safety Shoes",
      "Hi-Vis Vest", "Ear Muffs", "Safety Harness")),
    ("Abrasives", "ABR", 20, 0.42, 0.6, ("industrial", "maintenance"),
     ("Cutting Disc", "Grinding Wheel", "Flap Disc", "Sandpaper Sheet", "Sanding Belt",
      "Wire Brush", "Polishing Pad", "Diamond Blade")),
    ("Welding", "WLD", 150, 0.25, 0.5, ("industrial", "construction"),
     ("Welding Rod", "MIG Wire", "Inverter Welder", "Welding Helmet", "Welding Gloves",
      "Earth Clamp", "Electrode Holder", "Gas Regulator")),
    ("Hydraulics & Pneumatics", "HYD", 220, 0.27, 0.4, ("industrial", "automotive"),
     ("Air Hose", "Quick Coupler", "Pressure Gauge", "Hydraulic Jack", "Air Compressor",
      "Solenoid Valve", "Air Cylinder", "Grease Gun")),
    ("Bearings & Transmission", "BRG", 55, 0.30, 0.5, ("industrial", "automotive"),
     ("Ball Bearing", "V-Belt", "Roller Chain", "Sprocket", "Pillow Block", "Oil Seal",
      "Shaft Coupling", "Gear Motor")),
    ("Cleaning Supplies", "CLN", 25, 0.38, 0.6, ("cleaning", "maintenance"),
     ("Degreaser", "Mop Set", "Industrial Wipes", "Push Broom", "Floor Detergent",
      "Trash Bags", "Pressure Washer", "Spray Bottle")),
    ("Packaging", "PKG", 18, 0.30, 0.7, ("logistics", "industrial"),
     ("Stretch Film", "Packing Tape", "Carton Box", "Bubble Wrap", "Strapping Band",
      "Plastic Pallet", "Label Roll", "Foam Sheet")),
]
BRANDS = ["TopForce", "恒力 Hengli", "金马 Jinma", "BluePeak", "东岳 Dongyue", "IronLeaf",
          "华宇 Huayu", "ProLine"]
USES = ["construction", "renovation", "maintenance", "industrial", "electrical", "plumbing",
        "automotive", "cleaning", "logistics", "agriculture"]
N_PRODUCTS = 800
UNKNOWN_COST_SHARE = 0.03


@dataclass(frozen=True)
class Catalogue:
    """The products, plus what sampling needs: products sorted by category, the first product
    of each category and each product's cumulative popularity inside its category."""

    products: pd.DataFrame  # id, sku, name, category, tags, unit_cost, list_price
    category: np.ndarray  # category index of each product
    category_start: np.ndarray  # first product of each category (len = categories + 1)
    popularity_key: np.ndarray  # category index + cumulative popularity in (0, 1]
    category_weight: np.ndarray  # demand share of each category

    @property
    def n_categories(self) -> int:
        return len(self.category_start) - 1

    def sample(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A product (row position) of each given category, by popularity."""
        u = rng.random(len(category)) * (1 - 1e-9) + 1e-12
        return np.searchsorted(self.popularity_key, category + u, side="left")


def _counts(weights: np.ndarray) -> np.ndarray:
    raw = weights / weights.sum() * N_PRODUCTS
    counts = np.floor(raw).astype(int)
    counts[np.argsort(raw - counts)[::-1][: N_PRODUCTS - counts.sum()]] += 1
    return counts


def _tags(rng: np.random.Generator, brand: np.ndarray, uses: list[tuple[str, str]],
          category: np.ndarray) -> pd.Series:
    brand_tag = pd.Series(np.array([b.split()[-1].lower() for b in BRANDS])[brand],
                          dtype="string")
    main = np.array([u[0] for u in uses])[category]
    second = np.array([u[1] for u in uses])[category]
    extra = np.array(USES)[rng.integers(0, len(USES), len(category))]
    second = np.where(rng.random(len(category)) < 0.3, extra, second)
    second = np.where(second == main, np.array([u[1] for u in uses])[category], second)
    return ("brand:" + brand_tag + ",use:" + pd.Series(main, dtype="string")
            + ",use:" + pd.Series(second, dtype="string"))


def _prices(rng: np.random.Generator, category: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    typical = np.array([c[2] for c in CATEGORIES], dtype=float)[category]
    margin = np.array([c[3] for c in CATEGORIES])[category] * rng.uniform(0.7, 1.3,
                                                                           len(category))
    price = np.maximum(np.round(typical * rng.lognormal(0.0, 0.7, len(category)), 1), 0.5)
    cost = np.round(price * (1 - margin), 2)
    cost = np.where(rng.random(len(category)) < UNKNOWN_COST_SHARE, np.nan, cost)
    return price, cost


def build_catalogue(rng: np.random.Generator, first_id: int = 1) -> Catalogue:
    weights = np.array([c[4] for c in CATEGORIES], dtype=float)
    counts = _counts(weights)
    category = np.repeat(np.arange(len(CATEGORIES)), counts)
    start = np.concatenate([[0], np.cumsum(counts)])
    rank = np.arange(len(category)) - start[category] + 1
    items = np.array([c[6][i % len(c[6])] for c in CATEGORIES for i in range(8)])
    item = items[category * 8 + rng.integers(0, 8, len(category))]
    brand = rng.integers(0, len(BRANDS), len(category))
    sku = pd.Series([c[1] for c in CATEGORIES], dtype="string").iloc[category].reset_index(
        drop=True) + "-" + pd.Series(rank, dtype="string").str.zfill(4)
    name = (pd.Series(np.array(BRANDS)[brand], dtype="string") + " "
            + pd.Series(item, dtype="string") + " " + sku.str[:1] + pd.Series(
                rank * 7 + 100, dtype="string"))
    price, cost = _prices(rng, category)
    popularity = 1.0 / (rng.random(len(category)) * counts[category] + 1.0) ** 1.1
    grouped = pd.Series(popularity).groupby(category)
    within = grouped.cumsum() / grouped.transform("sum")
    products = pd.DataFrame({
        "id": np.arange(first_id, first_id + len(category)),
        "sku": sku,
        "name": name,
        "category": pd.Series([c[0] for c in CATEGORIES], dtype="string").iloc[
            category].reset_index(drop=True),
        "tags": _tags(rng, brand, [c[5] for c in CATEGORIES], category),
        "unit_cost": cost,
        "list_price": price,
    })
    return Catalogue(products, category, start, category + within.to_numpy(),
                     weights / weights.sum())
