"""The customer queue flow: set by UpdateContactEventHooks ``CustomerQueue`` (the block *Set
customer queue flow*), it runs while the chat waits in queue, until an agent accepts the chat
or the chat ends.

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action, expect_error
from test_flow_engine import deploy, log, on_error

from moto_connect_persistent import (
    advance_clock,
    chat_session,
    connect_persistent_backends,
    register_lambda,
)
from moto_connect_persistent.chat.deferred import defer
from moto_connect_persistent.chat.scheduler import SCHEDULER
from moto_connect_persistent.flow_engine import FlowRun, FlowStep

QUEUED = "Thanks for waiting, $.Attributes.name: an agent will be with you soon."
STILL = "You are still in the queue."
READ = "Thanks, the agent will see your message."


def when(target: str, result: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [result]}}


def flow(start: str, *actions: Any) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": start, "Actions": list(actions)}


def say(identifier: str, text: str, then: str | None) -> Any:
    transitions = {"NextAction": then, "Errors": on_error(then)} if then else {}
    return action(identifier, "MessageParticipant", {"Text": text}, **transitions)


BYE = action("bye", "DisconnectParticipant", {})


def waiting_queue_flow() -> dict[str, Any]:
    """Greet the queued customer, then wait a minute at a time: a nudge when the minute is up,
    a thank-you when the customer writes; back to waiting either way."""
    return flow(
        "hello",
        say("hello", QUEUED, "wait"),
        action(
            "wait",
            "Wait",
            {"Events": ["CustomerReturned"], "TimeoutSeconds": "60"},
            Conditions=[when("read", "CustomerReturned"), when("still", "WaitCompleted")],
            Errors=on_error("rest"),
        ),
        say("still", STILL, "wait"),
        say("read", READ, "wait"),
        action("rest", "EndFlowExecution", {}),
    )


def deploy_queue_flow(connect: Any, iid: str, document: dict[str, Any], name: str) -> str:
    """A flow of type CUSTOMER_QUEUE; its ARN (as the console's export names it)."""
    created = connect.create_contact_flow(
        InstanceId=iid, Name=name, Type="CUSTOMER_QUEUE", Content=json.dumps(document)
    )
    arn: str = created["ContactFlowArn"]
    return arn


def inbound_flow(queue_flow: str) -> dict[str, Any]:
    """Set the customer queue flow, set the working queue, transfer to it."""
    return flow(
        "hooks",
        action(
            "hooks",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerQueue": queue_flow}},
            NextAction="queue",
            Errors=on_error("sorry"),
        ),
        action(
            "queue",
            "UpdateContactTargetQueue",
            {"QueueId": "q-support"},
            NextAction="transfer",
            Errors=on_error("bye"),
        ),
        action("transfer", "TransferContactToQueue", {}, Errors=on_error("bye")),
        say("sorry", "We cannot queue you right now.", "bye"),
        BYE,
    )


class Chat:
    """A chat started with a flow, its customer connected through connectparticipant."""

    def __init__(
        self, connect: Any, iid: str, flow_id: str, *, join: bool = True, **attributes: str
    ) -> None:
        """``join=False``: the customer makes no connection (a chat its flow ends at once
        takes none)."""
        started = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId=flow_id,
            ParticipantDetails={"DisplayName": "Ann"},
            Attributes={"name": "Ann", **attributes},
        )
        self.connect, self.iid = connect, iid
        self.contact_id: str = started["ContactId"]
        self.participant = boto3.client("connectparticipant", region_name=REGION)
        self.token = ""
        if join:
            self.token = self.participant.create_participant_connection(
                ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
            )["ConnectionCredentials"]["ConnectionToken"]
        self.session = chat_session(iid, self.contact_id)

    def send(self, text: str) -> None:
        self.participant.send_message(
            ConnectionToken=self.token, ContentType="text/plain", Content=text
        )

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of the chat's messages, oldest first, as GetTranscript shows them."""
        items = self.participant.get_transcript(
            ConnectionToken=self.token, SortOrder="ASCENDING", MaxResults=100
        )["Transcript"]
        return [(i["ParticipantRole"], i["Content"]) for i in items if i["Type"] == "MESSAGE"]

    def describe(self) -> dict[str, Any]:
        contact: dict[str, Any] = self.connect.describe_contact(
            InstanceId=self.iid, ContactId=self.contact_id
        )["Contact"]
        return contact

    def log(self) -> list[FlowStep]:
        return log(self.contact_id)


