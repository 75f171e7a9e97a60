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

A key alone costs next to nothing: the app sees it come back up (its bindings have run) and
only when the next key arrives checks that what those posted has been handled; the queues are
followed one by one only for a key a widget kept, or messages still waiting. Text typed into a
box (the filter, the find bar) goes straight on: it runs no binding and moves no focus.
"""

from __future__ import annotations

from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

if TYPE_CHECKING:
    _AppBase = App[None]
else:
    _AppBase = object  # a mixin: making a subclass of App costs a launch a few milliseconds

PASSES = 2
"""Rounds through the key's queues: the key itself, then what its bindings posted (the focus change)."""

MORE_PASSES = 2
"""Further rounds while those queues still hold messages (a message whose handler moves the focus)."""

STUCK = 1.0
"""Seconds after which held keys go on anyway (a queue closed under a key: a pane removed)."""


class _Trip:
    """One key on its way: the queues it goes through, and where the focus was when it was handed on
    (a plain class: a dataclass costs a launch about a millisecond to make)."""

    __slots__ = ("focused", "queues", "screen", "turn")

    def __init__(self, turn: int, queues: list[MessagePump], screen: Screen[Any], focused: DOMNode | None) -> None:
        self.turn = turn
        self.queues = queues
        self.screen = screen
        self.focused = focused


class KeysInOrder(_AppBase):
    """An app that hands keys to its panes one at a time, each after the previous one's effect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key | events.Paste] = deque()  # a paste waits its turn as a key does
        self._key_turn = 0  # which key is on its way; a late round of an earlier one does nothing
        self._key_busy = False
        self._key_since = 0.0  # when the key on its way was handed on
        self._key_watch: Timer | None = None
        self._key_trip: _Trip | None = None  # the key on its way, until seen through
        self._key_event: events.Key | events.Paste | None = None
        self._key_followed = False  # its queues are being followed (the key may never come back up)
        self._key_bound = 0  # the turn of a key whose bindings have run, with no key waiting behind it then

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self.screen_stack:
            if not self._key_busy and not self._held_keys and self._typed_as_text(event):
                await super().on_event(event)  # text for a box: no binding runs, the focus stays
                return
            self._held_keys.append(event)
            if self._key_busy:
                trip = self._key_trip
                if trip is not None and self._key_bound == trip.turn:
                    self._key_bound = 0
                    self._bound(trip)  # its bindings ran before this key came: only what they posted is left
                else:
                    self._follow_key()
            if self._key_busy:
                self._watch_keys()
            else:
                await self._next_key()
            return
        await super().on_event(event)
        trip = self._key_trip
        if trip is not None and event is self._key_event:  # the key came back up; its bindings have run
            self.call_later(self._bound, trip)

    def _typed_as_text(self, event: events.Key | events.Paste) -> bool:
        """Is this key text for the focused box, which takes it in without a binding?
        Such keys need not wait: following each one through the queues made a search typed in
        a burst wait for the search each letter started (its thread holding the interpreter)."""
        focused = self.focused
        if focused is None or not isinstance(event, events.Key):
            return False
        return focused.check_consume_key(event.key, event.character)

    async def _next_key(self) -> None:
        """Hand the held keys on, as Textual would, one at a time: text for a box goes straight on; any
        other key waits until the one before is seen through (followed only while keys wait behind it)."""
        while self._held_keys and not self._key_busy and self.screen_stack:
            key = self._held_keys.popleft()
            if self._typed_as_text(key):
                await super().on_event(key)  # text for a box: no binding runs, the focus stays
                continue
            screen, focused = self.screen, self.focused
            target: DOMNode = focused or screen
            queues: list[MessagePump] = [*target.ancestors_with_self]
            if queues[-1] is not self:
                queues.append(self)
            self._key_turn += 1
            self._key_busy = True
            self._key_since = monotonic()
            trip = _Trip(self._key_turn, queues, screen, focused)
            self._key_trip, self._key_event, self._key_followed = trip, key, False
            await super().on_event(key)  # priority bindings here, or to the focused widget's queue
            if not key.is_forwarded:  # a priority binding took it: it goes no further
                self.call_later(self._bound, trip)
            elif self._held_keys:  # keys wait behind it: see it through even if it never comes back up
                self._follow_key()
        if not self._held_keys and self._key_watch is not None:
            self._key_watch.stop()
            self._key_watch = None

    def _follow_key(self) -> None:
        """Follow the key on its way through its queues (once): a key a widget keeps (it never comes
        back up to the app, where the bindings run) is seen through that way."""
        trip = self._key_trip
        if trip is not None and self._key_busy and not self._key_followed:
            self._key_followed = True
            self._follow(trip, 0, PASSES + MORE_PASSES)

    def _bound(self, trip: _Trip) -> None:
        """The key's bindings have run and what they asked the app to do next (a focus change) is done;
        messages they posted that are still waiting are followed first."""
        if trip.turn != self._key_turn:
            return
        if not self._held_keys and self.screen is trip.screen and self.focused is trip.focused:
            self._key_bound = trip.turn  # nothing waits: what it posted is seen through when a key comes
            return
        if any(queue.message_queue_size for queue in trip.queues):
            self._follow(trip, 0, MORE_PASSES)
        else:
            self._arrived(trip)

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
            self._key_trip = self._key_event = None
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
