"""``cockpit import``: a progress bar while it runs, then the summary (the import use case
``dashboard.services.imports.import_file``: the rows, then the recompute).

Exit codes: 0 imported (or previewed); 1 rows were rejected and nothing was written (strict
mode); 2 the file or the mapping cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from tqdm import tqdm

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.mapping import parse_map_options
from dashboard.ingest.run import STAGES, ImportOptions
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.imports import import_file

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


def run_import_command(runtime: Runtime, kind: str, path: Path, *, mappings: Sequence[str],
                       skip_bad: bool, encoding: str | None, sheet: str | None,
                       dry_run: bool, progress: bool = True) -> int:
    stages = STAGES[kind]
    # no monitor thread: the recompute computes month-ends in forked processes only when
    # this process runs no other thread (dashboard.services.recompute)
    tqdm.monitor_interval = 0
    bar = tqdm(total=len(stages), unit="step", disable=not progress, leave=False,
               bar_format="{desc:<12} {bar} {n_fmt}/{total_fmt} [{elapsed}]")
    seen: list[str] = []

    def step(stage: str) -> None:
        if seen:
            bar.update(1)
        seen.append(stage)
        bar.set_description_str(stage)

    try:
        options = ImportOptions(mapping=parse_map_options(mappings), skip_bad=skip_bad,
                                dry_run=dry_run, encoding=encoding, sheet=sheet)
        report = import_file(runtime, kind, path, options=options, actor=Actor.system("cli"),
                             progress=step).report
    except ImportValidationError as exc:
        bar.close()
        click.echo(f"Cannot import {path.name}: {exc}", err=True)
        return EXIT_UNUSABLE
    bar.update(len(stages) - bar.n)
    bar.close()
    for line in report.summary_lines():
        click.echo(line)
    return EXIT_REJECTED if report.status == "rejected" else EXIT_OK
