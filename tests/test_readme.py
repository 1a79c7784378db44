"""The README documents every setting, and its commands are the ones CI and users run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dashboard.config import SETTINGS, _env_name

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_setting_with_its_help() -> None:
    for setting in SETTINGS:
        assert f"`{_env_name(setting.name)}`" in README, setting.name
    check = subprocess.run([sys.executable, "scripts/settings_table.py", "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_readme_names_the_two_commands_ci_runs() -> None:
    assert "./scripts/run" in README and "./scripts/test" in README
    assert "exec ./scripts/test" in (ROOT / ".ci" / "run").read_text()
