"""InvokeLambdaFunction: a flow calls the Python handler a test registered for the function's
ARN, with the event Amazon Connect sends, outside every lock, and takes its answer back as
``$.External`` (or its Error branch) as Amazon Connect does.

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action, expect_error, make_instance
from test_flow_engine import deploy, log, start
from test_flow_waits import BYE, QUEUE, flow, say, wait

from moto_connect_persistent import (
    connect_persistent_backends,
    mock_connect_persistent,
    register_lambda,
)
from moto_connect_persistent.chat import clock

FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:lookup-customer"


def on_error(target: str) -> list[dict[str, str]]:
    return [{"NextAction": target, "ErrorType": "NoMatchingError"}]


def lambda_flow(**invoke: Any) -> dict[str, Any]:
    """Invoke the function (waiting the most a block may: a handler calling boto3 on a loaded
    machine must not time out), branch on $.External.tier, greet with $.External.greeting, queue
    the chat (so it stays open for the transcript); on the Error branch say sorry and end."""
    parameters = {
        "LambdaFunctionARN": FUNCTION,
        "InvocationTimeLimitSeconds": "8",
        "LambdaInvocationAttributes": {"customer": "$.Attributes.name", "source": "chat"},
        **invoke,
    }
    return {
        "Version": "2019-10-30",
        "StartAction": "lookup",
        "Actions": [
            action(
                "lookup",
                "InvokeLambdaFunction",
                parameters,
                NextAction="tier",
                Errors=on_error("sorry"),
            ),
            action(
                "tier",
                "Compare",
                {"ComparisonValue": "$.External.tier"},
                NextAction="standard",
                Conditions=[
                    {
                        "NextAction": "gold",
                        "Condition": {"Operator": "Equals", "Operands": ["gold"]},
                    }
                ],
                Errors=[{"NextAction": "standard", "ErrorType": "NoMatchingCondition"}],
            ),
            action(
                "gold",
                "MessageParticipant",
                {"Text": "$.External.greeting (gold)"},
                NextAction="queue",
            ),
            action(
                "standard",
                "MessageParticipant",
                {"Text": "$.External.greeting"},
                NextAction="queue",
            ),
            action(
                "queue", "UpdateContactTargetQueue", {"QueueId": "q-support"}, NextAction="transfer"
            ),
            action(
                "transfer",
                "TransferContactToQueue",
                {},
                NextAction="sorry",
                Errors=on_error("sorry"),
            ),
            action(
                "sorry",
                "MessageParticipant",
                {"Text": "Sorry: $.External.greeting"},
                NextAction="bye",
            ),
            action("bye", "DisconnectParticipant", {}),
        ],
    }


def messages(started: dict[str, Any], region: str = REGION, **client: Any) -> list[str]:
    """The SYSTEM messages of the chat, read as a chat client does (GetTranscript)."""
    participant = boto3.client("connectparticipant", region_name=region, **client)
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    items = participant.get_transcript(ConnectionToken=token, SortOrder="ASCENDING")["Transcript"]
    return [
        i["Content"] for i in items if i["Type"] == "MESSAGE" and i["ParticipantRole"] == "SYSTEM"
    ]


class Recorder:
    """A Lambda handler: records what it was called with, answers what it is told to."""

    def __init__(self, answer: Any = None, raises: BaseException | None = None) -> None:
        self.answer = {"tier": "gold", "greeting": "Hello Ann"} if answer is None else answer
        self.raises = raises
        self.calls: list[tuple[dict[str, Any], Any]] = []
        #: The context's remaining time when each call began.
        self.remaining: list[int] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.calls.append((event, context))
        self.remaining.append(context.get_remaining_time_in_millis())
        if self.raises is not None:
            raise self.raises
        return self.answer


@pytest.fixture
def recorder(connect: Any) -> Recorder:
    handler = Recorder()
    register_lambda(FUNCTION, handler)
    return handler


def test_the_handler_gets_the_documented_event_and_its_answer_is_external(
    connect: Any, iid: str, recorder: Recorder
) -> None:
    """[doc: Invoke AWS Lambda functions] "For every Lambda function invocation from a flow,
    you pass a default set of information related to ongoing contact, as well as any
    additional attributes defined in the Function input parameters section"; [doc:
    InvokeLambdaFunction] "If an error does not occur, the response's attributes are available
    dynamically under the $.External path." The answer drives a Compare and a message."""
    started = start(connect, iid, deploy(connect, iid, lambda_flow()), Attributes={"name": "Ann"})
    contact_id = started["ContactId"]

    assert [(s.action, s.branch, s.next_action) for s in log(contact_id)] == [
        ("lookup", "NextAction", "tier"),
        ("tier", "Condition[0] Equals 'gold'", "gold"),
        ("gold", "NextAction", "queue"),
        ("queue", "NextAction", "transfer"),
        ("transfer", "end", None),
    ]
    assert log(contact_id)[0].detail == "invoked lookup-customer: $.External holds tier, greeting"
    assert messages(started) == ["Hello Ann (gold)"]

    [(event, context)] = recorder.calls
    assert event["Name"] == "ContactFlowEvent"
    assert event["Details"]["Parameters"] == {"customer": "Ann", "source": "chat"}
    data = event["Details"]["ContactData"]
    instance_arn = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{iid}"
    assert data["ContactId"] == data["InitialContactId"] == data["PreviousContactId"] == contact_id
    assert (data["Channel"], data["InitiationMethod"], data["InstanceARN"]) == (
        "CHAT",
        "API",
        instance_arn,
    )
    assert data["Attributes"] == {"name": "Ann"}
    assert data["Queue"] is None  # no working queue yet
    assert context.function_name == "lookup-customer"
    assert context.invoked_function_arn == FUNCTION
    assert context.aws_request_id
    assert 0 < recorder.remaining[0] <= 8000
    contact = connect.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
    assert contact["QueueInfo"]["Id"] == "q-support"


