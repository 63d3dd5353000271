"""Generating codes into a pool, in bulk, while its campaign runs.

Codes are drawn with `secrets` and inserted a batch at a time: on PostgreSQL COPY into a temporary table, then one
`INSERT ... SELECT ... ON CONFLICT (code) DO NOTHING` into the codes table (the unique index decides, across every
pool); on SQLite `INSERT OR IGNORE` in one executemany. A code that collided is simply drawn again, so the pool
gets exactly the number asked. Each batch commits on its own: a confirm burning another code of the pool never
waits for the generation, and a background job's progress is visible as it goes.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from promocodes.choices import JobStatus, PoolKind
from promocodes.codes import random_part, space
from promocodes.models import GenerationJob, PromoPool

logger = logging.getLogger(__name__)

BATCH = 250_000
PARALLEL_MIN = 200_000  # codes from which two connections insert at once (PostgreSQL, outside a transaction)
WORKERS = 2
DEADLOCK_RETRIES = 5
DEADLOCK_SQLSTATE = "40P01"
MAX_ROUNDS = 20  # draws for one batch before giving up (only a nearly full code space gets here)
MAX_COUNT = 10_000_000


def generation_check(pool: PromoPool, count: int) -> None:
    """Refuse what cannot be done: a multi-use pool, a count out of range, a length too short for the codes."""
    if pool.kind != PoolKind.SINGLE_USE:
        raise InvalidInput(
            _("Codes are generated into single-use pools; a multi-use pool has one code."),
            fields={"count": [_("Not for a multi-use pool.")]},
        )
    if not 1 <= count <= MAX_COUNT:
        raise InvalidInput(
            _("From 1 to %(max)s codes at a time.") % {"max": MAX_COUNT}, fields={"count": [_("Out of range.")]}
        )
    # Keep the space at most half full: random draws stay cheap and guessing a code stays hopeless.
    if (pool.total_codes + count) * 2 > space(pool.length):
        raise InvalidInput(
            _("A length of %(length)s gives too few different codes for %(count)s more; make the codes longer.")
            % {"length": pool.length, "count": count},
            fields={"count": [_("Too many for the code length.")]},
        )


def _insert_postgresql(pool_id: int, codes: list[str]) -> int:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS promocodes_new (code varchar(40)) ON COMMIT DELETE ROWS")
        with cursor.cursor.copy("COPY promocodes_new (code) FROM STDIN") as copy:
            copy.write("\n".join(codes) + "\n")
        cursor.execute(
            "INSERT INTO promocodes_promocode (code, pool_id, status, uses, created_at) "
            "SELECT code, %s, 'active', 0, %s FROM promocodes_new ON CONFLICT (code) DO NOTHING",
            [pool_id, now],
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE promocodes_new")
    return int(inserted)


def _insert_other(pool_id: int, codes: list[str]) -> int:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT OR IGNORE INTO promocodes_promocode (code, pool_id, status, uses, created_at) "
            "VALUES (%s, %s, 'active', 0, %s)",
            [(code, pool_id, now) for code in codes],
        )
        return int(cursor.rowcount)


def codes_insert(pool_id: int, codes: list[str]) -> int:
    if connection.vendor == "postgresql":
        return _insert_postgresql(pool_id, codes)
    return _insert_other(pool_id, codes)


def _batch(pool: PromoPool, count: int) -> int:
    """Insert exactly `count` new codes (drawing again for collisions) in one transaction; returns `count`."""
    wanted = count
    for _round in range(MAX_ROUNDS):
        drawn = {pool.prefix + part for part in random_part(wanted, pool.length)}
        wanted -= codes_insert(pool.pk, list(drawn))
        if wanted == 0:
            PromoPool.objects.filter(pk=pool.pk).update(total_codes=F("total_codes") + count)
            return count
    raise InvalidInput(
        _("Could not find enough free codes of this length; make the codes longer."),
        fields={"count": [_("Too many for the code length.")]},
    )


def _deadlock(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == DEADLOCK_SQLSTATE


def _batch_committed(pool: PromoPool, size: int) -> int:
    """One batch in its own transaction. Two connections inserting at once can each wait on a code the other drew
    (a deadlock PostgreSQL breaks by rolling one back): that batch, having written nothing, is drawn again."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction.atomic():
                return _batch(pool, size)
        except OperationalError as exc:
            if not _deadlock(exc) or attempt == DEADLOCK_RETRIES - 1:
                raise
            logger.info("Pool %s: the inserting connections deadlocked; the batch is drawn again", pool.pk)
    raise AssertionError("unreachable")


def _parallel(pool: PromoPool, count: int, progress: Callable[[int], None] | None) -> None:
    """The batches shared by WORKERS threads, each with its own connection: on PostgreSQL the insert keeps one
    server process busy, so two of them do the work in little more than half the time on two cores."""
    sizes = [min(BATCH, count - start) for start in range(0, count, BATCH)]
    lock = threading.Lock()
    done = 0
    errors: list[BaseException] = []

    def work() -> None:
        nonlocal done
        try:
            while True:
                with lock:
                    if errors or not sizes:
                        return
                    size = sizes.pop()
                _batch_committed(pool, size)
                with lock:
                    done += size
                    if progress is not None:
                        progress(done)
        except BaseException as exc:  # re-raised in the calling thread below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, name=f"promo-generate-{index}") for index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def codes_generate(*, pool: PromoPool, count: int, progress: Callable[[int], None] | None = None) -> int:
    """Add `count` new single-use codes to the pool, batch by batch; returns the pool's total afterwards.

    From PARALLEL_MIN codes on PostgreSQL, outside a transaction (a job, or a request in autocommit), two
    connections insert batches at once; otherwise one after another in this connection."""
    generation_check(pool, count)
    if connection.vendor == "postgresql" and count >= PARALLEL_MIN and not connection.in_atomic_block:
        _parallel(pool, count, progress)
    else:
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            done += _batch_committed(pool, size)
            if progress is not None:
                progress(done)
    pool.refresh_from_db(fields=["total_codes"])
    return pool.total_codes


def sync_limit() -> int:
    """Up to this many codes are generated within the request; more go to a background job."""
    return int(getattr(settings, "PROMO_GENERATE_SYNC_LIMIT", 10_000))


def job_start(*, pool: PromoPool, count: int, user: Any = None) -> GenerationJob:
    """Queue a background generation (the Celery task starts once this transaction commits)."""
    generation_check(pool, count)
    from promocodes.tasks import generate_codes

    job = GenerationJob.objects.create(
        pool=pool, requested=count, created_by=user if getattr(user, "pk", None) else None
    )
    transaction.on_commit(lambda: generate_codes.delay(job.pk))
    return job


def job_run(job_id: int) -> GenerationJob | None:
    """Run a queued job (safe to call again: a finished job is left alone, a broken one resumes the rest)."""
    job = GenerationJob.objects.select_related("pool").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return job
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    already = job.generated

    def progress(done: int) -> None:
        GenerationJob.objects.filter(pk=job.pk).update(generated=already + done)

    try:
        codes_generate(pool=job.pool, count=job.requested - already, progress=progress)
    except Exception as exc:  # the job records why it stopped (shown in the admin); the log has the trace
        logger.exception("Generation job %s failed", job.pk)
        GenerationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(getattr(exc, "message", exc)), finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
