"""Who reacts when contact events are recorded: apps above register a callback (the messaging app's dispatcher),
apps below call `events_recorded()` after writing events, and the callbacks run once the transaction commits.

A list of callables rather than a signal: the one place it is filled and the one place it is read are named here.
"""

from collections.abc import Callable

from django.db import transaction

_listeners: list[Callable[[], None]] = []


def listen(callback: Callable[[], None]) -> None:
    """Run `callback` after every commit that recorded events (registered once, at app start)."""
    if callback not in _listeners:
        _listeners.append(callback)


def events_recorded() -> None:
    """Called by whoever wrote events: the listeners run after the transaction commits (at once outside one)."""
    for callback in _listeners:
        transaction.on_commit(callback)


# --- looking ahead -----------------------------------------------------------------------------------------------
# Daily jobs record some events ahead of their day (`points_expiring` when a lot nears its expiry, `birthday` before
# the birthday); a listener that acts some days before (a trigger's `days_before`) says how far ahead it needs them.

_lookaheads: list[Callable[[str], int]] = []


def listen_ahead(callback: Callable[[str], int]) -> None:
    """`callback(event_type)` answers how many days before its day a listener needs such an event recorded."""
    if callback not in _lookaheads:
        _lookaheads.append(callback)


def days_ahead(event_type: str, *, at_least: int) -> int:
    """How many days ahead a daily job records `event_type`: `at_least`, or more if a listener needs more."""
    return max([at_least, *(callback(event_type) for callback in _lookaheads)])


# --- who hears what ----------------------------------------------------------------------------------------------
# A listener that reacts only to some event types at a brand (the dispatcher: the types of the brand's active
# triggers) says which as SQL: a scalar subquery with one parameter, the brand's id, giving the types
# comma-separated (NULL for none). A hot path that records events (the till's confirm) reads it inside a statement
# it makes anyway, and writes the events no listener hears as already dispatched, with no kick after its commit.

_hearings: list[Callable[[str], str]] = []


def listen_hearing(sql_for_vendor: Callable[[str], str]) -> None:
    """`sql_for_vendor(vendor)`: the listener's subquery for that database vendor (see above)."""
    if sql_for_vendor not in _hearings:
        _hearings.append(sql_for_vendor)


def heard_sql(vendor: str) -> tuple[str, int]:
    """The event types some listener hears at a brand, as one SQL expression, and how many brand-id parameters it
    takes; `NULL` (none heard) when no listener said."""
    if not _hearings:
        return "NULL", 0
    parts = [f"COALESCE(({sql_for_vendor(vendor)}), '')" for sql_for_vendor in _hearings]
    return " || ',' || ".join(parts), len(parts)


def heard_types(value: str | None) -> frozenset[str]:
    """The types `heard_sql`'s expression gave."""
    return frozenset(part for part in (value or "").split(",") if part)