def test_the_event_names_the_working_queue(connect: Any, iid: str, recorder: Recorder) -> None:
    """[doc: Invoke AWS Lambda functions] the request's ContactData holds the contact's
    "Queue" (its ARN and Name) once the flow has set a working queue."""
    flow = lambda_flow()
    flow["StartAction"] = "set"
    flow["Actions"].append(
        action("set", "UpdateContactTargetQueue", {"QueueId": "q-vip"}, NextAction="lookup")
    )
    start(connect, iid, deploy(connect, iid, flow))
    queue = recorder.calls[0][0]["Details"]["ContactData"]["Queue"]
    assert queue["ARN"] == f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{iid}/queue/q-vip"


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({"tier": {"level": "gold"}}, "'tier' is dict"),
        ({"ids": ["a", "b"]}, "'ids' is list"),
        ({"nothing": None}, "'nothing' is NoneType"),
        (["gold"], "must be a JSON object, not list"),
        ("gold", "must be a JSON object, not str"),
        (None, "must be a JSON object, not NoneType"),
        ({"big": "x" * (32 * 1024)}, "over the 32768 allowed"),
    ],
)
def test_an_answer_the_flow_cannot_take_takes_the_error_branch(
    connect: Any, iid: str, answer: Any, why: str
) -> None:
    """[doc: Invoke AWS Lambda functions] "If response validation is set to STRING_MAP, then
    the Lambda function should return a flat object of key/value pairs of the string type";
    "The Lambda response can be up to 32kb. If you fail to reach Lambda, the function throws an
    exception, the response is not understood, [...] the flow jumps to the Error label.\""""
    handler = Recorder()
    handler.answer = answer
    register_lambda(FUNCTION, handler)
    started = start(connect, iid, deploy(connect, iid, lambda_flow()))
    steps = log(started["ContactId"])
    assert (steps[0].branch, steps[0].next_action) == ("Error NoMatchingError", "sorry")
    assert why in steps[0].detail
    # A failed invocation leaves no $.External: the sorry block's reference resolves to "".
    assert steps[1].detail == "sent 'Sorry: '"


