"""Lex V2 bots in a chat's flow: ConnectParticipantWithLexBot hands the customer's words to a
bot registered as Python (``register_lex_bot``), whose answers have RecognizeText's shapes;
the bot's messages go to the chat, its intent picks the flow's branch, ``$.Lex`` holds what
it gathered.

The bot and the flows here are written for these tests; none is copied.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from support import ACCOUNT, REGION, action, expect_error

from moto_connect_persistent import (
    advance_clock,
    connect_persistent_backends,
    flow_engine,
    register_lex_bot,
)
from moto_connect_persistent.chat.happenings import Origin
from moto_connect_persistent.chat.items import TranscriptItem
from moto_connect_persistent.chat.session import Contact
from moto_connect_persistent.flow_engine import FlowStep
from moto_connect_persistent.sinks import add_sink, remove_sink

BOT = f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/ORDERBOT01/TSTALIASID"


class Items:
    """A sink: (chat's first contact, role, display name, content type, text) of messages."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str, str, str]] = []

    def deliver(self, origin: Origin, contact: Contact, item: TranscriptItem) -> None:
        if item.type == "MESSAGE" and item.stored:
            self.seen.append(
                (
                    contact.session.root.id,
                    item.participant_role,
                    item.display_name or "",
                    item.content_type,
                    item.content or "",
                )
            )


ITEMS = Items()


@pytest.fixture(autouse=True)
def items() -> Iterator[None]:
    add_sink(ITEMS)
    yield
    remove_sink(ITEMS)
    ITEMS.seen.clear()


def when(target: str, result: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [result]}}


def say(identifier: str, text: str, then: str = "bye") -> Any:
    return action(identifier, "MessageParticipant", {"Text": text}, NextAction=then)


def bot_flow(**extra: Any) -> dict[str, Any]:
    """Ask the order bot; branch on its intent; say what it found; end the chat."""
    return {
        "Version": "2019-10-30",
        "StartAction": "ask",
        "Actions": [
            action(
                "ask",
                "ConnectParticipantWithLexBot",
                {
                    "Text": "Hi $.Attributes.name, how can I help?",
                    "LexV2Bot": {"AliasArn": BOT},
                    "LexSessionAttributes": {"tier": "$.Attributes.tier"},
                    **extra,
                },
                Conditions=[when("status", "OrderStatus"), when("cancel", "CancelOrder")],
                Errors=[
                    {"NextAction": "other", "ErrorType": "NoMatchingCondition"},
                    {"NextAction": "late", "ErrorType": "InputTimeLimitExceeded"},
                    {"NextAction": "broken", "ErrorType": "NoMatchingError"},
                ],
            ),
            say("status", "Order $.Lex.Slots.OrderId is $.Lex.SessionAttributes.where."),
            say("cancel", "Cancelled."),
            say("other", "Let me find someone for $.Lex.IntentName."),
            say("late", "No answer; closing."),
            say("broken", "The bot is unavailable."),
            action("bye", "DisconnectParticipant", {}),
        ],
    }


def close(intent: str, **slots: str) -> dict[str, Any]:
    return {
        "messages": [],
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {
                "name": intent,
                "state": "Fulfilled",
                "slots": {
                    name: {"value": {"originalValue": v, "interpretedValue": v}}
                    for name, v in slots.items()
                },
            },
            "sessionAttributes": {"where": "on its way"},
        },
        "interpretations": [{"intent": {"name": intent}, "nluConfidence": {"score": 0.93}}],
    }


