"""Channels' gateways: one small interface, the built-in `log` gateway, an HTTP gateway and Django's e-mail.

`MESSAGING_GATEWAYS` (settings, JSON in the environment) names a gateway per channel, e.g.
`{"sms": {"backend": "http", "url": "https://sms.example/send", "auth_header": "Bearer …",
"body": {"phone": "{to}", "text": "{body}", "id": "{key}"}}}`; `backend` is `log`, `http`, `email` or the dotted
path of a class. Unnamed channels: e-mail through Django's e-mail backend (`EMAIL_URL`), the others `log`.

Every call carries the message's idempotency key. A gateway that `deduplicates` (log; HTTP, which sends the key as
`Idempotency-Key`) may be asked again after a worker died mid-send; one that cannot (SMTP) is never asked twice.
"""

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import linebreaks, strip_tags, urlize
from django.utils.module_loading import import_string

from campaigns.messaging.choices import Channel, Purpose
from campaigns.messaging.links import is_html, tracked_html, unsubscribe_url
from campaigns.messaging.models import Delivery, Message


class GatewayError(Exception):
    """The gateway refused or could not be reached; the relay retries with backoff."""


class Gateway(Protocol):
    deduplicates: bool

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        """Send each message (with its key); per message id, the gateway's id for it or the error."""
        ...


class LogGateway:
    """Records the delivery in a table, once per idempotency key (a repeat finds the row and delivers nothing)."""

    deduplicates = True

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        Delivery.objects.bulk_create(
            [
                Delivery(key=m.key, message_id=m.pk, channel=m.channel, to=m.to, subject=m.subject, body=m.body)
                for m in messages
            ],
            ignore_conflicts=True,
        )
        return {message.pk: "" for message in messages}


class HttpGateway:
    """POSTs a JSON body made from a template (`{to}`, `{body}`, `{subject}`, `{key}`, `{channel}`, `{id}` in its
    strings) to `url`, with `auth_header` as Authorization and the key as Idempotency-Key; 2xx is delivered."""

    deduplicates = True

    def __init__(self, *, url: str, auth_header: str = "", body: Any = None, timeout: float = 10, **_: Any) -> None:
        self.url, self.auth_header, self.timeout = url, auth_header, timeout
        self.body = body if body is not None else {"to": "{to}", "subject": "{subject}", "text": "{body}"}

    def _fill(self, value: Any, message: Message) -> Any:
        if isinstance(value, str):
            for name, text in (
                ("to", message.to),
                ("subject", message.subject),
                ("body", message.body),
                ("key", str(message.key)),
                ("channel", message.channel),
                ("id", str(message.pk)),
            ):
                value = value.replace("{" + name + "}", text)
            return value
        if isinstance(value, dict):
            return {key: self._fill(item, message) for key, item in value.items()}
        if isinstance(value, list):
            return [self._fill(item, message) for item in value]
        return value

    def send(self, message: Message) -> str:
        data = json.dumps(self._fill(self.body, message)).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(message.key)}
        if self.auth_header:
            headers["Authorization"] = self.auth_header
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code}: {exc.read(300).decode(errors='replace')}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(str(exc)) from exc
        try:
            parsed = json.loads(answer or b"{}")
        except ValueError:
            return ""
        return str(parsed.get("id", ""))[:200] if isinstance(parsed, dict) else ""

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        results: dict[int, str | Exception] = {}
        for message in messages:
            try:
                results[message.pk] = self.send(message)
            except GatewayError as exc:
                results[message.pk] = exc
        return results


class EmailGateway:
    """Django's e-mail backend (`EMAIL_URL`; anymail's for providers): an HTML part with tracked links and the open
    pixel, the List-Unsubscribe headers, and the key as Message-ID. SMTP cannot deduplicate: see the module."""

    def __init__(self, *, deduplicates: bool = False, **options: Any) -> None:
        self.deduplicates = deduplicates
        self.options = options

    def email(self, message: Message, connection: Any) -> EmailMultiAlternatives:
        body = message.body
        html = body if is_html(body) else linebreaks(urlize(body, autoescape=True))
        text = strip_tags(body) if is_html(body) else body
        headers = {"Message-ID": f"<{message.key}@{settings.MESSAGING_MESSAGE_ID_DOMAIN}>"}
        if message.purpose == Purpose.TRIGGER and message.contact_id is not None:
            unsubscribe = unsubscribe_url(message.contact_id, Channel.EMAIL)
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            html = tracked_html(html, message_id=message.pk)
        email = EmailMultiAlternatives(
            subject=message.subject, body=text, to=[message.to], headers=headers, connection=connection
        )
        email.attach_alternative(html, "text/html")
        return email

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        results: dict[int, str | Exception] = {}
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            for message in messages:
                try:
                    self.email(message, connection).send()
                    results[message.pk] = ""
                except Exception as exc:  # the backend's own errors (SMTP, a provider's API)
                    results[message.pk] = exc
        finally:
            connection.close()
        return results


BACKENDS: dict[str, type] = {"log": LogGateway, "http": HttpGateway, "email": EmailGateway}


def gateway_for(channel: str) -> Gateway:
    config = dict(settings.MESSAGING_GATEWAYS.get(channel) or {})
    backend = config.pop("backend", "email" if channel == Channel.EMAIL else "log")
    cls = BACKENDS.get(backend) or import_string(backend)
    return cls(**config)  # type: ignore[no-any-return]
