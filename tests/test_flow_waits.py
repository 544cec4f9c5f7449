"""Flows that wait: a chat's flow pauses in a Wait block and goes on when the customer comes
back, a custom bot leaves or the time is up; a disconnect flow runs when the agent leaves.

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action, expect_error

from moto_connect_persistent import advance_clock, chat_session, connect_persistent_backends
from moto_connect_persistent.chat import clock
from moto_connect_persistent.chat.happenings import Origin
from moto_connect_persistent.chat.items import TranscriptItem
from moto_connect_persistent.chat.scheduler import SCHEDULER
from moto_connect_persistent.chat.session import Contact
from moto_connect_persistent.flow_engine import FlowStep
from moto_connect_persistent.sinks import add_sink, remove_sink


def when(target: str, result: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [result]}}


def errors(**targets: str) -> list[dict[str, str]]:
    return [{"NextAction": target, "ErrorType": kind} for kind, target in targets.items()]


def say(identifier: str, text: str, then: str) -> Any:
    return action(identifier, "MessageParticipant", {"Text": text}, NextAction=then)


def flow(start: str, *actions: Any) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": start, "Actions": list(actions)}


def wait(identifier: str, parameters: dict[str, Any], **outcomes: str) -> Any:
    """A Wait whose conditions send each result (WaitCompleted, an event) to its target."""
    error = outcomes.pop("error", "bye")
    return action(
        identifier,
        "Wait",
        parameters,
        Conditions=[when(target, result) for result, target in outcomes.items()],
        Errors=errors(NoMatchingError=error),
    )


BYE = action("bye", "DisconnectParticipant", {})
#: Queue the chat for an agent: the flow ends there and the chat waits in the queue.
QUEUE = (
    action(
        "end",
        "UpdateContactTargetQueue",
        {"QueueId": "q-support"},
        NextAction="transfer",
        Errors=errors(NoMatchingError="bye"),
    ),
    action("transfer", "TransferContactToQueue", {}, Errors=errors(NoMatchingError="bye")),
)


def deploy(connect: Any, iid: str, document: dict[str, Any], name: str = "Inbound chat") -> str:
    flow_id: str = connect.create_contact_flow(
        InstanceId=iid, Name=name, Type="CONTACT_FLOW", Content=json.dumps(document)
    )["ContactFlowId"]
    return flow_id


class Messages:
    """A sink: every message any chat writes, with its chat's first contact id."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def deliver(self, origin: Origin, contact: Contact, item: TranscriptItem) -> None:
        if item.type == "MESSAGE" and item.stored:
            self.seen.append((contact.session.root.id, item.participant_role, item.content or ""))


MESSAGES = Messages()


@pytest.fixture(autouse=True)
def messages() -> Iterator[None]:
    add_sink(MESSAGES)
    yield
    remove_sink(MESSAGES)
    MESSAGES.seen.clear()


