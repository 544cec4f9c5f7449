"""The flow engine: a chat started with the id of a stored flow runs it, as Connect runs a
chat's flow; what ran is in a log a test reads (which block, what it did, where it went).

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action, expect_error, make_instance

from moto_connect_persistent import connect_persistent_backends
from moto_connect_persistent.chat.deferred import run_deferred
from moto_connect_persistent.chat.happenings import SegmentStarted
from moto_connect_persistent.flow_engine import STEPS, FlowStep
from moto_connect_persistent.flow_language import ACTIONS
from moto_connect_persistent.sinks import add_sink, remove_sink


def on_error(target: str, kind: str = "NoMatchingError") -> list[dict[str, str]]:
    return [{"NextAction": target, "ErrorType": kind}]


def condition(target: str, operator: str, operand: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": operator, "Operands": [operand]}}


def greeting_flow() -> dict[str, Any]:
    """Greet by name, mark the tier, branch on it, say which branch, end the chat."""
    return {
        "Version": "2019-10-30",
        "StartAction": "greet",
        "Actions": [
            action(
                "greet",
                "MessageParticipant",
                {"Text": "Hello $.Attributes.name, welcome!"},
                NextAction="tier",
                Errors=on_error("bye"),
            ),
            action(
                "tier",
                "UpdateContactAttributes",
                {"Attributes": {"tier": "gold", "seen": "yes"}, "TargetContact": "Current"},
                NextAction="check",
                Errors=on_error("bye"),
            ),
            action(
                "check",
                "Compare",
                {"ComparisonValue": "$.Attributes.tier"},
                NextAction="other",
                Conditions=[
                    condition("silver", "Equals", "silver"),
                    condition("gold", "TextStartsWith", "go"),
                ],
                Errors=on_error("other", "NoMatchingCondition"),
            ),
            action("gold", "MessageParticipant", {"Text": "Gold line"}, NextAction="bye"),
            action("silver", "MessageParticipant", {"Text": "Silver line"}, NextAction="bye"),
            action("other", "MessageParticipant", {"Text": "Standard line"}, NextAction="bye"),
            action("bye", "DisconnectParticipant", {}),
        ],
    }


def deploy(connect: Any, iid: str, flow: dict[str, Any], name: str = "Inbound chat") -> str:
    flow_id: str = connect.create_contact_flow(
        InstanceId=iid, Name=name, Type="CONTACT_FLOW", Content=json.dumps(flow)
    )["ContactFlowId"]
    return flow_id


def start(connect: Any, iid: str, flow_id: str, **extra: Any) -> dict[str, Any]:
    started: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Ann"},
        **extra,
    )
    return started


def log(contact_id: str) -> list[FlowStep]:
    steps: list[FlowStep] = connect_persistent_backends[ACCOUNT][REGION].engine.log(contact_id)
    return steps


class Items:
    """A sink (moto_connect_persistent.sinks): every item the chats write, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str, str | None]] = []

    def deliver(self, origin: Any, contact: Any, item: Any) -> None:
        if item.stored:
            self.items.append((item.type, item.content_type, item.participant_role, item.content))


@pytest.fixture
def items() -> Iterator[Items]:
    sink = Items()
    add_sink(sink)
    yield sink
    remove_sink(sink)