def queued_chat(
    connect: Any, iid: str, document: dict[str, Any] | None = None, join: bool = True
) -> Chat:
    queue_flow = deploy_queue_flow(connect, iid, document or waiting_queue_flow(), "Queue music")
    return Chat(connect, iid, deploy(connect, iid, inbound_flow(queue_flow)), join=join)


def test_the_queue_flow_runs_while_the_chat_waits_in_queue(connect: Any, iid: str) -> None:
    """[doc: block "Set customer queue flow"] "Specifies the flow to invoke when a customer is
    transferred to a queue"; [doc: Flow language, UpdateContactEventHooks] "the value is the
    flow ID or ARN to run when that event occurs". The inbound flow ends at Transfer to queue
    ("places the current contact in a queue and ends current flow"); the queue flow's messages
    reach the transcript as any flow's (SYSTEM), its Wait answers the customer and the time."""
    chat = queued_chat(connect, iid)
    steps = chat.log()
    assert [(s.action, s.branch) for s in steps[:3]] == [
        ("hooks", "NextAction"),
        ("queue", "NextAction"),
        ("transfer", "end"),
    ]
    assert [(s.action, s.branch) for s in steps[3:]] == [
        ("hello", "NextAction"),
        ("wait", "waiting"),
    ]
    assert chat.describe()["QueueInfo"]["Id"] == "q-support"
    greeting = QUEUED.replace("$.Attributes.name", "Ann")
    assert chat.messages() == [("SYSTEM", greeting)]

    chat.send("Is it about my refund?")
    assert chat.messages()[-2:] == [("CUSTOMER", "Is it about my refund?"), ("SYSTEM", READ)]
    advance_clock(59)
    assert chat.messages()[-1] == ("SYSTEM", READ)  # the Wait started again at the message
    advance_clock(1)
    assert chat.messages()[-1] == ("SYSTEM", STILL)
    assert "DisconnectTimestamp" not in chat.describe()


def test_an_agent_accepting_the_chat_stops_its_queue_flow(connect: Any, iid: str) -> None:
    """The queue flow is the customer's time in queue [doc: sample "interruptible queue flow":
    "This flow shows you how to manage what the customer experiences while in queue"]: once
    the agent accepts (``connect_agent``), no block of it runs again, its Wait's timer is
    cancelled, and the customer's messages go to the agent alone."""
    chat = queued_chat(connect, iid)
    before = SCHEDULER.pending
    chat.session.connect_agent("agent-1")
    assert SCHEDULER.pending == before - 1
    ran = len(chat.log())

    advance_clock(600)
    chat.send("Hello agent")
    assert len(chat.log()) == ran
    assert chat.messages()[-1] == ("CUSTOMER", "Hello agent")
    assert chat.describe()["AgentInfo"]["Id"] == "agent-1"


def test_an_agent_accepting_between_the_wait_and_its_next_block(connect: Any, iid: str) -> None:
    """The interleaving forced: the queue flow's Wait is over (its timer fired, its
    WaitCompleted branch taken) and, before the next block's step takes the lock, the agent's
    ``connect_agent`` takes it, as another thread's call may. The next block never runs: the
    nudge is not sent to a chat the agent already has."""
    chat = queued_chat(connect, iid)
    engine = connect_persistent_backends[ACCOUNT][REGION].engine

    def accept_after_the_wait(run: FlowRun, block: dict[str, Any], step: FlowStep) -> None:
        # Under the lock, as the Wait ends: the agent's call is the next to take the lock.
        if step.action == "wait" and step.branch == "Condition[1] Equals 'WaitCompleted'":
            defer(lambda: chat.session.connect_agent("agent-1"))

    engine.step_listeners.append(accept_after_the_wait)
    try:
        advance_clock(60)
    finally:
        engine.step_listeners.remove(accept_after_the_wait)
    assert chat.describe()["AgentInfo"]["Id"] == "agent-1"
    assert [(s.action, s.next_action) for s in chat.log()[-2:]] == [
        ("wait", "wait"),
        ("wait", "still"),
    ]
    assert ("SYSTEM", STILL) not in chat.messages()


