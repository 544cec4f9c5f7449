"""Queues and agents: a chat waits in a queue, an agent accepts it and later leaves.

Driven as users drive them: the seeding verbs (``enqueue``, ``connect_agent``,
``disconnect_agent``) stand for Amazon Connect's routing and the agent's contact control
panel, and boto3 reads what they did (DescribeContact, GetTranscript), in-process and
against a server (the same backend methods over HTTP).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from freezegun import freeze_time
from support import REGION, expect_error, make_instance

from moto_connect_persistent import SeedingError, chat_session, read_transcript
from moto_connect_persistent.chat.happenings import (
    EVERY_CHAT,
    ContactQueued,
    Happening,
    ParticipantJoined,
    ParticipantLeft,
)

EVENT = "application/vnd.amazonaws.connect.event."
START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def start_chat(connect: Any, iid: str) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    return answer


def customer_connection(participant: Any, chat: dict[str, Any]) -> str:
    answer = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )
    token: str = answer["ConnectionCredentials"]["ConnectionToken"]
    return token


def transcript(participant: Any, token: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = participant.get_transcript(
        ConnectionToken=token, SortOrder="ASCENDING", MaxResults=100
    )["Transcript"]
    return items


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (item["ParticipantRole"], item.get("ContentType", "").removeprefix(EVENT)) for item in items
    ]


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


def test_queue_then_agent_then_agent_leaves_ends_the_chat(
    connect: Any, participant: Any, iid: str
) -> None:
    """The Contact shape: QueueInfo "If this contact was queued, this contains information
    about the queue" (EnqueueTimestamp: "The timestamp when the contact was added to the
    queue"); AgentInfo "Information about the agent who accepted the contact"
    (ConnectedToAgentTimestamp: "The timestamp when the contact was connected to the agent").
    """
    with freeze_time(START) as clock:
        chat = start_chat(connect, iid)
        contact_id = chat["ContactId"]
        token = customer_connection(participant, chat)
        session = chat_session(iid, contact_id)
        described = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
        assert "QueueInfo" not in described and "AgentInfo" not in described

        clock.tick(5)
        session.enqueue("queue-billing")
        queued = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
        assert queued["QueueInfo"] == {
            "Id": "queue-billing",
            "EnqueueTimestamp": START + timedelta(seconds=5),
        }
        assert "AgentInfo" not in queued

        clock.tick(30)
        agent_token = session.connect_agent("agent-7")
        accepted = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
        assert accepted["AgentInfo"] == {
            "Id": "agent-7",
            "ConnectedToAgentTimestamp": START + timedelta(seconds=35),
        }
        assert accepted["QueueInfo"]["Id"] == "queue-billing"
        assert accepted["LastUpdateTimestamp"] == START + timedelta(seconds=35)

        # The agent writes through connectparticipant with the token it got, as its CCP does.
        agent = participant.create_participant_connection(
            ParticipantToken=agent_token, Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]
        participant.send_message(ConnectionToken=agent, ContentType="text/plain", Content="Hi")

        clock.tick(60)
        session.disconnect_agent()
        ended = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
        assert ended["DisconnectTimestamp"] == START + timedelta(seconds=95)
        assert ended["DisconnectReason"] == "AGENT_DISCONNECT"
        assert ended["AgentInfo"]["Id"] == "agent-7"

    items = ended_transcript(connect, iid, contact_id)
    assert kinds(items) == [
        ("CUSTOMER", "participant.joined"),
        ("AGENT", "participant.joined"),
        ("AGENT", "text/plain"),
        ("AGENT", "participant.left"),
        ("SYSTEM", "chat.ended"),
    ]
    agent_items = [item for item in items if item["ParticipantRole"] == "AGENT"]
    assert {item["DisplayName"] for item in agent_items} == {"agent-7"}
    assert len({item["ParticipantId"] for item in agent_items}) == 1
    # The customer's token no longer works: the chat is over.
    expect_error(lambda: transcript(participant, token), "AccessDeniedException", 403)


def ended_transcript(connect: Any, iid: str, contact_id: str) -> list[dict[str, Any]]:
    """An ended chat's items, oldest first, as a persistent chat continuing it reads them."""
    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": contact_id},
    )
    participant = boto3.client("connectparticipant", region_name=REGION)
    items = read_transcript(
        participant, customer_connection(participant, chat), sort_order="ASCENDING"
    )
    return [item for item in items if item.get("RelatedContactId") == contact_id]