def test_a_stored_flow_runs_when_its_chat_starts(connect: Any, iid: str, items: Items) -> None:
    """[doc: StartChatContact] ContactFlowId: "The identifier of the flow for initiating the
    chat." The flow greets (MessageParticipant: "Sends a message to the participant [...] a
    text message for other channels", its text's JSONPath resolved), sets attributes
    (UpdateContactAttributes), branches on them (Compare: "the first Condition that evaluates
    to true will result in it being chosen as the Transition to occur") and ends the chat
    (DisconnectParticipant: "Disconnects the participant from the contact and stops this flow
    from running"). The log says which block went where."""
    flow_id = deploy(connect, iid, greeting_flow())
    started = start(
        connect,
        iid,
        flow_id,
        Attributes={"name": "Ann"},
        InitialMessage={"ContentType": "text/plain", "Content": "hi"},
    )
    contact_id = started["ContactId"]

    assert [(s.action, s.branch, s.next_action) for s in log(contact_id)] == [
        ("greet", "NextAction", "tier"),
        ("tier", "NextAction", "check"),
        ("check", "Condition[1] TextStartsWith 'go'", "gold"),
        ("gold", "NextAction", "bye"),
        ("bye", "end", None),
    ]
    assert log(contact_id)[0].detail == "sent 'Hello Ann, welcome!'"
    assert {s.flow_id for s in log(contact_id)} == {flow_id}

    attributes = connect.get_contact_attributes(InstanceId=iid, InitialContactId=contact_id)
    assert attributes["Attributes"] == {"name": "Ann", "tier": "gold", "seen": "yes"}
    contact = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
    assert contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"

    messages = [(role, content) for kind, _, role, content in items.items if kind == "MESSAGE"]
    # The customer's InitialMessage comes first: the flow runs after the chat has started.
    assert messages == [
        ("CUSTOMER", "hi"),
        ("SYSTEM", "Hello Ann, welcome!"),
        ("SYSTEM", "Gold line"),
    ]
    assert items.items[-1][1] == "application/vnd.amazonaws.connect.event.chat.ended"


def test_no_matching_condition_takes_its_branch(connect: Any, iid: str) -> None:
    """[doc: Actions] NoMatchingCondition: "This is invoked if no defined condition resolves to
    true." A missing attribute compares as empty text."""
    flow = greeting_flow()
    flow["StartAction"] = "check"
    started = start(connect, iid, deploy(connect, iid, flow))
    steps = log(started["ContactId"])
    assert (steps[0].action, steps[0].branch, steps[0].next_action) == (
        "check",
        "Error NoMatchingCondition",
        "other",
    )
    assert steps[0].detail == "compared '': no condition matched"


@pytest.mark.parametrize(
    ("operator", "result", "operand", "expected"),
    [
        ("Equals", "10", "10", True),
        ("Equals", "10", "10.0", False),
        ("TextEndsWith", "gold-plus", "plus", True),
        ("TextContains", "gold-plus", "d-p", True),
        ("NumberGreaterThan", "10", "9.5", True),
        ("NumberGreaterOrEqualTo", "10", "10", True),
        ("NumberLessThan", "10", "9", False),
        ("NumberLessOrEqualTo", "9", "9", True),
        ("NumberGreaterThan", "ten", "9", False),
        ("NumberLessThan", "1", "two", False),
    ],
)
def test_every_operator(
    connect: Any, iid: str, operator: str, result: str, operand: str, expected: bool
) -> None:
    """[doc: List of Operators] NumberGreaterThan: "Returns true if the result, interpreted as a
    numeric value, is larger than the specified string. If either the result or the specified
    string are not numeric, returns false." (and so on for each operator)."""
    flow = {
        "Version": "2019-10-30",
        "StartAction": "check",
        "Actions": [
            action(
                "check",
                "Compare",
                {"ComparisonValue": "$.Attributes.v"},
                NextAction="no",
                Conditions=[condition("yes", operator, operand)],
                Errors=on_error("no", "NoMatchingCondition"),
            ),
            action("yes", "EndFlowExecution", {}),
            action("no", "EndFlowExecution", {}),
        ],
    }
    started = start(connect, iid, deploy(connect, iid, flow), Attributes={"v": result})
    assert log(started["ContactId"])[0].next_action == ("yes" if expected else "no")


def test_an_error_takes_the_error_branch(connect: Any, iid: str) -> None:
    """[doc: UpdateContactAttributes] "either all attributes are set or none are set"; an
    attribute the contact cannot take (a key with a space) fails the block, which takes its
    NoMatchingError branch ("invoked when an error occurs and no other Error matches")."""
    flow = {
        "Version": "2019-10-30",
        "StartAction": "set",
        "Actions": [
            action(
                "set",
                "UpdateContactAttributes",
                {"Attributes": {"ok": "1", "not ok": "2"}},
                NextAction="end",
                Errors=on_error("sorry"),
            ),
            action("sorry", "MessageParticipant", {"Text": "Something went wrong"}),
            action("end", "EndFlowExecution", {}),
        ],
    }
    started = start(connect, iid, deploy(connect, iid, flow))
    steps = log(started["ContactId"])
    assert (steps[0].branch, steps[0].next_action) == ("Error NoMatchingError", "sorry")
    assert "not set" in steps[0].detail
    # None of them was set; the message block has no NextAction, so the flow ends there.
    assert (
        connect.get_contact_attributes(InstanceId=iid, InitialContactId=started["ContactId"])[
            "Attributes"
        ]
        == {}
    )
    assert (steps[1].action, steps[1].next_action) == ("sorry", None)


