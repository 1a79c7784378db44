"""Coverage-guided fuzzing of the import parser (``parse_upload``) with Atheris (libFuzzer).

    python benchmarks/fuzz_parse_upload.py [-runs=1000000] [-max_total_time=3600] [corpus ...]

Each input picks a file name (CSV, TSV, XLSX, Parquet, none) and an import kind from its first
byte and hands the rest to ``dashboard.ingest.run.parse_upload`` as the file's bytes. The parser
may refuse a file only with ``ImportValidationError``; any other exception is a crash (libFuzzer
saves the input as ``crash-*`` and stops), and an input that takes longer than ``-timeout``
seconds (2 by default) is a hang. A seed corpus of real files (a CSV of orders, an XLSX of
customers, a CSV of targets) starts the search. libFuzzer's options pass through: ``-runs``
bounds the executions (the test suite runs 2,000), ``-max_total_time`` the seconds (the
nightly run: 1,000,000 executions or an hour). Reliability test 28.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["dashboard.ingest"]):
    from dashboard.ingest.errors import ImportValidationError
    from dashboard.ingest.run import parse_upload

NAMES = ("upload.csv", "upload.tsv", "upload.txt", "upload.xlsx", "upload.parquet", "upload")
KINDS = ("orders", "customers", "products", "targets")


def one_input(data: bytes) -> None:
    if not data:
        return
    choice, body = data[0], data[1:]
    name, kind = NAMES[choice % len(NAMES)], KINDS[(choice // len(NAMES)) % len(KINDS)]
    try:
        checked = parse_upload(body, name, kind, max_bytes=1 << 20)
    except ImportValidationError:
        return
    if checked.rows_accepted + checked.rows_rejected != checked.rows_read:
        raise AssertionError(f"rows do not add up: {checked.rows_accepted} + "
                             f"{checked.rows_rejected} != {checked.rows_read}")


def seeds(folder: Path) -> None:
    """Real files of each kind, each with its leading name/kind byte."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in (["customer", "customer_name", "region"], ["C1", "甲商行", "North"],
                ["C2", "Beta Ltd", ""]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    files = {
        "orders.csv": bytes([0]) + b"order_id,customer,order_date,product,quantity,unit_price\n"
                      b"SO-1,C1,2026-03-01,P1,2,9.50\nSO-1,C1,2026-03-01,P2,-1,3\n\n"
                      b"SO-2,,2026-03-02,P1,1,\"1,234.5\"\n",
        "customers.xlsx": bytes([3 + len(NAMES)]) + buffer.getvalue(),
        "targets.csv": bytes([0 + 3 * len(NAMES)]) + "customer;month;target\r\nC1;2026-03;1000"
                       "\r\nC1;2026年4月;2000\r\n".encode("utf-8-sig"),
    }
    for name, body in files.items():
        (folder / name).write_bytes(body)


def main() -> None:
    args = list(sys.argv)
    corpus = [a for a in args[1:] if not a.startswith("-")]
    if not corpus:
        folder = Path(tempfile.mkdtemp(prefix="parse-upload-corpus-"))
        seeds(folder)
        args.append(str(folder))
    if not any(a.startswith("-timeout=") for a in args):
        args.append("-timeout=2")
    if not any(a.startswith("-rss_limit_mb=") for a in args):
        args.append("-rss_limit_mb=2048")
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
