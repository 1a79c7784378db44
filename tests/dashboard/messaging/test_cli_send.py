"""``cockpit send`` as a real process: one pass, and a worker stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dashboard.messaging.coupons import CouponTerms
from dashboard.runtime import Runtime
from dashboard.services.campaigns import queue_campaign
from tests.dashboard.messaging.helpers import outbox_rows, seed_org

ROOT = Path(__file__).resolve().parents[3]


def _env(engine, data_dir: Path) -> dict[str, str]:  # noqa: ANN001
    return {**os.environ, "COCKPIT_DATABASE_URL": engine.url.render_as_string(
        hide_password=False), "COCKPIT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "dashboard.cli", "send", *args]


def test_send_once_delivers_the_queue(engine, settings) -> None:  # noqa: ANN001
    org = seed_org(engine, per_rep=3)
    rt = Runtime(settings, engine)
    campaign = queue_campaign(rt, org.owner, "intent-cli-00001", org.customers[1],
                              CouponTerms("value", 5), "log").campaign_id
    queue_campaign(rt, org.owner, "intent-cli-00002", org.customers[2], CouponTerms("value", 5),
                   "log")
    done = subprocess.run(_command("--once", "--campaign", str(campaign)), cwd=ROOT,
                          env=_env(engine, settings.data_dir), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "sent 3, failed 0" in done.stdout
    lines = (settings.data_dir / "outbox.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all("CP-" in json.loads(x)["message"] for x in lines)
    assert [r.status for r in outbox_rows(engine)] == ["sent"] * 3 + ["pending"] * 3


def test_the_worker_stops_cleanly_on_sigterm(engine, settings) -> None:  # noqa: ANN001
    org = seed_org(engine, per_rep=3)
    queue_campaign(Runtime(settings, engine), org.owner, "intent-cli-00003", org.customers[1],
                   CouponTerms("value", 5), "log")
    worker = subprocess.Popen(_command("--interval", "0.2"), cwd=ROOT,
                              env=_env(engine, settings.data_dir), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and {r.status for r in outbox_rows(engine)} != {"sent"}:
        time.sleep(0.1)
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "Sending queued messages every 0.2 s" in out and "sent 3" in out
    assert {r.status for r in outbox_rows(engine)} == {"sent"}
