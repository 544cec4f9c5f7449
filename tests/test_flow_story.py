"""A chat run by its flows, watched every way a team watches one: the customer's websocket,
the SNS stream of the chat (ChatStreamingConfiguration), contact events in EventBridge, and
the transcript and DescribeContact. They tell one story, in-process and against a server.
And the disconnect flow runs whatever made the agent leave, an auto-disconnect timer too.

Docs quoted: Admin Guide, block "Set disconnect flow" and "Set up chat timeouts for chat
participants"; API reference StartChatContact (ChatStreamingConfiguration), GetTranscript;
contact events data model. Flows here are written for these tests; none is copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action, client_at, make_instance
from test_contact_events import Rule, make_rule
from test_flow_waits import BYE, QUEUE, deploy, errors, flow, say, when
from test_streaming import Subscriber, subscribe
from test_timers import Mock, kind, timers
from websocket_client import ChatSocket

from moto_connect_persistent import (
    advance_clock,
    chat_session,
    mock_connect_persistent,
    register_lambda,
    register_lex_bot,
)

SERVICES = ("connect", "connectparticipant", "sns", "sqs", "events")


@pytest.fixture(params=["in_process", "over_http"])
def mock(request: pytest.FixtureRequest) -> Iterator[Mock]:
    if request.param == "over_http":
        url = request.getfixturevalue("connect_server_url")
        connect, participant, sns, sqs, events = (client_at(url, service=s) for s in SERVICES)
        moved = partial(advance_clock, endpoint_url=url)
        yield Mock(connect, participant, sns, sqs, moved, url, events=events)
        return
    with mock_connect_persistent():
        connect, participant, sns, sqs, events = (
            boto3.client(service, region_name=REGION) for service in SERVICES
        )
        yield Mock(connect, participant, sns, sqs, advance_clock, events=events)


FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:plan-lookup"
SURVEY_BOT = f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/SURVEYBOT1/TSTALIASID"
SURVEY_QUESTION = "Before you go: how did we do, 1 to 5?"


def plan_lookup(event: dict[str, Any], context: Any) -> dict[str, str]:
    """The team's Lambda: the customer's plan."""
    return {"plan": "gold"}


def survey_bot(request: dict[str, Any]) -> dict[str, Any]:
    """The team's Lex V2 survey bot: the customer's words are the rating; it thanks, closes."""
    rating = request["text"]
    return {
        "messages": [{"contentType": "PlainText", "content": f"Thanks for rating us {rating}!"}],
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {
                "name": "Rating",
                "state": "Fulfilled",
                "slots": {
                    "rating": {"value": {"originalValue": rating, "interpretedValue": rating}}
                },
            },
        },
    }


def deploy_flows(connect: Any, iid: str) -> str:
    """An inbound chat flow (a Lambda, a greeting with its answer, attributes, the survey as
    disconnect flow, queue) and its survey (a Lex bot asks, the rating is kept, disconnect);
    returns the inbound flow's id."""
    survey = deploy(
        connect,
        iid,
        flow(
            "ask",
            action(
                "ask",
                "ConnectParticipantWithLexBot",
                {"Text": SURVEY_QUESTION, "LexV2Bot": {"AliasArn": SURVEY_BOT}},
                Conditions=[when("keep", "Rating")],
                Errors=errors(NoMatchingCondition="bye", NoMatchingError="bye"),
            ),
            action(
                "keep",
                "UpdateContactAttributes",
                {"Attributes": {"rating": "$.Lex.Slots.rating"}, "TargetContact": "Current"},
                NextAction="bye",
                Errors=errors(NoMatchingError="bye"),
            ),
            BYE,
        ),
        name="Survey",
    )
    return deploy(
        connect,
        iid,
        flow(
            "lookup",
            action(
                "lookup",
                "InvokeLambdaFunction",
                {"LambdaFunctionARN": FUNCTION, "InvocationTimeLimitSeconds": "8"},
                NextAction="greet",
                Errors=errors(NoMatchingError="bye"),
            ),
            say("greet", "Hi! You are on our $.External.plan plan; an agent is coming.", "topic"),
            action(
                "topic",
                "UpdateContactAttributes",
                {
                    "Attributes": {"topic": "billing", "plan": "$.External.plan"},
                    "TargetContact": "Current",
                },
                NextAction="hooks",
                Errors=errors(NoMatchingError="bye"),
            ),
            action(
                "hooks",
                "UpdateContactEventHooks",
                {"EventHooks": {"CustomerRemaining": survey}},
                NextAction="end",
                Errors=errors(NoMatchingError="bye"),
            ),
            *QUEUE,
            BYE,
        ),
    )


