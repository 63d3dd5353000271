"""The outbox with a real Celery worker over Redis, against the real PostgreSQL test database: a message delivered;
the broker stopped while messages are queued, started again, every message delivered once; a worker killed
(SIGKILL) right after the gateway delivered, the message not delivered twice."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Delivery, Message
from contacts.models import ContactEvent
from contacts.services.events import events_record
from tests.factories import BrandFactory
from tests.integration.test_celery_redis import REDIS_URL, ROOT, _database_url, _redis_answers
from tests.messaging.support import record, subscribed_contact, trigger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Broker:
    """A throwaway redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Worker:
    def __init__(self, broker_url: str, queue: str, env: dict[str, str]) -> None:
        self.broker_url, self.queue, self.env = broker_url, queue, env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            **self.env,
        }
        env.pop("CELERY_RESULT_BACKEND", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


@pytest.fixture
def outbox_world(settings, monkeypatch) -> Iterator[Callable[..., tuple[Broker, Worker, Celery]]]:
    """`start(broker=..., env=...)`: a worker on a queue of its own, and the kicks of this process sent to it over
    the broker (as a web process with CELERY_BROKER_URL does)."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database, which needs PostgreSQL")
    if shutil.which("redis-server") is None and not _redis_answers():
        pytest.skip("no Redis to run a worker over")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    started: list[tuple[Broker | None, Worker, Celery]] = []

    def start(*, own_broker: bool = False, env: dict[str, str] | None = None) -> tuple[Broker, Worker, Celery]:
        broker = Broker() if own_broker else None
        if broker is not None:
            if shutil.which("redis-server") is None:
                pytest.skip("redis-server is not installed")
            broker.start()
        elif not _redis_answers():
            pytest.skip(f"Redis is not answering at {REDIS_URL}")
        url = broker.url if broker is not None else REDIS_URL
        queue = f"outbox-{os.getpid()}-{time.monotonic_ns()}"
        worker = Worker(url, queue, env or {})
        worker.start()
        client = Celery("outbox-test", broker=url, set_as_current=False)
        client.conf.broker_connection_retry_on_startup = False

        def send(name: str) -> Callable[..., object]:
            return lambda *args, **kwargs: client.send_task(name, queue=queue, retry=False)

        monkeypatch.setattr(
            "campaigns.messaging.tasks.dispatch_and_relay.apply_async", send("messaging.dispatch_and_relay")
        )
        monkeypatch.setattr("campaigns.messaging.tasks.relay.apply_async", send("messaging.relay"))
        started.append((broker, worker, client))
        return broker, worker, client  # type: ignore[return-value]

    yield start
    for broker, worker, client in started:
        worker.stop()
        client.close()
        if broker is not None:
            broker.stop()


def wait_for(check: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_an_event_recorded_here_is_delivered_by_the_worker(outbox_world):
    # given: a worker over Redis, and a trigger
    outbox_world()
    brand = BrandFactory()
    trigger(brand, template="Thanks, {{ contact.first_name }}")
    contact = subscribed_contact(brand, first_name="Inna")

    # when: the event is recorded (committed): the kick goes to the worker over the broker
    record(contact, "purchase_confirmed", brand=brand)

    # then: the worker dispatched and sent it
    assert wait_for(lambda: Message.objects.filter(status="sent").exists()), list(Message.objects.values())
    message = Message.objects.get()
    assert (message.body, message.attempts) == ("Thanks, Inna", 1)
    assert Delivery.objects.get().key == message.key


def test_messages_wait_while_the_broker_is_down_and_go_out_once_when_it_is_back(outbox_world, caplog):
    # given: a worker over a broker of the test's own, which then stops
    broker, _worker, client = outbox_world(own_broker=True)
    brand = BrandFactory()
    trigger(brand)
    contacts = [subscribed_contact(brand) for _ in range(20)]
    broker.stop()

    # when: events are recorded (their kicks fail) and dispatched here into queued messages
    now = timezone.now()
    events_record([ContactEvent(contact=c, type="purchase_confirmed", at=now, brand_id=brand.pk) for c in contacts])
    assert dispatch_pending() == 20
    assert "not started now" in caplog.text
    assert Message.objects.filter(status="queued").count() == 20

    # the broker comes back, and the outbox job runs (as beat would send it)
    broker.start()
    client.send_task("common.tasks.run_job", args=["outbox"], queue=_worker.queue)

    # then: each message delivered once
    assert wait_for(lambda: Message.objects.filter(status="sent").count() == 20, timeout=90), list(
        Message.objects.values_list("status", "reason")
    )
    assert Delivery.objects.count() == 20
    assert sorted(Delivery.objects.values_list("key", flat=True)) == sorted(
        Message.objects.values_list("key", flat=True)
    )


def test_a_worker_killed_right_after_sending_does_not_send_twice(outbox_world, tmp_path: Path):
    # given: a gateway that kills its worker (SIGKILL) right after delivering, once
    marker, calls = tmp_path / "kill", tmp_path / "calls"
    marker.touch()
    gateway = {
        "sms": {"backend": "tests.messaging.celery_support.KillingGateway", "marker": str(marker), "calls": str(calls)}
    }
    env = {"MESSAGING_GATEWAYS": json.dumps(gateway), "MESSAGING_CLAIM_TIMEOUT": "2"}
    _broker, worker, client = outbox_world(env=env)
    brand = BrandFactory()
    trigger(brand)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)

    # when: the worker dies mid-send, leaving the message claimed
    assert worker.process is not None
    assert wait_for(lambda: worker.process.poll() is not None, timeout=60)
    assert worker.process.returncode == -signal.SIGKILL
    message = Message.objects.get()
    assert (message.status, message.attempts, message.claimed_at is not None) == ("queued", 1, True)
    assert Delivery.objects.count() == 1

    # a new worker runs the outbox job after the claim has gone stale
    time.sleep(2.5)
    worker.start()
    client.send_task("common.tasks.run_job", args=["outbox"], queue=worker.queue)

    # then: tried again with the same key, delivered once
    assert wait_for(lambda: Message.objects.filter(status="sent").exists())
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert calls.read_text().split() == [str(message.pk), str(message.pk)]
    assert Delivery.objects.count() == 1
