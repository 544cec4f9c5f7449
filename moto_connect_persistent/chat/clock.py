"""The mock's one clock, and the one way its moments are written for the Participant Service."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """The Python clock, so that freezegun / time-machine move the mock's time too."""
    return datetime.now(timezone.utc)


def to_millis(moment: datetime) -> datetime:
    """Items keep the millisecond AbsoluteTime shows, so a StartPosition.AbsoluteTime copied
    from an item selects that very item in either direction."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def iso8601(moment: datetime) -> str:
    """``2019-11-08T02:41:28.172Z``: the Participant Service's ISO 8601 form, milliseconds."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