class OrderBot:
    """Asks for the order number, then closes with OrderStatus; keeps every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        if request["text"].isdigit():
            return close("OrderStatus", OrderId=request["text"])
        return {
            "messages": [{"contentType": "PlainText", "content": "What is your order number?"}],
            "sessionState": {
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "OrderId"},
                "intent": {"name": "OrderStatus", "state": "InProgress", "slots": {}},
                "sessionAttributes": {**request["sessionState"]["sessionAttributes"], "asked": "1"},
            },
        }


class Chat:
    def __init__(
        self, connect: Any, iid: str, document: dict[str, Any], name: str = "Bot chat"
    ) -> None:
        flow_id = connect.create_contact_flow(
            InstanceId=iid, Name=name, Type="CONTACT_FLOW", Content=json.dumps(document)
        )["ContactFlowId"]
        started = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId=flow_id,
            ParticipantDetails={"DisplayName": "Ann"},
            Attributes={"name": "Ann", "tier": "gold"},
        )
        self.connect, self.iid = connect, iid
        self.contact_id: str = started["ContactId"]
        self.participant = boto3.client("connectparticipant", region_name=REGION)
        self.participant_token: str = started["ParticipantToken"]
        self.token: str | None = None

    def send(self, text: str) -> None:
        """The customer says ``text`` (connecting first, as a chat widget does)."""
        if self.token is None:
            self.token = self.participant.create_participant_connection(
                ParticipantToken=self.participant_token, Type=["CONNECTION_CREDENTIALS"]
            )["ConnectionCredentials"]["ConnectionToken"]
        self.participant.send_message(
            ConnectionToken=self.token, ContentType="text/plain", Content=text
        )

    def messages(self) -> list[tuple[str, str]]:
        return [(role, text) for root, role, _, _, text in ITEMS.seen if root == self.contact_id]

    def log(self) -> list[FlowStep]:
        return connect_persistent_backends[ACCOUNT][REGION].engine.log(self.contact_id)

    def disconnect_reason(self) -> str | None:
        contact = self.connect.describe_contact(InstanceId=self.iid, ContactId=self.contact_id)
        reason: str | None = contact["Contact"].get("DisconnectReason")
        return reason


def test_a_lex_bot_gathers_what_the_flow_branches_on(connect: Any, iid: str) -> None:
    """[doc: Flow language, ConnectParticipantWithLexBot] "Connects the participant with the
    specified Amazon Lex bot. When the interaction is over, the Intent and Slots of the bot
    are available to the flow during its run"; "If the Amazon Lex interaction succeeds, the
    result is the Intent of the bot"; "LexSessionAttributes: A map of session attributes to
    pass to the Amazon LexV2 bot when it is invoked. The keys and values may be static or
    dynamic." Each customer message is one RecognizeText turn; the bot's messages are the
    chat's, as the BOT."""
    bot = OrderBot()
    register_lex_bot(BOT, bot)
    chat = Chat(connect, iid, bot_flow())
    assert chat.messages() == [("SYSTEM", "Hi Ann, how can I help?")]
    assert chat.log()[-1].detail == f"talking to Lex bot {BOT}"

    chat.send("Where is my order?")
    assert chat.messages()[-1] == ("SYSTEM", "What is your order number?")
    assert ITEMS.seen[-1][2] == "BOT"
    chat.send("1234")
    assert chat.messages()[-2:] == [("CUSTOMER", "1234"), ("SYSTEM", "Order 1234 is on its way.")]
    assert chat.disconnect_reason() == "CONTACT_FLOW_DISCONNECT"

    first, second = bot.requests
    assert (first["botId"], first["botAliasId"], first["localeId"]) == (
        "ORDERBOT01",
        "TSTALIASID",
        "en_US",
    )
    assert first["sessionId"] == chat.contact_id
    assert first["text"] == "Where is my order?"
    assert first["sessionState"]["sessionAttributes"] == {"tier": "gold"}
    # The bot's session attributes come back to it on the next turn.
    assert second["sessionState"]["sessionAttributes"] == {"tier": "gold", "asked": "1"}
    ended = [s for s in chat.log() if s.action == "ask"][-1]
    assert ended.branch == "Condition[0] Equals 'OrderStatus'"
    assert ended.detail == "the bot closed with intent 'OrderStatus'"


def test_an_intent_with_no_condition_takes_no_matching_condition(connect: Any, iid: str) -> None:
    """[doc: ConnectParticipantWithLexBot, Errors] "NoMatchingCondition - If no specified
    condition evaluated to True"; ``$.Lex.IntentName`` is the bot's intent."""
    register_lex_bot(BOT, lambda request: close("TalkToAgent"))
    chat = Chat(connect, iid, bot_flow())
    chat.send("agent please")
    assert chat.messages()[-1] == ("SYSTEM", "Let me find someone for TalkToAgent.")


