"""Running `seed_demo` small, as the demo's tests do."""

from io import StringIO

from django.core.management import call_command

# A small demo without receipts: the campaigns' and the promo codes' parts on top of a little organisation.
SIZES = {"contacts": 300, "products": 60, "stores": 3, "registers": 3, "purchases": 0}


def seed(**options: object) -> str:
    """`seed_demo` with `SIZES` (overridden by `options`); what it printed."""
    out = StringIO()
    call_command("seed_demo", **{**SIZES, **options}, stdout=out)
    return out.getvalue()
