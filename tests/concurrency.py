"""Running work in real threads against the real database, released together (for the concurrency tests)."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction


def run_in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(i)` in `count` threads released together; each result is its return value or the exception."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # the test inspects every outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def while_open(holding: Callable[[], object], meanwhile: Callable[[], object]) -> bool:
    """`holding()` in a transaction left open while `meanwhile()` runs in another thread, then committed; both in
    threads of their own, with connections of their own. Returns whether `meanwhile` was still waiting half a
    second after it started (held back by a row lock), once both are done."""
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                holding()
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def then() -> None:
        try:
            meanwhile()
            done.set()
        finally:
            connection.close()

    first = threading.Thread(target=hold)
    first.start()
    assert locked.wait(timeout=30)
    second = threading.Thread(target=then)
    second.start()
    time.sleep(0.5)
    waited = not done.is_set()
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert done.is_set()
    return waited
