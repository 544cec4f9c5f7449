"""Transcripts of ended chat contacts, written to the instance's CHAT_TRANSCRIPTS bucket.

When a CHAT segment ends (a transfer, a disconnect flow, StopContact, a customer disconnect,
the chat's duration running out) its transcript is final: one JSON file per contact goes into
moto's S3, in the layout and format Amazon Connect uses for its stored chat transcripts, so
tests of search, analytics or compliance jobs read what production would hand them.

:class:`TranscriptArchive` is owned by the Connect backend and listens to its chat core:
every :class:`~.chat.happenings.SegmentEnded` writes that segment's file. With the strict
setting, a persistent chat sees only the past segments whose file is in the bucket [Admin
Guide, persistent chat: ensure that your instance's S3 bucket for chat transcripts contains
the past contact's transcript].
"""

from __future__ import annotations

import json
import threading
from datetime import timezone
from typing import Any

from . import s3_store
from .chat.core import TranscriptIndex
from .chat.happenings import Origin, SegmentEnded
from .chat.items import TranscriptItem
from .chat.session import Contact
from .chat.views import stored_item
from .exceptions import InvalidParameterException
from .instance_storage import CHAT_TRANSCRIPTS, InstanceStorage, StorageLocation

#: The ``Version`` of Connect's stored chat transcript files.
TRANSCRIPT_VERSION = "2019-08-26"


def transcript_key(location: StorageLocation, contact: Contact) -> str:
    """``<BucketPrefix>/<YYYY>/<MM>/<DD>/<ContactId>_<YYYYMMDDTHH:MM>_UTC.json``, dated by the
    contact's start (UTC), as Connect names its chat transcript files."""
    start = contact.initiation_timestamp.astimezone(timezone.utc)
    return f"{location.prefix}/{start:%Y/%m/%d}/{contact.id}_{start:%Y%m%dT%H:%M}_UTC.json"


def transcript_document(
    account_id: str, contact: Contact, items: list[TranscriptItem]
) -> dict[str, Any]:
    """The file's JSON: the contact's ids, its participants, and its items oldest first, each
    as GetTranscript shows it, less ``ContactId`` (the file's own)."""
    participants: dict[str, None] = {}
    for item in items:
        if item.participant_id:
            participants.setdefault(item.participant_id)
    return {
        "Version": TRANSCRIPT_VERSION,
        "AWSAccountId": account_id,
        "InstanceId": contact.instance_id,
        "InitialContactId": contact.session.root.id,
        "ContactId": contact.id,
        "Participants": [{"ParticipantId": pid} for pid in participants],
        "Transcript": [stored_item(item) for item in items],
    }


class StoredTranscript:
    """Where one contact's transcript file was written."""

    __slots__ = ("bucket", "key")

    def __init__(self, bucket: str, key: str) -> None:
        self.bucket = bucket
        self.key = key


class TranscriptArchive:
    """Writes and finds the stored chat transcripts of one account and region."""

    def __init__(
        self,
        origin: Origin,
        lock: threading.RLock,
        storage: InstanceStorage,
        transcripts: TranscriptIndex,
    ) -> None:
        self.origin = origin
        self.lock = lock
        self.storage = storage
        self.transcripts = transcripts
        #: Written files by (instance id, contact id).
        self.stored: dict[tuple[str, str], StoredTranscript] = {}
        #: The strict setting (docs/files.md: Stored transcripts).
        self.strict = False

    def segment_ended(self, happening: SegmentEnded) -> None:
        """A CHAT segment ended and its items are final: store its transcript, if the instance
        has a CHAT_TRANSCRIPTS storage config whose bucket exists (else nothing is written)."""
        contact = happening.contact
        if contact.channel != "CHAT":
            return
        account_id, region_name = self.origin.account_id, self.origin.region_name
        location = self.storage.storage_location(contact.instance_id, CHAT_TRANSCRIPTS)
        if location is None or not s3_store.bucket_exists(account_id, region_name, location.bucket):
            return
        items = self.transcripts.segment_log(contact)
        document = transcript_document(account_id, contact, items)
        key = transcript_key(location, contact)
        body = json.dumps(document).encode()
        s3_store.put_object(account_id, region_name, location.bucket, key, body, "application/json")
        self.stored[(contact.instance_id, contact.id)] = StoredTranscript(location.bucket, key)

    def shows(self, segment: Contact) -> bool:
        """Strict setting: a past segment shows only while its transcript file is in S3."""
        if not self.strict:
            return True
        stored = self.stored.get((segment.instance_id, segment.id))
        return stored is not None and (
            s3_store.object_size(
                self.origin.account_id, self.origin.region_name, stored.bucket, stored.key
            )
            is not None
        )

    def set_strict(self, strict: bool) -> None:
        """Test control: with ``strict``, a persistent chat sees only the past segments whose
        transcript is in the instance's CHAT_TRANSCRIPTS bucket (off by default)."""
        if not isinstance(strict, bool):
            raise InvalidParameterException(f"strict must be true or false, got {strict!r}.")
        with self.lock:
            self.strict = strict
