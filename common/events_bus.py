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
