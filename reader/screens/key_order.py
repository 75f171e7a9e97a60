"""Keys handled one at a time: a key typed in a burst waits until the keys before it have had their effect.

Textual hands a key to the focused widget's queue and runs the widget's handlers there; the key
then bubbles up, queue by queue, to the app, where the bindings of the focused pane and its
screen run (and ``Widget.focus`` itself only asks the app to move the focus later). Keys that
arrive together (a fast typist, key repeat, ``tmux send-keys``) were all handed to the focused
widget before the first one's binding had run, so after 4, q or Enter the rest went to the pane
the focus was leaving. Here the app holds each key until the one before it has gone all the way
up (its bindings run) and what those posted, such as the focus change, has been handled; after
a key that moved the focus or changed the screen, until the screen has been laid out and drawn
again (the pane just shown knows its size: j scrolls it).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

PASSES = 2
"""Rounds through the key's queues: the key itself, then what its bindings posted (the focus change)."""

MORE_PASSES = 2
"""Further rounds while those queues still hold messages (a message whose handler moves the focus)."""

STUCK = 1.0
"""Seconds after which held keys go on anyway (a queue closed under a key: a pane removed)."""


@dataclass(frozen=True, slots=True)
class _Trip:
    """One key on its way: the queues it goes through, and where the focus was when it was handed on."""

    turn: int
    queues: list[MessagePump]
    screen: Screen[Any]
    focused: DOMNode | None


class KeysInOrder(App[None]):
    """An app that hands keys to its panes one at a time, each after the previous one's effect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key | events.Paste] = deque()  # a paste waits its turn as a key does
        self._key_turn = 0  # which key is on its way; a late round of an earlier one does nothing
        self._key_busy = False
        self._key_since = 0.0  # when the key on its way was handed on
        self._key_watch: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self.screen_stack:
            self._held_keys.append(event)
            if self._key_busy:
                self._watch_keys()
            else:
                await self._next_key()
            return
        await super().on_event(event)

    async def _next_key(self) -> None:
        """Hand the first held key on, as Textual would, and follow it through the queues it goes to."""
        while self._held_keys and not self._key_busy and self.screen_stack:
            key = self._held_keys.popleft()
            screen, focused = self.screen, self.focused
            target: DOMNode = focused or screen
            queues: list[MessagePump] = [*target.ancestors_with_self]
            if queues[-1] is not self:
                queues.append(self)
            self._key_turn += 1
            self._key_busy = True
            self._key_since = monotonic()
            await super().on_event(key)  # priority bindings here, or to the focused widget's queue
            self._follow(_Trip(self._key_turn, queues, screen, focused), 0, PASSES + MORE_PASSES)
        if not self._held_keys and self._key_watch is not None:
            self._key_watch.stop()
            self._key_watch = None

    def _follow(self, trip: _Trip, index: int, passes: int) -> None:
        """Wait for each of the trip's queues in turn to handle what it holds, ``passes`` rounds over."""
        if trip.turn != self._key_turn:
            return
        if index == len(trip.queues):
            passes -= 1
            pending = any(queue.message_queue_size for queue in trip.queues)
            if passes <= MORE_PASSES and not (passes and pending):
                self._arrived(trip)
                return
            index = 0
        while index < len(trip.queues):
            if trip.queues[index].call_later(self._follow, trip, index + 1, passes):
                return
            index += 1  # that queue is closed (its widget was removed): on to the next
        self._follow(trip, index, passes)

    def _arrived(self, trip: _Trip) -> None:
        """The key has had its effect: the next one goes on, once a pane the key showed is drawn."""
        if not self.screen_stack:  # the app is closing
            self._release(trip.turn)
            return
        moved = self.screen is not trip.screen or self.focused is not trip.focused
        if not (moved and self.screen.call_after_refresh(self._release, trip.turn)):
            self._release(trip.turn)

    def _release(self, turn: int) -> None:
        """The key of ``turn`` is seen through: the next one may go."""
        if turn == self._key_turn and self._key_busy:
            self._key_busy = False
            self.call_next(self._next_key)

    def _watch_keys(self, wait: float = STUCK) -> None:
        """Make sure held keys go on even if the key before them is never seen through."""
        if self._key_watch is None:
            self._key_watch = self.set_timer(wait, self._unstick)

    async def _unstick(self) -> None:
        """Held keys, and a key handed on ``STUCK`` seconds ago never seen through: go on without it."""
        self._key_watch = None
        if not (self._key_busy and self._held_keys):
            return
        waited = monotonic() - self._key_since
        if waited < STUCK:
            self._watch_keys(STUCK - waited)
            return
        self._key_turn += 1
        self._key_busy = False
        await self._next_key()
