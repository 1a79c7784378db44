"""A page-number bar in the reader's language.

Bootstrap's pagination (``dbc.Pagination``) writes its screen-reader words ("First",
"Previous", "(current)", "Next", "Last") in English, with no way to pass others; the bar is
drawn inside a frame that carries them from the catalogs, and ``assets/pager_words.js``
puts them in place.
"""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import N_, _

WORDS = {"First": N_("First page"), "Previous": N_("Previous page"),
         "(current)": N_("(current page)"), "Next": N_("Next page"), "Last": N_("Last page")}


def pager(**options: Any) -> html.Div:
    """``dbc.Pagination(**options)`` with its hidden words translated."""
    words = {english: _(text) for english, text in WORDS.items()}
    return html.Div(dbc.Pagination(**options), className="pager",
                    **{"data-words": json.dumps(words, ensure_ascii=False)})


__all__ = ["WORDS", "pager"]