def test_a_flow_that_ends_before_the_chat_is_queued_ends_the_chat(connect: Any, iid: str) -> None:
    """[doc: EndFlowExecution] "Finishes flow, but does not explicitly disconnect the
    participant. [...] if a flow ends before the contact is put into queue, ending the flow
    results in the contact being ended.\""""
    flow = {
        "Version": "2019-10-30",
        "StartAction": "end",
        "Actions": [action("end", "EndFlowExecution", {})],
    }
    started = start(connect, iid, deploy(connect, iid, flow))
    assert [(s.action, s.branch) for s in log(started["ContactId"])] == [("end", "end")]
    contact = connect.describe_contact(InstanceId=iid, ContactId=started["ContactId"])["Contact"]
    assert contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"


def test_an_id_naming_no_stored_flow_runs_nothing(connect: Any, iid: str) -> None:
    """The mock's decision (docs/fidelity.md): a ContactFlowId that names no published, active
    flow of the instance keeps the behaviour tests rely on: the chat starts and nothing runs.
    A saved draft or an archived flow runs nothing either."""
    started = start(connect, iid, "any-flow-id")
    assert log(started["ContactId"]) == []
    draft = connect.create_contact_flow(
        InstanceId=iid, Name="draft", Type="CONTACT_FLOW", Content="{}", Status="SAVED"
    )["ContactFlowId"]
    assert log(start(connect, iid, draft)["ContactId"]) == []
    archived = deploy(connect, iid, greeting_flow(), name="old")
    connect.update_contact_flow_metadata(
        InstanceId=iid, ContactFlowId=archived, ContactFlowState="ARCHIVED"
    )
    contact_id = start(connect, iid, archived)["ContactId"]
    assert log(contact_id) == []
    assert (
        "DisconnectTimestamp"
        not in connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
    )


def test_a_flow_with_actions_the_engine_does_not_run_is_refused_by_name(
    connect: Any, iid: str
) -> None:
    """An action the engine does not run yet is refused by name when the flow starts, never
    skipped silently: StartChatContact answers InvalidRequestException naming the types, and no
    chat is started."""
    flow = greeting_flow()
    flow["Actions"][0] = action("greet", "CheckHoursOfOperation", {}, NextAction="tier")
    flow["Actions"].append(action("metrics", "GetMetricData", {}, NextAction="bye"))
    flow_id = deploy(connect, iid, flow)
    before = set(connect_persistent_backends[ACCOUNT][REGION].contacts)
    expect_error(
        lambda: start(connect, iid, flow_id),
        "InvalidRequestException",
        400,
        "CheckHoursOfOperation, GetMetricData",
    )
    assert set(connect_persistent_backends[ACCOUNT][REGION].contacts) == before


def test_a_flow_looping_on_itself_is_stopped(connect: Any, iid: str) -> None:
    """A flow whose blocks lead back to themselves with nothing to wait for is stopped after
    a bounded number of steps (the log says so), not run forever in a call."""
    flow = {
        "Version": "2019-10-30",
        "StartAction": "loop",
        "Actions": [
            action("loop", "UpdateContactAttributes", {"Attributes": {"k": "v"}}, NextAction="loop")
        ],
    }
    steps = log(start(connect, iid, deploy(connect, iid, flow))["ContactId"])
    assert steps[-1].detail.startswith("stopped after")
    assert steps[-1].next_action is None


def test_the_engine_runs_exactly_the_actions_the_table_marks() -> None:
    """docs/flow-actions.md's ✓ are the engine's: each action marked ``runs`` has a step,
    and no step runs an action the table does not mark."""
    assert set(STEPS) == {name for name, row in ACTIONS.items() if row.runs}


