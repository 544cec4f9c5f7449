"""Work a happening asks for that must not run under a lock: it runs once the call has left it.

A listener runs under the backend's lock and may not block, call out or start a thread
(ARCHITECTURE.md). Some happenings ask for more than a hand-off: a chat that starts with a
flow runs it, a customer's message resumes a flow waiting for it. The listener :func:`defer`\\ s
that work; it is kept for the thread whose call caused the happening, and that thread runs it
(:func:`run_deferred`) once it holds no lock: the doors after each call, the scheduler after
each timer. So a call answers only after the work it caused (the flow its chat started ran),
and never runs work another thread's call caused (which would let that call answer first).

A thread that must not wait on its work hands it off instead (:func:`hand_off`): the
scheduler's own thread, after a timer, where no call waits for the work and the next timer
(another chat's) must not wait behind a flow's Lambda or bot.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)


class _Queue(threading.local):
    def __init__(self) -> None:
        self.work: deque[Callable[[], None]] = deque()


_QUEUE = _Queue()


def defer(work: Callable[[], None]) -> None:
    """Queue ``work`` for this thread to do once its call has left every lock."""
    _QUEUE.work.append(work)


def run_deferred() -> None:
    """Do this thread's deferred work, oldest first, and what it defers in turn, until none
    is left. Call with no lock held. A failing piece is logged and fails no call."""
    work = _QUEUE.work
    while work:
        piece = work.popleft()
        try:
            piece()
        except Exception:  # noqa: BLE001 - deferred work fails no call
            log.exception("deferred chat work %r failed", piece)


#: The name of a thread doing work handed off (:func:`hand_off`).
HANDOFF_THREAD_NAME = "moto-connect-persistent-handoff"


def hand_off() -> threading.Thread | None:
    """Move this thread's deferred work to a thread of its own, started here, which does it
    (and what it defers in turn) as :func:`run_deferred` would; returns that thread, or None
    when there was none. Call with no lock held."""
    work = _QUEUE.work
    if not work:
        return None
    pieces = list(work)
    work.clear()

    def do() -> None:
        _QUEUE.work.extend(pieces)
        run_deferred()

    thread = threading.Thread(target=do, name=HANDOFF_THREAD_NAME, daemon=True)
    thread.start()
    return thread
