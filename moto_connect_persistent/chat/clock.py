"""The mock's one clock, and the one way its moments are written for the Participant Service."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

_lock = threading.Lock()
#: How far ``advance_clock`` moved the mock ahead of the Python clock (0 after moto's reset).
_offset = timedelta(0)


def utcnow() -> datetime:
    """The mock's one clock: the Python clock (so that freezegun / time-machine move it too)
    plus however far ``advance_clock`` moved it."""
    return datetime.now(timezone.utc) + _offset


def advance(seconds: float) -> datetime:
    """Move the mock's clock ``seconds`` ahead; returns the new now."""
    global _offset
    with _lock:
        _offset += timedelta(seconds=seconds)
    return utcnow()


def reset() -> None:
    """Back to the Python clock (moto's reset)."""
    global _offset
    with _lock:
        _offset = timedelta(0)


def to_millis(moment: datetime) -> datetime:
    """Items keep the millisecond AbsoluteTime shows, so a StartPosition.AbsoluteTime copied
    from an item selects that very item in either direction."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def iso8601(moment: datetime) -> str:
    """``2019-11-08T02:41:28.172Z``: the Participant Service's ISO 8601 form, milliseconds."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
