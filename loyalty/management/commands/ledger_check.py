"""`manage.py ledger_check`: prove every cached balance against the entries and the days' spend the tiers are judged
by against the purchases; non-zero exit on any difference."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from loyalty.selectors import ledger_differences
from loyalty.selectors.fifo import position_differences
from loyalty.selectors.spend import spend_differences


class Command(BaseCommand):
    help = (
        "Recompute every points account's active and pending balance from its ledger entries, compare them with "
        "the cached balance and check that no lot was taken below zero; recompute every contact's spend by day "
        "from the purchases and refunds and compare it with the kept figure; check that no lot before an account's "
        "spent-lots position holds points. Exits with status 1 on any difference."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_differences()
        for problem in problems:
            cached, derived = problem["cached"], problem["derived"]
            self.stdout.write(
                f"account {problem['account']}: {problem['problem']}: cached {_pair(cached)}, entries {_pair(derived)}"
            )
        spends = spend_differences()
        for day in spends:
            self.stdout.write(
                f"contact {day['contact']}, program {day['program']}, {day['day']}: spend kept {day['kept']}, "
                f"purchases {day['derived']}"
            )
        positions = position_differences()
        for position in positions:
            self.stdout.write(
                f"account {position['account']}: {position['lots']} lot(s) before its spent-lots position hold "
                f"points (the first: entry {position['lot']})"
            )
        if problems or spends or positions:
            raise CommandError(
                f"{len(problems)} difference(s) between the cached balances and the ledger, {len(spends)} between "
                f"the days' spend and the purchases, {len(positions)} spent-lots position(s) with points before them."
            )
        self.stdout.write(
            self.style.SUCCESS("The ledger agrees with every cached balance, the spend with the purchases.")
        )


def _pair(value: Any) -> str:
    if isinstance(value, tuple):
        return f"active {value[0]} / pending {value[1]}"
    return str(value)