def test_numbers_and_booleans_read_as_text(connect: Any, iid: str) -> None:
    """The mock's decision (docs/fidelity.md): a flat answer's numbers and booleans are read as
    their JSON text, as a flow compares text."""
    register_lambda(FUNCTION, Recorder({"tier": "gold", "greeting": 42, "vip": True}))
    started = start(connect, iid, deploy(connect, iid, lambda_flow()))
    assert log(started["ContactId"])[2].detail == "sent '42 (gold)'"


def test_json_response_validation_takes_nested_answers(connect: Any, iid: str) -> None:
    """[doc: Invoke AWS Lambda functions] "if response validation is set to JSON, the Lambda
    function can return any valid JSON including nested JSON"; a nested value is read by its
    path ($.External.Name.First); "Referencing an array is not supported in a flow"."""
    register_lambda(
        FUNCTION,
        Recorder({"Name": {"First": "John"}, "OrderIds": ["x1"], "tier": "gold"}),
    )
    flow = lambda_flow(ResponseValidation={"ResponseType": "JSON"})
    flow["Actions"][2]["Parameters"]["Text"] = "Hi $.External.Name.First [$.External.OrderIds]"
    started = start(connect, iid, deploy(connect, iid, flow))
    assert log(started["ContactId"])[2].detail == "sent 'Hi John []'"