def test_an_agent_accepting_while_the_queue_flow_calls_a_lambda(connect: Any, iid: str) -> None:
    """The agent accepts while the queue flow's Lambda runs (outside every lock): the answer
    comes back to a chat no longer in queue, so it is dropped and no further block runs (the
    "Sample interruptible queue flow": the queue flow manages "what the customer experiences
    while in queue")."""
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:queue-position"

    def position(event: dict[str, Any], context: Any) -> dict[str, str]:
        contact_id = event["Details"]["ContactData"]["ContactId"]
        chat_session(iid, contact_id).connect_agent("agent-1")  # the agent's call, meanwhile
        return {"position": "3"}

    register_lambda(function, position)
    document = flow(
        "ask",
        action(
            "ask",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": function, "InvocationTimeLimitSeconds": "3"},
            NextAction="tell",
            Errors=on_error("rest"),
        ),
        say("tell", "You are number $.External.position in the queue.", "rest"),
        action("rest", "EndFlowExecution", {}),
    )
    chat = queued_chat(connect, iid, document)
    asked = chat.log()[-1]
    assert (asked.action, asked.branch, asked.next_action) == ("ask", "end", None)
    assert asked.detail == (
        "invoke queue-position: the queue flow stopped (an agent took the chat, or it moved "
        "queue) meanwhile, its answer is dropped"
    )
    assert chat.describe()["AgentInfo"]["Id"] == "agent-1"
    assert all("number 3" not in text for _, text in chat.messages())


@pytest.mark.parametrize("last", ["EndFlowExecution", "a block with no branch to take"])
def test_the_queue_flow_ending_leaves_the_chat_in_queue(connect: Any, iid: str, last: str) -> None:
    """[doc: sample "interruptible queue flow"] "Press 2 ends the flow, and the customer remains
    in the queue"; [doc: Flow language, EndFlowExecution] "Finishes flow, but does not
    explicitly disconnect the participant" (the contact ends only when "a flow ends before the
    contact is put into queue"). The chat waits on for its agent."""
    ending = action("end", "EndFlowExecution", {}) if last == "EndFlowExecution" else None
    document = flow("hello", say("hello", "Please hold.", "end" if ending else None))
    if ending:
        document["Actions"].append(ending)
    chat = queued_chat(connect, iid, document)
    assert chat.log()[-1].next_action is None
    contact = chat.describe()
    assert "DisconnectTimestamp" not in contact
    assert contact["QueueInfo"]["Id"] == "q-support"
    agent = chat.session.connect_agent("agent-1")
    assert agent and chat.describe()["AgentInfo"]["Id"] == "agent-1"


def test_the_queue_flow_may_disconnect_the_chat(connect: Any, iid: str) -> None:
    """[doc: Flow language, DisconnectParticipant] "This action is supported for all channels
    and in contact flows, transfer flows, and customer queue flows": a queue flow that gives up
    ends the chat (CONTACT_FLOW_DISCONNECT)."""
    document = flow("sorry", say("sorry", "We are closed, please come back.", "bye"), BYE)
    chat = queued_chat(connect, iid, document, join=False)
    contact = chat.describe()
    assert contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    assert chat.log()[-1].action == "bye"


def test_a_chat_ending_stops_its_queue_flow(connect: Any, iid: str) -> None:
    """The customer leaves while the queue flow waits: no block runs again and its timer is
    cancelled."""
    chat = queued_chat(connect, iid)
    before = SCHEDULER.pending
    chat.participant.disconnect_participant(ConnectionToken=chat.token)
    assert SCHEDULER.pending < before
    ran = len(chat.log())
    advance_clock(120)
    assert len(chat.log()) == ran


def test_queued_again_the_queue_flow_starts_over(connect: Any, iid: str) -> None:
    """The queue flow is invoked "when a customer is transferred to a queue" [doc: block "Set
    customer queue flow"]: put in another queue (seeding ``enqueue``), the chat runs it again
    from its start; the run for the queue it left stops, its timer cancelled."""
    chat = queued_chat(connect, iid)
    pending = SCHEDULER.pending
    chat.session.enqueue("q-billing")
    assert SCHEDULER.pending == pending  # one Wait's timer cancelled, the new one's armed
    assert chat.describe()["QueueInfo"]["Id"] == "q-billing"
    assert [s.action for s in chat.log()[-2:]] == ["hello", "wait"]
    greeting = QUEUED.replace("$.Attributes.name", "Ann")
    assert [text for _, text in chat.messages()] == [greeting, greeting]
    advance_clock(60)
    assert [text for _, text in chat.messages()].count(STILL) == 1


