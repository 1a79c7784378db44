"""The plain install (what ``./scripts/run`` installs, without the test extras) has everything the
app needs at start-up."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_background_callbacks_work_without_the_test_extras() -> None:
    # Dash's DiskcacheManager needs dash's `diskcache` extra (multiprocess, psutil); the test
    # extra pulls those in by chance, so only this check notices a plain install missing them.
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    dash = next(d for d in dependencies if d.startswith("dash[") or d.startswith("dash>"))
    assert "diskcache" in dash.split("]")[0], dash
