"""Connect's CreateParticipant: a custom bot joins a running chat with its own token."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from support import REGION, expect_error

from moto_connect_persistent import chat_session, seed_chat_session, seed_contact

JOINED = "application/vnd.amazonaws.connect.event.participant.joined"
BOT = {"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Order bot"}


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


def start_chat(connect: Any, iid: str) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    return answer


def connection(participant: Any, participant_token: str) -> str:
    token: str = participant.create_participant_connection(
        ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    return token


def test_a_bot_joins_and_talks_with_its_own_token(connect: Any, iid: str, participant: Any) -> None:
    """[doc: CreateParticipant] Adds a new participant into an on-going chat contact; the
    ParticipantToken is used by the chat participant to call CreateParticipantConnection."""
    chat = start_chat(connect, iid)

    bot = connect.create_participant(
        InstanceId=iid, ContactId=chat["ContactId"], ParticipantDetails=BOT
    )
    bot_token = connection(participant, bot["ParticipantCredentials"]["ParticipantToken"])
    participant.send_message(ConnectionToken=bot_token, ContentType="text/plain", Content="Hi!")

    customer_token = connection(participant, chat["ParticipantToken"])
    items = participant.get_transcript(ConnectionToken=customer_token, SortOrder="ASCENDING")[
        "Transcript"
    ]
    assert [(i["ContentType"], i["ParticipantRole"]) for i in items] == [
        (JOINED, "CUSTOMER"),
        (JOINED, "CUSTOM_BOT"),
        ("text/plain", "CUSTOM_BOT"),
    ]
    assert {i["ParticipantId"] for i in items[1:]} == {bot["ParticipantId"]}
    assert {i["DisplayName"] for i in items[1:]} == {"Order bot"}
    assert bot["ParticipantId"] != chat["ParticipantId"]


def test_the_bot_token_lives_as_long_as_the_chat(connect: Any, iid: str, participant: Any) -> None:
    """[doc] The participant token is valid for the lifetime of a chat participant."""
    chat = start_chat(connect, iid)
    bot = connect.create_participant(
        InstanceId=iid, ContactId=chat["ContactId"], ParticipantDetails=BOT
    )
    assert bot["ParticipantCredentials"]["Expiry"]  # the chat's end: start + 25 hours
    bot_token = connection(participant, bot["ParticipantCredentials"]["ParticipantToken"])

    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])

    expect_error(
        lambda: participant.get_transcript(ConnectionToken=bot_token),
        "AccessDeniedException",
        403,
    )


def test_only_a_custom_bot_joins_a_chat(connect: Any, iid: str) -> None:
    """[doc] The only valid value for ParticipantRole is CUSTOM_BOT for chat contact."""
    chat = start_chat(connect, iid)
    for role in ("AGENT", "CUSTOMER", "SUPERVISOR", "SYSTEM"):
        expect_error(
            lambda role=role: connect.create_participant(
                InstanceId=iid,
                ContactId=chat["ContactId"],
                ParticipantDetails={"ParticipantRole": role, "DisplayName": "x"},
            ),
            "InvalidRequestException",
            400,
            "CUSTOM_BOT",
        )


def test_a_bot_joins_running_chats_only(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="OVER").end()
    seed_contact(iid, contact_id="CALL", ended=False)

    def add_bot(contact_id: str) -> Any:
        return lambda: connect.create_participant(
            InstanceId=iid, ContactId=contact_id, ParticipantDetails=BOT
        )

    expect_error(add_bot("OVER"), "InvalidRequestException", 400, "ended")
    expect_error(add_bot("CALL"), "InvalidRequestException", 400, "VOICE")
    expect_error(add_bot("NONE"), "ResourceNotFoundException", 404, "NONE")


def test_a_bot_joins_the_running_segment_after_a_transfer(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    chat_session(iid, chat["ContactId"]).transfer(contact_id="T2")

    connect.create_participant(InstanceId=iid, ContactId=chat["ContactId"], ParticipantDetails=BOT)

    token = connection(participant, chat["ParticipantToken"])
    joined = [
        i
        for i in participant.get_transcript(ConnectionToken=token)["Transcript"]
        if i["ParticipantRole"] == "CUSTOM_BOT"
    ]
    assert [i["ContactId"] for i in joined] == ["T2"]


def test_a_retry_with_the_same_client_token_adds_one_bot(
    connect: Any, iid: str, participant: Any
) -> None:
    """[doc] ClientToken: a unique identifier that you provide to ensure the idempotency of
    the request; a token reused with other details is refused (InvalidRequestException, as
    for every Connect operation of the mock)."""
    chat = start_chat(connect, iid)

    first = connect.create_participant(
        InstanceId=iid, ContactId=chat["ContactId"], ParticipantDetails=BOT, ClientToken="c1"
    )
    again = connect.create_participant(
        InstanceId=iid, ContactId=chat["ContactId"], ParticipantDetails=BOT, ClientToken="c1"
    )

    assert again["ParticipantId"] == first["ParticipantId"]
    expect_error(
        lambda: connect.create_participant(
            InstanceId=iid,
            ContactId=chat["ContactId"],
            ParticipantDetails={**BOT, "DisplayName": "Other bot"},
            ClientToken="c1",
        ),
        "InvalidRequestException",
        400,
        "c1",
    )
    token = connection(participant, chat["ParticipantToken"])
    bots = [
        i
        for i in participant.get_transcript(ConnectionToken=token)["Transcript"]
        if i["ParticipantRole"] == "CUSTOM_BOT"
    ]
    assert len(bots) == 1
