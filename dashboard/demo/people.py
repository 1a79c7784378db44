"""The distributor's sales organisation: three regional teams of four account managers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo import chinese, names


def rep_rows(language: str = "en") -> pd.DataFrame:
    """``name``, ``team``, ``team_no`` (place in :data:`names.TEAMS`), ``slot`` (place in the
    team; 0 manages the distributors), ``phone`` and ``email`` of every rep, in a fixed
    order; names in ``language``."""
    rows = []
    for team_no, ((team, _regions), reps) in enumerate(zip(names.TEAMS, names.REPS,
                                                           strict=True)):
        for slot, (name, mail) in enumerate(reps):
            number = f"1000000{team_no}{slot:03d}"
            rows.append((name, team, team_no, slot, number, names.rep_email(mail)))
    frame = pd.DataFrame(rows, columns=["name", "team", "team_no", "slot", "phone", "email"])
    return chinese.reps(frame) if language == "zh" else frame


def rep_grid(reps: pd.DataFrame) -> np.ndarray:
    """``grid[team, slot]`` = rep id, teams in :data:`names.TEAMS` order."""
    team_no = reps["team_no"].to_numpy()
    grid = np.zeros((len(names.TEAMS), int(reps["slot"].max()) + 1), dtype=np.int64)
    grid[team_no, reps["slot"].to_numpy()] = reps["id"].to_numpy()
    return grid
