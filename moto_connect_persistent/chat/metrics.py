"""ChatMetrics: how the customer, the agent and bots took part in one chat contact, counted
from its transcript.

DescribeContact's ``ChatMetrics`` and the contact record's carry the same numbers, computed
here once from the segment's stored items (:func:`chat_metrics`) and then written in each
audience's form (:func:`metrics_to_wire`: epoch seconds for DescribeContact, ISO 8601 for the
record). Where the API reference names a metric without saying how it is counted, the rule
chosen is in the docstring of :class:`ChatMetrics` and in docs/fidelity.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .content import PARTICIPANT_JOINED
from .items import TranscriptItem
from .session import Contact

#: Item types that are messages a participant sent (a shared file is one too).
MESSAGE_TYPES = ("MESSAGE", "ATTACHMENT")
#: "bot and automated messages" [doc: ChatContactMetrics.TotalBotMessages].
BOT_ROLES = ("SYSTEM", "CUSTOM_BOT")


def _millis(later: datetime, earlier: datetime) -> int:
    return max(0, round((later - earlier).total_seconds() * 1000))


@dataclass(frozen=True)
class ParticipantMetrics:
    """``ParticipantMetrics`` of one side (the customer, or the contact's agent).

    A *response* is a message of this side that answers (:func:`answers`) messages written
    since this side last wrote; its response time runs from the first of them (the message
    that waited longest) [chosen].
    """

    participant_id: str | None
    participant_type: str
    conversation_abandon: bool | None
    messages_sent: int
    num_responses: int
    message_length_in_chars: int
    total_response_time_ms: int
    max_response_time_ms: int
    last_message_at: datetime | None


@dataclass(frozen=True)
class ChatMetrics:
    """``ChatMetrics`` of one chat contact (segment), from its stored items.

    Counting rules [chosen where the reference gives only the name]:

    - messages are the segment's ``MESSAGE`` and ``ATTACHMENT`` items; bot messages are
      those of the SYSTEM and CUSTOM_BOT roles;
    - a conversation turn is a customer message answered by another role's message;
    - the agent's first response time runs from the agent accepting the contact
      (ConnectedToAgentTimestamp; else its ``participant.joined`` on the segment, else the
      contact's start) to the agent's first message;
    - the close time runs from the customer's last message to the contact's end;
    - the customer abandoned when the contact ended with customer messages and no agent
      message; the agent abandoned when the contact ended on an unanswered customer message;
    - multi-party: more than one agent, or a supervisor, took part.
    """

    multi_party: bool
    total_messages: int
    total_bot_messages: int
    total_bot_message_length_in_chars: int
    conversation_close_time_ms: int | None
    conversation_turn_count: int
    agent_first_response_at: datetime | None
    agent_first_response_time_ms: int | None
    agent: ParticipantMetrics | None
    customer: ParticipantMetrics | None


def _length(item: TranscriptItem) -> int:
    return len(item.content or "")


def answers(role: str, other: str) -> bool:
    """Whether a message of ``role`` answers one of ``other``: an agent answers the customer;
    the customer answers anyone else (agents, bots, the system) [chosen]."""
    return other != "CUSTOMER" if role == "CUSTOMER" else other == "CUSTOMER"


def _side(
    messages: Sequence[TranscriptItem],
    role: str,
    participant_id: str | None,
    abandon: bool | None,
) -> ParticipantMetrics:
    own = [m for m in messages if m.participant_role == role]
    responses: list[int] = []
    waiting_since: TranscriptItem | None = None  # the first message this side has not answered
    for item in messages:
        if item.participant_role == role:
            if waiting_since is not None:
                responses.append(_millis(item.at, waiting_since.at))
                waiting_since = None
        elif waiting_since is None and answers(role, item.participant_role):
            waiting_since = item
    return ParticipantMetrics(
        participant_id=participant_id or (own[0].participant_id if own else None),
        participant_type=role,
        conversation_abandon=abandon,
        messages_sent=len(own),
        num_responses=len(responses),
        message_length_in_chars=sum(_length(m) for m in own),
        total_response_time_ms=sum(responses),
        max_response_time_ms=max(responses, default=0),
        last_message_at=own[-1].at if own else None,
    )


def chat_metrics(contact: Contact, items: Sequence[TranscriptItem]) -> ChatMetrics:
    """The metrics of ``contact`` from its segment's stored items, oldest first."""
    messages = [i for i in items if i.stored and i.type in MESSAGE_TYPES]
    joins = [i for i in items if i.content_type == PARTICIPANT_JOINED]
    agent_joins = [i for i in joins if i.participant_role == "AGENT"]
    customer_ids = [i.participant_id for i in joins if i.participant_role == "CUSTOMER"]
    bots = [m for m in messages if m.participant_role in BOT_ROLES]
    agent_messages = [m for m in messages if m.participant_role == "AGENT"]
    customer_messages = [m for m in messages if m.participant_role == "CUSTOMER"]
    agent_ids = {i.participant_id for i in agent_joins} | {m.participant_id for m in agent_messages}
    supervised = any(i.participant_role == "SUPERVISOR" for i in (*joins, *messages))
    turns = sum(
        1
        for previous, item in zip(messages, messages[1:], strict=False)
        if previous.participant_role == "CUSTOMER" and item.participant_role != "CUSTOMER"
    )
    ended_at = contact.disconnect_timestamp
    first_agent = agent_messages[0] if agent_messages else None
    agent_connected = contact.connected_to_agent_timestamp or (
        agent_joins[0].at if agent_joins else contact.initiation_timestamp
    )
    customer_abandoned = agent_abandoned = None
    if ended_at is not None:
        customer_abandoned = bool(customer_messages) and not agent_messages
        agent_abandoned = bool(agent_messages) and messages[-1].participant_role == "CUSTOMER"
    agent = None
    if agent_joins or agent_messages:
        first_id = agent_joins[0].participant_id if agent_joins else None
        agent = _side(messages, "AGENT", first_id, agent_abandoned)
    return ChatMetrics(
        multi_party=len(agent_ids) > 1 or supervised,
        total_messages=len(messages),
        total_bot_messages=len(bots),
        total_bot_message_length_in_chars=sum(_length(m) for m in bots),
        conversation_close_time_ms=(
            _millis(ended_at, customer_messages[-1].at)
            if ended_at is not None and customer_messages
            else None
        ),
        conversation_turn_count=turns,
        agent_first_response_at=first_agent.at if first_agent else None,
        agent_first_response_time_ms=(
            _millis(first_agent.at, agent_connected) if first_agent else None
        ),
        agent=agent,
        customer=_side(
            messages,
            "CUSTOMER",
            customer_ids[0] if customer_ids else contact.session.root.participant_id,
            customer_abandoned,
        ),
    )


def _participant_to_wire(
    metrics: ParticipantMetrics, timestamp: Callable[[datetime], Any]
) -> dict[str, Any]:
    out = {
        "ParticipantId": metrics.participant_id,
        "ParticipantType": metrics.participant_type,
        "ConversationAbandon": metrics.conversation_abandon,
        "MessagesSent": metrics.messages_sent,
        "NumResponses": metrics.num_responses,
        "MessageLengthInChars": metrics.message_length_in_chars,
        "TotalResponseTimeInMillis": metrics.total_response_time_ms,
        "MaxResponseTimeInMillis": metrics.max_response_time_ms,
        "LastMessageTimestamp": (
            timestamp(metrics.last_message_at) if metrics.last_message_at else None
        ),
    }
    return {k: v for k, v in out.items() if v is not None}


def metrics_to_wire(metrics: ChatMetrics, timestamp: Callable[[datetime], Any]) -> dict[str, Any]:
    """``ChatMetrics`` as DescribeContact and the contact record name its members, with
    ``timestamp`` writing the moments; members without a value are left out."""
    contact = {
        "MultiParty": metrics.multi_party,
        "TotalMessages": metrics.total_messages,
        "TotalBotMessages": metrics.total_bot_messages,
        "TotalBotMessageLengthInChars": metrics.total_bot_message_length_in_chars,
        "ConversationCloseTimeInMillis": metrics.conversation_close_time_ms,
        "ConversationTurnCount": metrics.conversation_turn_count,
        "AgentFirstResponseTimestamp": (
            timestamp(metrics.agent_first_response_at) if metrics.agent_first_response_at else None
        ),
        "AgentFirstResponseTimeInMillis": metrics.agent_first_response_time_ms,
    }
    out: dict[str, Any] = {
        "ChatContactMetrics": {k: v for k, v in contact.items() if v is not None}
    }
    if metrics.agent is not None:
        out["AgentMetrics"] = _participant_to_wire(metrics.agent, timestamp)
    if metrics.customer is not None:
        out["CustomerMetrics"] = _participant_to_wire(metrics.customer, timestamp)
    return out


def described_metrics(contact: Contact, items: Sequence[TranscriptItem]) -> dict[str, Any]:
    """DescribeContact's ``ChatMetrics`` (moments as epoch seconds, as rest-json sends them)."""
    return metrics_to_wire(chat_metrics(contact, items), datetime.timestamp)