class Chat:
    """A chat started with a flow, played by its customer through connectparticipant."""

    def __init__(self, connect: Any, iid: str, flow_id: str) -> None:
        started = connect.start_chat_contact(
            InstanceId=iid, ContactFlowId=flow_id, ParticipantDetails={"DisplayName": "Ann"}
        )
        self.connect, self.iid = connect, iid
        self.contact_id: str = started["ContactId"]
        self.participant = boto3.client("connectparticipant", region_name=REGION)
        self.token = self.connection(started["ParticipantToken"])

    def connection(self, participant_token: str) -> str:
        made = self.participant.create_participant_connection(
            ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"]
        )
        token: str = made["ConnectionCredentials"]["ConnectionToken"]
        return token

    def send(self, text: str, token: str | None = None) -> None:
        self.participant.send_message(
            ConnectionToken=token or self.token, ContentType="text/plain", Content=text
        )

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of every message of the chat, oldest first, as it was written (a chat
        that ended no longer shows its transcript to the customer's token)."""
        return [(role, text) for root, role, text in MESSAGES.seen if root == self.contact_id]

    def describe(self, contact_id: str | None = None) -> dict[str, Any]:
        contact: dict[str, Any] = self.connect.describe_contact(
            InstanceId=self.iid, ContactId=contact_id or self.contact_id
        )["Contact"]
        return contact

    def log(self, contact_id: str | None = None) -> list[FlowStep]:
        engine = connect_persistent_backends[ACCOUNT][REGION].engine
        return engine.log(contact_id or self.contact_id)


def returning_flow(parameters: dict[str, Any]) -> dict[str, Any]:
    return flow(
        "hello",
        say("hello", "Hi! Tell us what you need.", "wait"),
        wait(
            "wait",
            {"Events": ["CustomerReturned"], **parameters},
            CustomerReturned="thanks",
            WaitCompleted="nudge",
        ),
        say("thanks", "Thanks, looking into it.", "end"),
        say("nudge", "Are you still there? Closing this chat.", "bye"),
        *QUEUE,
        BYE,
    )


def test_a_wait_goes_on_when_the_customer_returns(connect: Any, iid: str) -> None:
    """[doc: block "Wait"] "Customer returned: Route the contact down this branch when the
    customer returns and sends a message"; [doc: Flow language, Wait] "If an event interrupts
    the wait, the run result is the event that interrupted." The flow stops in the Wait until
    the customer's message, then answers after it."""
    chat = Chat(connect, iid, deploy(connect, iid, returning_flow({"TimeoutSeconds": 300})))
    assert chat.messages() == [("SYSTEM", "Hi! Tell us what you need.")]
    assert chat.log()[-1].branch == "waiting"
    assert chat.log()[-1].detail == "waiting for CustomerReturned, up to 300 s"

    chat.send("My order is late")
    assert chat.messages() == [
        ("SYSTEM", "Hi! Tell us what you need."),
        ("CUSTOMER", "My order is late"),
        ("SYSTEM", "Thanks, looking into it."),
    ]
    wait_step = chat.log()[2]
    assert (wait_step.action, wait_step.branch, wait_step.next_action) == (
        "wait",
        "Condition[0] Equals 'CustomerReturned'",
        "thanks",
    )
    # Queued: the flow ended, the chat waits for an agent; a later message resumes nothing.
    chat.send("Hello?")
    assert chat.messages()[-1] == ("CUSTOMER", "Hello?")
    assert "DisconnectTimestamp" not in chat.describe()


@pytest.mark.parametrize("limit", ["TimeoutSeconds", "TimeLimitSeconds"])
def test_a_wait_whose_time_is_up_takes_wait_completed(connect: Any, iid: str, limit: str) -> None:
    """[doc: Flow language, Wait] "TimeoutSeconds: The amount of time to wait before the
    action finishes with the "WaitCompleted" result"; the console exports it as
    ``TimeLimitSeconds``: both are read. Nothing moves before the time; at it, the nudge is
    sent and the flow disconnects the chat (CONTACT_FLOW_DISCONNECT)."""
    chat = Chat(connect, iid, deploy(connect, iid, returning_flow({limit: "120"})))
    advance_clock(119)
    assert len(chat.messages()) == 1
    advance_clock(1)
    assert chat.messages()[-1] == ("SYSTEM", "Are you still there? Closing this chat.")
    contact = chat.describe()
    assert contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    assert [s.action for s in chat.log()] == ["hello", "wait", "wait", "nudge", "bye"]
    assert chat.log()[2].branch == "Condition[1] Equals 'WaitCompleted'"


def test_a_wait_fires_on_the_scheduler_thread(connect: Any, iid: str) -> None:
    """The same time limit, reached by the clock alone (as freezegun moves it): the
    scheduler's own thread fires the Wait's timer and runs the rest of the flow, with no
    call to wake it."""
    chat = Chat(connect, iid, deploy(connect, iid, returning_flow({"TimeoutSeconds": 60})))
    clock.advance(61)  # the clock moves; nothing fires on this thread
    deadline = time.monotonic() + 20
    while "DisconnectTimestamp" not in chat.describe() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert chat.describe()["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    assert chat.log()[-1].action == "bye"


def test_a_customer_message_without_customer_returned_does_not_end_the_wait(
    connect: Any, iid: str
) -> None:
    """[doc: Flow language, Wait] "Events: An optional list of all events that can trigger an
    interrupt": a Wait that lists none waits for its time alone (docs/fidelity.md)."""
    document = flow(
        "wait",
        wait("wait", {"TimeoutSeconds": 30}, WaitCompleted="done"),
        say("done", "Time is up.", "bye"),
        BYE,
    )
    chat = Chat(connect, iid, deploy(connect, iid, document))
    chat.send("Anyone?")
    assert chat.messages() == [("CUSTOMER", "Anyone?")]
    advance_clock(30)
    assert chat.messages()[-1] == ("SYSTEM", "Time is up.")


def test_a_dynamic_time_limit_is_read_from_the_attributes(connect: Any, iid: str) -> None:
    """[doc: Flow language, Wait] TimeoutSeconds "can be either statically defined, or a single
    valid JSONPath identifier"; a value that is no whole number of seconds from 1 to 604800
    takes the Error branch (NoMatchingError)."""
    document = flow(
        "wait",
        wait(
            "wait", {"TimeoutSeconds": "$.Attributes.patience"}, WaitCompleted="done", error="oops"
        ),
        say("done", "Time is up.", "bye"),
        say("oops", "Bad wait.", "bye"),
        BYE,
    )
    flow_id = deploy(connect, iid, document)
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Ann"},
        Attributes={"patience": "45"},
    )
    engine = connect_persistent_backends[ACCOUNT][REGION].engine
    assert (
        engine.log(started["ContactId"])[-1].detail
        == "waiting for nothing but the time, up to 45 s"
    )
    advance_clock(45)
    assert engine.log(started["ContactId"])[-2].detail == "sent 'Time is up.'"

    for patience in ("soon", "0", "604801"):
        bad = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId=flow_id,
            ParticipantDetails={"DisplayName": "Ann"},
            Attributes={"patience": patience},
        )
        steps = engine.log(bad["ContactId"])
        assert steps[0].branch == "Error NoMatchingError", patience
        assert steps[1].detail == "sent 'Bad wait.'"


