"""Filters of the account and assistant pages."""

import base64

from django import template

from loyalty.choices import EntryKind

register = template.Library()


@register.filter
def svg_uri(svg: str) -> str:
    """An SVG as a `data:` address for an <img> (the policy allows data: images; no inline markup to trust)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@register.filter
def entry_kind(kind: str) -> str:
    """A ledger entry's kind in words."""
    try:
        return str(EntryKind(kind).label)
    except ValueError:
        return kind
