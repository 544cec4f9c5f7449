"""The Participant Service's rules for what a participant may write, wherever it is written.

SendMessage and SendEvent apply them, and so do the doors that write as a participant
without a connection: StartChatContact's InitialMessage and the seeding API.
"""

from __future__ import annotations

import json

from .chat.clock import iso8601
from .chat.content import EVENT_RECEIPTS, MAX_MESSAGE_BYTES, MESSAGE_CONTENT_TYPES
from .chat.core import ChatCore
from .chat.items import TranscriptItem
from .chat.participants import Participant
from .chat.session import Contact
from .exceptions import ValidationException


def check_message(content_type: str, content: str) -> None:
    if content_type not in MESSAGE_CONTENT_TYPES:
        raise ValidationException(f"ContentType must be one of {', '.join(MESSAGE_CONTENT_TYPES)}.")
    if not content or len(content.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ValidationException(
            f"Content must be 1 to {MAX_MESSAGE_BYTES} bytes long (UTF-8), for every content type."
        )


def write_event(
    core: ChatCore,
    root: Contact,
    participant: Participant,
    content_type: str,
    content: str | None,
) -> TranscriptItem:
    """SendEvent's rule: typing and acknowledgements are pushed only; receipts mark the
    message they name (call under the lock)."""
    if content_type not in EVENT_RECEIPTS:
        raise ValidationException(f"ContentType must be one of {', '.join(EVENT_RECEIPTS)}.")
    receipt = EVENT_RECEIPTS[content_type]
    # Checked before the event is made: a refused receipt reaches no listener.
    message = _receipt_target(core, root, content) if receipt is not None else None
    event = core.write(
        root.session.current, "EVENT", content_type, participant, content, stored=False
    )
    if receipt is not None and message is not None:
        message.receipts.setdefault(participant.participant_id, {})[receipt] = iso8601(event.at)
    return event


def in_session(core: ChatCore, item: TranscriptItem, root: Contact) -> bool:
    """Whether ``item`` was sent in the chat session of ``root`` (not its past)."""
    contact = core.contacts.get((root.instance_id, item.contact_id))
    return contact is not None and contact.session is root.session


def _receipt_target(core: ChatCore, root: Contact, content: str | None) -> TranscriptItem:
    try:
        message_id = json.loads(content or "")["messageId"]
    except (ValueError, TypeError, KeyError):
        raise ValidationException(
            'Content of a receipt must be JSON such as {"messageId": "..."}.'
        ) from None
    item = core.transcripts.by_id.get((root.instance_id, message_id))
    if item is not None and item.type == "MESSAGE" and in_session(core, item, root):
        return item
    raise ValidationException(f"No message '{message_id}' in this chat.")
