"""Contact records (CTRs), streamed to moto's Kinesis or Firehose when a chat contact ends.

An instance with a ``CONTACT_TRACE_RECORDS`` storage config (AssociateInstanceStorageConfig,
``KINESIS_STREAM`` or ``KINESIS_FIREHOSE``) streams each contact's record [doc: Admin Guide,
"Enable data streaming for your instance"]. :class:`ContactRecords` is owned by the Connect
backend and listens to its chat core: every CHAT segment that ends (a transfer, a disconnect
flow, StopContact, the chat's time running out) puts its record, in the data model's form
[doc: Admin Guide, "Contact records data model"] as it applies to chat, to moto's own
Kinesis stream or Firehose delivery stream named by the config, in-process. "When you use
update-contact-attributes to update a contact record, Amazon Connect delivers a new contact
record" [doc]: UpdateContactAttributes on an ended contact puts its record again, with a
later ``LastUpdateTimestamp``.

Without the config nothing is built. Delivery is best effort: a stream that does not exist
(or was deleted) is logged and fails no call.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import datetime, timezone
from functools import cache
from typing import Any

from .chat.core import TranscriptIndex
from .chat.happenings import AttributesUpdated, Origin, SegmentEnded
from .chat.metrics import chat_metrics, metrics_to_wire
from .chat.session import Contact
from .instance_storage import CONTACT_TRACE_RECORDS, InstanceStorage

log = logging.getLogger(__name__)

#: ``AWSContactTraceRecordFormatVersion`` of every record [doc].
FORMAT_VERSION = "2017-03-10"


def record_time(moment: datetime | None) -> str | None:
    """``2019-08-29T22:29:38Z``: the records' ISO 8601 form, whole seconds, UTC."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end`` (the records' durations), None if either is."""
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def contact_record(
    account_id: str, contact: Contact, transcripts: TranscriptIndex
) -> dict[str, Any]:
    """The contact record of a chat contact: every member of the data model that applies to
    chat, ``null`` where the mock has no value (as Connect writes its records)."""
    instance_arn = contact.arn.rsplit("/contact/", 1)[0]
    session = contact.session
    following = (
        session.segments[contact.index + 1] if contact.index + 1 < len(session.segments) else None
    )
    started = record_time(contact.initiation_timestamp)
    metrics = chat_metrics(contact, transcripts.segment_log(contact))
    ended = contact.disconnect_timestamp
    agent = None
    if contact.agent_id:
        connected = contact.connected_to_agent_timestamp
        agent = {
            "ARN": f"{instance_arn}/agent/{contact.agent_id}",
            "ConnectedToAgentTimestamp": record_time(connected),
            "AgentInteractionDuration": seconds_between(connected, ended),
            "AfterContactWorkDuration": None,
            "AfterContactWorkStartTimestamp": None,
            "AfterContactWorkEndTimestamp": None,
            "CustomerHoldDuration": 0,
            "HierarchyGroups": None,
            "LongestHoldDuration": 0,
            "NumberOfHolds": 0,
            "RoutingProfile": None,
            "Username": None,
        }
    queue = None
    if contact.queue_id:
        # A contact leaves its queue when an agent takes it, or when it ends waiting.
        enqueued = contact.enqueue_timestamp
        dequeued = contact.connected_to_agent_timestamp or ended
        if enqueued is not None and dequeued is not None and dequeued < enqueued:
            dequeued = ended
        queue = {
            "ARN": f"{instance_arn}/queue/{contact.queue_id}",
            "EnqueueTimestamp": record_time(enqueued),
            "DequeueTimestamp": record_time(dequeued),
            "Duration": seconds_between(enqueued, dequeued),
            "Name": None,
        }
    return {
        "AWSAccountId": account_id,
        "AWSContactTraceRecordFormatVersion": FORMAT_VERSION,
        "Agent": agent,
        "AgentConnectionAttempts": 1 if agent else 0,
        "Attributes": dict(session.attributes),
        "Channel": contact.channel,
        "ChatMetrics": metrics_to_wire(metrics, record_time),
        "ConnectedToSystemTimestamp": started,
        "ContactId": contact.id,
        "CustomerEndpoint": None,
        "DisconnectReason": contact.disconnect_reason,
        "DisconnectTimestamp": record_time(contact.disconnect_timestamp),
        "InitialContactId": session.root.id,
        "InitiationMethod": contact.initiation_method,
        "InitiationTimestamp": started,
        "InstanceARN": instance_arn,
        "LastUpdateTimestamp": record_time(contact.last_update_timestamp),
        "MediaStreams": [{"Type": contact.channel}],
        "NextContactId": following.id if following is not None else None,
        "PreviousContactId": contact.previous_contact_id,
        "Queue": queue,
        "Recording": None,
        "Recordings": None,
        "References": [],
        "RelatedContactId": contact.related_contact_id,
        "SegmentAttributes": json.loads(json.dumps(dict(contact.segment_attributes))) or None,
        "SystemEndpoint": None,
        "Tags": {},
        "TransferCompletedTimestamp": None,
        "TransferredToEndpoint": None,
    }


@cache
def firehose_takes_bytes() -> bool:
    """moto 5.2 takes a Firehose record's ``Data`` as bytes; 5.1 as base64, as the wire sends
    it (it decodes it when writing to S3)."""
    import moto

    major, minor = (int(part) for part in moto.__version__.split(".")[:2])
    return (major, minor) >= (5, 2)


def put_to_stream(config: dict[str, Any], partition_key: str, body: bytes) -> None:
    """Hand one record to moto's Kinesis stream or Firehose delivery stream that ``config``
    (the association's ``StorageConfig``) names, in the account and region of its ARN."""
    storage_type = config["StorageType"]
    if storage_type == "KINESIS_STREAM":
        from moto.kinesis.models import kinesis_backends

        arn = config["KinesisStreamConfig"]["StreamArn"]
        _, _, _, region, account, resource = arn.split(":", 5)
        kinesis_backends[account][region].put_record(
            stream_arn=arn,
            stream_name=resource.split("/", 1)[1],
            partition_key=partition_key,
            explicit_hash_key="",  # none: the shard comes from the partition key
            data=base64.b64encode(body).decode(),
        )
    elif storage_type == "KINESIS_FIREHOSE":
        from moto.firehose.models import firehose_backends

        arn = config["KinesisFirehoseConfig"]["FirehoseArn"]
        _, _, _, region, account, resource = arn.split(":", 5)
        data = body if firehose_takes_bytes() else base64.b64encode(body)
        firehose_backends[account][region].put_record(resource.split("/", 1)[1], {"Data": data})


class ContactRecords:
    """Streams the contact records of one account and region's ended chat contacts."""

    def __init__(self, origin: Origin, storage: InstanceStorage, transcripts: TranscriptIndex):
        self.origin = origin
        self.storage = storage
        self.transcripts = transcripts

    def deliver(self, contact: Contact) -> None:
        """Put the contact's record, if its instance streams contact records."""
        if contact.channel != "CHAT":
            return
        config = self.storage.storage_config(contact.instance_id, CONTACT_TRACE_RECORDS)
        if config is None:
            return
        record = contact_record(self.origin.account_id, contact, self.transcripts)
        try:
            put_to_stream(config, contact.id, json.dumps(record).encode())
        except Exception:  # noqa: BLE001 - best effort: a missing stream fails no call
            log.warning(
                "contact records: putting the record of contact %s to %s failed",
                contact.id,
                config.get("StorageType"),
                exc_info=True,
            )

    def segment_ended(self, happening: SegmentEnded) -> None:
        self.deliver(happening.contact)

    def attributes_updated(self, happening: AttributesUpdated) -> None:
        """A record already delivered is delivered again with the new attributes [doc]."""
        if happening.contact.ended:
            self.deliver(happening.contact)