def test_an_exception_takes_the_error_branch(connect: Any, iid: str) -> None:
    """[doc: Invoke AWS Lambda functions] "If [...] the function throws an exception [...] the
    flow jumps to the Error label.\""""
    register_lambda(FUNCTION, Recorder(raises=KeyError("CustomerEndpoint")))
    started = start(connect, iid, deploy(connect, iid, lambda_flow()))
    step = log(started["ContactId"])[0]
    assert (step.branch, step.next_action) == ("Error NoMatchingError", "sorry")
    assert step.detail == "lookup-customer raised KeyError: 'CustomerEndpoint'"
    contact = connect.describe_contact(InstanceId=iid, ContactId=started["ContactId"])["Contact"]
    assert contact["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"  # the sorry path's end


def test_no_handler_registered_is_an_invocation_failure(connect: Any, iid: str) -> None:
    """[doc: Invoke AWS Lambda functions] "If you fail to reach Lambda [...] the flow jumps to
    the Error label": a function no handler answers is one the flow cannot reach."""
    started = start(connect, iid, deploy(connect, iid, lambda_flow()))
    step = log(started["ContactId"])[0]
    assert (step.branch, step.next_action) == ("Error NoMatchingError", "sorry")
    assert "no handler is registered for " + FUNCTION in step.detail


def test_a_handler_that_takes_too_long_times_out(connect: Any, iid: str) -> None:
    """[doc: InvokeLambdaFunction] InvocationTimeLimitSeconds: "The number of seconds to wait
    for a response from the AWS Lambda function"; [doc: Invoke AWS Lambda functions] "After this
    time, the contact routes down the Error branch." Forced: the handler waits for an event the
    test sets only after the flow went on; its late answer is dropped."""
    release = threading.Event()
    answered = threading.Event()

    def slow(event: dict[str, Any], context: Any) -> dict[str, str]:
        release.wait(30)
        answered.set()
        return {"tier": "gold", "greeting": "too late"}

    register_lambda(FUNCTION, slow)
    flow = lambda_flow(InvocationTimeLimitSeconds=1)
    try:
        started = start(connect, iid, deploy(connect, iid, flow))
    finally:
        release.set()
    assert answered.wait(30)
    steps = log(started["ContactId"])
    assert (steps[0].branch, steps[0].next_action) == ("Error NoMatchingError", "sorry")
    assert steps[0].detail == "lookup-customer did not answer within 1 s"
    assert [s.action for s in steps] == ["lookup", "sorry", "bye"]
    assert steps[1].detail == "sent 'Sorry: '"


def test_the_handler_runs_outside_the_lock_and_may_call_the_mock(connect: Any, iid: str) -> None:
    """No I/O and no foreign code under a state lock: the handler runs while no thread holds
    the backend's lock (another thread takes it at once), so it may call Connect itself, as
    Lambdas do (UpdateContactAttributes from the handler, seen by the flow's next block)."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    free: list[bool] = []

    def calls_back(event: dict[str, Any], context: Any) -> dict[str, str]:
        free.append(backend.lock.acquire(blocking=False))
        if free[-1]:
            backend.lock.release()
        data = event["Details"]["ContactData"]
        client = boto3.client("connect", region_name=REGION)
        client.update_contact_attributes(
            InstanceId=iid, InitialContactId=data["ContactId"], Attributes={"looked_up": "yes"}
        )
        return {"tier": "gold", "greeting": "Welcome back"}

    register_lambda(FUNCTION, calls_back)
    flow = lambda_flow()
    flow["Actions"][2]["Parameters"]["Text"] = "$.External.greeting ($.Attributes.looked_up)"
    started = start(connect, iid, deploy(connect, iid, flow))
    assert free == [True]
    assert log(started["ContactId"])[2].detail == "sent 'Welcome back (yes)'"


def test_a_chat_that_ends_during_the_call_drops_the_answer(connect: Any, iid: str) -> None:
    """A chat that ended while its Lambda ran runs no more blocks [doc: StopContact: "Ends the
    specified contact"]: the answer is dropped and the log says so."""

    def stops(event: dict[str, Any], context: Any) -> dict[str, str]:
        contact_id = event["Details"]["ContactData"]["ContactId"]
        boto3.client("connect", region_name=REGION).stop_contact(
            ContactId=contact_id, InstanceId=iid
        )
        return {"tier": "gold", "greeting": "Hello"}

    register_lambda(FUNCTION, stops)
    started = start(connect, iid, deploy(connect, iid, lambda_flow()))
    assert [(s.action, s.branch, s.next_action) for s in log(started["ContactId"])] == [
        ("lookup", "end", None)
    ]
    assert "the chat ended meanwhile" in log(started["ContactId"])[0].detail


def test_external_is_the_last_functions_answer(connect: Any, iid: str) -> None:
    """[doc: Invoke AWS Lambda functions] "When you use an external reference to a response
    from a Lambda function, the reference will always receive the response from the most
    recently invoked function." A qualified ARN (an alias) reaches the handler registered for
    the function."""
    second = FUNCTION.replace("lookup-customer", "greet") + ":live"
    register_lambda(FUNCTION, Recorder({"tier": "gold", "greeting": "first"}))
    register_lambda(second.rsplit(":", 1)[0], Recorder({"greeting": "second"}))
    flow = lambda_flow()
    flow["Actions"].append(
        action(
            "again",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": second},
            NextAction="standard",
            Errors=on_error("sorry"),
        )
    )
    flow["Actions"][2]["Transitions"]["NextAction"] = "again"
    started = start(connect, iid, deploy(connect, iid, flow))
    steps = log(started["ContactId"])
    assert [s.detail for s in steps if s.action_type == "MessageParticipant"] == [
        "sent 'first (gold)'",
        "sent 'second'",
    ]


def test_a_function_of_another_region(connect: Any, iid: str) -> None:
    """[doc: Invoke AWS Lambda functions] "if the Lambda function is in a different Region, you
    can add it to your flow": the handler is found by the ARN's own account and region."""
    other = f"arn:aws:lambda:eu-west-2:{ACCOUNT}:function:lookup-customer"
    register_lambda(other, Recorder())
    flow = lambda_flow(LambdaFunctionARN=other)
    started = start(connect, iid, deploy(connect, iid, flow))
    assert log(started["ContactId"])[0].branch == "NextAction"


def test_asynchronous_invocation_is_refused_by_name(connect: Any, iid: str) -> None:
    """[doc: block "AWS Lambda function"] "Asynchronous: The contact is routed to the next block
    without waiting for the Lambda to complete. You can configure Wait block to wait for a
    Lambda": not emulated, so a flow using it is refused by name when it starts."""
    flow_id = deploy(connect, iid, lambda_flow(InvocationType="ASYNCHRONOUS"))
    expect_error(
        lambda: start(connect, iid, flow_id),
        "InvalidRequestException",
        400,
        "InvokeLambdaFunction with InvocationType ASYNCHRONOUS",
    )


def test_register_lambda_wants_a_function_arn(connect: Any) -> None:
    """A handler is registered for a Lambda function ARN (it names the account and region the
    function lives in): anything else is refused at once."""
    with pytest.raises(ValueError, match="is not a Lambda function ARN"):
        register_lambda("lookup-customer", Recorder())


def test_moto_reset_forgets_the_handlers() -> None:
    """Handlers are state of the mock: the next mock starts with none registered."""
    with mock_connect_persistent():
        register_lambda(FUNCTION, Recorder())
    with mock_connect_persistent():
        connect = boto3.client("connect", region_name=REGION)
        iid = make_instance(connect)
        started = start(connect, iid, deploy(connect, iid, lambda_flow()))
        assert "no handler is registered" in log(started["ContactId"])[0].detail


def test_a_slow_lambda_a_timer_resumed_holds_no_other_chats_timer(connect: Any, iid: str) -> None:
    """The scheduler's thread fires due timers one at a time, in due order; a flow that a
    Wait's timer resumed into InvokeLambdaFunction waits for the function up to its
    InvocationTimeLimitSeconds ("The number of seconds to wait for a response from the AWS
    Lambda function" [doc: InvokeLambdaFunction]). That wait is the chat's alone: another
    chat whose Wait falls due meanwhile goes on at once. Forced: the handler blocks until
    the other chat's flow has gone on."""
    release, called = threading.Event(), threading.Event()

    def slow(event: dict[str, Any], context: Any) -> dict[str, str]:
        called.set()
        release.wait(20)
        return {"tier": "gold", "greeting": "Hello"}

    register_lambda(FUNCTION, slow)
    first = lambda_flow()
    waits_then_calls = flow(
        "wait",
        wait("wait", {"TimeoutSeconds": "60"}, WaitCompleted="lookup", error="bye"),
        *first["Actions"],
    )
    waits_then_talks = flow(
        "wait",
        wait("wait", {"TimeoutSeconds": "61"}, WaitCompleted="talk", error="bye"),
        say("talk", "Still here for you.", "end"),
        *QUEUE,
        BYE,
    )
    calling = start(connect, iid, deploy(connect, iid, waits_then_calls))["ContactId"]
    talking = start(connect, iid, deploy(connect, iid, waits_then_talks, "Other"))["ContactId"]
    clock.advance(62)  # the clock moves; the scheduler's thread fires both Waits
    try:
        assert called.wait(20), "the first chat's Wait did not fire"
        deadline = time.monotonic() + 5
        while "talk" not in [s.action for s in log(talking)] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "talk" in [s.action for s in log(talking)], "held behind the other chat's Lambda"
        assert "lookup" not in [s.action for s in log(calling)]  # its handler still runs
    finally:
        release.set()
    deadline = time.monotonic() + 20
    while "lookup" not in [s.action for s in log(calling)] and time.monotonic() < deadline:
        time.sleep(0.02)
    steps = [(s.action, s.next_action) for s in log(calling)]
    assert steps[steps.index(("lookup", "tier")) - 1] == ("wait", "lookup")
