"""Counting active contacts for licence use (`python -m tests.bench licence`), on the segments bench's database
(`segdata`: 1,000,000 contacts in one program of two brands, 2,500,000 purchases over two years, 10,000,000 events
over the last year).

- **active contacts, all** (`GET /analytics/licence` as a superuser, and the `licence` job's count): the one query of
  `analytics.selectors.licence_counts`, which probes each contact's purchases and events by their (contact, at)
  indexes and counts the active ones in all and per program; slowest of three after a warm-up.
- **(info) as a manager of one brand**: the same over the contacts the manager sees.
- **(info) the `licence` job**: the count and the day's rows stored.
- **(info) the plan**: how many contacts the events' probe had to look at (those without a purchase in the window)
  and whether the probes read the indexes alone.

There is no budget of its own in DESIGN.md; the row stands beside the segment preview count's (a count over the same
million contacts, ≤ 2 s).
"""

import time
from collections.abc import Callable
from typing import Any

BUDGET_S = 2.0


def _slowest(call: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    call()  # warm-up: the indexes in the cache, as on a server that counts every day
    slowest, answer = 0.0, None
    for _n in range(runs):
        started = time.perf_counter()
        answer = call()
        slowest = max(slowest, time.perf_counter() - started)
    return slowest, answer


def _plan(now: Any) -> dict[str, Any]:
    from django.db import connection

    from analytics.selectors import active_contacts

    sql, params = active_contacts(now).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT COUNT(*) FROM ({sql}) active", params)
        plan = cursor.fetchone()[0][0]
    probes: dict[str, Any] = {}

    def walk(node: dict[str, Any]) -> None:
        if node.get("Subplan Name"):
            probes[node.get("Relation Name", node["Subplan Name"])] = {
                "scan": node["Node Type"],
                "index": node.get("Index Name"),
                "loops": node.get("Actual Loops"),
            }
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return {"execution_ms": round(plan["Execution Time"]), "probes": probes}


def run(data: Any, *, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.utils import timezone

    from analytics.models import LicenceUsage
    from analytics.selectors import licence_counts
    from analytics.services import licence_record
    from loyalty.models import Brand
    from tests.bench.stats import CpuMeter
    from tests.factories import UserFactory

    now = timezone.now()
    results: dict[str, Any] = {}
    progress("  active contacts, all (the API's and the job's query)")
    meter = CpuMeter()
    seconds, counts = _slowest(lambda: licence_counts(now=now))
    results["all"] = {
        "seconds": round(seconds, 2),
        "active": counts.active,
        "by_brand": [(brand.brand, brand.active) for brand in counts.by_brand],
        "machine": meter.read(),
    }
    progress("  active contacts as a manager of one brand")
    manager = UserFactory(username="licence-bench-manager", is_staff=True)
    Brand.objects.get(pk=data.brand_ids[0]).managers.add(manager)
    seconds, counts = _slowest(lambda: licence_counts(user=manager, now=now), runs=1)
    results["manager"] = {"seconds": round(seconds, 2), "active": counts.active}
    progress("  the licence job")
    started = time.perf_counter()
    licence_record(at=now)
    results["job_seconds"] = round(time.perf_counter() - started, 2)
    results["rows"] = LicenceUsage.objects.filter(day=timezone.localdate(now)).count()
    results["plan"] = _plan(now)
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    every, manager = results["all"], results["manager"]
    probes = "; ".join(
        f"{name}: {probe['scan']} {probe['index']} × {probe['loops']:,}"
        for name, probe in results["plan"]["probes"].items()
    )
    return [
        (
            "licence: active contacts of 1,000,000, in all and per brand (slowest of 3)",
            f"{every['seconds']:.2f} s ({every['active']:,} active)",
            f"≤ {BUDGET_S:.0f} s (as the segment preview count)",
            "ok" if every["seconds"] <= BUDGET_S else "OVER",
        ),
        ("(info) as a manager of one brand", f"{manager['seconds']:.2f} s ({manager['active']:,} active)", "", ""),
        ("(info) the licence job (count and store the day)", f"{results['job_seconds']:.2f} s", "", ""),
        ("(info) the plan's probes", probes, "", ""),
    ]
