"""What an import did, for the CLI's summary, the web preview and the audit log."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from dashboard.i18n import ngettext
from dashboard.ingest.errors import RowError

#: ``preview`` (dry run), ``rejected`` (strict mode found bad rows: nothing written),
#: ``imported``, ``unchanged`` (every row was already in the database as it is in the file).
STATUSES = ("preview", "rejected", "imported", "unchanged")


@dataclass
class ImportReport:
    kind: str
    filename: str
    file_format: str = ""
    encoding: str | None = None
    mode: str = ""
    dry_run: bool = False
    skip_bad: bool = False
    status: str = "preview"
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_written: int = 0
    blank_lines: int = 0
    anonymous_rows: int = 0
    return_rows: int = 0
    identical_rows: int = 0
    split_orders: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0
    #: ``time.perf_counter()`` when the user started the import; :meth:`finish` measures
    #: from it, so the time told is the time the user waited
    started: float = field(default_factory=time.perf_counter, repr=False)

    def finish(self) -> float:
        """Record the time from the start to now: call it when the last step the user waits
        for (the rollups, then the recompute that follows an import) is done; calling it again
        later extends the time."""
        self.seconds = time.perf_counter() - self.started
        return self.seconds

    @property
    def ok(self) -> bool:
        return self.status in ("preview", "imported", "unchanged") and (
            self.skip_bad or not self.errors)

    @property
    def rows_skipped(self) -> int:
        """Rejected rows left out by ``--skip-bad`` (0 when nothing was written)."""
        return self.rows_rejected if self.status in ("imported", "unchanged") else 0

    def audit_detail(self) -> dict[str, object]:
        """The counts recorded in the audit log and the import batch."""
        data = asdict(self)
        data.pop("errors")
        data.pop("started")
        data["error_count"] = len(self.errors)
        data["first_errors"] = [str(e) for e in self.errors[:20]]
        return data

    def summary_lines(self, *, max_errors: int = 20) -> list[str]:
        lines = [self._headline(), self._rows_line()]
        if self.identical_rows:
            lines.append(ngettext(
                "{n} row repeated an earlier row of its order exactly; it was kept as a line "
                "of its own.",
                "{n} rows repeated an earlier row of their order exactly; each was kept as a "
                "line of its own.", self.identical_rows))
        if self.split_orders:
            lines.append(ngettext(
                "{n} order number was used for several customers; its rows became one order "
                "per customer, numbered <order number>/<customer code>.",
                "{n} order numbers were used for several customers; their rows became one "
                "order per customer, numbered <order number>/<customer code>.",
                self.split_orders))
        if self.mapping:
            lines.append("Columns: " + ", ".join(f"{f} <- {c!r}" for f, c in
                                                 self.mapping.items()))
        if self.ignored_columns:
            lines.append("Ignored columns: " + ", ".join(repr(c) for c in
                                                         self.ignored_columns))
        changes = self._changes_line()
        if changes:
            lines.append(changes)
        if self.errors:
            lines.append(f"Rejected rows ({self.rows_rejected:,}), first problems:")
            lines += [f"  {e}" for e in self.errors[:max_errors]]
            if len(self.errors) > max_errors:
                lines.append(f"  ... and {len(self.errors) - max_errors:,} more problems")
        return lines

    def _headline(self) -> str:
        what = f"{self.kind} from {self.filename}"
        if self.file_format:
            what += f" ({self.file_format}" + (f", {self.encoding}" if self.encoding else "")
            what += f", {self.mode}-level rows)" if self.mode else ")"
        return {
            "preview": f"Preview of {what}: nothing was written.",
            "rejected": f"Import of {what} REJECTED: nothing was written. Fix the rows below "
                        "or import the good rows with --skip-bad.",
            "imported": f"Imported {what} in {self.seconds:.1f} s.",
            "unchanged": f"Imported {what}: the database already held this data, nothing "
                         "changed.",
        }[self.status]

    def _rows_line(self) -> str:
        text = (f"Rows: {self.rows_read:,} read, {self.rows_accepted:,} accepted, "
                f"{self.rows_rejected:,} rejected, {self.rows_written:,} written")
        extras = [f"{self.anonymous_rows:,} anonymous", f"{self.return_rows:,} returns"] \
            if self.kind == "orders" else []
        if self.blank_lines:
            extras.append(f"{self.blank_lines:,} blank lines skipped")
        return text + (f" ({', '.join(extras)})" if extras else "") + "."

    def _changes_line(self) -> str:
        parts = []
        for what in ("customers", "products", "reps", "orders", "lines", "targets"):
            counts = [f"{n:,} {label}" for label, n in (
                ("new", self.created.get(what, 0)), ("updated", self.updated.get(what, 0)),
                ("removed", self.deleted.get(what, 0))) if n]
            if counts:
                parts.append(f"{what} " + ", ".join(counts))
        return ("Changes: " + "; ".join(parts) + ".") if parts else ""