@pytest.mark.parametrize(
    ("handler", "why"),
    [
        (None, "no bot registered"),
        (lambda request: 1 / 0, "the bot raised ZeroDivisionError"),
        (lambda request: ["not", "an", "answer"], "not a RecognizeText response"),
        (lambda request: {"sessionState": {"intent": "x"}}, "intent is 'x', not an object"),
    ],
)
def test_a_bot_that_fails_takes_the_error_branch(
    connect: Any, iid: str, handler: Any, why: str
) -> None:
    """[doc: ConnectParticipantWithLexBot, Errors] "NoMatchingError - If an error occurred and
    no other error matched": no bot registered for the alias (as an invocation failure), a
    bot that raises, an answer RecognizeText could not give. The log says why."""
    if handler is not None:
        register_lex_bot(BOT, handler)
    chat = Chat(connect, iid, bot_flow())
    chat.send("hello")
    assert chat.messages()[-1] == ("SYSTEM", "The bot is unavailable.")
    failed = [s for s in chat.log() if s.action == "ask"][-1]
    assert why in failed.detail
    assert failed.branch == "Error NoMatchingError"


def test_a_customer_who_does_not_answer_the_bot_times_out(connect: Any, iid: str) -> None:
    """[doc: Flow language, ConnectParticipantWithLexBot] "LexTimeoutSeconds": {"Text":
    number} and the error "InputTimeLimitExceeded": the customer's time to answer each of
    the bot's prompts; each message starts it over."""
    register_lex_bot(BOT, OrderBot())
    chat = Chat(connect, iid, bot_flow(LexTimeoutSeconds={"Text": "60"}))
    advance_clock(50)
    chat.send("Where is my order?")
    advance_clock(50)
    assert chat.disconnect_reason() is None
    advance_clock(10)
    assert chat.messages()[-1] == ("SYSTEM", "No answer; closing.")
    assert [s.branch for s in chat.log() if s.action == "ask"][-1] == (
        "Error InputTimeLimitExceeded"
    )


def test_the_initial_message_is_said_to_the_bot_first(connect: Any, iid: str) -> None:
    """[doc: Flow language, ConnectParticipantWithLexBot] "LexInitilizationData":
    {"InitialMessage": ...}: the bot hears it before the customer says anything."""
    bot = OrderBot()
    register_lex_bot(BOT, bot)
    chat = Chat(connect, iid, bot_flow(LexInitilizationData={"InitialMessage": "4321"}))
    assert [r["text"] for r in bot.requests] == ["4321"]
    assert chat.messages()[-1] == ("SYSTEM", "Order 4321 is on its way.")


def test_the_bot_is_called_outside_the_lock(connect: Any, iid: str) -> None:
    """A bot's handler never runs under the backend's lock: while it runs, another thread
    takes the lock (a DescribeContact of another chat would not wait on the bot)."""
    lock = connect_persistent_backends[ACCOUNT][REGION].lock
    taken: list[bool] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        other = threading.Thread(target=lambda: taken.append(_try(lock)))
        other.start()
        other.join(10)
        return close("CancelOrder")

    register_lex_bot(BOT, handler)
    chat = Chat(connect, iid, bot_flow())
    chat.send("cancel it")
    assert taken == [True]
    assert chat.messages()[-1] == ("SYSTEM", "Cancelled.")


def _try(lock: Any) -> bool:
    acquired: bool = lock.acquire(timeout=5)
    if acquired:
        lock.release()
    return acquired


def test_a_lex_classic_bot_is_refused_by_name(connect: Any, iid: str) -> None:
    """Amazon Lex (Classic) bots (``LexBot``) are not emulated: a flow using one is refused
    when the chat would start it, naming them."""
    document = bot_flow()
    parameters = document["Actions"][0]["Parameters"]
    del parameters["LexV2Bot"]
    parameters["LexBot"] = {"Name": "OrderBot", "Region": REGION, "Alias": "live"}
    flow_id = connect.create_contact_flow(
        InstanceId=iid, Name="Classic", Type="CONTACT_FLOW", Content=json.dumps(document)
    )["ContactFlowId"]
    expect_error(
        lambda: connect.start_chat_contact(
            InstanceId=iid, ContactFlowId=flow_id, ParticipantDetails={"DisplayName": "Ann"}
        ),
        "InvalidRequestException",
        400,
        "Lex classic",
    )


def test_register_lex_bot_refuses_what_is_no_bot_alias_arn() -> None:
    """A Lex V2 bot alias ARN is arn:aws:lex:<region>:<account>:bot-alias/<bot>/<alias>;
    anything else is refused at once, naming the argument, not found missing later."""
    for wrong in ("ORDERBOT01", "arn:aws:lex:us-east-1:123456789012:bot/ORDERBOT01"):
        with pytest.raises(ValueError, match="bot_alias_arn"):
            register_lex_bot(wrong, OrderBot())


