"""Gateways for the tests that run a real Celery worker (imported by the worker from MESSAGING_GATEWAYS)."""

import os
import signal
from pathlib import Path
from typing import Any

from campaigns.messaging.gateways import LogGateway
from campaigns.messaging.models import Message


class KillingGateway(LogGateway):
    """Delivers like the log gateway, then, while its marker file exists, removes it and kills its own process
    (SIGKILL: no cleanup, no acknowledgement) before the relay can mark the message sent. Each call is counted in
    the calls file, one line per message handed."""

    def __init__(self, *, marker: str, calls: str, **options: Any) -> None:
        super().__init__(**options)
        self.marker, self.calls = Path(marker), Path(calls)

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        result = super().send_many(messages)
        with self.calls.open("a") as calls:
            calls.writelines(f"{message.pk}\n" for message in messages)
        if self.marker.exists():
            self.marker.unlink()
            os.kill(os.getpid(), signal.SIGKILL)
        return result
