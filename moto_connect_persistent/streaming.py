"""Message streaming's listener: publishes each item of a streamed chat to its SNS topics.

Which chats stream where is the Connect backend's rule (:mod:`.streams`); the streams belong
to the chat session. :class:`SnsStreaming` listens to every chat's
:class:`~.chat.happenings.ItemWritten`, turns the item into the SNS message Connect publishes
[doc: sns-payload] and hands it to moto's own SNS backend of the topic's account and region,
in-process. moto's SNS then does what it does for any publish: SQS subscriptions, raw message
delivery, filter policies on the message attributes.

Connect streams best effort, so a publish that fails (the topic was deleted since the stream
started, ...) is logged and never fails the Participant or Connect call that made the item.
"""

from __future__ import annotations

import logging
from typing import Any

from .chat.happenings import EVERY_CHAT, ItemWritten
from .chat.views import streamed_item

log = logging.getLogger(__name__)

#: MessageVisibility of every published item. Connect publishes AGENT or CUSTOMER only for
#: items meant for one side; the mock makes none, so every item is for both (docs/fidelity.md).
MESSAGE_VISIBILITY = "ALL"


def message_attributes(happening: ItemWritten) -> dict[str, Any]:
    """The documented message attributes, all of SNS type String, in moto's internal form
    (``{"Type": ..., "Value": ...}``, as moto's Publish handler passes them on)."""
    contact, item = happening.contact, happening.item
    values = {
        "InitialContactId": contact.session.root.id,
        "ContactId": contact.id,
        "ParticipantRole": item.participant_role,
        "InstanceId": contact.instance_id,
        "AccountId": happening.origin.account_id,
        "Type": item.type,
        "ContentType": item.content_type,
        "MessageVisibility": MESSAGE_VISIBILITY,
    }
    return {name: {"Type": "String", "Value": value} for name, value in values.items()}


class SnsStreaming:
    """Publishes every item of a chat with active streams, once per stream, in item order."""

    def item_written(self, happening: ItemWritten) -> None:
        contact, item = happening.contact, happening.item
        if not contact.session.streams:  # the common case, on every item of every chat
            return
        streams = contact.session.active_streams
        if not streams:
            return
        from moto.sns.models import sns_backends  # only once a chat streams: SNS is optional

        body = streamed_item(item, contact.session.root.id)
        attributes = message_attributes(happening)
        for stream in streams:
            try:
                sns_backends[stream.account_id][stream.region_name].publish(
                    body, arn=stream.endpoint_arn, message_attributes=attributes
                )
            except Exception:  # noqa: BLE001 - best effort: Connect never fails the chat call
                log.warning(
                    "message streaming: publishing item %s of contact %s to %s failed",
                    item.id,
                    contact.id,
                    stream.endpoint_arn,
                    exc_info=True,
                )


#: The one instance the package subscribes to every chat.
SNS_STREAMING = SnsStreaming()


def install() -> None:
    """Publish every streamed chat's items; called on package import."""
    EVERY_CHAT.on(ItemWritten, SNS_STREAMING.item_written)
