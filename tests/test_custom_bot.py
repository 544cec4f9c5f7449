"""Connect's CreateParticipant: a custom bot joins a running chat with its own token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from support import REGION, drain_queue, expect_error, make_instance
from websocket_client import ChatSocket

from moto_connect_persistent import chat_session, seed_chat_session, seed_contact

EVENT = "application/vnd.amazonaws.connect.event."
JOINED = EVENT + "participant.joined"
LEFT = EVENT + "participant.left"
ENDED = EVENT + "chat.ended"
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


# ------------------------------------------------------------------ a bot that leaves

Clients = Callable[[str], Any]


@pytest.fixture(params=["in-process", "server"])
def clients(request: pytest.FixtureRequest) -> Iterator[Clients]:
    """boto3 clients of one mode: the decorator's mock, or a running server over HTTP."""
    if request.param == "in-process":
        request.getfixturevalue("connect")
        yield lambda service: boto3.client(service, region_name=REGION)
    else:
        url = request.getfixturevalue("connect_server_url")
        yield lambda service: boto3.client(service, region_name=REGION, endpoint_url=url)


def queue_on_topic(client: Clients) -> tuple[str, Callable[[], list[dict[str, Any]]]]:
    """A topic and an SQS queue subscribed to it (raw delivery): what a chat bridge reads."""
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="chat-stream")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="bridge")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )

    def bodies() -> list[dict[str, Any]]:
        return [json.loads(message["Body"]) for message in drain_queue(sqs, queue_url)]

    return topic, bodies


def test_a_bot_that_disconnects_leaves_and_the_chat_runs_on(clients: Clients) -> None:
    """Admin Guide, "Customize chat flow experiences by integrating custom participants":
    "After the participant is added to the contact, they can exchange messages with the
    customer by using Amazon Connect Participant Service APIs. To disconnect the participant,
    call the DisconnectParticipant API." Flow language, Wait: "The supported events currently
    are "CustomerReturned" and "BotParticipantDisconnected"" -- the flow resumes when the bot
    leaves, so the chat runs on: the bot's leaving is ``participant.left`` (pushed and
    streamed) and nothing more; the customer's own disconnect still ends the chat."""
    connect, participant = clients("connect"), clients("connectparticipant")
    iid = make_instance(connect)
    topic, streamed = queue_on_topic(clients)
    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ChatStreamingConfiguration={"StreamingEndpointArn": topic},
    )
    customer = participant.create_participant_connection(ParticipantToken=chat["ParticipantToken"])
    customer_token = customer["ConnectionCredentials"]["ConnectionToken"]
    contact = {"InstanceId": iid, "ContactId": chat["ContactId"]}

    with ChatSocket(customer["Websocket"]["Url"]) as socket:
        bot = connect.create_participant(**contact, ParticipantDetails=BOT)
        bot_token = connection(participant, bot["ParticipantCredentials"]["ParticipantToken"])
        participant.send_message(
            ConnectionToken=bot_token, ContentType="text/plain", Content="Your order shipped."
        )
        participant.disconnect_participant(ConnectionToken=bot_token)

        joined, said, left = socket.items(3)
        assert [(i["ContentType"], i["ParticipantRole"]) for i in (joined, said, left)] == [
            (JOINED, "CUSTOM_BOT"),
            ("text/plain", "CUSTOM_BOT"),
            (LEFT, "CUSTOM_BOT"),
        ]
        assert left["ParticipantId"] == bot["ParticipantId"]
        described = connect.describe_contact(**contact)["Contact"]
        assert "DisconnectTimestamp" not in described
        assert "DisconnectReason" not in described
        expect_error(
            lambda: participant.send_message(
                ConnectionToken=bot_token, ContentType="text/plain", Content="still here?"
            ),
            "AccessDeniedException",
            403,
        )

        sent = participant.send_message(
            ConnectionToken=customer_token, ContentType="text/plain", Content="Thanks!"
        )
        assert socket.item()["Id"] == sent["Id"]
        assert [(b["ContentType"], b["ParticipantRole"]) for b in streamed()][-2:] == [
            (LEFT, "CUSTOM_BOT"),
            ("text/plain", "CUSTOMER"),
        ]

        participant.disconnect_participant(ConnectionToken=customer_token)
        assert [(i["ContentType"], i["ParticipantRole"]) for i in socket.items(2)] == [
            (LEFT, "CUSTOMER"),
            (ENDED, "SYSTEM"),
        ]
        assert socket.closed()[0] == 1000
    assert connect.describe_contact(**contact)["Contact"]["DisconnectReason"] == (
        "CUSTOMER_DISCONNECT"
    )
