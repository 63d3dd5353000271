"""The periodic ledger jobs run by a real Celery worker over Redis against the real PostgreSQL test database."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from loyalty.choices import EntryKind
from loyalty.models import LedgerEntry
from loyalty.services.ledger import accrue
from tests.loyalty.ledger_support import new_account

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
    client = Celery("test-client", broker=REDIS_URL, backend=REDIS_URL)
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
