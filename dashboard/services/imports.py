"""The import use case: write a file's rows (``dashboard.ingest``), then record where every
customer now stands (``dashboard.services.recompute``).

``dashboard.ingest`` reads and writes only; everything that imports (``cockpit import``, the
targets upload, the ``/import`` page) comes through here, with the process's runtime, so the
recompute that follows uses the same settings, cache and snapshot folder as the import.

The browser import (owners and managers; every refusal audited) goes in three steps:
:func:`save_upload` keeps the file under the data folder (``uploads/``, the web size limit
``COCKPIT_MAX_UPLOAD_MB``), :func:`check_upload` proposes the column mapping from the headers
(the command line's synonyms) and runs the importer's dry run with the user's mapping (every
row problem with its row number, and the first rows), and :func:`import_upload` runs the same
importer as ``cockpit import`` with progress. The import is one transaction: a cancel
(:class:`ImportCancelled` from the ``cancelled`` check, or the job's process ended) before the
commit leaves the database as it was.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.data import ingest as store
from dashboard.data.targets import load_codes_in_scope
from dashboard.db import session_scope
from dashboard.errors import CockpitError, NotFound, ValidationError
from dashboard.ingest.errors import ImportValidationError, RowError
from dashboard.ingest.fields import ACCEPTED, KINDS, REQUIRED
from dashboard.ingest.mapping import propose_columns
from dashboard.ingest.readers import read_table
from dashboard.ingest.report import ImportReport
from dashboard.ingest.run import (
    STAGES,
    ImportOptions,
    Progress,
    max_upload_bytes,
    parse_upload,
    run_import,
)
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import require_role
from dashboard.services.audit import deny
from dashboard.services.recompute import RecomputeResult, run_recompute

log = logging.getLogger(__name__)
SKIPPED_KINDS = ("targets", "products")  # no figure depends on them


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    recompute: RecomputeResult | None  # None: nothing written, a skipped kind, or it failed


def import_file(runtime: Runtime, kind: str, source: bytes | Path, *,
                filename: str | None = None, options: ImportOptions | None = None,
                actor: Actor | None = None, progress: Progress | None = None) -> ImportOutcome:
    """Import one file (``dashboard.ingest.run_import``: file-level problems raise
    ``ImportValidationError``, row problems are in the report), then recompute when rows
    that figures depend on were written."""
    actor = actor or Actor.system()
    report = run_import(runtime.engine, kind, source, filename=filename, options=options,
                        actor=actor, progress=progress)
    recomputed = None
    if report.status == "imported" and kind not in SKIPPED_KINDS:
        recomputed = recompute_after_import(runtime, actor, kind)
        report.finish()  # the summary tells the time the user waited, recompute included
    return ImportOutcome(report, recomputed)


def recompute_after_import(runtime: Runtime, actor: Actor, kind: str) -> RecomputeResult | None:
    """The recompute at the end of an import (the import is committed already: a failure
    here is logged and leaves the memberships to the next run)."""
    try:
        return run_recompute(runtime, actor)
    except Exception:  # noqa: BLE001
        log.exception("recompute after the %s import failed", kind)
        return None


# --- the browser import -------------------------------------------------------------------------

IMPORTERS = ("owner", "manager")
UPLOAD_FOLDER = "uploads"
UPLOAD_HOURS = 24  # an upload nobody imported is removed after a day
PREVIEW_ROWS = 10
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: the reason a manager's row is refused for a customer outside the team
OUTSIDE = "customer outside your team"


class ImportCancelled(CockpitError):
    """The user cancelled the import before it was committed: nothing was written."""

    code = "import_cancelled"


@dataclass(frozen=True)
class Upload:
    """A file kept for the import: ``token`` names it (with its owner) under ``uploads/``."""

    token: str
    filename: str
    size: int


@dataclass
class ImportCheck:
    """What the page shows before the import: the file's headers, the fields of the kind
    (``required`` among them), the mapping (proposed or chosen), the first rows as text with
    their row numbers, and the importer's dry run (``None`` when the file as a whole cannot be
    imported: ``problem`` says why)."""

    kind: str
    filename: str
    headers: list[str]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    mapping: dict[str, str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    report: ImportReport | None = None
    problem: str = ""

    @property
    def importable(self) -> bool:
        return self.report is not None and self.report.rows_accepted > 0


def _folder(runtime: Runtime) -> Path:
    folder = Path(runtime.settings.data_dir) / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(filename: str) -> str:
    suffix = Path(str(filename)).suffix.lower()
    return suffix if suffix in SUFFIXES else ".bin"


def _path(runtime: Runtime, actor: Actor, token: str, filename: str) -> Path:
    """The kept file of ``token``: only its owner reaches it (another user's token, or a
    made-up one, is not found)."""
    if not _TOKEN.match(str(token or "")) or actor.user_id is None:
        raise NotFound("no such upload", code="upload_missing")
    path = _folder(runtime) / f"u{int(actor.user_id)}-{token}{_suffix(filename)}"
    if not path.is_file():
        raise NotFound("no such upload", code="upload_missing")
    return path


def _refuse_others(runtime: Runtime, actor: Actor, kind: str) -> None:
    with session_scope(runtime.engine) as session:
        require_role(session, actor, *IMPORTERS, object_type="import", object_id=kind)
    if kind not in KINDS:
        raise ValidationError(f"unknown import kind {kind!r}", code="import_kind")


def _sweep(folder: Path) -> None:
    limit = time.time() - UPLOAD_HOURS * 3600
    for old in folder.glob("u*-*"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:  # another process removed it first
            pass


def save_upload(runtime: Runtime, actor: Actor, data: bytes, filename: str,
                kind: str = "orders") -> Upload:
    """Keep an uploaded file for the check and the import (owners and managers; the web
    size limit). Uploads older than a day are removed on the way."""
    _refuse_others(runtime, actor, kind)
    limit = max_upload_bytes(runtime.settings)
    if len(data) > limit:
        raise ImportValidationError(
            f"The file is {len(data) / 1048576:.1f} MB; the largest accepted is "
            f"{limit / 1048576:.0f} MB.", code="too_large")
    folder = _folder(runtime)
    _sweep(folder)
    token = secrets.token_hex(16)
    name = Path(str(filename or "upload")).name[:200] or "upload"
    (folder / f"u{int(actor.user_id or 0)}-{token}{_suffix(name)}").write_bytes(data)
    return Upload(token, name, len(data))


def _flag(path: Path) -> Path:
    return path.with_name(path.name + ".cancel")


def cancel_upload(runtime: Runtime, actor: Actor, token: str, filename: str) -> None:
    """Ask the running import of this upload to stop before it commits (it checks at every
    stage; the job's process may also be ended: either way nothing is written)."""
    _flag(_path(runtime, actor, token, filename)).touch()


def discard_upload(runtime: Runtime, actor: Actor, token: str, filename: str) -> None:
    try:
        _path(runtime, actor, token, filename).unlink()
    except (NotFound, OSError):
        pass


def _chosen(kind: str, mapping: dict[str, str] | None) -> dict[str, str]:
    accepted = set(ACCEPTED[kind])
    return {f: str(c) for f, c in (mapping or {}).items() if f in accepted and c}


def _outside_rows(runtime: Runtime, actor: Actor, kind: str, data: bytes, filename: str,
                  mapping: dict[str, str]) -> list[RowError]:
    """A manager's rows naming a customer outside the team: for targets any customer the
    manager may not see (the targets page's rule: unknown or elsewhere alike), for orders
    and customers a code that exists outside the team (a new code is a new customer)."""
    if actor.scope_kind == "all" or kind == "products":
        return []
    checked = parse_upload(data, filename, kind, mapping=mapping, exact=True)
    rows = checked.frame[["row", "customer"]]
    codes = [c for c in rows["customer"].unique().tolist() if c]
    with session_scope(runtime.engine) as session:
        allowed = load_codes_in_scope(session, actor, codes)
        known = set(codes) if kind == "targets" else set(
            store.get_known_customer_codes(session, codes))
    outside = rows.loc[rows["customer"].isin(sorted(known - allowed))]
    column = checked.columns.names.get("customer", "customer")
    return [RowError(int(r.row), column, str(r.customer), OUTSIDE)
            for r in outside.itertuples()]


def _merge(report: ImportReport, extra: list[RowError]) -> ImportReport:
    if not extra:
        return report
    seen = {(e.row, e.column) for e in report.errors}
    report.errors = sorted([*report.errors, *(e for e in extra if (e.row, e.column)
                                              not in seen)], key=lambda e: (e.row, e.column))
    report.rows_rejected = len({e.row for e in report.errors})
    report.rows_accepted = report.rows_read - report.rows_rejected
    return report


def check_upload(runtime: Runtime, actor: Actor, token: str, filename: str, kind: str,
                 mapping: dict[str, str] | None = None, *, dry_run: bool = True) -> ImportCheck:
    """The mapping proposed from the headers (``mapping`` None) or the one chosen, the
    first rows, and (``dry_run``) the importer's dry run: nothing is written."""
    _refuse_others(runtime, actor, kind)
    data = _path(runtime, actor, token, filename).read_bytes()
    check = ImportCheck(kind, filename, [], ACCEPTED[kind], REQUIRED.get(kind, ()), {})
    try:
        raw = read_table(data, filename)
    except ImportValidationError as exc:
        check.problem = str(exc)
        return check
    check.headers = [h for h in raw.headers if h]
    check.mapping = propose_columns(kind, raw.headers) if mapping is None else _chosen(
        kind, mapping)
    head = raw.frame.head(PREVIEW_ROWS)
    check.rows = [["" if v is None else str(v) for v in row]
                  for row in head.itertuples(index=False)]
    check.row_numbers = [int(n) for n in raw.rows[:PREVIEW_ROWS]]
    if not dry_run:
        return check
    options = ImportOptions(mapping=check.mapping, dry_run=True, exact_mapping=True)
    try:
        report = run_import(runtime.engine, kind, data, filename=filename, options=options,
                            actor=actor)
        check.report = _merge(report, _outside_rows(runtime, actor, kind, data, filename,
                                                    check.mapping))
    except ImportValidationError as exc:
        check.problem = str(exc)
    return check


def import_upload(runtime: Runtime, actor: Actor, token: str, filename: str, kind: str,
                  mapping: dict[str, str] | None = None, *, skip_bad: bool = False,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ImportOutcome:
    """Import a kept file with the chosen mapping: the importer of ``cockpit import``
    (strict unless ``skip_bad``), then the recompute. A manager's file with a row outside
    the team is refused as a whole (audited). ``cancelled`` is asked at every stage: True
    before the commit raises :class:`ImportCancelled` and nothing is written."""
    _refuse_others(runtime, actor, kind)
    path = _path(runtime, actor, token, filename)
    data = path.read_bytes()
    chosen = _chosen(kind, mapping)
    outside = _outside_rows(runtime, actor, kind, data, filename, chosen)
    if outside:
        with session_scope(runtime.engine) as session:
            refusal = deny(session, actor, object_type="import", object_id=filename[:120],
                           reason=f"{len(outside)} row(s) outside scope {actor.scope_key}",
                           code="customer_denied",
                           detail={"kind": kind, "rows": [e.row for e in outside[:50]]})
        refusal.details = [", ".join(str(e.row) for e in outside[:20])]
        raise refusal
    told = progress or (lambda _stage: None)
    flag = _flag(path)
    flag.unlink(missing_ok=True)  # a cancel of an earlier run does not stop this one
    asked = cancelled or flag.exists

    def step(stage: str) -> None:
        if asked():
            raise ImportCancelled("the import was cancelled before it was written")
        told(stage)

    outcome = import_file(runtime, kind, data, filename=filename,
                          options=ImportOptions(mapping=chosen, skip_bad=skip_bad,
                                                        exact_mapping=True),
                          actor=actor, progress=step)
    if outcome.report.status in ("imported", "unchanged"):
        path.unlink(missing_ok=True)
    flag.unlink(missing_ok=True)
    return outcome


def stage_share(kind: str, stage: str) -> int:
    """How far an import of ``kind`` is when it reaches ``stage``, in percent."""
    stages = (*STAGES.get(kind, ()), "recompute")
    if stage not in stages:
        return 0
    return round(100 * stages.index(stage) / len(stages))


__all__ = ["IMPORTERS", "SKIPPED_KINDS", "ImportCancelled", "ImportCheck", "ImportOutcome",
           "Upload", "cancel_upload", "check_upload", "discard_upload", "import_file", "import_upload",
           "recompute_after_import", "save_upload", "stage_share"]
