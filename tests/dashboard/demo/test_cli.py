"""``cockpit demo`` as the README's run command uses it: messages, exit codes, no tracebacks."""

from __future__ import annotations

import re

from click.testing import CliRunner

from dashboard.cli import main


def _run(settings, *args: str):  # noqa: ANN001, ANN202
    env = {"COCKPIT_DATABASE_URL": settings.database_url.replace("+psycopg", ""),
           "COCKPIT_DATA_DIR": str(settings.data_dir), "COCKPIT_SECRET_KEY": settings.secret_key}
    return CliRunner().invoke(main, ["demo", *args], env=env, catch_exceptions=False)


def test_demo_command(settings) -> None:  # noqa: ANN001
    first = _run(settings, "--customers", "40", "--orders", "400", "--today", "2026-11-22")
    assert first.exit_code == 0, first.output
    assert "rows written" in first.output and "customers" in first.output

    again = _run(settings, "--if-empty")
    assert again.exit_code == 0
    assert again.output.startswith("The database already has data: the demo was not generated.")
    assert "cockpit user passwd owner" in again.output

    refused = _run(settings)
    assert refused.exit_code == 1
    assert "--replace" in refused.output and "Traceback" not in refused.output

    both = _run(settings, "--if-empty", "--replace")
    assert both.exit_code == 2 and "exclude each other" in both.output

    replaced = _run(settings, "--replace", "--customers", "30", "--orders", "300",
                    "--today", "2026-11-22")
    assert replaced.exit_code == 0, replaced.output
    assert "Emptied first:" in replaced.output
    assert re.search(r"^customers\s+30$", replaced.output, re.MULTILINE)


def test_bad_values_are_usage_errors(settings) -> None:  # noqa: ANN001
    assert _run(settings, "--customers", "3").exit_code == 2
    assert _run(settings, "--today", "22/11/2026").exit_code == 2
