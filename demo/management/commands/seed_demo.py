"""`manage.py seed_demo`: fill the database with a realistic demo CRM; safe to run again.

A composition root in an app of its own, above every other (none imports it): it runs loyalty's demo, then the
campaigns' and the promo codes', then receipts carrying the demo codes through the checkout. `--print-keys` only
gives the demo register a new key and shows it with the demo codes.
"""

import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.base import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    MANAGER_PASSWORD,
    MANAGER_USERNAME,
    DemoOptions,
    Progress,
)
from demo.campaigns import campaign_counts, seed_campaigns
from demo.data import BRANDS, LANGUAGES, MANAGER_BRAND
from demo.loyalty import demo_counts, demo_seed
from demo.org import demo_register
from demo.promocodes import demo_codes, promo_counts, seed_promocodes
from demo.promoters import PROMOTER_PASSWORD, PROMOTER_USERNAME, seed_promoters
from demo.purchases import seed_code_receipts
from loyalty.models import Brand, Register
from loyalty.services.registers import register_rotate_key

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
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default=defaults.language,
            help=(
                "The language of the names of tiers, card types, categories, products, campaigns, pools, stands, "
                f"segments and triggers (default {defaults.language}); codes, SKUs and logins are the same in both."
            ),
        )
        parser.add_argument(
            "--print-keys",
            action="store_true",
            help="Seed nothing: give the demo register a new API key and print it, and print the demo promo codes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_keys"]:
            self._print_keys()
            return
        started = time.monotonic()
        progress = Progress(self._progress if options["verbosity"] > 0 else lambda _message: None)
        language = options["language"]
        result = demo_seed(
            options=DemoOptions(
                contacts=options["contacts"],
                products=options["products"],
                stores=options["stores"],
                registers=options["registers"],
                purchases=options["purchases"],
                fast=options["fast"],
                seed=options["seed"],
                language=language,
            ),
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
            progress=progress,
        )
        progress.stage("Campaigns and segments")
        campaigns = seed_campaigns(
            brands=result.org.brands.values(),
            roots={name: roots for name, _program, _prefix, roots in BRANDS},
            language=language,
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        if not campaigns.campaigns:
            result.skipped.append("campaigns")
        progress.stage("Promo codes")
        promos = seed_promocodes(
            brands=result.org.brands.values(),
            language=language,
            log=lambda message: self.stdout.write(message) if options["verbosity"] > 1 else None,
        )
        if promos.pools:
            progress.stage("Receipts with the promo codes")
            seed_code_receipts(
                org=result.org,
                flyer_codes=promos.flyer_codes,
                welcome_codes=promos.welcome_codes,
                per_brand=options["code_receipts"],
                seed=options["seed"],
            )
        else:
            result.skipped.append("promo codes")
        progress.stage("Promoters' stands")
        stands = seed_promoters(
            brands=result.org.brands.values(),
            language=language,
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
        codes = promos if promos.pools else demo_codes(brands=result.org.brands.values())
        self._write_codes(codes.welcome_codes, codes.flyer_codes)
        if result.demo_register is not None and result.demo_register_key is not None:
            self._write_key(result.demo_register, result.demo_register_key)
        else:
            write(
                "Register API keys are shown only when made: `manage.py seed_demo --print-keys` gives the demo "
                "register a new one (or rotate a register's key in the admin)."
            )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()  # seen as it happens, even when the output is piped

    def _write_codes(self, welcome_codes: dict[int, str], flyer_codes: dict[int, list[str]]) -> None:
        for brand_id, code in welcome_codes.items():
            flyer = flyer_codes.get(brand_id, [""])[0]
            self.stdout.write(
                f"Promo codes of brand {brand_id}: welcome {code} (10 % off), flyer {flyer} (500 off from 2,000)"
            )

    def _write_key(self, register: Register, key: str) -> None:
        self.stdout.write(
            f"Register API key of register {register.code} at store {register.store.code} ({register.store.name}), "
            f"shown this once and stored nowhere: {key}"
        )
        self.stdout.write("  send it as the header  Authorization: Api-Key <key>")

    def _print_keys(self) -> None:
        """A new key for the demo register (the old one stops working) and the demo codes; nothing else changes."""
        register = demo_register()
        if register is None:
            raise CommandError("There is no demo register: run `manage.py seed_demo` first.")
        key = register_rotate_key(register=register)
        self._write_key(register, key)
        codes = demo_codes(brands=Brand.objects.filter(name__in=[name for name, *_rest in BRANDS]))
        self._write_codes(codes.welcome_codes, codes.flyer_codes)
