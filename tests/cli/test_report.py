"""``cockpit report customer`` and ``cockpit report customers`` end to end: a PDF file whose
text names the customers asked for, a clear error for an unknown customer."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from tests.dashboard.services.list_world import build_list_world

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(data_dir),
            "COCKPIT_SECRET_KEY": "k" * 40}


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_report_commands_write_pdfs(runtime, database_url, tmp_path) -> None:  # noqa: ANN001
    build_list_world(runtime)
    env = _env(database_url, tmp_path / "data")
    one = tmp_path / "alpha.pdf"
    result = CliRunner().invoke(main, ["report", "customer", "A", "--as-of", "2026-11-22",
                                       "--language", "zh", "--out", str(one)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 customer(s)" in result.output
    text = _text(one)
    assert "Alpha" in text and "2026年11月22日" in text and "客户报告" in text

    batch = tmp_path / "churning.pdf"
    result = CliRunner().invoke(main, ["report", "customers", "--status", "churning",
                                       "--as-of", "2026-11-22", "--out", str(batch)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 customer(s)" in result.output
    text = _text(batch)
    assert "Epsilon" in text and "Alpha" not in text and "Nov 22, 2026" in text

    everyone = tmp_path / "all.pdf"
    result = CliRunner().invoke(main, ["report", "customers", "--limit", "4", "--as-of",
                                       "2026-11-22", "--out", str(everyone)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0 and "Wrote 4 customer(s)" in result.output
    zipped = tmp_path / "all.zip"
    result = CliRunner().invoke(main, ["report", "customers", "--limit", "3", "--zip",
                                       "--as-of", "2026-11-22", "--out", str(zipped)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0 and "Wrote 3 customer(s)" in result.output
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(n.endswith("-2026-11-22.pdf") for n in names)

    missing = CliRunner().invoke(main, ["report", "customer", "NOPE", "--out",
                                        str(tmp_path / "nope.pdf")], env=env)
    assert missing.exit_code == 1 and "NOPE" in missing.output
    assert not (tmp_path / "nope.pdf").exists()
    unbounded = CliRunner().invoke(main, ["report", "customers", "--out",
                                          str(tmp_path / "x.pdf")], env=env)
    assert unbounded.exit_code == 2 and "--status" in unbounded.output