@dataclass
class Watched:
    """A chat started with the flows, with its websocket, stream and events watched."""

    mock: Mock
    iid: str
    contact_id: str
    token: str
    socket: ChatSocket
    stream: Subscriber
    rule: Rule

    def send(self, text: str, token: str | None = None) -> None:
        self.mock.participant.send_message(
            ConnectionToken=token or self.token, ContentType="text/plain", Content=text
        )

    def connection(self, participant_token: str) -> str:
        made = self.mock.participant.create_participant_connection(
            ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"]
        )
        token: str = made["ConnectionCredentials"]["ConnectionToken"]
        return token

    def transcript(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.mock.participant.get_transcript(
            ConnectionToken=self.token, SortOrder="ASCENDING", MaxResults=100
        )["Transcript"]
        return items

    def describe(self, contact_id: str) -> dict[str, Any]:
        contact: dict[str, Any] = self.mock.connect.describe_contact(
            InstanceId=self.iid, ContactId=contact_id
        )["Contact"]
        return contact


def watched_chat(mock: Mock) -> Watched:
    iid = make_instance(mock.connect)
    register_lambda(FUNCTION, plan_lookup, endpoint_url=mock.endpoint_url)
    register_lex_bot(SURVEY_BOT, survey_bot, endpoint_url=mock.endpoint_url)
    flow_id = deploy_flows(mock.connect, iid)
    topic = mock.sns.create_topic(Name="chat-stream")["TopicArn"]
    stream = subscribe(mock.sns, mock.sqs, topic, "bridge")
    rule = make_rule(mock.events, mock.sqs)
    started = mock.connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Ann"},
        ChatStreamingConfiguration={"StreamingEndpointArn": topic},
    )
    made = mock.participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"]
    )
    return Watched(
        mock,
        iid,
        started["ContactId"],
        made["ConnectionCredentials"]["ConnectionToken"],
        ChatSocket(made["Websocket"]["Url"]),
        stream,
        rule,
    )


