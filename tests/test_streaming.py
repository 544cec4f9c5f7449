"""Message streaming to moto's SNS: StartContactStreaming, StopContactStreaming and
StartChatContact's ChatStreamingConfiguration, read the way a bridge reads them (an SQS queue
subscribed to the topic), in-process and against a running server.

Docs quoted: Amazon Connect Administrator Guide, "Enable real-time chat message streaming"
(chat-message-streaming) and "Use the Amazon SNS payload after enabling message streaming"
(sns-payload); API reference StartContactStreaming, StopContactStreaming, StartChatContact.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.sns.models import sns_backends
from support import ACCOUNT, REGION, drain_queue, expect_error

from moto_connect_persistent import chat_session, connect_persistent_backends, seed_contact

EVENT = "application/vnd.amazonaws.connect.event."
#: The message attributes sns-payload lists, each "Type": "String" in its example.
ATTRIBUTES = (
    "InitialContactId",
    "ContactId",
    "ParticipantRole",
    "InstanceId",
    "AccountId",
    "Type",
    "ContentType",
    "MessageVisibility",
)


@dataclass
class Subscriber:
    """An SQS queue subscribed to a topic: what a bridge reads."""

    sqs: Any
    queue_url: str

    def receive(self) -> list[dict[str, Any]]:
        """Everything in the queue, in order, deleted once read (bounded: 50 batches)."""
        return drain_queue(self.sqs, self.queue_url, MessageAttributeNames=["All"])

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(m["Body"]) for m in self.receive()]


def make_topic(sns: Any, name: str = "chat-stream") -> str:
    arn: str = sns.create_topic(Name=name)["TopicArn"]
    return arn


def subscribe(
    sns: Any,
    sqs: Any,
    topic_arn: str,
    name: str,
    filter_policy: dict[str, Any] | None = None,
    raw: bool = True,
) -> Subscriber:
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    attributes = {"RawMessageDelivery": "true" if raw else "false"}
    if filter_policy is not None:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)
    return Subscriber(sqs, queue_url)


def attributes_of(message: dict[str, Any]) -> dict[str, str]:
    """SQS message attributes (raw delivery) as name -> value, asserting they are Strings."""
    out = {}
    for name, value in message.get("MessageAttributes", {}).items():
        assert value["DataType"] == "String", (name, value)
        out[name] = value["StringValue"]
    return out


class Chat:
    """A chat started through boto3, with the customer connected through connectparticipant."""

    def __init__(self, connect: Any, participant: Any, iid: str, **start: Any) -> None:
        self.started = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Ann"},
            **start,
        )
        self.id: str = self.started["ContactId"]
        self.participant = participant
        self.token = participant.create_participant_connection(
            ParticipantToken=self.started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]

    def say(self, text: str) -> str:
        item_id: str = self.participant.send_message(
            ConnectionToken=self.token, ContentType="text/plain", Content=text
        )["Id"]
        return item_id


@pytest.fixture
def sns(connect: Any) -> Any:
    return boto3.client("sns", region_name=REGION)


@pytest.fixture
def sqs(connect: Any) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


@pytest.fixture
def topic(sns: Any) -> str:
    return make_topic(sns)


@pytest.fixture
def bridge(sns: Any, sqs: Any, topic: str) -> Subscriber:
    return subscribe(sns, sqs, topic, "bridge")


def stream(connect: Any, iid: str, contact_id: str, topic_arn: str, **extra: Any) -> str:
    streaming_id: str = connect.start_contact_streaming(
        InstanceId=iid,
        ContactId=contact_id,
        ChatStreamingConfiguration={"StreamingEndpointArn": topic_arn},
        **extra,
    )["StreamingId"]
    return streaming_id


# ------------------------------------------------------------------------ what is published


def test_every_item_from_the_start_of_streaming_is_published_in_order(
    connect: Any, participant: Any, iid: str, topic: str, bridge: Subscriber
) -> None:
    """chat-message-streaming: "when a customer sends a new chat message, the event sends a
    payload to a specified endpoint containing data about the message that was just sent";
    sns-payload: Type "EVENT, MESSAGE", ContentType typing, participant.joined,
    participant.left, transfer.succeeded, chat.ended "and more". Streaming starts with the
    call, so the customer's participant.joined, written before it, is not published."""
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    sent = chat.say("hello")
    participant.send_event(ConnectionToken=chat.token, ContentType=EVENT + "typing")
    participant.send_event(
        ConnectionToken=chat.token,
        ContentType=EVENT + "message.read",
        Content=json.dumps({"messageId": sent}),
    )
    session = chat_session(iid, chat.id)
    session.message("AGENT", "Hi Ann, how can I help?", display_name="Bob")
    session.transfer(contact_id="C2")
    chat.say("still there?")
    participant.disconnect_participant(ConnectionToken=chat.token)

    bodies = bridge.bodies()

    assert [(b["Type"], b["ContentType"], b["ContactId"]) for b in bodies] == [
        ("MESSAGE", "text/plain", chat.id),
        ("EVENT", EVENT + "typing", chat.id),
        ("EVENT", EVENT + "message.read", chat.id),
        ("MESSAGE", "text/plain", chat.id),
        ("EVENT", EVENT + "transfer.succeeded", "C2"),
        ("MESSAGE", "text/plain", "C2"),
        ("EVENT", EVENT + "participant.left", "C2"),
        ("EVENT", EVENT + "chat.ended", "C2"),
    ]
    assert {b["InitialContactId"] for b in bodies} == {chat.id}
    assert bodies[0]["Id"] == sent
    assert [b.get("Content") for b in bodies if b["Type"] == "MESSAGE"] == [
        "hello",
        "Hi Ann, how can I help?",
        "still there?",
    ]
    assert json.loads(bodies[2]["Content"]) == {"messageId": sent}
    assert (bodies[3]["ParticipantRole"], bodies[3]["DisplayName"]) == ("AGENT", "Bob")