def test_the_agent_token_stops_working_when_the_agent_leaves(
    connect: Any, participant: Any, iid: str
) -> None:
    """A participant that left cannot act for the chat any more; the customer stays in a
    disconnect flow segment (disconnect_agent(disconnect_flow=True))."""
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat["ContactId"])
    agent_token = session.connect_agent("agent-1")
    agent = participant.create_participant_connection(
        ParticipantToken=agent_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    session.disconnect_agent(disconnect_flow=True, contact_id="survey")
    assert session.contact_ids == [chat["ContactId"], "survey"]
    survey = connect.describe_contact(InstanceId=iid, ContactId="survey")["Contact"]
    assert survey["InitiationMethod"] == "DISCONNECT" and "AgentInfo" not in survey
    expect_error(
        lambda: participant.send_message(
            ConnectionToken=agent, ContentType="text/plain", Content="x"
        ),
        "AccessDeniedException",
        403,
    )
    customer = customer_connection(participant, chat)
    items = transcript(participant, customer)
    # The agent left once, on the segment it was on; the customer chats on.
    assert kinds(items).count(("AGENT", "participant.left")) == 1
    left = next(i for i in items if i.get("ContentType") == EVENT + "participant.left")
    assert left["ContactId"] == chat["ContactId"]
    participant.send_message(ConnectionToken=customer, ContentType="text/plain", Content="ok")


def test_transfer_verbs_fill_queue_and_agent_of_the_new_segment(connect: Any, iid: str) -> None:
    """A transferred segment was queued and accepted as it began (the Contact shape's
    QueueInfo.EnqueueTimestamp and AgentInfo.ConnectedToAgentTimestamp)."""
    with freeze_time(START) as clock:
        chat = start_chat(connect, iid)
        session = chat_session(iid, chat["ContactId"])
        session.enqueue("q1")
        session.connect_agent("a1")
        clock.tick(120)
        session.transfer(contact_id="C2", agent_id="a2", queue_id="q2")
    c2 = connect.describe_contact(InstanceId=iid, ContactId="C2")["Contact"]
    moment = START + timedelta(seconds=120)
    assert c2["QueueInfo"] == {"Id": "q2", "EnqueueTimestamp": moment}
    assert c2["AgentInfo"] == {"Id": "a2", "ConnectedToAgentTimestamp": moment}
    c1 = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"]
    assert c1["AgentInfo"]["ConnectedToAgentTimestamp"] == START


def test_happenings_of_queue_and_agent(connect: Any, iid: str) -> None:
    """Listeners (contact events, contact records) see ContactQueued and the AGENT's
    ParticipantJoined/ParticipantLeft, with the contact's queue and agent fields set."""
    seen: list[tuple[str, str | None, str | None]] = []

    def note(happening: Happening) -> None:
        contact = happening.contact  # type: ignore[attr-defined]
        queued_at = contact.enqueue_timestamp is not None
        agent_at = contact.connected_to_agent_timestamp is not None
        role = getattr(getattr(happening, "participant", None), "role", None)
        seen.append((type(happening).__name__, role, f"{contact.queue_id}/{queued_at}/{agent_at}"))

    kinds_ = (ContactQueued, ParticipantJoined, ParticipantLeft)
    for kind in kinds_:
        EVERY_CHAT.on(kind, note)
    try:
        chat = start_chat(connect, iid)
        session = chat_session(iid, chat["ContactId"])
        session.enqueue("q1")
        session.connect_agent("a1")
        session.disconnect_agent()
    finally:
        for kind in kinds_:
            EVERY_CHAT.off(kind, note)
    assert seen == [
        ("ParticipantJoined", "CUSTOMER", "None/False/False"),
        ("ContactQueued", None, "q1/True/False"),
        ("ParticipantJoined", "AGENT", "q1/True/True"),
        ("ParticipantLeft", "AGENT", "q1/True/True"),
    ]


def test_verbs_refuse_what_connect_would_not_do(connect: Any, iid: str) -> None:
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat["ContactId"])
    with pytest.raises(SeedingError, match="no agent"):
        session.disconnect_agent()
    with pytest.raises(SeedingError, match="agent_id must be 1 to 256"):
        session.connect_agent("")
    with pytest.raises(SeedingError, match="queue_id must be 1 to 256"):
        session.enqueue("")
    session.connect_agent("a1")
    with pytest.raises(SeedingError, match="already"):
        session.connect_agent("a2")
    with pytest.raises(SeedingError, match="transfer it"):
        session.enqueue("q2")
    session.disconnect_agent()
    with pytest.raises(SeedingError, match="has ended"):
        session.connect_agent("a3")


