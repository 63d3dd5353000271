"""Surveys at scale (`python -m tests.bench.surveys [--contacts N]`): a benchmark, not a test.

On a database of its own (`SURVEY_BENCH_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/loyalty_bench_surveys`,
dropped and made again): N contacts (200,000) enrolled in one brand's program, a survey of the five kinds of question.

- **invite the audience**: `survey_invite` over all N (an invitation and a `survey_invited` event with its link each).
- **a response from a link** (in process, through the API's view): p50 and p99 of 500 responses, each with its reward
  lot and its `survey_completed` event.
- **results over 1,200,000 answer rows** (every contact answered: six rows a response): the results page of the
  admin (budget: "an admin change list or dashboard page ≤ 300 ms with a million rows behind it, a bounded number
  of queries"), slowest of three after a warm-up, and its query count; the API's JSON and CSV (info).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

BUDGET_PAGE_S = 0.300
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loyalty_bench_surveys"


def _setup(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop {name}")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _slowest(call: Callable[[], Any], runs: int = 3) -> float:
    call()
    slowest = 0.0
    for _n in range(runs):
        started = time.perf_counter()
        call()
        slowest = max(slowest, time.perf_counter() - started)
    return slowest


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.surveys", description=__doc__)
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--responses-timed", type=int, default=500)
    args = parser.parse_args(argv)
    url = os.environ.get("SURVEY_BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    _setup(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from rest_framework.test import APIClient

    from campaigns.surveys.models import Answer, Invitation, Response, Survey
    from campaigns.surveys.services import survey_invite, survey_save
    from campaigns.surveys.tokens import make_token
    from contacts.models import Contact
    from loyalty.models import Brand, Enrollment, Program
    from tests.factories import UserFactory
    from tests.surveys.support import ANSWERS, QUESTIONS

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    say("==> migrate")
    call_command("migrate", verbosity=0)
    say(f"==> seed {args.contacts:,} enrolled contacts")
    program = Program.objects.create(name="Bench program")
    brand = Brand.objects.create(name="Bench brand", program=program)
    batch = 10_000
    for start in range(0, args.contacts, batch):
        made = Contact.objects.bulk_create(
            Contact(phone=f"+7901{n:07d}", first_name="Bench", source="import")
            for n in range(start, min(start + batch, args.contacts))
        )
        Enrollment.objects.bulk_create(Enrollment(contact=contact, program=program) for contact in made)
    survey = survey_save(
        survey=Survey(), data={"name": "Bench survey", "brand": brand, "reward_points": 50}, questions=QUESTIONS
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    say("==> invite the audience")
    started = time.perf_counter()
    invited = survey_invite(survey=survey, base="http://bench")
    invite_s = time.perf_counter() - started

    say(f"==> {args.responses_timed} responses through the API")
    client = APIClient()
    invitations = Invitation.objects.filter(survey=survey).order_by("contact_id")
    contact_ids = list(invitations.values_list("contact_id", flat=True))
    timings = []
    for contact_id in contact_ids[: args.responses_timed]:
        link = f"/api/v1/survey-responses/{make_token(survey.pk, contact_id)}"
        started = time.perf_counter()
        answered = client.post(link, {"answers": ANSWERS}, format="json")
        timings.append(time.perf_counter() - started)
        assert answered.status_code == 201, answered.content

    say("==> everyone else answers (rows written in bulk)")
    rest = contact_ids[args.responses_timed :]
    for start in range(0, len(rest), batch):
        chunk = rest[start : start + batch]
        responses = Response.objects.bulk_create(
            Response(survey=survey, contact_id=contact_id, answered_at=survey.created_at) for contact_id in chunk
        )
        rows = []
        for index, response in enumerate(responses):
            rows += [
                Answer(response=response, survey=survey, question=0, choice=index % 3),
                Answer(response=response, survey=survey, question=1, choice=0),
                Answer(response=response, survey=survey, question=1, choice=(index % 2) + 1),
                Answer(response=response, survey=survey, question=2, text=f"Answer number {index}"),
                Answer(response=response, survey=survey, question=3, choice=1 + index % 5),
                Answer(response=response, survey=survey, question=4, choice=index % 11),
            ]
        Answer.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_answer")
    answers = Answer.objects.filter(survey=survey).count()

    say("==> results")
    admin = Client()
    admin.force_login(UserFactory(username="bench-admin", is_staff=True, is_superuser=True))
    page_url = reverse("admin:surveys_survey_results", args=[survey.pk])
    page_s = _slowest(lambda: admin.get(page_url))
    with CaptureQueriesContext(connection) as queries:
        assert admin.get(page_url).status_code == 200
    staff = APIClient()
    staff.force_authenticate(UserFactory(username="bench-api", is_staff=True, is_superuser=True))
    json_s = _slowest(lambda: staff.get(f"/api/v1/surveys/{survey.pk}/results", {"format": "json"}))
    csv_s = _slowest(lambda: staff.get(f"/api/v1/surveys/{survey.pk}/results", {"format": "csv"}), runs=1)

    timings.sort()
    p50, p99 = statistics.median(timings) * 1000, timings[int(len(timings) * 0.99) - 1] * 1000
    rows = [
        (f"invite the audience ({invited:,} contacts)", f"{invite_s:.1f} s", "—"),
        (
            "a response from a link, in process",
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms",
            "—",
        ),
        (
            f"results page (admin), {answers:,} answer rows",
            f"{page_s * 1000:.0f} ms, {len(queries)} queries",
            f"≤ {BUDGET_PAGE_S * 1000:.0f} ms",
        ),
        ("(info) GET /surveys/{id}/results (JSON, every text answer)", f"{json_s * 1000:.0f} ms", "—"),
        ("(info) ?format=csv", f"{csv_s * 1000:.0f} ms", "—"),
    ]
    width = max(len(row[0]) for row in rows)
    for name, figure, budget in rows:
        print(f"{name:<{width}}  {figure:<28}  {budget}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
