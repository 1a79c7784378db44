"""The server's process tunes its garbage collector once the app is built (``app.server``,
as gunicorn loads it): what exists is frozen, young objects are collected in larger steps."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_loading_the_server_settles_the_collector(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(COCKPIT_DATA_DIR=str(tmp_path), COCKPIT_REDIS_URL="",
               COCKPIT_SCHEDULER="off", COCKPIT_SECRET_KEY=secrets.token_urlsafe(48))
    script = ("import gc; before = gc.get_threshold()[0]; import app; app.server; "
              "print(before, gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    from app import YOUNG_OBJECTS

    assert done.stdout.split() == ["700", str(YOUNG_OBJECTS), "True"]


def test_building_an_app_in_a_process_leaves_the_collector_alone() -> None:
    """Tests and tools that call ``create_app`` keep Python's defaults."""
    import gc

    from app import create_app  # noqa: F401 - importing builds nothing

    assert gc.get_freeze_count() == 0