def test_the_body_and_attributes_are_the_documented_ones(
    connect: Any, participant: Any, iid: str, topic: str, bridge: Subscriber
) -> None:
    """sns-payload, "Example SNS payload": the Message carries AbsoluteTime, Content,
    ContentType, Id, Type, ParticipantId, DisplayName, ParticipantRole, InitialContactId and
    ContactId; MessageAttributes InitialContactId, MessageVisibility, Type, AccountId,
    ContentType, InstanceId, ContactId, ParticipantRole, each {"Type":"String", ...}."""
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    sent = participant.send_message(
        ConnectionToken=chat.token, ContentType="text/plain", Content="help"
    )

    (message,) = bridge.receive()

    body = json.loads(message["Body"])
    assert body == {
        "AbsoluteTime": sent["AbsoluteTime"],
        "Content": "help",
        "ContentType": "text/plain",
        "Id": sent["Id"],
        "Type": "MESSAGE",
        "ParticipantId": chat.started["ParticipantId"],
        "DisplayName": "Ann",
        "ParticipantRole": "CUSTOMER",
        "InitialContactId": chat.id,
        "ContactId": chat.id,
    }
    assert attributes_of(message) == {
        "InitialContactId": chat.id,
        "ContactId": chat.id,
        "ParticipantRole": "CUSTOMER",
        "InstanceId": iid,
        "AccountId": ACCOUNT,
        "Type": "MESSAGE",
        "ContentType": "text/plain",
        "MessageVisibility": "ALL",
    }


def test_without_raw_delivery_the_queue_gets_the_sns_envelope(
    connect: Any, participant: Any, iid: str, sns: Any, sqs: Any, topic: str
) -> None:
    """sns-payload's example is the SNS notification: "Type" : "Notification", the TopicArn,
    the item as the JSON string "Message", and typed MessageAttributes."""
    envelope = subscribe(sns, sqs, topic, "envelope", raw=False)
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    chat.say("help")

    (message,) = envelope.receive()

    notification = json.loads(message["Body"])
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == topic
    assert json.loads(notification["Message"])["Content"] == "help"
    assert set(notification["MessageAttributes"]) == set(ATTRIBUTES)
    assert notification["MessageAttributes"]["ParticipantRole"] == {
        "Type": "String",
        "Value": "CUSTOMER",
    }


