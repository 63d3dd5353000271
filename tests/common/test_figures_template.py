"""The admin's figure cards (`admin/common/figures.html`, the pool's totals, a campaign's effect and spend): numbers
as the UI language writes them, with thousands separators; a word (a pool's "unlimited") shown as it is."""

import re

from django.template.loader import render_to_string
from django.utils import translation

FIGURES = [
    {"label": "receipts", "value": 12794, "key": "receipts"},
    {"label": "remaining", "value": "unlimited", "key": "remaining"},
    {"label": "used", "value": 0, "key": "used"},
    {"label": "revenue", "value": 1036500.18, "amount": True, "key": "revenue"},
]


def shown(language: str) -> dict[str, str]:
    with translation.override(language):
        html = render_to_string("admin/common/figures.html", {"figures": FIGURES})
    return dict(re.findall(r'data-total="(\w+)">([^<]*)<', html))


def test_figures_read_as_each_language_writes_numbers():
    assert shown("ru") == {
        "receipts": "12\xa0794",
        "remaining": "unlimited",
        "used": "0",
        "revenue": "1\xa0036\xa0500,18",
    }
    assert shown("en") == {"receipts": "12,794", "remaining": "unlimited", "used": "0", "revenue": "1,036,500.18"}
