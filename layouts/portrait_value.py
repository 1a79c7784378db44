"""The portrait's "Value and headroom" card: gross margin and margin where unit costs are
known, the expected value of the next 90 days, the potential spend of similar customers and
the headroom left (SPEC "Discovery, cross-sell, headroom and margin"). Figures come from the
customer table row of the portrait (``view.figures``); nothing is computed here."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.i18n import _, format_money, format_percent
from layouts.components.cards import panel
from layouts.portrait_cards import _fact


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and \
        not pd.isna(value)


def value_card(view: Any) -> html.Section:
    row = view.figures or {}

    def money(name: str) -> str:
        return format_money(row.get(name), view.currency) if _known(row.get(name)) else "–"

    margin = row.get("gross_margin")
    facts = [
        _fact(_("Gross margin"), money("gross_margin") if _known(margin)
              else _("no unit costs known")),
        _fact(_("Margin"), format_percent(row.get("margin_pct"), 1)
              if _known(row.get("margin_pct")) else "–"),
        _fact(_("Expected value, next 90 days"), money("expected_value_next_90d")),
        _fact(_("Potential"), money("potential")),
        _fact(_("Headroom"), money("headroom")),
    ]
    note = _("Potential: what the top quarter of similar customers (same type and region, at "
             "least as many orders) spend in the period; headroom: the part this customer "
             "does not spend with us.")
    return panel(_("Value and headroom"), [html.Dl(facts, className="fact-grid"),
                                           html.P(note, className="small text-muted mb-0")])


__all__ = ["value_card"]