def test_chat_streaming_configuration_streams_from_the_first_item(
    connect: Any, participant: Any, iid: str, topic: str, bridge: Subscriber
) -> None:
    """StartChatContact: "Use it to initiate real-time message streaming when the chat is
    created ... Setting this parameter returns a StreamingId in the response, and you do not
    need to call StartContactStreaming." The customer's participant.joined is published."""
    chat = Chat(
        connect, participant, iid, ChatStreamingConfiguration={"StreamingEndpointArn": topic}
    )
    chat.say("hello")

    bodies = bridge.bodies()

    assert chat.started["StreamingId"]
    assert [(b["ContentType"], b["ParticipantRole"]) for b in bodies] == [
        (EVENT + "participant.joined", "CUSTOMER"),
        ("text/plain", "CUSTOMER"),
    ]
    # The StreamingId is a real stream of the chat: StopContactStreaming knows it.
    connect.stop_contact_streaming(
        InstanceId=iid, ContactId=chat.id, StreamingId=chat.started["StreamingId"]
    )
    chat.say("unheard")
    assert bridge.bodies() == []


def test_seeded_items_are_published(connect: Any, iid: str, topic: str, bridge: Subscriber) -> None:
    """chat-message-streaming: "Stream chat messages in real time". The agent's messages come
    from the CCP, which the mock lacks: a test seeds them, and the bridge must see them."""
    session = chat_session(
        iid,
        connect.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
        )["ContactId"],
    )
    stream(connect, iid, session.initial_contact_id, topic)

    session.message("AGENT", "Your order shipped").end()

    assert [(b["ParticipantRole"], b["ContentType"]) for b in bridge.bodies()] == [
        ("AGENT", "text/plain"),
        ("SYSTEM", EVENT + "chat.ended"),
    ]


def test_filter_policies_on_the_documented_attributes_select_as_sns_does(
    connect: Any, participant: Any, iid: str, sns: Any, sqs: Any, topic: str
) -> None:
    """sns-payload: "You can also leverage the filtering capability in Amazon SNS by building
    custom subscription filtering policies", and the customer-side rule "( MessageVisibility
    == CUSTOMER || MessageVisibility == ALL) && ParticipantRole != CUSTOMER"."""
    to_customer = subscribe(
        sns,
        sqs,
        topic,
        "to-customer",
        {
            "MessageVisibility": ["CUSTOMER", "ALL"],
            "ParticipantRole": [{"anything-but": "CUSTOMER"}],
            "Type": ["MESSAGE"],
        },
    )
    from_customer = subscribe(sns, sqs, topic, "from-customer", {"ParticipantRole": ["CUSTOMER"]})
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    chat.say("where is my order?")
    chat_session(iid, chat.id).message("AGENT", "It shipped today")

    assert [b["Content"] for b in to_customer.bodies()] == ["It shipped today"]
    assert [b["Content"] for b in from_customer.bodies()] == ["where is my order?"]


def test_two_topics_each_get_every_item(
    connect: Any, participant: Any, iid: str, sns: Any, sqs: Any, topic: str, bridge: Subscriber
) -> None:
    """chat-message-streaming, Limits: "You can subscribe to up to two SNS topics per
    contact"."""
    other = subscribe(sns, sqs, make_topic(sns, "analytics"), "analytics")
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    stream(connect, iid, chat.id, other_topic := f"arn:aws:sns:{REGION}:{ACCOUNT}:analytics")
    chat.say("hello")

    assert [b["Content"] for b in bridge.bodies()] == ["hello"]
    assert [b["Content"] for b in other.bodies()] == ["hello"]
    assert other_topic.endswith(":analytics")


# ------------------------------------------------------------------------ stop, restart, replay


