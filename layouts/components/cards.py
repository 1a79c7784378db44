"""KPI cards with their previous period and a coloured ▲▼ delta, and the panels that frame
the cockpit's charts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard.i18n import _, format_percent
from layouts.components.states import skeleton


@dataclass(frozen=True)
class Delta:
    """A change in per cent, and whether going up is good news for this figure."""

    change_pct: float | None
    up_is_good: bool = True

    @property
    def direction(self) -> str:
        """``up``, ``down`` or ``flat`` (no change, or no previous value)."""
        value = self.change_pct
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "flat"
        if round(value) == 0:
            return "flat"
        return "up" if value > 0 else "down"

    @property
    def tone(self) -> str:
        """``good``, ``bad`` or ``flat``: green, red or grey."""
        direction = self.direction
        if direction == "flat":
            return "flat"
        return "good" if (direction == "up") == self.up_is_good else "bad"


def delta_text(delta: Delta) -> html.Span:
    """``▲ 8%`` in green or red by whether the change is good news; ``new`` when there was
    nothing before; ``±0%`` when nothing changed."""
    value = delta.change_pct
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing:
        return html.Span(_("no earlier value"), className="delta delta-flat")
    arrow = {"up": "▲", "down": "▼", "flat": "="}[delta.direction]
    words = {"good": _("better than the previous period"),
             "bad": _("worse than the previous period"),
             "flat": _("about the same as the previous period")}[delta.tone]
    return html.Span([html.Span(arrow, **{"aria-hidden": "true"}), " ",
                      format_percent(abs(value))],
                     className=f"delta delta-{delta.tone}", title=words,
                     **{"aria-label": f"{format_percent(value, signed=True)}, {words}"})


def kpi_card(label: str, value: str, *, previous: str | None = None,
             delta: Delta | None = None, href: str | None = None, accent: str | None = None,
             card_id: str | None = None, hint: str | None = None) -> html.Div:
    """A KPI card: label, value (a link when ``href``), the previous period and the delta."""
    shown: Any = dcc.Link(value, href=href, className="kpi-value") if href else html.Div(
        value, className="kpi-value")
    footer = []
    if delta is not None:
        footer.append(delta_text(delta))
    if previous is not None:
        footer.append(html.Span([" ", _("prev. {value}", value=previous)]))
    parts = [html.Div(label, className="kpi-label", title=hint or label), shown,
             html.Div(footer, className="kpi-previous")]
    if accent:
        parts.insert(0, html.Span(className="kpi-accent", style={"background": accent}))
    attributes = {"id": card_id} if card_id else {}
    return html.Div(parts, className="kpi-card", **attributes)


def kpi_skeleton() -> html.Div:
    return html.Div(skeleton(3), className="kpi-card")


def panel(title: str, body: Any, *, note: Any = None, footer: Any = None,
          panel_id: str | None = None) -> html.Section:
    """A white card with a heading (and a short note on the right)."""
    header = html.Div([html.H2(title), html.Div(note, className="panel-note") if note
                       else None], className="panel-header")
    attributes = {"id": panel_id} if panel_id else {}
    return html.Section([header, html.Div(body, className="panel-body"),
                         footer], className="panel", **attributes)


__all__ = ["Delta", "delta_text", "kpi_card", "kpi_skeleton", "panel"]
