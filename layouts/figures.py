"""Colours and the one plotly template of the cockpit (DataFrame → figure helpers live here).

One colour per status and per tier, the same in every chart, badge, list and PDF; the CSS
variables in ``assets/cockpit.css`` repeat these values (a test keeps them equal). Red is
kept for what needs attention (lost customers, tiers moving down), never for decoration.
Tiers are one sequential scale, darkest for A. Figures use ``plotly.graph_objects`` only
(``plotly.express`` costs tens of milliseconds per figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

STATUS_COLOURS = {
    "active": "#1a7f4b",
    "churning": "#b45309",
    "lost": "#c62828",
    "never": "#6c757d",
    "new": "#0277bd",
    "once": "#6a1b9a",
}
TIER_COLOURS = {"A": "#1a237e", "B": "#3949ab", "C": "#9fa8da", "D": "#dee2e6"}
MOVE_COLOURS = {"up": "#1a7f4b", "down": "#c62828", "same": "#546e7a", "new": "#0277bd"}
TEXT_DARK = "#212529"
TEXT_LIGHT = "#ffffff"
GOOD, BAD, NEUTRAL = "#1a7f4b", "#c62828", "#6c757d"
FONT_FAMILY = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
               '"Noto Sans CJK SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
               "sans-serif")


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return TEXT_LIGHT if contrast(background, TEXT_LIGHT) >= contrast(background, TEXT_DARK) \
        else TEXT_DARK


TEMPLATE = go.layout.Template(layout=go.Layout(
    font={"family": FONT_FAMILY, "size": 13, "color": TEXT_DARK},
    colorway=[TIER_COLOURS[t] for t in "ABC"] + [STATUS_COLOURS["new"], NEUTRAL],
    paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    margin={"l": 40, "r": 10, "t": 10, "b": 30},
    xaxis={"gridcolor": "#e9ecef", "zerolinecolor": "#ced4da", "automargin": True},
    yaxis={"gridcolor": "#e9ecef", "zerolinecolor": "#ced4da", "automargin": True},
    legend={"orientation": "h", "y": -0.2},
    hoverlabel={"font": {"family": FONT_FAMILY}},
))


# the template as plain values: a figure copies it, and copying the object validates it again
_TEMPLATE_VALUES = TEMPLATE.to_plotly_json()


def new_figure(height: int = 260) -> go.Figure:
    """An empty figure in the cockpit's template. Built without plotly's property checks
    (plotly's figure-level ``_validate`` flag): our charts' properties are fixed in code and
    drawn by every browser test, and the checks cost 2-8 ms a chart, a quarter of a
    portrait's server time. The browser receives the same figure."""
    return go.Figure(layout={"template": _TEMPLATE_VALUES, "height": height},
                     _validate=False)


def chart(traces: Sequence[dict[str, Any]], height: int = 260, **layout: Any) -> go.Figure:
    """A figure in the cockpit's template from its traces (``{"type": "bar", ...}``) and
    layout, built in one step: the same figure as :func:`new_figure` followed by
    ``add_trace`` and ``update_layout`` calls, at a fifteenth of the cost (each of those calls
    walks plotly's object tree; a portrait draws four charts)."""
    return go.Figure({"data": [dict(t) for t in traces],
                      "layout": {"template": _TEMPLATE_VALUES, "height": height, **layout}},
                     _validate=False)


def bar_figure(labels: Sequence[str], values: Sequence[float], colours: Sequence[str], *,
               horizontal: bool = True, text: Sequence[str] | None = None,
               height: int = 260) -> go.Figure:
    """One bar per label, each in its own colour (a status or tier chart)."""
    bar: dict[str, Any] = {"type": "bar", "x": list(values) if horizontal else list(labels),
                           "y": list(labels) if horizontal else list(values),
                           "orientation": "h" if horizontal else "v",
                           "marker": {"color": list(colours)}, "textposition": "auto"}
    if text is not None:
        bar.update(text=list(text), hoverinfo="skip")
    return chart([bar], height, **({"yaxis": {"autorange": "reversed"}} if horizontal else {}))


__all__ = ["BAD", "FONT_FAMILY", "GOOD", "MOVE_COLOURS", "NEUTRAL", "STATUS_COLOURS",
           "TEMPLATE", "TIER_COLOURS", "bar_figure", "chart", "contrast", "new_figure", "text_on"]
