"""The global filter bar (as-of date, period, customer type, region, account manager), kept
in the address so that any view is a shareable link (``dashboard/filters.py``).

The bar lives in the shell; a page shows it by registering with ``filters=True``. Its options
come from ``dashboard.services.filters`` (only what the user may choose); the shell's
callbacks keep the bar and the address in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import _
from layouts import ids
from layouts.labels import customer_type_name, period_name

ALL = "__all__"  # the "all" choice of a select (an empty value would show the placeholder)
FOLDED, UNFOLDED = "filter-row", "filter-row filter-open"  # the controls on a phone
FOLD_BUTTON = "btn btn-outline-secondary btn-sm filter-fold-button"


def _field(label: str, control: Any, control_id: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control_id), control], className="filter-field")


def filter_bar(visible: bool = False) -> html.Div:
    """The bar's controls without options (the shell's callback fills them)."""
    controls = [
        _field(_("As of"), dbc.Input(id=ids.FILTER_AS_OF, type="date", debounce=600,
                                     size="sm"), ids.FILTER_AS_OF),
        _field(_("Period"), dbc.Select(id=ids.FILTER_PERIOD, options=[], size="sm"),
               ids.FILTER_PERIOD),
        _field(_("Type"), dbc.Select(id=ids.FILTER_TYPE, options=[], size="sm"),
               ids.FILTER_TYPE),
        _field(_("Region"), dbc.Select(id=ids.FILTER_REGION, options=[], size="sm"),
               ids.FILTER_REGION),
        _field(_("Account manager"), dbc.Select(id=ids.FILTER_MANAGER, options=[], size="sm"),
               ids.FILTER_MANAGER),
    ]
    # on a phone the controls fold behind one button (on wider screens the button is hidden
    # and the controls always show)
    fold = html.Button([html.I(className="bi bi-funnel me-1", **{"aria-hidden": "true"}),
                        _("Filters")], id=ids.FILTER_FOLD, n_clicks=0, type="button",
                       className=FOLD_BUTTON, **{"aria-controls": ids.FILTER_ROW})
    return html.Div(dbc.Container([fold, html.Div(controls, id=ids.FILTER_ROW,
                                                  className=FOLDED, role="search",
                                                  **{"aria-label": _("Filters")})],
                                  fluid=True),
                    id=ids.FILTER_BAR, className="filter-bar" if visible else
                    "filter-bar filter-hidden")


def period_options(periods: Iterable[str]) -> list[dict[str, str]]:
    return [{"label": period_name(p), "value": p} for p in periods]


def type_options(types: Iterable[str]) -> list[dict[str, str]]:
    return [{"label": _("All types"), "value": ALL},
            *({"label": customer_type_name(t), "value": t} for t in types)]


def region_options(regions: Iterable[str]) -> list[dict[str, str]]:
    return [{"label": _("All regions"), "value": ALL},
            *({"label": r, "value": r} for r in regions)]


def manager_options(reps: Iterable[tuple[int, str]], *, single: bool = False
                    ) -> list[dict[str, str]]:
    """Account managers by name; a rep (``single``) sees only themselves, as the only
    choice (which is "all" of what they may see)."""
    reps = list(reps)
    if single and len(reps) == 1:
        return [{"label": reps[0][1], "value": ALL}]
    return [{"label": _("All account managers"), "value": ALL},
            *({"label": name, "value": str(rep_id)} for rep_id, name in reps)]


def bar_state(bar: Any) -> dict[str, Any]:
    """The values and options the bar shows for a ``FilterBar`` of the filters service, by
    name (the keys of the shell callback's outputs)."""
    choices, filters = bar.choices, bar.filters
    single = len(choices.reps) == 1 and filters.rep_id in (None, choices.reps[0][0])
    manager = ALL if filters.rep_id is None or single else str(filters.rep_id)
    return {"as_of": filters.as_of.isoformat(), "as_of_max": choices.today.isoformat(),
            "period_options": period_options(choices.periods), "period": filters.period,
            "type_options": type_options(choices.customer_types),
            "type": filters.customer_type or ALL,
            "region_options": region_options(choices.regions), "region": filters.region or ALL,
            "manager_options": manager_options(choices.reps, single=single),
            "manager": manager}


__all__ = ["ALL", "FOLDED", "FOLD_BUTTON", "UNFOLDED", "bar_state", "filter_bar", "manager_options", "period_options",
           "region_options", "type_options"]
