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
