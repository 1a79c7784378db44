"""The import use case: read, map, check, then write everything in one transaction.

``parse_upload`` is the pure part (bytes in, checked rows out) shared by the CLI, the web
upload's preview and the fuzzers; ``run_import`` adds the database. Strict by default: one bad
row and nothing is written; ``skip_bad`` writes the good rows and reports the rest; ``dry_run``
writes nothing at all. The importer reads and writes only: the recompute that follows an
import is the service use case ``dashboard.services.imports.import_file``. A crash or a kill mid-import leaves the database as it was, because the
whole write is one transaction.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.data import ingest as store
from dashboard.data.audit import insert_audit
from dashboard.data.campaigns import match_redemptions
from dashboard.data.ingest_orders import OrderWrite, write_orders
from dashboard.data.rollups import rebuild_rollups, refresh_rollups
from dashboard.db import bump_data_version, session_scope
from dashboard.ingest import tables
from dashboard.ingest.errors import ImportValidationError, RowError
from dashboard.ingest.mapping import resolve_columns
from dashboard.ingest.orders import build_order_tables, check_orders
from dashboard.ingest.readers import read_table
from dashboard.ingest.report import ImportReport
from dashboard.ingest.validate import Checked, check_master, unknown_customers
from dashboard.scope import Actor

Progress = Callable[[str], None]
REBUILD_SHARE = 3  # rebuild the rollup when the touched pairs are a third of its rows or more

STAGES: dict[str, tuple[str, ...]] = {
    "orders": ("read", "check", "customers", "products", "orders", "rollups"),
    "customers": ("read", "check", "customers"),
    "products": ("read", "check", "products"),
    "targets": ("read", "check", "targets"),
}


@dataclass(frozen=True)
class ImportOptions:
    mapping: dict[str, str] = field(default_factory=dict)
    skip_bad: bool = False
    dry_run: bool = False
    encoding: str | None = None
    sheet: str | None = None
    #: ``mapping`` is complete: no other column is taken by its name (the web import)
    exact_mapping: bool = False


def max_upload_bytes(settings) -> int:  # noqa: ANN001
    """The web upload's size limit (``COCKPIT_MAX_UPLOAD_MB``)."""
    return int(settings.max_upload_mb) * 1024 * 1024


def parse_upload(data: bytes, filename: str, kind: str, *, mapping: dict[str, str] | None = None,
                 encoding: str | None = None, sheet: str | None = None,
                 max_bytes: int | None = None, exact: bool = False) -> Checked:
    """Read and check a file's rows without touching the database. Raises only
    :class:`ImportValidationError` (for the file as a whole); bad rows are in ``errors``."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportValidationError(
            f"The file is {len(data) / 1048576:.1f} MB; the largest accepted is "
            f"{max_bytes / 1048576:.0f} MB.", code="too_large")
    raw = read_table(data, filename, encoding=encoding, sheet=sheet)
    columns = resolve_columns(kind, raw.headers, mapping, exact=exact)
    if raw.data_rows == 0:
        raise ImportValidationError("The file has a header but no data rows.", code="empty")
    if kind == "orders":
        frame, log = check_orders(raw, columns)
    else:
        frame, log = check_master(kind, raw, columns)
    return Checked(kind, columns, frame, log.frame(), raw.blank_lines, raw.format,
                   raw.encoding)


def _report(checked: Checked, filename: str, options: ImportOptions,
            started: float) -> ImportReport:
    good = checked.good()
    orders = checked.kind == "orders"
    returns = identical = split = 0
    if orders:
        sign = good["quantity"] if checked.mode == "line" else good["amount"]
        returns = int((sign < 0).sum())
        identical = int(good["identical"].sum()) if "identical" in good else 0
        if "split_from" in good:
            split = int(good.loc[good["split_from"] != "", "split_from"].nunique())
    return ImportReport(
        kind=checked.kind, filename=filename, file_format=checked.file_format,
        encoding=checked.encoding, mode=checked.mode, dry_run=options.dry_run,
        skip_bad=options.skip_bad, rows_read=checked.rows_read,
        rows_accepted=checked.rows_accepted, rows_rejected=checked.rows_rejected,
        blank_lines=checked.blank_lines,
        anonymous_rows=int((good["customer"] == "").sum()) if orders else 0,
        return_rows=returns, identical_rows=identical,
        split_orders=split, started=started,
        errors=[RowError(int(r.row), str(r.column), str(r.value), str(r.reason))
                for r in checked.errors.itertuples(index=False)],
        mapping=dict(checked.columns.names), ignored_columns=list(checked.columns.ignored),
    )


def run_import(engine: Engine, kind: str, source: bytes | Path, *, filename: str | None = None,
               options: ImportOptions | None = None, actor: Actor | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Import one file. File-level problems raise :class:`ImportValidationError`; row
    problems come back in the report (and, in strict mode, nothing is written)."""
    options = options or ImportOptions()
    actor = actor or Actor.system()
    step = progress or (lambda _stage: None)
    started = time.perf_counter()
    step("read")
    data = source.read_bytes() if isinstance(source, Path) else source
    name = filename or (source.name if isinstance(source, Path) else "upload")
    checked = parse_upload(data, name, kind, mapping=options.mapping,
                           encoding=options.encoding, sheet=options.sheet,
                           exact=options.exact_mapping)
    step("check")
    if kind == "targets":
        with session_scope(engine) as session:
            known = store.get_known_customer_codes(session, checked.frame["customer"])
        checked = checked.with_errors(unknown_customers(checked, known))
    report = _report(checked, name, options, started)
    if options.dry_run or (report.errors and not options.skip_bad):
        report.status = "preview" if options.dry_run else "rejected"
    else:
        try:
            _write(engine, checked, report, data, actor, step)
        except IntegrityError as exc:
            raise ImportValidationError(
                "Another import or edit changed the same orders, customers or products at the "
                "same time; nothing was written. Run the import again.", code="conflict",
            ) from exc
    # the time of the rows and rollups; the caller completes it with report.finish() after
    # what else the user waits for (the recompute that follows an import)
    report.finish()
    return report


