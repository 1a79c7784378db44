"""What the importer reports when a file or a row cannot be imported."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ingest.reasons import reason_key


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: ``row`` as a spreadsheet shows it (the header is row 1),
    ``column`` as the file names it, the ``value`` found and the ``reason`` in plain words."""

    row: int
    column: str
    value: str
    reason: str

    @property
    def reason_key(self) -> tuple[str, dict[str, str]] | None:
        """The reason as a key of ``dashboard.ingest.reasons.REASONS`` and its values (for
        wording it in the reader's language); None for a reason not declared there."""
        return reason_key(self.reason)

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}" + (f" (found {shown!r})" if shown else "")


class ImportValidationError(Exception):
    """The file as a whole cannot be imported (unreadable, unsafe, too large, wrong
    columns). Nothing has been written. ``code`` is a short machine-readable cause."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
