"""Contacts and chat sessions: the segments of a conversation and what links them.

A :class:`ChatSession` is one conversation: its segments (each a :class:`Contact`) from the
root through transfers and disconnect flows. A persistent chat's session carries a
:class:`Rehydration`, the link to the past it continues; :func:`past_segments` is the one
walk of that past.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from .clock import utcnow
from .content import DEFAULT_CHAT_MINUTES


class Contact:
    """One segment of a conversation, as DescribeContact shows it."""

    __slots__ = (
        "id",
        "instance_arn",
        "instance_id",
        "channel",
        "initiation_method",
        "initiation_timestamp",
        "last_update_timestamp",
        "disconnect_timestamp",
        "disconnect_reason",
        "previous_contact_id",
        "related_contact_id",
        "agent_id",
        "queue_id",
        "enqueue_timestamp",
        "connected_to_agent_timestamp",
        "session",
        "index",
        "customer_id",
        "participant_id",
        "participant_token",
        "display_name",
        "chat_duration_minutes",
        "segment_attributes",
        "supported_content_types",
        "disconnect_on_customer_exit",
        "participant_configuration",
        "contact_flow_id",
        "name",
        "description",
        "language_code",
        "references",
        "tags",
        "queue_priority",
        "queue_time_adjustment_seconds",
    )

    def __init__(
        self,
        *,
        contact_id: str,
        instance_arn: str,
        instance_id: str,
        channel: str,
        initiation_method: str,
        session: ChatSession,
        previous_contact_id: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> None:
        now = utcnow()
        self.id = contact_id
        #: The instance's ARN: one string shared by its contacts (``arn`` is made from it).
        self.instance_arn = instance_arn
        self.instance_id = instance_id
        self.channel = channel
        self.initiation_method = initiation_method
        self.initiation_timestamp = now
        self.last_update_timestamp = now
        self.disconnect_timestamp: datetime | None = None
        self.disconnect_reason: str | None = None
        self.previous_contact_id = previous_contact_id
        self.related_contact_id: str | None = None
        self.agent_id = agent_id
        self.queue_id = queue_id
        #: When the segment was put in ``queue_id``'s queue, and when its agent accepted it: a
        #: segment made with a queue or an agent (a transfer) has them from its start.
        self.enqueue_timestamp: datetime | None = now if queue_id else None
        self.connected_to_agent_timestamp: datetime | None = now if agent_id else None
        self.session = session
        self.index = len(session.segments)
        self.customer_id: str | None = None
        self.participant_id: str | None = None
        self.participant_token: str | None = None
        self.display_name: str | None = None
        self.chat_duration_minutes: int | None = None
        #: SegmentAttributes given for this segment (StartChatContact), as sent; a shared
        #: empty mapping when none were (most segments: a dict each would cost memory).
        self.segment_attributes: Mapping[str, Any] = NO_SEGMENT_ATTRIBUTES
        #: SupportedMessagingContentTypes the chat declared; None: not declared, any type goes.
        self.supported_content_types: tuple[str, ...] | None = None
        #: Stored as given; the mock has no agents to disconnect (docs/transcripts.md: Not
        #: emulated).
        self.disconnect_on_customer_exit: list[str] | None = None
        self.participant_configuration: dict[str, Any] | None = None
        #: The ContactFlowId the segment was started with (StartChatContact), as given.
        self.contact_flow_id: str | None = None
        #: Contact data a flow sets (UpdateContactData): DescribeContact's Name and
        #: Description; the language and references its Lambda functions see.
        self.name: str | None = None
        self.description: str | None = None
        self.language_code: str | None = None
        #: References by name, each ``{"Type": ..., "Value": ...}`` (UpdateContact's shape).
        #: Both mappings are replaced, never changed in place: until set, every contact
        #: shares one empty mapping (a dict each would cost a running chat 0.13 KB).
        self.references: Mapping[str, Mapping[str, str]] = NO_REFERENCES
        #: The contact's user-defined tags (a flow's TagContact / UnTagContact).
        self.tags: Mapping[str, str] = NO_STRINGS
        #: Its routing priority and age adjustment (UpdateContactRoutingBehavior).
        self.queue_priority: int | None = None
        self.queue_time_adjustment_seconds: int | None = None

    @property
    def arn(self) -> str:
        """The contact's ARN, made when read: kept per contact it was a tenth of a running
        chat's memory (benchmarks/README.md)."""
        return f"{self.instance_arn}/contact/{self.id}"

    @property
    def ended(self) -> bool:
        return self.disconnect_timestamp is not None

    def end(self, at: datetime, reason: str | None = None) -> None:
        self.disconnect_timestamp = at
        self.last_update_timestamp = at
        if reason is not None:
            self.disconnect_reason = reason
        self.session.segment_ended(self)

    def to_dict(self) -> dict[str, Any]:
        """DescribeContact's ``Contact``; timestamps as epoch seconds, as rest-json sends them."""
        root = self.session.root
        out: dict[str, Any] = {
            "Arn": self.arn,
            "Id": self.id,
            "Channel": self.channel,
            "InitiationMethod": self.initiation_method,
            "ContactAssociationId": root.id,
            "InitiationTimestamp": self.initiation_timestamp.timestamp(),
            "LastUpdateTimestamp": self.last_update_timestamp.timestamp(),
        }
        optional = {
            "InitialContactId": None if root is self else root.id,
            "PreviousContactId": self.previous_contact_id,
            "RelatedContactId": self.related_contact_id,
            "CustomerId": self.customer_id,
            "DisconnectReason": self.disconnect_reason,
            "Name": self.name,
            "Description": self.description,
            "QueuePriority": self.queue_priority,
            "QueueTimeAdjustmentSeconds": self.queue_time_adjustment_seconds,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if self.disconnect_timestamp is not None:
            out["DisconnectTimestamp"] = self.disconnect_timestamp.timestamp()
        if self.agent_id:
            out["AgentInfo"] = _with_moment(
                {"Id": self.agent_id},
                "ConnectedToAgentTimestamp",
                self.connected_to_agent_timestamp,
            )
        if self.queue_id:
            out["QueueInfo"] = _with_moment(
                {"Id": self.queue_id}, "EnqueueTimestamp", self.enqueue_timestamp
            )
        if self.tags:
            out["Tags"] = dict(self.tags)
        if self.session.attributes:
            out["Attributes"] = dict(self.session.attributes)
        if self.segment_attributes:
            out["SegmentAttributes"] = json.loads(json.dumps(self.segment_attributes))
        return out

    def to_summary(self) -> dict[str, Any]:
        """ListAssociatedContacts' ``ContactSummaryList`` item."""
        full = self.to_dict()
        keys = (
            "InitialContactId",
            "PreviousContactId",
            "RelatedContactId",
            "InitiationMethod",
            "Channel",
            "InitiationTimestamp",
            "DisconnectTimestamp",
        )
        out = {"ContactId": self.id, "ContactArn": self.arn}
        out.update({k: full[k] for k in keys if k in full})
        return out


def _with_moment(out: dict[str, Any], key: str, moment: datetime | None) -> dict[str, Any]:
    if moment is not None:
        out[key] = moment.timestamp()
    return out


@dataclass
class Rehydration:
    """What made a session persistent: the contact the rehydration chose, the newest segment
    of the past the chat sees (ContinuedFromContactId)."""

    result: Contact

    def visible_past(self) -> Iterator[Contact]:
        """docs/transcripts.md, "What a persistent chat sees": the result back to its root, newest
        first,
        then that session's past."""
        return past_segments(self.result)


#: "Number of past contacts that can be traversed by Amazon Connect chat. This applies to
#: persistent chat: 100" [Admin Guide, feature specifications, chat].
MAX_PAST_CONTACTS = 100


def past_segments(start: Contact) -> Iterator[Contact]:
    """The visible past from ``start`` on: its session's segments back to the root, then the
    past that session itself continued from (links accumulate), MAX_PAST_CONTACTS contacts
    at most: older ones are out of a persistent chat's reach.

    Walked lazily from references, so recording a rehydration costs the same for a session
    of 3 segments as for one of 1,000.
    """
    reach = MAX_PAST_CONTACTS
    segment: Contact | None = start
    while segment is not None:
        segments = segment.session.segments
        for index in range(segment.index, -1, -1):
            if reach == 0:
                return
            reach -= 1
            yield segments[index]
        rehydration = segment.session.rehydration
        segment = rehydration.result if rehydration is not None else None


@dataclass
class Stream:
    """One StartContactStreaming: the chat's items go to a standard SNS topic until stopped."""

    streaming_id: str
    endpoint_arn: str
    #: Where the topic lives: the account its ARN names, the instance's region.
    account_id: str
    region_name: str
    active: bool = True


EMPTY_TIMERS: Mapping[tuple[str, str], int] = MappingProxyType({})
EMPTY_HOOKS: Mapping[str, str] = MappingProxyType({})
NO_SEGMENT_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})
NO_STRINGS: Mapping[str, str] = MappingProxyType({})
NO_REFERENCES: Mapping[str, Mapping[str, str]] = MappingProxyType({})


