"""Where a GetTranscript page starts and ends, found by index, never by walking the chat.

A chat's items are kept in append-only logs ordered by ``seq`` (the order they were made):
one log per segment and one per chat session. A cursor is a ``seq`` bound in one of them, so
a page is found by bisection and builds only the items it returns, whatever the chat's size;
the visible past is walked segment by segment from where the last page stopped.

The rules (what a page holds) are docs/transcripts.md's "Paging"; the Participant backend decides
*which* log and *which* past a chat reads, this module only how to read it fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .items import ItemLog, TranscriptItem
from .session import Contact

BACKWARD = "BACKWARD"
FORWARD = "FORWARD"

#: A bound past every item (BACKWARD from the newest, FORWARD from the oldest).
AFTER_ALL = sys.maxsize
BEFORE_ALL = 0


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts. A NextToken stands for one of these (see TokenTable).

    ``segment_id`` None: the chat's own session (or the ``contact_id`` segment of it); the next
    items have ``seq`` below ``key`` (BACKWARD) or above it (FORWARD). Otherwise the walk is in
    the visible past, in that past segment, at the items with ``seq`` below ``key``.
    """

    instance_id: str
    root_id: str
    direction: str
    contact_id: str | None
    segment_id: str | None
    key: int


class TokenTable:
    """NextTokens as short opaque keys to cursors kept here: whatever the ids or filters, a
    token stays far below the model's 1,000 characters. The same place gets the same token,
    so the table grows with the places read, not with the reads."""

    def __init__(self, new_key: Callable[[], str]) -> None:
        self._new_key = new_key
        self._cursors: dict[str, Cursor] = {}
        self._tokens: dict[Cursor, str] = {}

    def token(self, cursor: Cursor) -> str:
        token = self._tokens.get(cursor)
        if token is None:
            token = self._new_key()
            self._tokens[cursor] = token
            self._cursors[token] = cursor
        return token

    def cursor(self, token: str) -> Cursor | None:
        return self._cursors.get(token)


def backward_page(log: ItemLog, key: int, limit: int) -> tuple[list[TranscriptItem], int | None]:
    """Up to ``limit`` items below ``key``, newest first, and the key the next page starts at
    (None: nothing older in this log)."""
    end = log.count_before(key)
    start = max(0, end - limit)
    page = log[start:end]
    page.reverse()
    return page, (log[start - 1].seq + 1 if start > 0 else None)


def forward_page(log: ItemLog, key: int, limit: int) -> tuple[list[TranscriptItem], int | None]:
    """Up to ``limit`` items above ``key``, oldest first, and the next page's key (None: none
    newer yet)."""
    begin = log.first_after(key)
    page = log[begin : begin + limit]
    following = begin + limit
    return page, (log[following].seq - 1 if following < len(log) else None)


def past_items(
    segments: Iterable[Contact], key: int, log_of: Callable[[Contact], ItemLog]
) -> Iterator[TranscriptItem]:
    """The past's items newest first, from ``key`` in the first segment on."""
    bound = key
    for segment in segments:
        log = log_of(segment)
        for index in range(log.count_before(bound) - 1, -1, -1):
            yield log[index]
        bound = AFTER_ALL


def start_key(
    log: ItemLog,
    direction: str,
    kind: str | None,
    value: Any,
) -> int:
    """The first page's key for a StartPosition of ``kind`` (``None``: none) whose target the
    caller resolved: an item (``Id``), a count (``MostRecent``) or a time (``AbsoluteTime``).
    The start item is included: BACKWARD pages end at it, FORWARD pages begin at it."""
    if kind is None:
        return AFTER_ALL if direction == BACKWARD else BEFORE_ALL
    if kind == "Id":
        item: TranscriptItem = value
        return item.seq + 1 if direction == BACKWARD else item.seq - 1
    if kind == "MostRecent":
        index = len(log) - 1 - int(value)
        if direction == FORWARD:
            index = max(index, 0)
    elif direction == BACKWARD:
        index = log.last_at_or_before(value)
    else:
        index = log.first_at_or_after(value)
    if direction == BACKWARD:
        return log[index].seq + 1 if index >= 0 else BEFORE_ALL
    return log[index].seq - 1 if index < len(log) else AFTER_ALL
