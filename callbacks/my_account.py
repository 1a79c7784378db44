"""Fills a customer's own page (``/my``) from one service call. Anyone but a customer's own
sign-in is refused by the service (audited); the shell shows the message."""

from __future__ import annotations

from typing import Any

from dash import Input, Output

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.services import my_account as service
from layouts import ids
from layouts.my_account_parts import (
    categories_card,
    header,
    kpis,
    monthly_card,
    suggestions_section,
    targets_card,
)

CARDS = {"header": (ids.MY_HEADER, header), "kpis": (ids.MY_KPIS, kpis),
         "monthly": (ids.MY_MONTHLY, monthly_card),
         "categories": (ids.MY_CATEGORIES, categories_card),
         "targets": (ids.MY_TARGETS, targets_card),
         "suggestions": (ids.MY_SUGGESTIONS, suggestions_section)}


@callback(output={name: Output(card, "children") for name, (card, _render) in CARDS.items()},
          inputs={"_request": Input(ids.MY_REQUEST, "data")})
def update_my_account(_request: int | None) -> dict[str, Any]:
    view = service.get_my_account(current_runtime(), current_actor())
    return {name: render(view) for name, (_card, render) in CARDS.items()}
