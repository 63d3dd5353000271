"""Idempotent POS commands: the first answer under a key is stored with the request's hash and replayed."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from common.api.renderers import StoredJSON
from common.errors import Conflict, InvalidInput
from common.rawrows import fields_update
from common.rowsinsert import instances_insert
from loyalty.models import IdempotencyRecord, Register

MAX_KEY_LENGTH = 128


def request_hash(endpoint: str, body: Any) -> str:
    canonical = json.dumps([endpoint, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, StoredJSON]:
    """The first answer, as its stored text: the renderer sends it without reading it (`StoredJSON`)."""
    if record.request_hash != digest:
        raise Conflict(_("This Idempotency-Key was already used with another request."), code="idempotency_key_reused")
    return record.status_code, StoredJSON(record.response)


def _document(answer: dict[str, Any]) -> str:
    """The answer's JSON: by orjson (a confirm's answer, 20 lines with their campaigns, ~30 KB), by the standard
    library for what orjson will not write (none the till makes); both read back as the same document."""
    try:
        return orjson.dumps(answer).decode()
    except TypeError:
        return json.dumps(answer)


def _store(record: IdempotencyRecord, status_code: int, answer: dict[str, Any]) -> str:
    """The action's answer kept in its record: one hand-written UPDATE (`fields_update`); returns its JSON."""
    record.status_code, record.response = status_code, _document(answer)
    fields_update(record, ("status_code", "response", "updated_at"))
    return record.response


def _recorded(register: Register, key: str) -> IdempotencyRecord | None:
    """The record of the register's key, if any: a replay's one read, hand-written (the ORM's compilation of it, and
    the JSON decoder, cost more than the statement); the answer stays text."""
    with connection.cursor() as cursor:
        cursor.execute(_RECORDED, [register.pk, key])
        row = cursor.fetchone()
    if row is None:
        return None
    request_hash, status_code, response = row
    return IdempotencyRecord(
        register=register, key=key, request_hash=request_hash, status_code=status_code, response=response
    )


_RECORDED = (
    f"SELECT request_hash, status_code, response FROM {IdempotencyRecord._meta.db_table}"  # noqa: S608 (our table)
    " WHERE register_id = %s AND key = %s"
)


def run_idempotent(
    *,
    register: Register,
    key: str | None,
    endpoint: str,
    body: Any,
    action: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, StoredJSON]:
    """Run `action` once per (register, key); the same key and body replay the first answer (as its stored JSON).

    The record is inserted first, in the action's transaction: a concurrent request with the same key waits on
    the unique index until the first commits, then replays its answer. An action that fails writes nothing, so
    the key stays free for a retry. The first answer is sent as the JSON just stored (written once, not twice), the
    same text every replay sends.
    """
    key = (key or "").strip()
    if not key:
        raise InvalidInput(
            _("The Idempotency-Key header is required."),
            code="idempotency_key_required",
            fields={"Idempotency-Key": [_("Required.")]},
        )
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(_("The Idempotency-Key is too long."), fields={"Idempotency-Key": [_("Too long.")]})
    digest = request_hash(endpoint, body)
    existing = _recorded(register, key)
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            record = IdempotencyRecord(
                register=register, key=key, endpoint=endpoint, request_hash=digest, status_code=0, response=""
            )
            instances_insert([record])  # the ORM's create without its compilation
            status_code, answer = action()
            document = _store(record, status_code, answer)
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(register=register, key=key).first()
        if existing is None or existing.status_code == 0:
            raise
        return _replay(existing, digest)
    return status_code, StoredJSON(document)
