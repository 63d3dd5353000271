"""`manage.py seed_demo`: fill the database with a realistic demo CRM; safe to run again.

A composition root in an app of its own, above every other (none imports it): it runs loyalty's demo, then the
campaigns' and the promo codes', then receipts carrying the demo codes through the checkout.
"""

import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from demo.base import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    DemoOptions,
)
from demo.campaigns import campaign_counts, seed_campaigns
from demo.data import BRANDS, MANAGER_BRAND
from demo.loyalty import demo_counts, demo_seed
from demo.promocodes import promo_counts, seed_promocodes
from demo.promoters import PROMOTER_PASSWORD, PROMOTER_USERNAME, seed_promoters
from demo.purchases import seed_code_receipts

CODE_RECEIPTS = 30


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Seed a demo CRM: programs, brands, stores, registers, catalogue, contacts with cards, users, and purchases "
        "over the last 18 months with their points, and the demo campaigns."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        defaults = DemoOptions()
        parser.add_argument("--contacts", type=_count, default=defaults.contacts)
        parser.add_argument("--products", type=_count, default=defaults.products)
        parser.add_argument("--stores", type=_count, default=defaults.stores)
        parser.add_argument("--registers", type=_count, default=defaults.registers)
        parser.add_argument(
            "--purchases",
            type=_count,
            default=defaults.purchases,
            help="Receipts over the last 18 months, confirmed through the checkout service (about 40 a second).",
        )
        parser.add_argument(
            "--fast",
            action="store_true",
            help=(
                "Write the purchases in bulk instead of through the checkout service, for big data sets "
                "(e.g. --purchases 200000 for benchmarks): accruals and expiries only, no redemptions, refunds "
                "or tier changes; the ledger stays consistent."
            ),
        )
        parser.add_argument(
            "--code-receipts",
            type=_count,
            default=CODE_RECEIPTS,
            help=f"Receipts per brand that carry the demo promo codes, on top of --purchases ({CODE_RECEIPTS}).",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed, help="Random seed (same seed, same data).")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_seed(
            options=DemoOptions(
                contacts=options["contacts"],
                products=options["products"],
                stores=options["stores"],
                registers=options["registers"],
                purchases=options["purchases"],
                fast=options["fast"],
                seed=options["seed"],
            ),
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        campaigns = seed_campaigns(
            brands=result.org.brands.values(),
            roots={name: roots for name, _program, _prefix, roots in BRANDS},
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        if not campaigns.campaigns:
            result.skipped.append("campaigns")
        promos = seed_promocodes(
            brands=result.org.brands.values(),
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        if promos.pools:
            seed_code_receipts(
                org=result.org,
                flyer_codes=promos.flyer_codes,
                welcome_codes=promos.welcome_codes,
                per_brand=options["code_receipts"],
                seed=options["seed"],
            )
        else:
            result.skipped.append("promo codes")
        stands = seed_promoters(
            brands=result.org.brands.values(),
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))
        if result.skipped:
            write(f"Already present, left as they were: {', '.join(result.skipped)}.")
        counts = demo_counts() | campaign_counts() | promo_counts()
        write(", ".join(f"{name}: {number}" for name, number in counts.items()))
        write("")
        write(f"Admin:        /admin/      login {ADMIN_USERNAME} / {ADMIN_PASSWORD} (superuser)")
        write(
            f"Manager:      /admin/      login {MANAGER_USERNAME} / {MANAGER_PASSWORD} "
            f"(staff, limited to the brand {MANAGER_BRAND})"
        )
        write("API docs:     /api/docs/")
        write(
            f"Promoter:     /promo/      login {PROMOTER_USERNAME} / {PROMOTER_PASSWORD} (every brand's stand: "
            + ", ".join(f"/promo/{code}/" for code in stands.stands.values())
            + f"); {MANAGER_USERNAME} stands at the stand of {MANAGER_BRAND}"
        )
        for brand_id, code in promos.welcome_codes.items():
            flyer = promos.flyer_codes.get(brand_id, [""])[0]
            write(f"Promo codes of brand {brand_id}: welcome {code} (10 % off), flyer {flyer} (500 off from 2,000)")
        if result.demo_register is not None:
            write(
                f"Register API key ({result.demo_register}), shown this once and stored nowhere: "
                f"{result.demo_register_key}"
            )
            write("  send it as the header  Authorization: Api-Key <key>")
        else:
            write("Register API keys are shown only when made; rotate a register's key in the admin for a new one.")