def test_stop_publishes_nothing_more_and_start_restarts(
    connect: Any, participant: Any, iid: str, topic: str, bridge: Subscriber
) -> None:
    """StopContactStreaming: "Ends message streaming on a specified contact. To restart message
    streaming on that contact, call the StartContactStreaming API." Stopping again succeeds
    (no ClientToken: an SDK retry must not fail; docs/fidelity.md)."""
    chat = Chat(connect, participant, iid)
    first = stream(connect, iid, chat.id, topic)
    chat.say("one")
    connect.stop_contact_streaming(InstanceId=iid, ContactId=chat.id, StreamingId=first)
    chat.say("two")
    connect.stop_contact_streaming(InstanceId=iid, ContactId=chat.id, StreamingId=first)
    second = stream(connect, iid, chat.id, topic)
    chat.say("three")

    assert second != first
    assert [b.get("Content") for b in bridge.bodies()] == ["one", "three"]


def test_a_repeated_client_token_replays_the_stream(
    connect: Any, participant: Any, iid: str, sns: Any, topic: str, bridge: Subscriber
) -> None:
    """StartContactStreaming, ClientToken: "A unique, case-sensitive identifier that you
    provide to ensure the idempotency of the request." The same token returns the same
    StreamingId and starts no second stream; with another topic it is refused as an
    InvalidRequestException (the operation models no IdempotencyException)."""
    chat = Chat(connect, participant, iid)
    first = stream(connect, iid, chat.id, topic, ClientToken="tok-1")
    again = stream(connect, iid, chat.id, topic, ClientToken="tok-1")
    chat.say("once")

    assert again == first
    assert [b["Content"] for b in bridge.bodies()] == ["once"]
    other = make_topic(sns, "other")
    expect_error(
        lambda: stream(connect, iid, chat.id, other, ClientToken="tok-1"),
        "InvalidRequestException",
        400,
        "tok-1",
    )


def test_a_streaming_chat_continued_later_does_not_stream(
    connect: Any, participant: Any, iid: str, topic: str, bridge: Subscriber
) -> None:
    """chat-message-streaming: streaming is enabled "on the contact"; a persistent chat that
    continues it later is a new contact, which streams only once asked to."""
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, topic)
    connect.stop_contact(InstanceId=iid, ContactId=chat.id)
    bridge.receive()
    Chat(
        connect,
        participant,
        iid,
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": chat.id},
    ).say("I'm back")

    assert bridge.bodies() == []


# ------------------------------------------------------------------------ errors


def test_the_endpoint_must_be_an_existing_standard_topic_in_the_region(
    connect: Any, participant: Any, iid: str, sns: Any
) -> None:
    """chat-message-streaming: "the message streaming APIs only support standard SNS ...
    They don't support Amazon SNS FIFO topics"; the topic "must be in the same Region as your
    Amazon Connect instance". Each refusal names the ARN."""
    chat = Chat(connect, participant, iid)
    fifo = sns.create_topic(Name="chat.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    cases = [
        ("not-an-arn", "InvalidParameterException", 400),
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue", "InvalidParameterException", 400),
        (f"arn:aws:sns:eu-west-2:{ACCOUNT}:chat-stream", "InvalidParameterException", 400),
        (fifo, "InvalidParameterException", 400),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:missing", "ResourceNotFoundException", 404),
    ]
    for arn, code, status in cases:
        expect_error(lambda arn=arn: stream(connect, iid, chat.id, arn), code, status, arn)


def test_the_contact_must_be_a_running_chat(
    connect: Any, participant: Any, iid: str, topic: str
) -> None:
    """StartContactStreaming "Initiates real-time message streaming for a new chat contact":
    an unknown contact is not found; a VOICE contact or an ended chat is refused."""
    voice = seed_contact(iid, channel="VOICE", ended=False)
    ended = Chat(connect, participant, iid).id
    connect.stop_contact(InstanceId=iid, ContactId=ended)

    expect_error(
        lambda: stream(connect, iid, "nope", topic), "ResourceNotFoundException", 404, "nope"
    )
    expect_error(
        lambda: stream(connect, iid, voice, topic), "InvalidRequestException", 400, "VOICE"
    )
    expect_error(
        lambda: stream(connect, iid, ended, topic), "InvalidRequestException", 400, "ended"
    )
    expect_error(
        lambda: stream(connect, "no-instance", ended, topic), "ResourceNotFoundException", 404
    )