def bot_flow() -> dict[str, Any]:
    """Wait for the customer, then for the custom bot the test added meanwhile to leave."""
    return flow(
        "first",
        wait(
            "first",
            {"Events": ["CustomerReturned"], "TimeoutSeconds": "600"},
            CustomerReturned="bot",
            WaitCompleted="bye",
        ),
        action(
            "bot",
            "Wait",
            {"Events": ["BotParticipantDisconnected"], "TimeoutSeconds": "600"},
            Conditions=[
                when("gone", "BotParticipantDisconnected"),
                when("bye", "WaitCompleted"),
            ],
            Errors=errors(ParticipantNotFound="nobot", NoMatchingError="bye"),
        ),
        say("gone", "The bot has left; an agent will help.", "end"),
        say("nobot", "No bot here.", "end"),
        *QUEUE,
        BYE,
    )


def test_a_wait_goes_on_when_the_custom_bot_leaves(connect: Any, iid: str) -> None:
    """[doc: Flow language, Wait] "The supported events currently are "CustomerReturned" and
    "BotParticipantDisconnected""; the Admin Guide's custom participants: "To disconnect the
    participant, call the DisconnectParticipant API". The bot leaving moves the flow on; the
    chat goes on."""
    chat = Chat(connect, iid, deploy(connect, iid, bot_flow()))
    bot = connect.create_participant(
        InstanceId=iid,
        ContactId=chat.contact_id,
        ParticipantDetails={"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Helper"},
    )
    bot_token = chat.connection(bot["ParticipantCredentials"]["ParticipantToken"])
    chat.send("I need help")
    assert chat.log()[-1].detail == "waiting for BotParticipantDisconnected, up to 600 s"
    chat.send("Hi, I am the bot", token=bot_token)
    assert chat.log()[-1].branch == "waiting"  # a bot's message is not the customer returning

    chat.participant.disconnect_participant(ConnectionToken=bot_token)
    assert chat.messages()[-1] == ("SYSTEM", "The bot has left; an agent will help.")
    ended = [s for s in chat.log() if s.action == "bot"][-1]
    assert ended.branch == "Condition[0] Equals 'BotParticipantDisconnected'"
    assert "DisconnectTimestamp" not in chat.describe()


