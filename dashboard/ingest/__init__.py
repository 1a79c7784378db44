"""The importer: orders, customers, products and targets from CSV, XLSX or Parquet files.

``parse_upload`` reads and checks a file's bytes without a database (the web upload's
preview); ``run_import`` also writes, in one transaction. Modules: ``sniff`` (format and
encoding), ``readers``/``xlsx`` (files to a ``raw`` table of text cells), ``fields``/``mapping``
(columns to fields), ``values``/``validate``/``orders`` (checks), ``run`` (read, check and
write), ``report``. The recompute after an import is ``dashboard.services.imports``.
"""

from dashboard.ingest.errors import ImportValidationError, RowError
from dashboard.ingest.report import ImportReport
from dashboard.ingest.run import ImportOptions, max_upload_bytes, parse_upload, run_import

__all__ = ["ImportOptions", "ImportReport", "ImportValidationError", "RowError",
           "max_upload_bytes", "parse_upload", "run_import"]
