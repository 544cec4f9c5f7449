"""Every shape a transcript item is shown in, built here and nowhere else.

One item, four audiences: GetTranscript's ``Item`` (:func:`transcript_item`), what the
websocket pushes (:func:`pushed_item`), the SNS message of message streaming
(:func:`streamed_item`) and the entry of a stored transcript file (:func:`stored_item`).
The last three start from the first, so a member added to GetTranscript reaches them all.
"""

from __future__ import annotations

import json
from typing import Any

from .clock import iso8601
from .content import EVENT_RECEIPTS
from .items import TranscriptItem

#: How a receipt reaches a chat client: a message-metadata item (amazon-connect-chatjs reads
#: receipts only from ``Type`` ``MESSAGEMETADATA`` items), not the raw SendEvent event.
METADATA_TYPE = "MESSAGEMETADATA"
METADATA_CONTENT_TYPE = "application/vnd.amazonaws.connect.event.message.metadata"


def transcript_item(item: TranscriptItem, current: bool = True) -> dict[str, Any]:
    """GetTranscript's ``Item``: ContactId in the current session, else RelatedContactId."""
    out: dict[str, Any] = {
        "Id": item.id,
        "Type": item.type,
        "ContentType": item.content_type,
        "AbsoluteTime": iso8601(item.at),
        "ParticipantRole": item.participant_role,
        "ContactId" if current else "RelatedContactId": item.contact_id,
    }
    optional = {
        "Content": item.content,
        "DisplayName": item.display_name,
        "ParticipantId": item.participant_id,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    if item.attachments:
        out["Attachments"] = [dict(a) for a in item.attachments]
    if item.receipts:
        out["MessageMetadata"] = {
            "MessageId": item.id,
            "Receipts": [
                {"RecipientParticipantId": pid, **times} for pid, times in item.receipts.items()
            ],
        }
    return out


def pushed_item(item: TranscriptItem, initial_contact_id: str) -> dict[str, Any]:
    """The item as the websocket pushes it: GetTranscript's form plus ``InitialContactId``
    (chat clients drop items naming neither their contact nor their initial contact); a
    receipt becomes the message metadata it adds."""
    receipt = EVENT_RECEIPTS.get(item.content_type)
    if receipt is not None:
        return {
            "Id": item.id,
            "Type": METADATA_TYPE,
            "ContentType": METADATA_CONTENT_TYPE,
            "AbsoluteTime": iso8601(item.at),
            "ContactId": item.contact_id,
            "InitialContactId": initial_contact_id,
            "MessageMetadata": {
                "MessageId": json.loads(item.content or "{}")["messageId"],
                "Receipts": [
                    {receipt: iso8601(item.at), "RecipientParticipantId": item.participant_id}
                ],
            },
        }
    pushed = transcript_item(item)
    pushed["InitialContactId"] = initial_contact_id
    return pushed


def streamed_item(item: TranscriptItem, initial_contact_id: str) -> str:
    """The SNS ``Message``: the item as GetTranscript shows it, plus the chat's
    InitialContactId [doc: sns-payload, "Example SNS payload"]."""
    body = transcript_item(item)
    body["InitialContactId"] = initial_contact_id
    return json.dumps(body)


def stored_item(item: TranscriptItem) -> dict[str, Any]:
    """An entry of a stored transcript file: GetTranscript's form less ``ContactId`` (the
    file's own)."""
    entry = transcript_item(item)
    del entry["ContactId"]
    return entry