@pytest.mark.parametrize("kind", ["TransferContactToQueue", "UpdateContactTargetQueue"])
def test_a_queue_flow_holding_what_it_cannot_is_refused_by_name(
    connect: Any, iid: str, kind: str
) -> None:
    """[doc: Flow language, TransferContactToQueue] "It is not supported in whisper flows,
    customer queue flows, or hold flows"; [doc: UpdateContactTargetQueue] "It is not supported
    in whisper flows, hold flows, or customer queue flows" (in a queue flow, Transfer to queue
    is DequeueContactAndTransferToQueue). A chat whose flow names such a queue flow is refused
    when it would start, naming the action, as an action the engine does not run is."""
    parameters = {"QueueId": "q-other"} if kind == "UpdateContactTargetQueue" else {}
    document = flow("move", action("move", kind, parameters, Errors=on_error("bye")), BYE)
    if kind == "UpdateContactTargetQueue":
        document["Actions"][0]["Transitions"]["NextAction"] = "bye"
    queue_flow = deploy_queue_flow(connect, iid, document, "Moves the chat")
    inbound = deploy(connect, iid, inbound_flow(queue_flow))
    expect_error(
        lambda: Chat(connect, iid, inbound),
        "InvalidRequestException",
        400,
        "UpdateContactEventHooks with CustomerQueue naming flow 'Moves the chat'",
        f"{kind}, which a customer queue flow cannot hold",
    )


def test_a_queue_flow_named_from_the_flow_data(connect: Any, iid: str) -> None:
    """[doc: Flow language, UpdateContactEventHooks] the hook's value is "the flow ID or ARN to
    run"; from the contact's attributes it is read as the block runs. A flow of type
    CUSTOMER_QUEUE runs; another (an inbound flow) takes the block's Error branch, the log
    saying why, as the console's Set customer queue flow block offers queue flows only."""
    queue_flow = deploy_queue_flow(connect, iid, waiting_queue_flow(), "Queue music")
    not_a_queue_flow = deploy(connect, iid, flow("bye", BYE), name="Inbound")
    inbound = deploy(connect, iid, inbound_flow("$.Attributes.queueflow"), name="Dynamic")

    chat = Chat(connect, iid, inbound, queueflow=queue_flow)
    assert chat.log()[-1].action == "wait"
    assert chat.messages()[0][1].startswith("Thanks for waiting, Ann")

    refused = Chat(connect, iid, inbound, join=False, queueflow=not_a_queue_flow)
    hooks = refused.log()[0]
    assert hooks.branch == "Error NoMatchingError"
    assert hooks.detail == (
        "CustomerQueue: flow 'Inbound' cannot run as a customer queue flow: "
        "its type is CONTACT_FLOW, not CUSTOMER_QUEUE"
    )
    assert [(s.action, s.detail) for s in refused.log()[1:]] == [
        ("sorry", "sent 'We cannot queue you right now.'"),
        ("bye", "disconnected the customer: the chat ended"),
    ]