@dataclass(eq=False)
class ChatSession:
    """One chat session: ordered segments, from the root through transfers and disconnect flows."""

    segments: list[Contact] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    rehydration: Rehydration | None = None
    #: The segment that ended most recently (latest DisconnectTimestamp, ties by segment order),
    #: kept up to date as segments end so ENTIRE_PAST_SESSION needs no scan.
    latest_ended: Contact | None = None
    #: Message streams of the chat, in start order, stopped ones included (StopContactStreaming
    #: finds them by id). They belong to the session: a transfer keeps streaming. A tuple,
    #: replaced when one starts, so that a chat that streams nowhere (most) pays nothing.
    streams: tuple[Stream, ...] = ()
    #: UpdateParticipantRoleConfig's timers: (role, timer type) -> minutes; for the life of
    #: the chat, across its segments [doc: ParticipantTimerConfiguration].
    #: Immutable and replaced on change, so that a chat without timers (most) pays nothing.
    participant_timers: Mapping[tuple[str, str], int] = field(default_factory=lambda: EMPTY_TIMERS)
    #: Roles whose participant is idle now (``participant.idle`` pushed, not yet returned).
    idle_roles: frozenset[str] = frozenset()
    #: The flows its flow set to run on events (UpdateContactEventHooks): hook -> flow id.
    #: "CustomerRemaining" is the disconnect flow. The session's, so a transfer keeps it.
    #: Immutable and replaced on change, as the timers are.
    event_hooks: Mapping[str, str] = field(default_factory=lambda: EMPTY_HOOKS)

    @property
    def active_streams(self) -> list[Stream]:
        return [stream for stream in self.streams if stream.active]

    @property
    def root(self) -> Contact:
        return self.segments[0]

    @property
    def current(self) -> Contact:
        return self.segments[-1]

    @property
    def ended(self) -> bool:
        """Whether the latest segment has ended (a chat past its time limit is ended by the
        backend when read)."""
        return self.current.ended

    @property
    def deadline(self) -> datetime:
        """When a chat session runs out of time: its root's start + ChatDurationInMinutes."""
        root = self.root
        minutes = root.chat_duration_minutes or DEFAULT_CHAT_MINUTES
        return root.initiation_timestamp + timedelta(minutes=minutes)

    def shows(self, contact: Contact) -> bool:
        """Whether a client of this chat may see what was shared on ``contact``: it is one of
        this session's segments or of the past the session shows."""
        if contact.session is self:
            return True
        if self.rehydration is None:
            return False
        return any(segment is contact for segment in self.rehydration.visible_past())

    def segment_ended(self, contact: Contact) -> None:
        latest = self.latest_ended
        assert contact.disconnect_timestamp is not None
        if (
            latest is None
            or latest.disconnect_timestamp is None
            or (contact.disconnect_timestamp, contact.index)
            >= (latest.disconnect_timestamp, latest.index)
        ):
            self.latest_ended = contact