def story(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """What each item says: who, what kind, and its text (empty for events)."""
    return [(*kind(item), item.get("Content", "")) for item in items]


def test_websocket_stream_and_events_tell_the_transcripts_story(mock: Mock) -> None:
    """The flow calls the team's Lambda, greets with its answer, sets attributes and a
    disconnect flow, queues; agent a1 accepts and answers; a1 leaves and the survey (the
    disconnect flow [doc: block "Set disconnect flow"]: "The agent hangs up and a disconnect
    flow is run") hands the customer to the team's Lex bot, which asks, hears the rating,
    thanks; the flow keeps the rating ($.Lex.Slots), the chat ends. The customer's websocket
    pushes every item written after its connection was made, the SNS stream carries every
    item of the chat from its start (StartChatContact: ChatStreamingConfiguration, "The
    streaming configuration, such as the Amazon SNS streaming endpoint"), EventBridge has
    each segment's contact events ("INITIATED", "CONTACT_DATA_UPDATED" (the flows'
    attributes), "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED" [doc: contact events data
    model]): the same items, the same ids, the same order as GetTranscript, and the same
    segments as DescribeContact."""
    chat = watched_chat(mock)
    with chat.socket:
        session = chat_session(chat.iid, chat.contact_id, endpoint_url=mock.endpoint_url)
        agent = chat.connection(session.connect_agent("a1"))
        chat.send("My bill is wrong.")
        chat.send("Let me fix that for you.", token=agent)
        chat.mock.participant.disconnect_participant(ConnectionToken=agent)
        c3 = session.current_contact_id
        while_running = chat.transcript()
        chat.send("5")
        pushed = chat.socket.items(8)
        assert chat.socket.closed()[0] == 1000
    streamed = chat.stream.bodies()

    # The transcript while the survey waits, then the answer, the thanks and the end.
    assert story(while_running) == [
        ("CUSTOMER", "participant.joined", ""),
        ("SYSTEM", "text/plain", "Hi! You are on our gold plan; an agent is coming."),
        ("AGENT", "participant.joined", ""),
        ("CUSTOMER", "text/plain", "My bill is wrong."),
        ("AGENT", "text/plain", "Let me fix that for you."),
        ("AGENT", "participant.left", ""),
        ("SYSTEM", "text/plain", SURVEY_QUESTION),
    ]
    ending = story(pushed)[-3:]
    assert ending == [
        ("CUSTOMER", "text/plain", "5"),
        ("SYSTEM", "text/plain", "Thanks for rating us 5!"),
        ("SYSTEM", "chat.ended", ""),
    ]
    # The websocket: everything after the greeting (written before its connection).
    assert story(pushed) == story(while_running)[2:] + ending
    assert [item["Id"] for item in pushed[:5]] == [item["Id"] for item in while_running[2:]]
    # The stream: every item, the same ids, from the customer's joining on.
    assert story(streamed) == story(while_running) + ending
    assert [body["Id"] for body in streamed] == [item["Id"] for item in while_running + pushed[-3:]]
    # Each item is said in the segment it was written in.
    survey_ids = {item["Id"] for item in pushed[-4:]}
    for body in streamed:
        expected = c3 if body["Id"] in survey_ids else chat.contact_id
        assert body["ContactId"] == expected, body

    c1_contact, c3_contact = chat.describe(chat.contact_id), chat.describe(c3)
    assert c1_contact["QueueInfo"]["Id"] == "q-support"
    assert c1_contact["AgentInfo"]["Id"] == "a1"
    assert c3_contact["InitiationMethod"] == "DISCONNECT"
    assert c3_contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    attributes = mock.connect.get_contact_attributes(
        InstanceId=chat.iid, InitialContactId=chat.contact_id
    )["Attributes"]
    assert attributes == {"topic": "billing", "plan": "gold", "rating": "5"}
    assert chat.rule.seen() == [
        ("INITIATED", chat.contact_id),
        ("CONNECTED_TO_SYSTEM", chat.contact_id),
        ("CONTACT_DATA_UPDATED", chat.contact_id),
        ("QUEUED", chat.contact_id),
        ("CONNECTED_TO_AGENT", chat.contact_id),
        ("INITIATED", c3),
        ("CONNECTED_TO_SYSTEM", c3),
        ("DISCONNECTED", chat.contact_id),
        ("CONTACT_DATA_UPDATED", c3),
        ("DISCONNECTED", c3),
    ]


def test_an_agent_auto_disconnected_leaves_the_customer_in_the_disconnect_flow(
    mock: Mock,
) -> None:
    """Admin Guide, chat timeouts: "Customer auto-disconnect timeout: Automatically disconnect
    the agent from the chat due to customer idleness"; when the agent has been disconnected
    and a disconnect flow is set, the chat goes to that flow [doc: same page, on the
    auto-disconnect event, and block "Set disconnect flow": the flow "to run after a
    disconnect event"]. Only the clock moves: the agent goes, the customer remains in a
    DISCONNECT segment whose survey asks, and the chat goes on instead of ending."""
    chat = watched_chat(mock)
    with chat.socket:
        session = chat_session(chat.iid, chat.contact_id, endpoint_url=mock.endpoint_url)
        session.connect_agent("a1")
        assert kind(chat.socket.item()) == ("AGENT", "participant.joined")
        timers(mock.connect, chat.iid, chat.contact_id, ("CUSTOMER", "DISCONNECT_NONCUSTOMER", 3))
        mock.advance(3 * 60)
        told = story(chat.socket.items(3))
        assert told == [
            ("AGENT", "participant.autodisconnection", ""),
            ("AGENT", "participant.left", ""),
            ("SYSTEM", "text/plain", SURVEY_QUESTION),
        ]
        c3 = session.current_contact_id
        assert c3 != chat.contact_id
        assert chat.describe(c3)["InitiationMethod"] == "DISCONNECT"
        assert chat.describe(chat.contact_id).get("DisconnectReason") != "AGENT_DISCONNECT"
        assert "DisconnectTimestamp" not in chat.describe(c3)
        chat.send("4")
        assert story(chat.socket.items(3))[1:] == [
            ("SYSTEM", "text/plain", "Thanks for rating us 4!"),
            ("SYSTEM", "chat.ended", ""),
        ]
    assert chat.describe(c3)["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
