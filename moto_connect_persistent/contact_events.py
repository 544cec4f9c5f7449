"""Contact events: what happens to every chat contact, put into moto's EventBridge.

Amazon Connect publishes a near real-time stream of contact events to the EventBridge
default bus of the instance's account and region, ``source`` ``aws.connect``,
``detail-type`` ``Amazon Connect Contact Event`` [doc: Admin Guide, "Amazon Connect contact
events"]. :class:`ContactEvents` listens to every chat core's happenings and hands each event
to the rules of moto's own default bus of the same account and region, in-process: moto
matches each rule's event pattern and delivers to its targets (SQS queues, log groups,
archives, other buses), so a test reads the events where its Lambda's rule would.

Which event each happening makes (:data:`EVENT_TYPES`):

- a CHAT segment starts (StartChatContact, a seeded chat, a transfer, a disconnect flow):
  ``INITIATED`` then ``CONNECTED_TO_SYSTEM``;
- a segment is put in a queue (seeding's ``enqueue``, a transfer to a queue): ``QUEUED``;
- an agent joins a segment (``connect_agent``, a transfer to an agent): ``CONNECTED_TO_AGENT``;
- UpdateContactAttributes: ``CONTACT_DATA_UPDATED``;
- a segment ends (transfer, disconnect flow, StopContact, the chat's time running out):
  ``DISCONNECTED``.

"Events are emitted on a best effort basis" [doc]: a failing put is logged and never fails
the Connect call. With no rule on the default bus (or moto's EventBridge never loaded) no
event is built at all.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .chat.clock import iso8601, utcnow
from .chat.happenings import (
    EVERY_CHAT,
    AttributesUpdated,
    ContactQueued,
    Happening,
    ParticipantJoined,
    SegmentEnded,
    SegmentStarted,
)
from .chat.session import Contact

log = logging.getLogger(__name__)

SOURCE = "aws.connect"
DETAIL_TYPE = "Amazon Connect Contact Event"

INITIATED = "INITIATED"
CONNECTED_TO_SYSTEM = "CONNECTED_TO_SYSTEM"
QUEUED = "QUEUED"
CONNECTED_TO_AGENT = "CONNECTED_TO_AGENT"
CONTACT_DATA_UPDATED = "CONTACT_DATA_UPDATED"
DISCONNECTED = "DISCONNECTED"

#: The contact events each happening makes, in the order they are put.
EVENT_TYPES: dict[type[Happening], tuple[str, ...]] = {
    SegmentStarted: (INITIATED, CONNECTED_TO_SYSTEM),
    ContactQueued: (QUEUED,),
    ParticipantJoined: (CONNECTED_TO_AGENT,),
    AttributesUpdated: (CONTACT_DATA_UPDATED,),
    SegmentEnded: (DISCONNECTED,),
}

#: ``updatedProperties`` of a CONTACT_DATA_UPDATED that UpdateContactAttributes caused
#: [chosen: the data model says user-defined attributes were updated, not how it names them].
ATTRIBUTES_PROPERTY = "Attributes"
#: ``queueInfo.queueType`` of a queue named by id: the mock has only standard queues.
QUEUE_TYPE = "STANDARD"


def moment(at: datetime | None) -> str | None:
    return iso8601(at) if at is not None else None


def contact_detail(event_type: str, contact: Contact) -> dict[str, Any]:
    """The event's ``detail``: the contact as it is when the event happens, in the camelCase
    members of Connect's contact events; members without a value are left out."""
    arn = contact.instance_arn
    started = iso8601(contact.initiation_timestamp)
    detail: dict[str, Any] = {
        "eventType": event_type,
        "contactId": contact.id,
        "initialContactId": contact.session.root.id,
        "previousContactId": contact.previous_contact_id,
        "relatedContactId": contact.related_contact_id,
        "channel": contact.channel,
        "instanceArn": arn,
        "initiationMethod": contact.initiation_method,
        "initiationTimestamp": started,
        # A chat's customer is connected to Connect as its contact starts [chosen].
        "connectedToSystemTimestamp": None if event_type == INITIATED else started,
        "disconnectTimestamp": moment(contact.disconnect_timestamp),
        "disconnectReason": contact.disconnect_reason,
    }
    if contact.queue_id:
        detail["queueInfo"] = {
            "queueArn": f"{arn}/queue/{contact.queue_id}",
            "queueType": QUEUE_TYPE,
            "enqueueTimestamp": moment(contact.enqueue_timestamp),
        }
    if contact.agent_id:
        detail["agentInfo"] = {
            "agentArn": f"{arn}/agent/{contact.agent_id}",
            "connectedToAgentTimestamp": moment(contact.connected_to_agent_timestamp),
        }
    for info in ("queueInfo", "agentInfo"):
        if info in detail:
            detail[info] = {k: v for k, v in detail[info].items() if v is not None}
    if event_type == CONTACT_DATA_UPDATED:
        detail["updatedProperties"] = [ATTRIBUTES_PROPERTY]
    return {k: v for k, v in detail.items() if v is not None}