def test_a_flow_runs_outside_the_lock_of_the_call(connect: Any, iid: str) -> None:
    """No step runs inside a happening's delivery: the flow's first block runs after the
    StartChatContact call has left the backend's lock (another thread can take the lock while
    a step is about to run)."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    free_at_start: list[bool] = []
    original = STEPS["MessageParticipant"]

    def probe(engine: Any, run: Any, block: Any) -> Any:
        got = threading.Event()

        def other() -> None:
            # A plain acquire from another thread: only free if no call is holding it.
            if backend.lock.acquire(timeout=5):
                got.set()
                backend.lock.release()

        # The engine holds the lock for this step itself; release it around the probe.
        backend.lock.release()
        try:
            thread = threading.Thread(target=other)
            thread.start()
            thread.join(10)
            free_at_start.append(got.is_set())
        finally:
            backend.lock.acquire()
        return original(engine, run, block)

    STEPS["MessageParticipant"] = probe
    try:
        start(connect, iid, deploy(connect, iid, greeting_flow()))
    finally:
        STEPS["MessageParticipant"] = original
    assert free_at_start and all(free_at_start)


def queue_flow(queue: str) -> dict[str, Any]:
    return {
        "Version": "2019-10-30",
        "StartAction": "hello",
        "Actions": [
            action("hello", "MessageParticipant", {"Text": "Connecting you"}, NextAction="set"),
            action(
                "set",
                "UpdateContactTargetQueue",
                {"QueueId": queue},
                NextAction="queue",
                Errors=on_error("bye"),
            ),
            action(
                "queue",
                "TransferContactToQueue",
                {},
                NextAction="bye",
                Errors=on_error("bye", "QueueAtCapacity") + on_error("bye"),
            ),
            action("bye", "DisconnectParticipant", {}),
        ],
    }


def test_the_chat_waits_in_the_queue_the_flow_transfers_it_to(connect: Any, iid: str) -> None:
    """[doc: UpdateContactTargetQueue] "Sets the contact's TargetQueue [...] for
    TransferContactToQueue"; [doc: TransferContactToQueue] "This action places a contact that
    is not already in a queue into the contact's TargetQueue." The chat then waits for an agent
    (QueueInfo shows the queue), and the flow that queued it ends without ending the chat."""
    queue_arn = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{iid}/queue/q-support"
    started = start(connect, iid, deploy(connect, iid, queue_flow(queue_arn)))
    steps = log(started["ContactId"])
    assert [(s.action, s.branch, s.next_action) for s in steps] == [
        ("hello", "NextAction", "set"),
        ("set", "NextAction", "queue"),
        ("queue", "end", None),
    ]
    contact = connect.describe_contact(InstanceId=iid, ContactId=started["ContactId"])["Contact"]
    assert contact["QueueInfo"]["Id"] == "q-support"
    assert "DisconnectTimestamp" not in contact


def test_a_queue_from_the_flow_data(connect: Any, iid: str) -> None:
    """UpdateContactTargetQueue's QueueId "must be either defined fully statically or as a
    single valid JSONPath identifier"; with no value there, the block takes its error branch."""
    flow_id = deploy(connect, iid, queue_flow("$.Attributes.queue"))
    queued = start(connect, iid, flow_id, Attributes={"queue": "q-sales"})
    contact = connect.describe_contact(InstanceId=iid, ContactId=queued["ContactId"])["Contact"]
    assert contact["QueueInfo"]["Id"] == "q-sales"
    unset = start(connect, iid, flow_id)
    steps = log(unset["ContactId"])
    assert (steps[1].action, steps[1].branch, steps[1].next_action) == (
        "set",
        "Error NoMatchingError",
        "bye",
    )


