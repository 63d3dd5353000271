"""The gateways: the HTTP gateway against a server on loopback (body template, auth header, idempotency key,
errors retried), the log gateway delivering once per key, and the choice of gateway per channel."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from campaigns.messaging.gateways import EmailGateway, GatewayError, HttpGateway, LogGateway, gateway_for
from campaigns.messaging.models import Delivery, Message
from campaigns.messaging.relay import relay_due
from tests.factories import BrandFactory
from tests.messaging.support import record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db


class Recorder(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"headers": dict(self.headers), "body": json.loads(body)})
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "sms-42"}' if self.status == 200 else b'{"error": "quota"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sms_server() -> Iterator[str]:
    Recorder.received, Recorder.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()
    server.server_close()


def queued_sms(body_template: str = "Code {{ contact.first_name }}") -> Message:
    brand = BrandFactory()
    trigger(brand, template=body_template)
    record(subscribed_contact(brand, first_name="Ira"), "purchase_confirmed", brand=brand)
    from campaigns.messaging.dispatcher import dispatch_pending

    dispatch_pending()
    return Message.objects.get()


def test_the_http_gateway_posts_the_body_template_with_the_auth_header_and_the_key(settings, sms_server):
    settings.MESSAGING_GATEWAYS = {
        "sms": {
            "backend": "http",
            "url": sms_server,
            "auth_header": "Bearer secret",
            "body": {"phone": "{to}", "text": "{body}", "meta": {"ref": "{key}", "tags": ["{channel}"]}},
        }
    }
    message = queued_sms()

    result = relay_due()

    assert result.sent == 1
    [call] = Recorder.received
    assert call["headers"]["Authorization"] == "Bearer secret"
    assert call["headers"]["Idempotency-Key"] == str(message.key)
    assert call["body"] == {"phone": message.to, "text": "Code Ira", "meta": {"ref": str(message.key), "tags": ["sms"]}}
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("sent", "sms-42")


def test_an_http_error_is_retried_with_the_answer_as_the_reason(settings, sms_server):
    settings.MESSAGING_GATEWAYS = {"sms": {"backend": "http", "url": sms_server}}
    Recorder.status = 503
    message = queued_sms()

    result = relay_due()

    message.refresh_from_db()
    assert (result.retried, message.status, message.attempts) == (1, "queued", 1)
    assert message.reason.startswith('attempt 1: GatewayError: HTTP 503: {"error": "quota"}')


def test_an_unreachable_http_gateway_raises_a_gateway_error():
    gateway = HttpGateway(url="http://127.0.0.1:9/nothing", timeout=2)
    message = Message(pk=1, channel="sms", to="+7", body="x")

    with pytest.raises(GatewayError):
        gateway.send(message)


def test_the_log_gateway_delivers_once_per_key():
    message = queued_sms()

    LogGateway().send_many([message])
    LogGateway().send_many([message])

    assert Delivery.objects.filter(key=message.key).count() == 1


def test_the_gateway_of_each_channel_is_a_setting(settings):
    settings.MESSAGING_GATEWAYS = {"push": {"backend": "http", "url": "http://127.0.0.1/push"}}

    assert isinstance(gateway_for("email"), EmailGateway)
    assert isinstance(gateway_for("sms"), LogGateway)
    assert isinstance(gateway_for("messenger"), LogGateway)
    assert isinstance(gateway_for("push"), HttpGateway)
    assert gateway_for("email").deduplicates is False