def test_a_bot_answers_over_a_real_server(connect_server_url: str) -> None:
    """Server mode: registered with ``endpoint_url``, the bot stays in the test process,
    served on a loopback port, and the server calls it back for each turn."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias="lex-server",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    register_lex_bot(BOT, lambda request: close("CancelOrder"), endpoint_url=connect_server_url)
    flow_id = connect.create_contact_flow(
        InstanceId=iid, Name="Bot chat", Type="CONTACT_FLOW", Content=json.dumps(bot_flow())
    )["ContactFlowId"]
    started = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId=flow_id, ParticipantDetails={"DisplayName": "Ann"}
    )
    participant = boto3.client(
        "connectparticipant", region_name=REGION, endpoint_url=connect_server_url
    )
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="cancel")
    contact = connect.describe_contact(InstanceId=iid, ContactId=started["ContactId"])
    assert contact["Contact"]["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    assert [t for r, _, _, _, t in ITEMS.seen if r == started["ContactId"]][-1] == "Cancelled."


def test_a_bot_callback_must_be_on_loopback_and_name_the_account(connect_server_url: str) -> None:
    """Over HTTP the server calls a bot back on this machine only, and the alias ARN must be
    a Lex V2 bot alias ARN of the account and region the call names."""
    url = f"{connect_server_url}/moto-api/connect-persistent/register_lex_bot_callback"
    for arn, callback, words in (
        (BOT, "http://example.com:80/x", "the server calls back on this machine only"),
        (BOT.replace(ACCOUNT, "210987654321"), "http://127.0.0.1:9/x", "must name account"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", "http://127.0.0.1:9/x", "bot alias"),
    ):
        answer = requests.post(
            url,
            json={"bot_alias_arn": arn, "callback_url": callback},
            headers={"x-moto-region": REGION},
            timeout=30,
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "InvalidParameterException"
        assert words in answer.json()["error"]["message"]


def picker(payload: str) -> dict[str, Any]:
    return {
        "messages": [{"contentType": "CustomPayload", "content": payload}],
        "sessionState": {
            "dialogAction": {"type": "ElicitIntent"},
            "intent": {"name": "OrderStatus", "state": "InProgress"},
        },
    }


def test_a_bots_interactive_message_reaches_the_chat(connect: Any, iid: str) -> None:
    """[doc: Admin Guide, "Add Amazon Lex interactive messages for customers in chat"]
    "Interactive messages are rich messages [...] powered by Amazon Lex": a bot's
    CustomPayload is written as an interactive message; "the flow validates that the message
    format follows one of these templates": one that is no template takes the Error branch."""
    template = json.dumps(
        {
            "templateType": "ListPicker",
            "version": "1.0",
            "data": {"content": {"title": "Which order?", "elements": [{"title": "1234"}]}},
        }
    )
    register_lex_bot(BOT, lambda request: picker(template))
    chat = Chat(connect, iid, bot_flow())
    chat.send("my order")
    assert ITEMS.seen[-1][3:] == ("application/vnd.amazonaws.connect.message.interactive", template)
    assert chat.log()[-1].branch == "waiting"

    register_lex_bot(BOT, lambda request: picker('{"title": "no template"}'))
    other = Chat(connect, iid, bot_flow(), name="Bot chat 2")
    other.send("my order")
    assert other.messages()[-1] == ("SYSTEM", "The bot is unavailable.")
    assert "no templateType" in [s for s in other.log() if s.action == "ask"][-1].detail


def test_a_bot_that_does_not_answer_in_time_takes_the_error_branch(
    connect: Any, iid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot turn has a time limit (the mock's, docs/fidelity.md): a handler still busy when
    it is up takes the Error branch, and the customer's call answers then, not when the bot
    would have. Forced with an event the handler waits on, released once the branch is taken."""
    monkeypatch.setattr(flow_engine, "LEX_TURN_SECONDS", 0.5)
    release = threading.Event()

    def stuck(request: dict[str, Any]) -> dict[str, Any]:
        release.wait(30)
        return close("CancelOrder")

    register_lex_bot(BOT, stuck)
    chat = Chat(connect, iid, bot_flow())
    chat.send("hello")
    release.set()
    assert chat.messages()[-1] == ("SYSTEM", "The bot is unavailable.")
    assert "did not answer within" in [s for s in chat.log() if s.action == "ask"][-1].detail
