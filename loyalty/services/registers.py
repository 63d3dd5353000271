"""Cash registers: creation with a one-time API key, key rotation, last-seen stamps."""

import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from common.rawrows import Columns
from loyalty.models import Brand, Partner, Program, Register, Store, hash_api_key

KEY_BYTES = 32


def _new_key() -> str:
    return "rk_" + secrets.token_urlsafe(KEY_BYTES)


@transaction.atomic
def register_create(*, data: dict[str, Any]) -> tuple[Register, str]:
    """Create a register; returns it with its API key in clear, which is never shown again."""
    key = _new_key()
    register = Register(**data, api_key_hash=hash_api_key(key), api_key_prefix=key[:8])
    register.full_clean()
    register.save()
    return register, key


@transaction.atomic
def register_rotate_key(*, register: Register) -> str:
    """Replace a register's API key; the old one stops working at once."""
    key = _new_key()
    register.api_key_hash = hash_api_key(key)
    register.api_key_prefix = key[:8]
    register.save(update_fields=["api_key_hash", "api_key_prefix", "updated_at"])
    return key


@cache
def _by_key_statement(vendor: str) -> tuple[str, tuple[Columns, ...]]:
    del vendor  # the cache's key: quoting and converters are the backend's
    parts = tuple(
        Columns(model, alias)
        for model, alias in ((Register, "r"), (Store, "s"), (Brand, "b"), (Program, "p"), (Partner, "pt"))
    )
    sql = f"""
        SELECT {", ".join(part.sql for part in parts)}
        FROM {Register._meta.db_table} r
        JOIN {Store._meta.db_table} s ON s.id = r.store_id
        JOIN {Brand._meta.db_table} b ON b.id = s.brand_id
        JOIN {Program._meta.db_table} p ON p.id = b.program_id
        JOIN {Partner._meta.db_table} pt ON pt.id = s.partner_id
        WHERE r.api_key_hash = %s AND r.is_active
    """  # noqa: S608  (names from the models' metadata)
    return sql, parts


def register_by_key(key: str) -> Register | None:
    """The active register of that key with its store, brand, program and partner: every POS call's first read,
    in one hand-written statement (the ORM's compilation of the same join costs more than running it)."""
    sql, parts = _by_key_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_api_key(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for part in parts:
        objects.append(part.build(row, start))
        start += part.width
    register, store, brand, program, partner = objects
    brand.program = program  # type: ignore[union-attr]
    store.brand, store.partner = brand, partner  # type: ignore[union-attr]
    register.store = store  # type: ignore[union-attr]
    return register  # type: ignore[return-value]


LAST_SEEN_RESOLUTION = timedelta(seconds=30)


def register_touch(*, register: Register) -> None:
    """Stamp `last_seen_at`, at most once per resolution so busy tills do not write on every call."""
    now = timezone.now()
    if register.last_seen_at is None or now - register.last_seen_at >= LAST_SEEN_RESOLUTION:
        Register.objects.filter(pk=register.pk).update(last_seen_at=now)
        register.last_seen_at = now
