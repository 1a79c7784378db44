"""Status and tier badges in their colours (``assets/cockpit.css``, ``layouts/figures.py``)."""

from __future__ import annotations

from dash import html

from layouts.labels import status_name


def status_badge(status: str | None, *, text: str | None = None) -> html.Span:
    if not status:
        return html.Span("–", className="text-muted")
    return html.Span(text or status_name(status),
                     className=f"badge badge-status badge-status-{status}")


def tier_badge(tier: str | None, *, previous: str | None = None) -> html.Span:
    """``A`` (or ``B → A`` when the previous tier is given and differs)."""
    if not tier:
        return html.Span("–", className="text-muted")
    badge = html.Span(tier, className=f"badge badge-tier badge-tier-{tier}")
    if previous and previous != tier:
        before = html.Span(previous, className=f"badge badge-tier badge-tier-{previous}")
        return html.Span([before, html.Span(" → ", className="text-muted"), badge])
    return badge


__all__ = ["status_badge", "tier_badge"]
