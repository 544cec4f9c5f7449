"""Where transcript items go after the backend has made them: the one door out of the backend.

Data flows one way: wire -> backend -> sinks. The backend knows no websocket, SNS or S3; it
calls :func:`deliver` for every item it makes -- kept in the transcript or not (typing events
are delivered but never kept) -- and each registered sink decides what to do with it (push it
to a websocket, publish it to a topic, ...). Sinks are called in item order, under the
backend's lock, so they must only hand the item on (enqueue, publish in-process) and never
block; a failing sink is logged and never fails the call that made the item.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .chat.items import TranscriptItem
    from .chat.session import Contact
    from .models import ConnectPersistentBackend

log = logging.getLogger(__name__)


class TranscriptSink(Protocol):
    """Anything that wants every item of every chat of every backend, as it is made.

    A sink may also define ``backend_reset(backend)``, called when moto resets a backend
    (mock start and stop, ``/moto-api/reset``) to drop what it holds for it.
    """

    def deliver(
        self, backend: ConnectPersistentBackend, contact: Contact, item: TranscriptItem
    ) -> None:
        """``contact`` is the segment the item was written on; ``item.stored`` tells whether
        GetTranscript will ever show it."""


_sinks: list[TranscriptSink] = []
_lock = threading.Lock()


def add_sink(sink: TranscriptSink) -> None:
    """Register a sink once (a second add of the same object is a no-op)."""
    with _lock:
        if not any(s is sink for s in _sinks):
            _sinks.append(sink)


def remove_sink(sink: TranscriptSink) -> None:
    with _lock:
        _sinks[:] = [s for s in _sinks if s is not sink]


def deliver(backend: ConnectPersistentBackend, contact: Contact, item: TranscriptItem) -> None:
    """Hand ``item`` to every sink; a sink's failure is logged, never raised."""
    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink.deliver(backend, contact, item)
        except Exception:  # noqa: BLE001 - best effort, as Connect's own streaming is
            log.exception("transcript sink %r failed on item %s", sink, item.id)


def backend_reset(backend: ConnectPersistentBackend) -> None:
    """Tell every sink that ``backend``'s state is going; a sink's failure is logged."""
    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        hook = getattr(sink, "backend_reset", None)
        if hook is None:
            continue
        try:
            hook(backend)
        except Exception:  # noqa: BLE001 - a reset must complete
            log.exception("transcript sink %r failed on reset", sink)