def test_a_third_topic_exceeds_the_limit_and_a_topic_streams_once(
    connect: Any, participant: Any, iid: str, sns: Any, topic: str
) -> None:
    """chat-message-streaming, Limits: "You can subscribe to up to two SNS topics per
    contact." A topic the chat already streams to is refused (docs/fidelity.md)."""
    chat = Chat(connect, participant, iid)
    first = stream(connect, iid, chat.id, topic)
    expect_error(
        lambda: stream(connect, iid, chat.id, topic), "InvalidRequestException", 400, first
    )
    stream(connect, iid, chat.id, make_topic(sns, "second"))
    third = make_topic(sns, "third")
    expect_error(lambda: stream(connect, iid, chat.id, third), "LimitExceededException", 429, third)
    connect.stop_contact_streaming(InstanceId=iid, ContactId=chat.id, StreamingId=first)
    assert stream(connect, iid, chat.id, third)


def test_stop_needs_a_stream_of_that_contact(
    connect: Any, participant: Any, iid: str, topic: str
) -> None:
    """StopContactStreaming models ResourceNotFoundException: an unknown StreamingId, or one
    of another chat, is not found."""
    chat = Chat(connect, participant, iid)
    other = Chat(connect, participant, iid)
    streaming_id = stream(connect, iid, other.id, topic)

    for contact_id, sid in [(chat.id, "nope"), (chat.id, streaming_id)]:
        expect_error(
            lambda c=contact_id, s=sid: connect.stop_contact_streaming(
                InstanceId=iid, ContactId=c, StreamingId=s
            ),
            "ResourceNotFoundException",
            404,
            sid,
        )


def test_a_refused_streaming_configuration_starts_no_chat(connect: Any, iid: str) -> None:
    """A refused StartChatContact changes no state (docs/streaming.md: Rules and errors): the topic
    is
    checked before the contact is made."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    missing = f"arn:aws:sns:{REGION}:{ACCOUNT}:missing"

    expect_error(
        lambda: connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Ann"},
            ChatStreamingConfiguration={"StreamingEndpointArn": missing},
        ),
        "ResourceNotFoundException",
        404,
        missing,
    )
    assert backend.contacts == {}


def test_malformed_input_is_refused_before_any_state(unvalidated: Any, iid: str) -> None:
    """StartContactStreaming: StreamingEndpointArn "Minimum length of 1. Maximum length of
    350"; StopContactStreaming: StreamingId "Minimum length of 1. Maximum length of 100"."""
    expect_error(
        lambda: unvalidated.start_contact_streaming(
            InstanceId=iid,
            ContactId="C1",
            ChatStreamingConfiguration={"StreamingEndpointArn": "a" * 351},
        ),
        "InvalidParameterException",
        400,
        "StreamingEndpointArn",
    )
    expect_error(
        lambda: unvalidated.stop_contact_streaming(InstanceId=iid, ContactId="C1", StreamingId=""),
        "InvalidParameterException",
        400,
        "StreamingId",
    )


# ------------------------------------------------------------------------ best effort


