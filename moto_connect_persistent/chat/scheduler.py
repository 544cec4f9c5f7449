"""The process's one scheduler: what falls due in a chat (its duration, its participants'
idle timers) happens by itself, in due order, on one thread, or at once when a test moves
the clock.

A chat core arms a :class:`Timer` (under its lock: arming only pushes onto a heap, it never
starts a thread nor does I/O); the doors call :func:`after_call` once their call left
every lock, which starts the one thread (:meth:`Scheduler.ensure_running`) when a timer waits. The
thread wakes at the next due moment, or every :data:`POLL_SECONDS` at the latest, since
freezegun or time-machine may move the clock it reads without telling it. Firing takes the
timer's core lock and runs its action, which goes through the core like any other happening
(items written, listeners told).

:func:`advance_clock` moves :func:`.clock.utcnow` ahead and fires every timer due by then
on the caller's thread, oldest due first, before it returns, with the work each timer
deferred (a flow it resumed) done. Timers fire one at a time (``_firing``), whoever fires
them, so the order is the due order in every mode; on the thread, a timer's deferred work
runs on a thread of its own (:func:`.deferred.hand_off`), so it never holds the next timer.

Nothing outlives the mock: moto's reset forgets a core's timers (:meth:`Scheduler.forget`),
and once none is left the thread is stopped and joined; a server's stop and the
interpreter's exit stop it too.
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import clock
from .deferred import hand_off, run_deferred

log = logging.getLogger(__name__)

#: The longest the thread sleeps while a timer waits: real time fires within this, and a
#: clock moved by freezegun / time-machine is noticed within it.
POLL_SECONDS = 0.25
#: How long a stop waits for the thread to end.
JOIN_SECONDS = 10.0
THREAD_NAME = "moto-connect-persistent-scheduler"
#: Every so many timers armed, the heap is rid of cancelled ones if they are most of it.
COMPACT_EVERY = 1024


@dataclass(order=True, slots=True)
class Timer:
    """``action(owner, subject, due)`` due at ``due``, under ``owner.lock`` (``owner`` is the
    chat core that armed it). A plain function and its subject, not a closure: every chat
    arms one (its duration), so a timer costs one small object."""

    due: datetime
    seq: int
    owner: Any = field(compare=False)
    action: Callable[[Any, Any, datetime], None] = field(compare=False)
    subject: Any = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self._armed = 0
        #: Held while one timer fires: timers fire one at a time, in due order.
        self._firing = threading.Lock()
        self._thread: threading.Thread | None = None
        #: Set to stop the thread running now (each thread has its own).
        self._stop = threading.Event()
        self._exit_hook = False
        #: Held while the thread is started or stopped. It guards no state: the thread
        #: starts under it, never under ``_lock``, which every arming and firing takes.
        self._starting = threading.Lock()

    # -- arming (under a core's lock) ------------------------------------------------

    def arm(
        self, owner: Any, due: datetime, action: Callable[[Any, Any, datetime], None], subject: Any
    ) -> Timer:
        """``action(owner, subject, due)`` runs under ``owner.lock`` once the clock reaches
        ``due``."""
        timer = Timer(due, next(self._seq), owner, action, subject)
        with self._lock:
            heapq.heappush(self._heap, timer)
            self._armed += 1
            if self._armed % COMPACT_EVERY == 0:
                self._compact()
            self._lock.notify()
        return timer

    def _compact(self) -> None:
        """Drop cancelled timers once they are most of the heap (a chatty timed chat
        re-arms its idle timer on every message)."""
        live = [timer for timer in self._heap if not timer.cancelled]
        if len(live) * 2 < len(self._heap):
            heapq.heapify(live)
            self._heap = live

    def forget(self, owner: Any) -> None:
        """moto reset ``owner``: its timers go; with none left, the thread stops."""
        with self._lock:
            self._heap = [timer for timer in self._heap if timer.owner is not owner]
            heapq.heapify(self._heap)
            idle = not self._heap
        if idle:
            self.stop()

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(1 for timer in self._heap if not timer.cancelled)

    # -- firing ------------------------------------------------------------------------

    def _next_due(self, now: datetime) -> Timer | None:
        with self._lock:
            while self._heap and self._heap[0].cancelled:
                heapq.heappop(self._heap)
            if self._heap and self._heap[0].due <= now:
                return heapq.heappop(self._heap)
            return None

    def fire_due(self, wait_for_work: bool = True) -> int:
        """Fire every timer due by now, oldest due first; returns how many fired. Call with
        no core lock held.

        What a timer asked for outside the lock (a flow resuming: its Lambda, its bot) is
        done before the next timer fires, on this thread, when ``wait_for_work`` (who moved
        the clock sees it done when advance_clock returns); else it is handed off to a
        thread of its own (the scheduler's thread: a chat's slow Lambda must not hold the
        next timer, another chat's, up to the Lambda's time limit)."""
        fired = 0
        with self._firing:
            while (timer := self._next_due(clock.utcnow())) is not None:
                with timer.owner.lock:
                    if timer.cancelled:
                        continue
                    timer.cancelled = True
                    try:
                        timer.action(timer.owner, timer.subject, timer.due)
                    except Exception:  # noqa: BLE001 - a timer's failure fails no call
                        log.exception("chat timer %r failed", timer.action)
                if wait_for_work:
                    run_deferred()
                else:
                    hand_off()
                fired += 1
        return fired

    def advance_clock(self, seconds: float) -> datetime:
        """Move the mock's clock ahead and fire what fell due, before returning the new now."""
        now = clock.advance(seconds)
        self.fire_due()
        return now

    # -- the thread --------------------------------------------------------------------

    def ensure_running(self) -> None:
        """Start the thread if a timer waits and none runs (call outside every backend
        lock). The thread runs until :meth:`stop`."""
        with self._starting:
            with self._lock:
                if not self._heap or self._thread is not None:
                    return
                self._stop = stop = threading.Event()
                thread = threading.Thread(
                    target=self._run, args=(stop,), name=THREAD_NAME, daemon=True
                )
                self._thread = thread
            if not self._exit_hook:
                atexit.register(self.stop)
                self._exit_hook = True
            # Outside the state lock; under ``_starting``, so that two doors finishing at
            # once cannot both start one, nor a stop join a thread not started yet.
            thread.start()

    def _run(self, stop: threading.Event) -> None:
        while True:
            with self._lock:
                if stop.is_set():
                    return
                if not self._heap:
                    self._lock.wait()
                else:
                    ahead = (self._heap[0].due - clock.utcnow()).total_seconds()
                    if ahead > 0:
                        self._lock.wait(min(POLL_SECONDS, ahead))
                if stop.is_set():
                    return
            self.fire_due(wait_for_work=False)

    def stop(self) -> None:
        """Stop and join the thread (moto's reset with no timer left, a server's stop, exit)."""
        with self._starting, self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._lock.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_SECONDS)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()


#: The process's one scheduler.
SCHEDULER = Scheduler()


def advance_clock(seconds: float) -> datetime:
    return SCHEDULER.advance_clock(seconds)


def after_call() -> None:
    """What every door does once its call has left every lock: the work the call deferred
    (:mod:`.deferred`: a flow its chat started), then the timer thread if a timer waits."""
    run_deferred()
    SCHEDULER.ensure_running()
