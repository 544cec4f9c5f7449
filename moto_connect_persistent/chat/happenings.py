"""What happens in a chat, recorded once by the core and delivered to its listeners.

The core records each happening once, as it happens, under the backend's lock: an item
written, a segment started or ended, a participant joined or left, a chat rehydrated or
ended, a backend reset. Listeners subscribe by the happening's type, on one core
(:attr:`.core.ChatCore.listeners`: the transcript index, the stored transcripts of that
account and region) or on every core (:data:`EVERY_CHAT`: websocket push, SNS streaming,
test sinks). A new way out of the mock (contact events, contact records, flows) is one more
listener; nothing that records a happening changes.

Listeners run under the backend's lock, in the order they subscribed: they hand the
happening on (enqueue, publish in-process) and never block. A failing listener is logged and
never fails the call that caused the happening.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .items import TranscriptItem
from .participants import Participant
from .session import ChatSession, Contact


@dataclass(frozen=True)
class Origin:
    """The account and region whose chats a core holds."""

    account_id: str
    region_name: str


@dataclass(slots=True, eq=False)
class Happening:
    origin: Origin


@dataclass(slots=True, eq=False)
class ItemWritten(Happening):
    """An item was written on ``contact`` (``item.stored`` False: pushed, never kept)."""

    contact: Contact
    item: TranscriptItem


@dataclass(slots=True, eq=False)
class SegmentStarted(Happening):
    """A contact began: a chat's root or the next segment of its session."""

    contact: Contact


@dataclass(slots=True, eq=False)
class SegmentEnded(Happening):
    """A CHAT segment ended and its items are final."""

    contact: Contact


@dataclass(slots=True, eq=False)
class ContactQueued(Happening):
    """The running segment was put in a queue (``contact.queue_id``, since
    ``contact.enqueue_timestamp``), to wait for an agent."""

    contact: Contact


@dataclass(slots=True, eq=False)
class ParticipantJoined(Happening):
    contact: Contact
    participant: Participant


@dataclass(slots=True, eq=False)
class ParticipantLeft(Happening):
    contact: Contact
    participant: Participant


@dataclass(slots=True, eq=False)
class ChatRehydrated(Happening):
    """The session became a persistent chat: it now shows a past."""

    session: ChatSession


@dataclass(slots=True, eq=False)
class ChatEnded(Happening):
    """The session's last segment ended (stopped, disconnected or out of time)."""

    contact: Contact


@dataclass(slots=True, eq=False)
class AttributesUpdated(Happening):
    """UpdateContactAttributes changed the attributes of ``contact``'s chat session."""

    contact: Contact


@dataclass(slots=True, eq=False)
class BackendReset(Happening):
    """moto reset the backend: everything a listener holds for its chats goes."""


H = TypeVar("H", bound=Happening)


class Listeners:
    """Listeners by the type of happening they take."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_kind: dict[type[Happening], tuple[Callable[[Any], None], ...]] = {}

    def on(self, kind: type[H], listener: Callable[[H], None]) -> None:
        """Subscribe ``listener`` to ``kind``; subscribing the same listener again is a no-op."""
        with self._lock:
            current = self._by_kind.get(kind, ())
            if listener not in current:
                self._by_kind[kind] = (*current, listener)

    def off(self, kind: type[H], listener: Callable[[H], None]) -> None:
        with self._lock:
            current = self._by_kind.get(kind, ())
            self._by_kind[kind] = tuple(each for each in current if each != listener)

    def of(self, kind: type[Happening]) -> tuple[Callable[[Any], None], ...]:
        """The listeners of ``kind``, in the order they subscribed."""
        return self._by_kind.get(kind, ())


#: Listeners of every core of the process (every account and region).
EVERY_CHAT = Listeners()