def test_transfer_to_flow_continues_at_the_other_flows_start(connect: Any, iid: str) -> None:
    """[doc: TransferToFlow] "Execution jumps to a different flow, and continues running at
    that flow's beginning." A flow it transfers to by a static id is checked with it when the
    chat starts."""
    queued = deploy(connect, iid, queue_flow("q-support"), name="Queue it")
    first = {
        "Version": "2019-10-30",
        "StartAction": "tag",
        "Actions": [
            action(
                "tag",
                "UpdateContactAttributes",
                {"Attributes": {"via": "entry"}},
                NextAction="jump",
            ),
            action("jump", "TransferToFlow", {"ContactFlowId": queued}, Errors=on_error("bye")),
            action("bye", "DisconnectParticipant", {}),
        ],
    }
    started = start(connect, iid, deploy(connect, iid, first, name="Entry"))
    steps = log(started["ContactId"])
    assert [(s.action, s.next_action) for s in steps] == [
        ("tag", "jump"),
        ("jump", "hello"),
        ("hello", "set"),
        ("set", "queue"),
        ("queue", None),
    ]
    assert steps[1].detail == "transferred to flow 'Queue it'"
    assert {s.flow_id for s in steps[2:]} == {queued}

    # The flow transferred to holds an action the engine does not run: refused at the start.
    loops = deploy(
        connect,
        iid,
        {
            "Version": "2019-10-30",
            "StartAction": "w",
            "Actions": [action("w", "CheckHoursOfOperation", {})],
        },
        name="Hours",
    )
    first["Actions"][1]["Parameters"]["ContactFlowId"] = loops
    expect_error(
        lambda: start(connect, iid, deploy(connect, iid, first, name="Entry 2")),
        "InvalidRequestException",
        400,
        "CheckHoursOfOperation",
    )


def test_an_agent_queue_is_refused_by_name(connect: Any, iid: str) -> None:
    """UpdateContactTargetQueue's AgentId ("representing an agent queue") is not emulated: a
    flow using it is refused when it would start, not run with another queue."""
    flow = queue_flow("q")
    flow["Actions"][1]["Parameters"] = {"AgentId": "agent-1"}
    expect_error(
        lambda: start(connect, iid, deploy(connect, iid, flow)),
        "InvalidRequestException",
        400,
        "AgentId",
    )


def test_a_call_runs_only_the_flows_it_started(connect: Any, iid: str) -> None:
    """Two chats starting at once in two threads: each StartChatContact runs its own chat's
    flow before it answers, so neither answers while its flow is still queued for another
    thread. Forced here: a run queued by this thread is left alone by another thread's
    work deferred, and runs on this thread's."""
    engine = connect_persistent_backends[ACCOUNT][REGION].engine
    flow_id = deploy(connect, iid, greeting_flow())
    contact_id = start(connect, iid, "no-flow")["ContactId"]
    contact = connect_persistent_backends[ACCOUNT][REGION].contacts[(iid, contact_id)]
    contact.contact_flow_id = flow_id
    engine.segment_started(SegmentStarted(engine.core.origin, contact))

    other = threading.Thread(target=run_deferred)
    other.start()
    other.join(10)
    assert log(contact_id) == []
    run_deferred()
    assert log(contact_id)[0].action == "greet"


def test_a_flow_runs_over_a_real_server(connect_server_url: str) -> None:
    """Server mode: the same flow runs when a chat starts over HTTP."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    iid = make_instance(connect)
    started = start(connect, iid, deploy(connect, iid, greeting_flow()), Attributes={"name": "Bo"})
    steps = log(started["ContactId"])
    assert steps[0].detail == "sent 'Hello Bo, welcome!'"
    assert steps[-1].action == "bye"


def test_actions_may_omit_empty_parameters_and_transitions(connect: Any, iid: str) -> None:
    """Flows deployed with CreateContactFlow leave out the Parameters and Transitions an action
    does not use (a DisconnectParticipant of only Identifier and Type): accepted, and run."""
    flow = {
        "Version": "2019-10-30",
        "StartAction": "hi",
        "Actions": [
            {
                "Identifier": "hi",
                "Type": "MessageParticipant",
                "Parameters": {"Text": "Hi"},
                "Transitions": {"NextAction": "bye"},
            },
            {"Identifier": "bye", "Type": "DisconnectParticipant"},
        ],
    }
    steps = log(start(connect, iid, deploy(connect, iid, flow))["ContactId"])
    assert [(s.action, s.branch) for s in steps] == [("hi", "NextAction"), ("bye", "end")]
