"""Background jobs run by a real Celery worker over Redis against the real PostgreSQL test database: the periodic
ledger jobs, and a promo-code generation job started through the API."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from loyalty.choices import EntryKind
from loyalty.models import LedgerEntry
from loyalty.services.ledger import accrue
from promocodes.models import GenerationJob, PromoCode
from tests.conftest import token_client
from tests.factories import BrandFactory, UserFactory
from tests.loyalty.ledger_support import new_account
from tests.promocodes.promo_support import coded_campaign, single_pool

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def worker():
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which needs PostgreSQL")
    if not _redis_answers():
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Not the current app: shared tasks called later in this process must stay with the project's (eager) app.
    client = Celery("test-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    try:
        yield client, queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        client.close()


def test_worker_writes_the_expiry_entries_of_lapsed_lots(worker):
    # given: a lot of 40 points that lapses two seconds from now, and one that never expires
    client, queue = worker
    account = new_account()
    lapsing = accrue(account=account, points="40", at=timezone.now() - timedelta(days=1, seconds=-2), expires_in_days=1)
    accrue(account=account, points="60", at=timezone.now())
    time.sleep(3)

    # when: the beat's task runs on a real worker, twice
    first = client.send_task("loyalty.tasks.expire_points", queue=queue).get(timeout=60)
    second = client.send_task("loyalty.tasks.expire_points", queue=queue).get(timeout=60)

    # then: one expiry entry for the rest of the lapsed lot, none on the second run
    assert (first, second) == (1, 0)
    expiry = LedgerEntry.objects.get(account=account, kind=EntryKind.EXPIRY)
    assert (expiry.lot_id, expiry.points) == (lapsing.pk, Decimal("-40.00"))
    account.refresh_from_db()
    assert account.active == Decimal("60.00")


def test_worker_generates_the_codes_of_a_job_started_through_the_api(worker, settings, monkeypatch):
    # given: at most 100 codes within the request; the job's task goes to the test's worker over Redis
    client, queue = worker
    settings.PROMO_GENERATE_SYNC_LIMIT = 100
    sent: list[int] = []

    def send(job_id: int) -> None:
        sent.append(job_id)
        client.send_task("promocodes.tasks.generate_codes", args=[job_id], queue=queue)

    monkeypatch.setattr("promocodes.tasks.generate_codes", SimpleNamespace(delay=send))
    staff = token_client(UserFactory.create(username="root", is_staff=True, is_superuser=True))
    pool = single_pool(coded_campaign(BrandFactory.create()), prefix="BG-")

    # when: 3,000 codes are asked for
    response = staff.post(f"/api/v1/promo-pools/{pool.pk}/generate", {"count": 3000}, format="json")

    # then: a job, answered at once, that the worker finishes
    assert response.status_code in {200, 202}, response.content
    job_id = response.json()["job_id"]
    assert sent == [job_id]  # queued for the worker (on commit), not run here
    deadline = time.monotonic() + 60
    total = None
    while time.monotonic() < deadline:
        total = staff.get(f"/api/v1/promo-pools/{pool.pk}").json()["total"]
        if total == 3000 and GenerationJob.objects.get(pk=job_id).status == "done":
            break
        time.sleep(0.2)
    job = GenerationJob.objects.get(pk=job_id)
    assert (total, job.status, job.requested, job.generated) == (3000, "done", 3000, 3000)
    assert job.started_at is not None
    assert job.finished_at is not None
    codes = list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True))
    assert len(set(codes)) == 3000
    assert all(code.startswith("BG-") for code in codes)
