"""The distributor's sales organisation: three regional teams of four account managers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo import names


def rep_rows() -> pd.DataFrame:
    """``name``, ``team``, ``slot`` (place in the team; 0 manages the distributors),
    ``phone`` and ``email`` of every rep, in a fixed order."""
    rows = []
    for team_no, ((team, _regions), reps) in enumerate(zip(names.TEAMS, names.REPS,
                                                           strict=True)):
        for slot, (name, mail) in enumerate(reps):
            number = f"1000000{team_no}{slot:03d}"
            rows.append((name, team, slot, number, names.rep_email(mail)))
    return pd.DataFrame(rows, columns=["name", "team", "slot", "phone", "email"])


def rep_grid(reps: pd.DataFrame) -> np.ndarray:
    """``grid[team, slot]`` = rep id, teams in :data:`names.TEAMS` order."""
    team_no = reps["team"].map({t: i for i, (t, _r) in enumerate(names.TEAMS)}).to_numpy()
    grid = np.zeros((len(names.TEAMS), int(reps["slot"].max()) + 1), dtype=np.int64)
    grid[team_no, reps["slot"].to_numpy()] = reps["id"].to_numpy()
    return grid
