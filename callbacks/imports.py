"""The Import page: the upload (kept under the data folder), the columns proposed from the
headers, the check on every change of the mapping (the importer's dry run), the import button
that says why it cannot be pressed, and the import as a background job with progress and
cancel; each step one call to ``dashboard.services.imports`` (owners and managers; a rep is
refused and audited there)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, decode_upload, error_text
from dashboard.errors import CockpitError
from dashboard.i18n import _, use_language
from dashboard.ingest import ImportValidationError
from dashboard.services import imports as service
from layouts import ids
from layouts.import_parts import (
    cancelled,
    checked_summary,
    file_text,
    mapping_form,
    mapping_of,
    preview_table,
    problem,
    problems,
    stage_words,
    start_state,
    summary,
)


def _kept(stored: Any) -> tuple[str, str] | None:
    if not isinstance(stored, dict) or not stored.get("token"):
        return None
    return str(stored["token"]), str(stored.get("filename") or "upload")


FILE_OUTPUTS = {
    "file": Output(ids.IMPORT_FILE, "data"),
    "text": Output(ids.IMPORT_FILE_TEXT, "children"),
    "mapping": Output(ids.IMPORT_MAPPING, "children"),
    "preview": Output(ids.IMPORT_PREVIEW, "children", allow_duplicate=True),
    "problems": Output(ids.IMPORT_PROBLEMS, "children", allow_duplicate=True),
    "checked": Output(ids.IMPORT_CHECKED, "data", allow_duplicate=True),
    "result": Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
}


@callback(Input(ids.IMPORT_UPLOAD, "contents"), Input(ids.IMPORT_KIND, "value"),
          State(ids.IMPORT_UPLOAD, "filename"), State(ids.IMPORT_FILE, "data"),
          output=FILE_OUTPUTS, prevent_initial_call=True)
def receive_import_file(contents: str | None, kind: str | None, filename: str | None,
                        stored: Any) -> dict[str, Any]:
    """A new file is kept and its columns proposed; a new kind proposes them again."""
    runtime, actor, kind = current_runtime(), current_actor(), str(kind or "orders")
    cleared = {"preview": None, "problems": None, "checked": None, "result": None}
    kept = _kept(stored)
    if ctx.triggered_id == ids.IMPORT_UPLOAD or kept is None:
        data = decode_upload(contents)
        if data is None:
            return {**cleared, "file": None, "text": problem(_("The file could not be read.")),
                    "mapping": None}
        try:
            upload = service.save_upload(runtime, actor, data, str(filename or "upload"),
                                         kind)
        except ImportValidationError as exc:
            return {**cleared, "file": None, "text": problem(str(exc)), "mapping": None}
        if kept is not None:
            service.discard_upload(runtime, actor, *kept)
        stored = {"token": upload.token, "filename": upload.filename, "size": upload.size}
        kept = upload.token, upload.filename
    try:
        check = service.check_upload(runtime, actor, *kept, kind, dry_run=False)
    except CockpitError as exc:
        return {**cleared, "file": None, "text": problem(error_text(exc)), "mapping": None}
    if check.problem:
        return {**cleared, "file": stored, "text": problem(check.problem), "mapping": None,
                "checked": checked_summary(check)}
    return {**cleared, "file": stored, "mapping": mapping_form(check),
            "text": file_text(stored["filename"], int(stored.get("size") or 0))}


@callback(
    Output(ids.IMPORT_PREVIEW, "children"), Output(ids.IMPORT_PROBLEMS, "children"),
    Output(ids.IMPORT_CHECKED, "data"),
    Input({"type": ids.IMPORT_FIELD, "index": ALL}, "value"),
    State(ids.IMPORT_FILE, "data"), State(ids.IMPORT_KIND, "value"),
    prevent_initial_call=True)
def check_import_file(_values: list[Any], stored: Any, kind: str | None) -> tuple:
    """The importer's dry run with the mapping as the dropdowns show it."""
    kept = _kept(stored)
    if kept is None:
        return no_update, no_update, no_update
    mapping = mapping_of(ctx.inputs_list[0] if ctx.inputs_list else [])
    check = service.check_upload(current_runtime(), current_actor(), *kept,
                                 str(kind or "orders"), mapping)
    if check.problem:
        return (preview_table(check), problem(check.problem), checked_summary(check))
    return preview_table(check), problems(check.report), checked_summary(check)


@callback(Output(ids.IMPORT_START, "disabled"), Output(ids.IMPORT_WHY, "children"),
          Input(ids.IMPORT_CHECKED, "data"), Input(ids.IMPORT_SKIP_BAD, "value"))
def update_import_button(checked: Any, skip_bad: Any) -> tuple[bool, str]:
    """The button greys out only with the reason next to it."""
    return start_state(checked if isinstance(checked, dict) else None, bool(skip_bad))


@callback(
    Output(ids.IMPORT_RESULT, "children"),
    Input(ids.IMPORT_START, "n_clicks"),
    State(ids.IMPORT_FILE, "data"), State(ids.IMPORT_KIND, "value"),
    State({"type": ids.IMPORT_FIELD, "index": ALL}, "value"),
    State(ids.IMPORT_SKIP_BAD, "value"), State(ids.IMPORT_QUERY, "data"),
    background=True, prevent_initial_call=True,
    progress=[Output(ids.IMPORT_PROGRESS, "value"), Output(ids.IMPORT_PROGRESS, "label")],
    running=[(Output(ids.IMPORT_START, "disabled"), True, False),
             (Output(ids.IMPORT_CANCEL, "className"), "", "d-none")],
    cancel=[Input(ids.IMPORT_CANCEL, "n_clicks")],
)
def run_import_job(set_progress: Any, clicks: Any, stored: Any, kind: str | None,
                   _values: list[Any], skip_bad: Any, query: Any) -> Any:
    """The background job: the same importer as ``cockpit import``, then the recompute;
    the progress bar follows its stages."""
    kept = _kept(stored)
    if not clicks or kept is None:
        return no_update
    kind = str(kind or "orders")
    language = str((query or {}).get("language") or "en") if isinstance(query, dict) else "en"
    states = ctx.states_list[2] if len(ctx.states_list) > 2 else []
    mapping = mapping_of(states)
    runtime = current_runtime()
    # a job process forked from the server must not share the server's pooled connections
    # (PostgreSQL drops a connection two processes talk on); the parent keeps its own
    runtime.engine.dispose(close=False)
    with use_language(language):
        def step(stage: str) -> None:
            share = service.stage_share(kind, stage)
            set_progress((share, f"{share}% · {stage_words(stage)}"))

        try:
            outcome = service.import_upload(runtime, current_actor(), *kept, kind,
                                            mapping, skip_bad=bool(skip_bad), progress=step)
        except service.ImportCancelled:
            return cancelled()
        except ImportValidationError as exc:
            return problem(str(exc))
        except CockpitError as exc:
            return problem(error_text(exc))
        set_progress((100, "100%"))
        return summary(outcome.report)


@callback(Output(ids.IMPORT_WHY, "children", allow_duplicate=True),
          Input(ids.IMPORT_CANCEL, "n_clicks"), State(ids.IMPORT_FILE, "data"),
          prevent_initial_call=True)
def cancel_import(clicks: Any, stored: Any) -> Any:
    """Stop the running import before it commits (nothing is written)."""
    kept = _kept(stored)
    if not clicks or kept is None:
        return no_update
    service.cancel_upload(current_runtime(), current_actor(), *kept)
    return _("Cancelling: nothing of this file is written.")