def priority_queue_flow() -> dict[str, Any]:
    """Once, after a minute in queue, move the chat to the priority queue (marked, so the
    queue flow run again there only waits)."""
    return flow(
        "moved",
        action(
            "moved",
            "Compare",
            {"ComparisonValue": "$.Attributes.moved"},
            Conditions=[when("rest", "yes")],
            Errors=on_error("hello", "NoMatchingCondition"),
        ),
        say("hello", "Please hold on.", "wait"),
        action(
            "wait",
            "Wait",
            {"TimeoutSeconds": "60"},
            Conditions=[when("mark", "WaitCompleted")],
            Errors=on_error("rest"),
        ),
        action(
            "mark",
            "UpdateContactAttributes",
            {"Attributes": {"moved": "yes"}},
            NextAction="move",
            Errors=on_error("rest"),
        ),
        action(
            "move",
            "DequeueContactAndTransferToQueue",
            {"QueueId": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/i/queue/q-priority"},
            Errors=on_error("rest"),
        ),
        action("rest", "EndFlowExecution", {}),
    )


def test_a_queue_flow_moves_the_chat_to_another_queue(connect: Any, iid: str) -> None:
    """[doc: Flow language, DequeueContactAndTransferToQueue] "a contact in a queue is removed
    from the queue, a new contact segment is created with the existing contact as its previous
    contact, and the new contact is placed into the specified queue (referred to as
    "Queue-to-queue transfer")"; [doc: block "Transfer to queue"] "When used in a Customer
    Queue flow, this block transfers a contact already in a queue to another queue". The new
    segment (QUEUE_TRANSFER) runs the queue flow from its start; the customer's connection
    goes on."""
    chat = queued_chat(connect, iid, priority_queue_flow())
    first = chat.contact_id
    advance_clock(60)
    moved = chat.log()[-1]
    assert (moved.action, moved.branch, moved.next_action) == ("move", "end", None)
    second = chat.session.current_contact_id
    assert second != first
    assert moved.detail == f"moved from queue q-support to q-priority: contact {second}"

    old = chat.describe()
    assert old["DisconnectTimestamp"]
    new = connect.describe_contact(InstanceId=iid, ContactId=second)["Contact"]
    assert new["InitiationMethod"] == "QUEUE_TRANSFER"
    assert new["PreviousContactId"] == first
    assert new["QueueInfo"]["Id"] == "q-priority"
    assert "DisconnectTimestamp" not in new
    assert [(s.action, s.next_action) for s in log(second)] == [("moved", "rest"), ("rest", None)]

    chat.send("Still here")
    assert chat.messages()[-1] == ("CUSTOMER", "Still here")
    chat.session.connect_agent("agent-1")
    described = connect.describe_contact(InstanceId=iid, ContactId=second)["Contact"]
    assert described["AgentInfo"]["Id"] == "agent-1"


def test_dequeue_outside_a_queue_flow_is_refused_by_name(connect: Any, iid: str) -> None:
    """[doc: Flow language, DequeueContactAndTransferToQueue] "This action is only supported
    in the customer queue flow. It is not supported in any other type of flow": a chat whose
    own flow holds it is refused when it would start; an agent's queue (AgentId) is not
    emulated, refused by name as for UpdateContactTargetQueue."""
    move = action(
        "move", "DequeueContactAndTransferToQueue", {"QueueId": "q-x"}, Errors=on_error("bye")
    )
    inbound = deploy(connect, iid, flow("move", move, BYE))
    expect_error(
        lambda: Chat(connect, iid, inbound, join=False),
        "InvalidRequestException",
        400,
        "DequeueContactAndTransferToQueue outside a customer queue flow",
    )
    to_agent = action(
        "move", "DequeueContactAndTransferToQueue", {"AgentId": "agent-9"}, Errors=on_error("rest")
    )
    queue_flow = deploy_queue_flow(
        connect, iid, flow("move", to_agent, action("rest", "EndFlowExecution", {})), "To agent"
    )
    expect_error(
        lambda: Chat(connect, iid, deploy(connect, iid, inbound_flow(queue_flow), name="Q")),
        "InvalidRequestException",
        400,
        "DequeueContactAndTransferToQueue with AgentId (agent queues)",
    )


def test_a_transfer_to_a_queue_runs_the_queue_flow_and_one_to_an_agent_stops_it(
    connect: Any, iid: str
) -> None:
    """The hook is the chat session's, and the queue flow is invoked "when a customer is
    transferred to a queue" [doc: block "Set customer queue flow"]: a transfer to another queue
    (a TRANSFER segment) runs it there from its start; a transfer to an agent stops it, its
    timer cancelled, as the agent accepting does."""
    chat = queued_chat(connect, iid)
    chat.session.transfer(queue_id="q-billing")
    second = chat.session.current_contact_id
    assert [(s.action, s.branch) for s in log(second)] == [
        ("hello", "NextAction"),
        ("wait", "waiting"),
    ]
    pending = SCHEDULER.pending
    chat.session.transfer(agent_id="agent-2")
    assert SCHEDULER.pending == pending - 1
    advance_clock(120)
    assert [s.action for s in log(second)] == ["hello", "wait"]
    assert [text for _, text in chat.messages()].count(STILL) == 0