def test_a_wait_for_a_bot_with_no_bot_takes_participant_not_found(connect: Any, iid: str) -> None:
    """[doc: Flow language, Wait, Errors] "ParticipantNotFound - The supported event currently
    is "BotParticipantDisconnected"": waiting for a custom bot to leave a chat that has none."""
    chat = Chat(connect, iid, deploy(connect, iid, bot_flow()))
    chat.send("I need help")
    assert [s.branch for s in chat.log() if s.action == "bot"] == ["Error ParticipantNotFound"]
    assert chat.messages()[-1] == ("SYSTEM", "No bot here.")


def test_get_participant_input_takes_the_error_branch_on_chat(connect: Any, iid: str) -> None:
    """[doc: block "Get customer input", Supported channels] Chat: "Yes, when Amazon Lex is
    used, otherwise it takes the Error branch": GetParticipantInput (the block without Lex)
    sends nothing and takes Error."""
    document = flow(
        "ask",
        action(
            "ask",
            "GetParticipantInput",
            {"Text": "Press 1 for sales", "StoreInput": "False", "InputTimeLimitSeconds": "5"},
            Conditions=[when("bye", "1")],
            Errors=errors(NoMatchingError="fallback"),
        ),
        say("fallback", "Please type your question.", "end"),
        *QUEUE,
        BYE,
    )
    chat = Chat(connect, iid, deploy(connect, iid, document))
    assert chat.messages() == [("SYSTEM", "Please type your question.")]
    assert chat.log()[0].branch == "Error NoMatchingError"


SURVEY_QUESTION = "Before you go: how did we do, 1 to 5?"


def deploy_survey(connect: Any, iid: str) -> str:
    """A disconnect flow: ask, wait five minutes for the answer, thank, disconnect."""
    return deploy(
        connect,
        iid,
        flow(
            "ask",
            say("ask", SURVEY_QUESTION, "wait"),
            wait(
                "wait",
                {"Events": ["CustomerReturned"], "TimeoutSeconds": "300"},
                CustomerReturned="thanks",
                WaitCompleted="bye",
            ),
            say("thanks", "Thank you for your answer!", "bye"),
            BYE,
        ),
        name="Survey",
    )


def disconnect_flow_setup(connect: Any, iid: str) -> tuple[Chat, str]:
    """An inbound flow that sets a disconnect flow (a survey) and queues the chat."""
    survey = deploy_survey(connect, iid)
    survey_arn = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=survey)["ContactFlow"][
        "Arn"
    ]
    inbound = flow(
        "hooks",
        action(
            "hooks",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerRemaining": survey_arn}},
            NextAction="queue",
            Errors=errors(NoMatchingError="bye"),
        ),
        action(
            "queue",
            "UpdateContactTargetQueue",
            {"QueueId": "q-support"},
            NextAction="transfer",
            Errors=errors(NoMatchingError="bye"),
        ),
        action("transfer", "TransferContactToQueue", {}, Errors=errors(NoMatchingError="bye")),
        BYE,
    )
    return Chat(connect, iid, deploy(connect, iid, inbound)), survey


