"""Item sinks: the short way for a test (or a tool) to watch every item every chat writes.

A sink is any object with ``deliver(origin, contact, item)``; it is handed each item as the
chat core records its :class:`~.chat.happenings.ItemWritten` -- kept in the transcript or not
(typing events are delivered but never kept) -- under the backend's lock, in item order. It
must only hand the item on, never block; a failing sink is logged and never fails the call
that made the item. Listeners of other happenings subscribe to
:data:`~.chat.happenings.EVERY_CHAT` directly.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from .chat.happenings import EVERY_CHAT, ItemWritten, Origin
from .chat.items import TranscriptItem
from .chat.session import Contact

log = logging.getLogger(__name__)


class TranscriptSink(Protocol):
    def deliver(self, origin: Origin, contact: Contact, item: TranscriptItem) -> None:
        """``origin`` is the chat's account and region, ``contact`` the segment the item was
        written on; ``item.stored`` tells whether GetTranscript will ever show it."""


_sinks: tuple[TranscriptSink, ...] = ()
_lock = threading.Lock()


def add_sink(sink: TranscriptSink) -> None:
    """Register a sink once (a second add of the same object is a no-op); the first sink
    subscribes the sinks to every chat's items, so they cost nothing until then."""
    global _sinks
    with _lock:
        if not any(s is sink for s in _sinks):
            _sinks = (*_sinks, sink)
        EVERY_CHAT.on(ItemWritten, item_written)


def remove_sink(sink: TranscriptSink) -> None:
    global _sinks
    with _lock:
        _sinks = tuple(s for s in _sinks if s is not sink)
        if not _sinks:
            EVERY_CHAT.off(ItemWritten, item_written)


def item_written(happening: ItemWritten) -> None:
    """Hand the item to every sink; a sink's failure is logged, never raised."""
    for sink in _sinks:
        try:
            sink.deliver(happening.origin, happening.contact, happening.item)
        except Exception:  # noqa: BLE001 - best effort, as Connect's own streaming is
            log.exception("transcript sink %r failed on item %s", sink, happening.item.id)
