"""Duplicate customers at ``/duplicates`` (owners and managers): candidate pairs with their
evidence side by side and a score, Merge (into either record) or Not a duplicate, each
confirmed; merges can be undone. ``callbacks/duplicates.py`` fills the page through
``dashboard.services.duplicates``, which refuses (and audits) anyone else."""

from __future__ import annotations

import re
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import COCKPIT_PATH, DUPLICATES_PATH
from dashboard.i18n import _, format_date, format_money, format_number, ngettext
from dashboard.web.context import current_user
from layouts import ids
from layouts.components.states import empty_state, skeleton
from layouts.links import customer_link

ROLES = ("owner", "manager")


def title() -> str:
    return _("Duplicate customers") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=DUPLICATES_PATH, name="Duplicates",
                   title=lambda **_kw: title())


def may_review() -> bool:
    user = current_user()
    return user is not None and user.role in ROLES


def _confirm() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("Please confirm"))),
        dbc.ModalBody(html.Div(id=ids.DUPLICATES_CONFIRM_TEXT)),
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.DUPLICATES_CONFIRM_NO, color="secondary",
                       outline=True),
            dbc.Button(_("Confirm"), id=ids.DUPLICATES_CONFIRM_YES, color="primary"),
        ]),
    ], id=ids.DUPLICATES_CONFIRM, is_open=False)


def layout(**_query: Any) -> html.Div:
    allowed = may_review()
    body = html.Div([
        dcc.Store(id=ids.DUPLICATES_REFRESH, data=0),
        dcc.Store(id=ids.DUPLICATES_CONFIRM_TARGET, data=None),
        dcc.Store(id=ids.DUPLICATES_CLICKED),
        html.Div([html.H1(_("Duplicate customers")),
                  html.Div(_("Records that look like the same business: alike names (legal "
                             "forms such as Co., Ltd. or 有限公司 ignored), the same phone or "
                             "the same e-mail. Merge moves every order, invoice, visit, "
                             "comment, target and campaign send to the record you keep."),
                           className="text-muted")], className="page-headline"),
        dbc.Alert(id=ids.DUPLICATES_RESULT, is_open=False, dismissable=True, duration=8000),
        html.Div(id=ids.DUPLICATES_TOTAL, className="text-muted small mb-1"),
        html.Div(skeleton(5), id=ids.DUPLICATES_LIST),
        html.H2(_("Merged records"), className="h5 mt-4"),
        html.Div(id=ids.DUPLICATES_MERGED),
        _confirm(),
    ], hidden=not allowed)
    refused = None if allowed else html.Div(empty_state(
        _("Only owners and managers can review duplicates"),
        _("Ask a manager if two customer records are the same business."),
        dcc.Link(_("Open the cockpit"), href=COCKPIT_PATH, className="btn btn-primary"),
        icon="bi-shield-lock"), className="not-found-page page-refusal")
    return html.Div([refused, body], className="container-fluid duplicates-page")