# ---------------------------------------------------------------------- over HTTP


@pytest.fixture
def server(connect_server_url: str) -> Iterator[tuple[str, Any, Any, str]]:
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    participant = boto3.client(
        "connectparticipant", region_name=REGION, endpoint_url=connect_server_url
    )
    yield connect_server_url, connect, participant, make_instance(connect)


def test_the_verbs_over_http_are_the_same_backend_methods(
    server: tuple[str, Any, Any, str],
) -> None:
    """The seeding endpoint: POST /moto-api/connect-persistent/<method>, JSON keyword
    arguments, {"result": ...} back."""
    url, connect, participant, iid = server
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat["ContactId"], endpoint_url=url)
    session.enqueue("q1")
    agent_token = session.connect_agent("a1")
    agent = participant.create_participant_connection(
        ParticipantToken=agent_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=agent, ContentType="text/plain", Content="Hello")
    described = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"]
    assert described["QueueInfo"]["Id"] == "q1" and described["AgentInfo"]["Id"] == "a1"
    assert set(described["QueueInfo"]) == {"Id", "EnqueueTimestamp"}
    raw = requests.post(
        f"{url}/moto-api/connect-persistent/disconnect_agent",
        json={"instance_id": iid, "contact_id": chat["ContactId"]},
        timeout=30,
    )
    assert raw.status_code == 200 and raw.json() == {"result": chat["ContactId"]}
    ended = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"]
    assert ended["DisconnectReason"] == "AGENT_DISCONNECT"
    refused = requests.post(
        f"{url}/moto-api/connect-persistent/connect_agent",
        json={"instance_id": iid, "contact_id": chat["ContactId"], "agent_id": 7},
        timeout=30,
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "InvalidArguments"


def test_the_agent_disconnecting_through_its_ccp_ends_the_chat(
    connect: Any, participant: Any, iid: str
) -> None:
    """DisconnectParticipant with the agent's connection is the agent leaving: the same
    ending as disconnect_agent (DisconnectReason AGENT_DISCONNECT)."""
    chat = start_chat(connect, iid)
    agent_token = chat_session(iid, chat["ContactId"]).connect_agent("agent-9")
    agent = participant.create_participant_connection(
        ParticipantToken=agent_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.disconnect_participant(ConnectionToken=agent)
    ended = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"]
    assert ended["DisconnectReason"] == "AGENT_DISCONNECT"
    assert kinds(ended_transcript(connect, iid, chat["ContactId"]))[-2:] == [
        ("AGENT", "participant.left"),
        ("SYSTEM", "chat.ended"),
    ]
