"""Transcript items and the append-only logs they are kept in.

An item is data only: how each audience sees it (GetTranscript, the websocket, SNS, the
stored file) is built in :mod:`.views`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class TranscriptItem:
    """One message or event, in the segment (contact) it was sent on."""

    seq: int
    id: str
    type: str
    content_type: str
    at: datetime
    contact_id: str
    participant_role: str
    display_name: str | None = None
    participant_id: str | None = None
    content: str | None = None
    #: Receipts by recipient participant id: {"DeliveredTimestamp": ..., "ReadTimestamp": ...}.
    receipts: dict[str, dict[str, str]] = field(default_factory=dict)
    #: False for items delivered to listeners but never kept in the transcript (typing,
    #: receipts).
    stored: bool = True
    #: ``Attachments`` of an ATTACHMENT item.
    attachments: list[dict[str, str]] | None = None


def _seq(item: TranscriptItem) -> int:
    return item.seq


def _at(item: TranscriptItem) -> datetime:
    return item.at


class ItemLog(list[TranscriptItem]):
    """Items oldest first, appended in ``seq`` order; remembers whether their times are too.

    Times go backwards only when a test moves the clock back (freezegun); then AbsoluteTime
    lookups fall back to a scan so they still answer exactly what the rules say.
    """

    times_ordered: bool = True

    def append(self, item: TranscriptItem) -> None:
        if self and item.at < self[-1].at:
            self.times_ordered = False
        super().append(item)

    def copy(self) -> ItemLog:
        """A log of the same items, as ordered in time as this one."""
        copied = ItemLog(self)
        if not self.times_ordered:
            copied.times_ordered = False
        return copied

    def count_before(self, seq: int) -> int:
        """How many items have a ``seq`` below ``seq`` (the end of a BACKWARD page)."""
        return bisect_left(self, seq, key=_seq)

    def first_after(self, seq: int) -> int:
        """Index of the first item with a ``seq`` above ``seq`` (a FORWARD page's start)."""
        return bisect_right(self, seq, key=_seq)

    def last_at_or_before(self, moment: datetime) -> int:
        """Index of the last item at or before ``moment``; -1 if none."""
        if self.times_ordered:
            return bisect_right(self, moment, key=_at) - 1
        return max((i for i, item in enumerate(self) if item.at <= moment), default=-1)

    def first_at_or_after(self, moment: datetime) -> int:
        """Index of the first item at or after ``moment``; ``len`` if none."""
        if self.times_ordered:
            return bisect_left(self, moment, key=_at)
        return min((i for i, item in enumerate(self) if item.at >= moment), default=len(self))