def test_a_failed_publish_is_logged_and_fails_no_call(
    connect: Any,
    participant: Any,
    iid: str,
    sns: Any,
    topic: str,
    bridge: Subscriber,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Connect streams best effort: deleting the topic after streaming started fails no chat
    call; the lost publish is logged, and the chat's other topic still gets the item."""
    chat = Chat(connect, participant, iid)
    doomed = make_topic(sns, "doomed")
    stream(connect, iid, chat.id, doomed)
    stream(connect, iid, chat.id, topic)
    sns.delete_topic(TopicArn=doomed)

    with caplog.at_level(logging.WARNING, logger="moto_connect_persistent.streaming"):
        chat.say("still works")

    assert [b["Content"] for b in bridge.bodies()] == ["still works"]
    assert any(doomed in record.getMessage() for record in caplog.records)


def test_a_topic_of_another_account_in_the_region_is_accepted(
    connect: Any, participant: Any, iid: str
) -> None:
    """chat-message-streaming: "A single SNS topic ARN may be used across multiple AWS
    accounts, but it must be in the same Region as your Amazon Connect instance." The item
    is published into moto's SNS of the account the ARN names."""
    other = "210987654321"
    shared = sns_backends[other][REGION].create_topic("shared")
    chat = Chat(connect, participant, iid)
    stream(connect, iid, chat.id, shared.arn)
    chat.say("cross-account")

    published = [json.loads(n[1]) for n in shared.sent_notifications]
    assert [p["Content"] for p in published] == ["cross-account"]


# ------------------------------------------------------------------------ server mode


@pytest.fixture
def server_clients(connect_server_url: str) -> Iterator[dict[str, Any]]:
    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=connect_server_url)

    yield {name: client(name) for name in ("connect", "connectparticipant", "sns", "sqs")} | {
        "url": connect_server_url
    }


def test_server_mode_streams_a_whole_chat_to_a_queue(server_clients: dict[str, Any]) -> None:
    """The same chat, over HTTP to a running server: moto's SNS of the server process gets the
    items and delivers them to the SQS queue, filter policy applied."""
    connect, sns, sqs = server_clients["connect"], server_clients["sns"], server_clients["sqs"]
    url = server_clients["url"]
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    topic = make_topic(sns)
    to_customer = subscribe(
        sns, sqs, topic, "to-customer", {"ParticipantRole": [{"anything-but": "CUSTOMER"}]}
    )
    chat = Chat(connect, server_clients["connectparticipant"], iid)
    streaming_id = stream(connect, iid, chat.id, topic)
    chat.say("hello")
    session = chat_session(iid, chat.id, endpoint_url=url)
    session.message("AGENT", "Hi!")
    session.transfer(contact_id="C2")
    connect.stop_contact_streaming(InstanceId=iid, ContactId=chat.id, StreamingId=streaming_id)
    session.message("AGENT", "unheard")

    assert [
        (b["ParticipantRole"], b["ContentType"], b.get("Content")) for b in to_customer.bodies()
    ] == [
        ("AGENT", "text/plain", "Hi!"),
        ("SYSTEM", EVENT + "transfer.succeeded", None),
    ]
    expect_error(
        lambda: stream(connect, iid, chat.id, f"arn:aws:sns:{REGION}:{ACCOUNT}:missing"),
        "ResourceNotFoundException",
        404,
        "missing",
    )


def test_concurrent_senders_are_published_in_transcript_order(
    server_clients: dict[str, Any],
) -> None:
    """Server mode serves each request on its own thread: items made at the same time by
    several senders reach the queue in the order GetTranscript shows them (each item is
    published while the chat is locked, right after it is made)."""
    connect, sns, sqs = server_clients["connect"], server_clients["sns"], server_clients["sqs"]
    participant = server_clients["connectparticipant"]
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    topic = make_topic(sns)
    bridge = subscribe(sns, sqs, topic, "ordered")
    chat = Chat(
        connect, participant, iid, ChatStreamingConfiguration={"StreamingEndpointArn": topic}
    )

    def send(sender: int) -> None:
        for n in range(10):
            chat.say(f"{sender}-{n}")

    threads = [threading.Thread(target=send, args=(s,)) for s in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    transcript = participant.get_transcript(
        ConnectionToken=chat.token, ScanDirection="FORWARD", SortOrder="ASCENDING", MaxResults=100
    )["Transcript"]
    published = [b["Id"] for b in bridge.bodies()]
    assert len(published) == 41  # participant.joined and 40 messages
    assert published == [item["Id"] for item in transcript]