def _write(engine: Engine, checked: Checked, report: ImportReport, data: bytes, actor: Actor,
           step: Progress) -> None:
    with session_scope(engine, write=True) as session, store.bulk_tuning(session):
        batch_id = store.create_batch(session, kind=checked.kind, filename=report.filename,
                                      sha256=hashlib.sha256(data).hexdigest(),
                                      user_id=actor.user_id)
        changed = WRITERS[checked.kind](session, checked, report, batch_id, step)
        report.rows_written = report.rows_accepted
        if not changed:
            store.delete_batch(session, batch_id)
            report.status = "unchanged"
            return
        report.status, report.batch_id = "imported", batch_id
        store.finish_batch(session, batch_id, status="imported", rows_read=report.rows_read,
                           rows_written=report.rows_written, rows_skipped=report.rows_skipped,
                           anonymous_rows=report.anonymous_rows, return_rows=report.return_rows)
        bump_data_version(session)
        insert_audit(session, actor, "import", object_type="import_batch", object_id=batch_id,
                     detail=report.audit_detail())


def _count(report: ImportReport, what: str, created: int, updated: int = 0) -> bool:
    report.created[what] = created
    report.updated[what] = updated
    return bool(created or updated)


def _write_orders(session: Session, checked: Checked, report: ImportReport, batch_id: int,
                  step: Progress) -> bool:
    found = build_order_tables(checked)
    step("customers")
    changed = _count(report, "reps", store.upsert_reps(session, found.reps))
    changed |= _count(report, "customers",
                      *store.upsert_customers(session, found.customers, fill_only=True))
    step("products")
    changed |= _count(report, "products",
                      *store.upsert_products(session, found.products, fill_only=True))
    step("orders")
    written = write_orders(session, found.orders, found.lines, batch_id=batch_id,
                           rebuild_at=_rebuild_at(store.count_rollup_rows(session)))
    _count(report, "orders", written.orders_created, written.orders_updated)
    _count(report, "lines", written.lines_created, written.lines_updated)
    report.deleted["lines"] = written.lines_deleted
    step("rollups")
    if written.changed:
        update_rollups(session, written)
        match_redemptions(session)
    return changed or written.changed


def _rebuild_at(rollup_rows: int) -> int:
    """How many touched pairs make a rebuild of the rollup: a ``REBUILD_SHARE``-th of its
    rows (0 into an empty rollup)."""
    if rollup_rows and not REBUILD_SHARE:
        return sys.maxsize
    return -(-rollup_rows // REBUILD_SHARE) if rollup_rows else 0


def update_rollups(session: Session, written: OrderWrite) -> None:
    """Refresh the rollup rows of the touched (customer, day) pairs, or rebuild the whole
    rollup when they are a large part of it (``write_orders`` decides, with ``rebuild_at``):
    measured, a rebuild costs about as much as refreshing a third of the rows one key at a
    time (both give the same rows)."""
    if written.rebuild:
        rebuild_rollups(session)
    else:
        refresh_rollups(session, written.touched)


def _write_customers(session: Session, checked: Checked, report: ImportReport, _batch: int,
                     step: Progress) -> bool:
    frame = tables.customer_table(checked)
    step("customers")
    changed = _count(report, "reps", store.upsert_reps(session, tables.rep_names(frame)))
    return _count(report, "customers", *store.upsert_customers(session, frame,
                                                                fill_only=False)) or changed


def _write_products(session: Session, checked: Checked, report: ImportReport, _batch: int,
                    step: Progress) -> bool:
    step("products")
    frame = tables.product_table(checked)
    return _count(report, "products", *store.upsert_products(session, frame, fill_only=False))


def _write_targets(session: Session, checked: Checked, report: ImportReport, _batch: int,
                   step: Progress) -> bool:
    step("targets")
    return _count(report, "targets", *store.upsert_targets(session,
                                                           tables.target_table(checked)))


WRITERS = {"orders": _write_orders, "customers": _write_customers,
           "products": _write_products, "targets": _write_targets}