def total_text(review: Any) -> str:
    shown = ngettext("{n} candidate pair", "{n} candidate pairs", review.total)
    if review.total > len(review.pairs):
        return _("{pairs} · the {shown} most likely shown", pairs=shown,
                 shown=format_number(len(review.pairs)))
    return shown


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _markdown_text(value: Any) -> str:
    """``value`` as literal text inside a Markdown table cell (every mark escaped, one line)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split())) or "–"


def _details(rows: list[tuple[str, Any]]) -> dcc.Markdown:
    """A card's facts as one Markdown table (its header row hidden by the stylesheet): one
    Dash component instead of two per fact. Dash's renderer spends time on every component
    of a page for every change of its store, so a list of many small components draws in
    time that grows with the square of their number (50 pairs of 54 components: 7.8 s at
    50,000 customers). No HTML is allowed in it; every value is escaped."""
    lines = ["| | |", "|---|---|"] + [f"| {_markdown_text(label)} | {_markdown_text(value)} |"
                                      for label, value in rows]
    return dcc.Markdown("\n".join(lines), className="duplicate-details small mt-1")


def _card(card: pd.Series, customer_id: int, currency: str) -> html.Div:
    last = card["last_order"]
    rows = [
        (_("Phone"), card["phone"]), (_("E-mail"), card["email"]),
        (_("Region"), card["region"]), (_("Account manager"), card["account_manager"]),
        (_("Orders"), format_number(card["orders"])),
        (_("Revenue"), format_money(card["revenue"], currency)),
        (_("Last order"), format_date(pd.Timestamp(last).date())
         if last is not None and not pd.isna(last) else None),
    ]
    return html.Div([
        customer_link(html.Strong(card["name"] or card["code"]), card["code"]),
        html.Span(" " + str(card["code"]), className="text-muted small"),
        _details([(label, "–" if value is None or (not isinstance(value, str)
                                                    and pd.isna(value)) else value)
                  for label, value in rows]),
    ], className="duplicate-card", **{"data-customer": str(customer_id)})


def _evidence(pair: dict[str, Any]) -> html.Div:
    badges = [dbc.Badge(_("name {similarity} % alike",
                          similarity=format_number(pair["name_score"])),
                        color="info" if pair["name_score"] >= 88 else "light",
                        text_color=None if pair["name_score"] >= 88 else "dark",
                        className="me-1")]
    if pair["same_phone"]:
        badges.append(dbc.Badge(_("same phone"), color="warning", text_color="dark",
                                className="me-1"))
    if pair["same_email"]:
        badges.append(dbc.Badge(_("same e-mail"), color="warning", text_color="dark",
                                className="me-1"))
    return html.Div([html.Div(_("Score {score}", score=format_number(pair["score"])),
                              className="h4 mb-1"), html.Div(badges)])


def _button(text: Any, pick: str, classes: str) -> html.Button:
    """A plain button whose click ``assets/clicked.js`` writes into the page's one store
    (``pick``: what it asks for, read back by ``callbacks.duplicates.read_pick``)."""
    return html.Button(text, type="button", className=f"btn btn-sm {classes}",
                       **{"data-duplicate": pick})


def _pair(pair: dict[str, Any], cards: pd.DataFrame, currency: str) -> html.Div:
    a, b, score = int(pair["customer_a"]), int(pair["customer_b"]), float(pair["score"])
    # no id per button: assets/clicked.js turns a click into one store (DUPLICATES_CLICKED)
    buttons = dbc.ButtonGroup([
        _button(_("Keep left, merge right into it"), f"merge:{a}:{b}:{score}",
                "btn-primary duplicates-merge"),
        _button(_("Keep right, merge left into it"), f"merge:{b}:{a}:{score}",
                "btn-outline-primary duplicates-merge"),
        _button(_("Not a duplicate"), f"distinct:{a}:{b}:{score}",
                "btn-outline-secondary duplicates-distinct"),
    ], vertical=True, className="w-100")
    # one grid (assets/duplicates.css) instead of a card, a row and four columns
    return html.Div(html.Div([
        _card(cards.loc[a], a, currency),
        html.Div(_evidence(pair), className="text-center align-self-center"),
        _card(cards.loc[b], b, currency),
        html.Div(buttons, className="align-self-center"),
    ], className="card-body duplicate-grid"), className="card mb-2 duplicate-pair")


def pair_list(review: Any, currency: str) -> Any:
    if review.pairs.empty:
        return empty_state(_("No duplicate candidates"),
                           _("No two records share a phone or an e-mail or have alike names, "
                             "apart from the pairs already decided."), icon="bi-people")
    return html.Div([_pair(p, review.cards, currency)
                     for p in review.pairs.to_dict("records")])  # one page of pairs


def _name(cards: pd.DataFrame, customer_id: int) -> str:
    if customer_id not in cards.index:
        return f"#{customer_id}"
    return f"{cards.loc[customer_id, 'name']} ({cards.loc[customer_id, 'code']})"


def merged_list(review: Any) -> Any:
    if review.merged.empty:
        return html.Div(_("No merges yet."), className="text-muted small")
    rows = []
    for row in review.merged.to_dict("records"):  # the decisions, one row each
        kept = int(row["kept_id"])
        dropped = int(row["customer_b"] if kept == row["customer_a"] else row["customer_a"])
        rows.append(html.Tr([
            html.Td(format_date(pd.Timestamp(row["decided_at"]).date())),
            html.Td(_name(review.cards, dropped)), html.Td(_name(review.cards, kept)),
            html.Td(row["username"]),
            html.Td(_button([html.I(className="bi bi-arrow-counterclockwise me-1"), _("Undo")],
                            f"undo:{int(row['id'])}", "btn-outline-danger duplicates-undo"),
                    className="text-end")]))
    head = html.Thead(html.Tr([html.Th(_("Merged on")), html.Th(_("Merged record")),
                               html.Th(_("Kept record")), html.Th(_("By")), html.Th("")]))
    return html.Div(html.Table([head, html.Tbody(rows)],
                               className="table table-sm align-middle mb-0"),
                    className="table-responsive panel")


def confirm_text(target: dict[str, Any]) -> str:
    if target["action"] == "merge":
        return _("Merge customer #{drop} into #{keep}? Every order, invoice, visit, comment, "
                 "target and campaign send moves to #{keep}. You can undo it here.",
                 drop=target["drop"], keep=target["keep"])
    if target["action"] == "distinct":
        return _("Mark #{a} and #{b} as different customers? The pair will not be proposed "
                 "again.", a=target["a"], b=target["b"])
    return _("Undo this merge? Every moved row goes back to the merged record.")


__all__ = ["confirm_text", "layout", "merged_list", "pair_list", "total_text"]