def test_the_disconnect_flow_runs_when_the_agent_leaves(connect: Any, iid: str) -> None:
    """[doc: block "Set disconnect flow"] the flow that runs when the agent leaves and the
    customer remains (UpdateContactEventHooks "CustomerRemaining"): the chat goes on in a
    DISCONNECT segment running it, its survey answered by the customer, and ends with it."""
    chat, survey = disconnect_flow_setup(connect, iid)
    assert chat.log()[0].detail == f"set CustomerRemaining={survey}"
    session = chat_session(iid, chat.contact_id)
    session.connect_agent("a1")
    session.disconnect_agent()

    c3 = session.current_contact_id
    assert c3 != chat.contact_id
    described = chat.describe(c3)
    assert described["InitiationMethod"] == "DISCONNECT"
    assert described["PreviousContactId"] == chat.contact_id
    assert chat.describe()["DisconnectTimestamp"]
    assert [s.action for s in chat.log(c3)] == ["ask", "wait"]
    assert {s.flow_id for s in chat.log(c3)} == {survey}

    chat.send("5")
    assert chat.messages()[-2:] == [("CUSTOMER", "5"), ("SYSTEM", "Thank you for your answer!")]
    assert chat.describe(c3)["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"


def test_the_disconnect_flow_runs_when_the_agent_disconnects_itself(connect: Any, iid: str) -> None:
    """The same hook, the agent leaving through the Participant Service as its CCP does
    (DisconnectParticipant with the agent's connection): the customer remains, in the
    disconnect flow's segment, instead of the chat ending."""
    chat, survey = disconnect_flow_setup(connect, iid)
    session = chat_session(iid, chat.contact_id)
    agent = chat.connection(session.connect_agent("a1"))
    chat.participant.disconnect_participant(ConnectionToken=agent)
    c3 = session.current_contact_id
    assert chat.describe(c3)["InitiationMethod"] == "DISCONNECT"
    assert chat.messages()[-1] == ("SYSTEM", SURVEY_QUESTION)
    assert chat.describe().get("DisconnectReason") != "AGENT_DISCONNECT"


def test_without_a_disconnect_flow_the_agent_leaving_ends_the_chat(connect: Any, iid: str) -> None:
    """No hook set: the agent leaving ends the chat (AGENT_DISCONNECT), as before; and
    ``disconnect_flow=False`` ends it even when a hook is set."""
    chat, _ = disconnect_flow_setup(connect, iid)
    session = chat_session(iid, chat.contact_id)
    session.connect_agent("a1")
    session.disconnect_agent(disconnect_flow=False)
    assert chat.describe()["DisconnectReason"] == "AGENT_DISCONNECT"


def test_an_event_hook_the_engine_does_not_run_is_refused_by_name(connect: Any, iid: str) -> None:
    """The engine runs the disconnect and customer queue flows' hooks; a flow setting
    another (a hold flow: voice only) is refused when the chat would start it, naming the
    hook, not run without it."""
    other = deploy(connect, iid, flow("bye", BYE), name="Hold music")
    document = flow(
        "hooks",
        action(
            "hooks",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerHold": other}},
            NextAction="bye",
            Errors=errors(NoMatchingError="bye"),
        ),
        BYE,
    )
    flow_id = deploy(connect, iid, document)
    expect_error(
        lambda: connect.start_chat_contact(
            InstanceId=iid, ContactFlowId=flow_id, ParticipantDetails={"DisplayName": "Ann"}
        ),
        "InvalidRequestException",
        400,
        "UpdateContactEventHooks with CustomerHold",
    )


def test_a_chat_that_ends_while_waiting_leaves_no_timer(connect: Any, iid: str) -> None:
    """The customer leaves during the Wait: the flow runs no more blocks and its timer is
    cancelled (the time passing later sends nothing)."""
    chat = Chat(connect, iid, deploy(connect, iid, returning_flow({"TimeoutSeconds": 60})))
    before = SCHEDULER.pending
    chat.participant.disconnect_participant(ConnectionToken=chat.token)
    assert SCHEDULER.pending < before
    advance_clock(120)
    assert [s.action for s in chat.log()] == ["hello", "wait"]
