"""What the customer sees: past transcripts in a persistent chat, read the way a chat client
reads them (boto3 ``connectparticipant``). Self-contained: copy it anywhere.

The past chat: C1 (the customer asks) -> transfer -> C2 (an agent answers) -> disconnect flow
-> C3 (a survey bot). FROM_SEGMENT C2 shows C2 and C1, not C3; ENTIRE_PAST_SESSION C1 shows all.
"""

from __future__ import annotations

from typing import Any

import boto3

from moto_connect_persistent import mock_connect_persistent, seed_chat_session

REGION = "us-east-1"


def make_past_chat(instance_id: str) -> None:
    (
        seed_chat_session(instance_id, contact_id="C1")
        .message("CUSTOMER", "my order is late")
        .transfer(contact_id="C2")
        .message("AGENT", "it ships tomorrow")
        .disconnect_flow(contact_id="C3")
        .message("CUSTOM_BOT", "how did we do?")
        .end()
    )


def past_messages(connect: Any, instance_id: str, rehydration: str, source: str) -> list[str]:
    """Start a persistent chat and read it as a chat client does; the past messages, newest
    first.

    Step 1 reads the current session: its first page never holds past items, even with room
    to spare -- it ends with a NextToken when the chat has a past (as on AWS). Step 2 follows
    that NextToken backwards into the past.
    """
    chat = connect.start_chat_contact(
        InstanceId=instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
        PersistentChat={"RehydrationType": rehydration, "SourceContactId": source},
    )
    participant = boto3.client("connectparticipant", region_name=REGION)
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]

    # Step 1: the current session (amazon-connect-chatjs's default request).
    request: dict[str, Any] = {
        "ConnectionToken": token,
        "StartPosition": {},
        "ScanDirection": "BACKWARD",
        "SortOrder": "ASCENDING",
        "MaxResults": 15,
    }
    first = participant.get_transcript(**request)
    assert all("RelatedContactId" not in item for item in first["Transcript"])
    assert "NextToken" in first, "a persistent chat with a past always has more to read"

    # Step 2: the past, through NextToken, BACKWARD.
    items: list[dict[str, Any]] = []
    request["SortOrder"] = "DESCENDING"
    request["NextToken"] = first["NextToken"]
    for _ in range(20):
        page = participant.get_transcript(**request)
        items.extend(page["Transcript"])
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    return [
        f"{item['RelatedContactId']}: {item['Content']}"
        for item in items
        if item["Type"] == "MESSAGE" and "RelatedContactId" in item
    ]


@mock_connect_persistent
def test_from_segment_shows_c2_and_c1_but_not_c3() -> None:
    connect = boto3.client("connect", region_name=REGION)
    instance_id = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    make_past_chat(instance_id)

    seen = past_messages(connect, instance_id, "FROM_SEGMENT", "C2")

    assert seen == ["C2: it ships tomorrow", "C1: my order is late"]


@mock_connect_persistent
def test_entire_past_session_shows_c3_c2_and_c1() -> None:
    connect = boto3.client("connect", region_name=REGION)
    instance_id = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    make_past_chat(instance_id)

    seen = past_messages(connect, instance_id, "ENTIRE_PAST_SESSION", "C1")

    assert seen == ["C3: how did we do?", "C2: it ships tomorrow", "C1: my order is late"]