def default_bus(account_id: str, region_name: str) -> Any | None:
    """moto's default event bus of the account and region when it has a rule; None
    otherwise (moto's EventBridge not even loaded: nobody made a rule)."""
    models = sys.modules.get("moto.events.models")
    if models is None:
        return None
    bus = models.events_backends[account_id][region_name].event_buses.get("default")
    if bus is None or not bus.rules:
        return None
    return bus


def _takes_event_as_is(rule: Any) -> bool:
    """Whether every target of ``rule`` gets the event unchanged (no InputTransformer; an
    archive target has one)."""
    return all(not target.get("InputTransformer") for target in rule.targets)


def put_events(bus: Any, events: list[dict[str, Any]]) -> None:
    """Hand ``events`` (full EventBridge events) to the rules of ``bus``, as moto's
    ``put_events`` does.

    moto's ``put_events`` sends every event through its input template, even for a target
    without an InputTransformer, and that re-parses eight JSONPath expressions per event and
    target (about 8 ms each time). A rule whose targets take the event as it is gets it
    directly (``transform_input=False``), which is what EventBridge delivers (the whole
    event, ``account`` included); any other rule goes through moto's own transform. A
    DISABLED rule gets nothing (moto's ``put_events`` would deliver to it).
    """
    for event in events:
        for rule in list(bus.rules.values()):
            if rule.state == "DISABLED":
                continue
            if _takes_event_as_is(rule):
                rule.send_to_targets(dict(event), transform_input=False)
            else:
                rule.send_to_targets({**event, "ingestion-time": event["time"]})


class ContactEvents:
    """Puts the contact events of every chat segment into moto's EventBridge default bus."""

    def put(self, happening: Happening, contact: Contact, moment: float | None = None) -> None:
        if contact.channel != "CHAT":
            return
        origin = happening.origin
        bus = default_bus(origin.account_id, origin.region_name)
        if bus is None:
            return
        from moto.moto_api._internal import mock_random  # loaded: moto's EventBridge is

        envelope = {
            "version": "0",
            "detail-type": DETAIL_TYPE,
            "source": SOURCE,
            "account": origin.account_id,
            "time": utcnow().timestamp() if moment is None else moment,
            "region": origin.region_name,
            "resources": [contact.arn, contact.instance_arn],
        }
        kinds = EVENT_TYPES[type(happening)]
        events = [
            {"id": str(mock_random.uuid4()), **envelope, "detail": contact_detail(kind, contact)}
            for kind in kinds
        ]
        try:
            put_events(bus, events)
        except Exception:  # noqa: BLE001 - best effort [doc]: never fails the Connect call
            log.warning(
                "contact events: putting %s of contact %s failed",
                ", ".join(kinds),
                contact.id,
                exc_info=True,
            )

    def segment_started(self, happening: SegmentStarted) -> None:
        self.put(happening, happening.contact)

    def contact_queued(self, happening: ContactQueued) -> None:
        self.put(happening, happening.contact)

    def participant_joined(self, happening: ParticipantJoined) -> None:
        if happening.participant.role == "AGENT":
            self.put(happening, happening.contact)

    def attributes_updated(self, happening: AttributesUpdated) -> None:
        self.put(happening, happening.contact)

    def segment_ended(self, happening: SegmentEnded) -> None:
        contact = happening.contact
        ended = contact.disconnect_timestamp
        self.put(happening, contact, ended.timestamp() if ended else None)


#: The one instance the package subscribes to every chat.
CONTACT_EVENTS = ContactEvents()

#: Each happening's listener, subscribed in this order.
LISTENERS: tuple[tuple[type[Any], Callable[[Any], None]], ...] = (
    (SegmentStarted, CONTACT_EVENTS.segment_started),
    (ContactQueued, CONTACT_EVENTS.contact_queued),
    (ParticipantJoined, CONTACT_EVENTS.participant_joined),
    (AttributesUpdated, CONTACT_EVENTS.attributes_updated),
    (SegmentEnded, CONTACT_EVENTS.segment_ended),
)


def install() -> None:
    """Put every chat's contact events into EventBridge; called on package import."""
    for kind, listener in LISTENERS:
        EVERY_CHAT.on(kind, listener)
