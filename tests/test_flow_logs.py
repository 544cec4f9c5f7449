"""What ran is visible: the public run log (``flow_log``) and the flow logs Connect writes to
CloudWatch Logs (instance setting "Enable flow logs" plus a Set logging behavior block).

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest
from moto.logs.models import LogsBackend
from support import ACCOUNT, REGION, action, expect_error

from moto_connect_persistent import (
    FlowStep,
    SeedingError,
    advance_clock,
    chat_session,
    connect_persistent_backends,
    flow_log,
    register_lambda,
)
from moto_connect_persistent.flow_language import ACTIONS
from moto_connect_persistent.flow_logs import MODULES

ALIAS = "acme-support"
GROUP = f"/aws/connect/{ALIAS}"


def logging_block(identifier: str, behavior: str, following: str) -> Any:
    return action(
        identifier,
        "UpdateFlowLoggingBehavior",
        {"FlowLoggingBehavior": behavior},
        NextAction=following,
    )


def say(identifier: str, text: str, following: str) -> Any:
    return action(identifier, "MessageParticipant", {"Text": text}, NextAction=following)


def flow_of(*actions: Any) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": actions[0]["Identifier"], "Actions": actions}


def logged_flow() -> dict[str, Any]:
    """Turn logging on, greet by name, mark the tier, end the chat."""
    return flow_of(
        logging_block("log-on", "Enabled", "greet"),
        say("greet", "Hello $.Attributes.name", "tier"),
        action(
            "tier",
            "UpdateContactAttributes",
            {"Attributes": {"tier": "gold", "seen": "yes"}},
            NextAction="bye",
        ),
        action("bye", "DisconnectParticipant", {}),
    )


@pytest.fixture
def logs(connect: Any) -> Any:
    return boto3.client("logs", region_name=REGION)


@pytest.fixture
def instance(connect: Any) -> str:
    """An instance with an alias, as the console makes them (the log group is named by it)."""
    made: str = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=ALIAS,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    return made


def enable_flow_logs(connect: Any, instance_id: str) -> None:
    connect.update_instance_attribute(
        InstanceId=instance_id, AttributeType="CONTACTFLOW_LOGS", Value="true"
    )


def deploy(connect: Any, instance_id: str, flow: dict[str, Any], name: str = "Inbound") -> str:
    flow_id: str = connect.create_contact_flow(
        InstanceId=instance_id, Name=name, Type="CONTACT_FLOW", Content=json.dumps(flow)
    )["ContactFlowId"]
    return flow_id


def start(connect: Any, instance_id: str, flow_id: str, **extra: Any) -> str:
    contact_id: str = connect.start_chat_contact(
        InstanceId=instance_id,
        ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Ann"},
        **extra,
    )["ContactId"]
    return contact_id


def entries(logs: Any, contact_id: str | None = None) -> list[dict[str, Any]]:
    """The flow log entries of the group (of one contact), oldest first, read with boto3."""
    events = logs.filter_log_events(logGroupName=GROUP)["events"]
    found = [json.loads(event["message"]) for event in events]
    return [e for e in found if contact_id is None or e["ContactId"] == contact_id]


# ---------------------------------------------------------------------- the public run log


def test_flow_log_shows_every_block_a_chat_ran(connect: Any, instance: str) -> None:
    """[doc: Admin Guide, flow logs] "Log entries for contact flows include details about the
    block associated with the log entry, the contact ID, and the action taken after the steps
    in the block were completed": the run log has each block, typed, whatever the logging."""
    flow_id = deploy(connect, instance, logged_flow())
    contact_id = start(connect, instance, flow_id, Attributes={"name": "Bo"})

    steps = flow_log(contact_id)
    assert all(isinstance(step, FlowStep) for step in steps)
    assert [(s.flow_id, s.action, s.action_type, s.branch, s.next_action) for s in steps] == [
        (flow_id, "log-on", "UpdateFlowLoggingBehavior", "NextAction", "greet"),
        (flow_id, "greet", "MessageParticipant", "NextAction", "tier"),
        (flow_id, "tier", "UpdateContactAttributes", "NextAction", "bye"),
        (flow_id, "bye", "DisconnectParticipant", "end", None),
    ]
    assert steps[1].detail == "sent 'Hello Bo'"


def test_flow_log_of_a_contact_no_flow_ran_is_empty(connect: Any, instance: str) -> None:
    """A chat whose ContactFlowId names no stored flow ran nothing: an empty log."""
    assert flow_log(start(connect, instance, "not-a-stored-flow")) == []


def test_flow_log_refuses_a_contact_it_does_not_know(connect: Any, instance: str) -> None:
    """A wrong contact id, region or account is an error, never an empty log that reads as
    "no flow ran"."""
    contact_id = start(connect, instance, deploy(connect, instance, logged_flow()))
    with pytest.raises(SeedingError, match="ResourceNotFoundException"):
        flow_log("no-such-contact")
    with pytest.raises(SeedingError, match="eu-west-1"):
        flow_log(contact_id, region_name="eu-west-1")


# ---------------------------------------------------------------------- instance attributes


def test_instance_attributes_round_trip(connect: Any, instance: str) -> None:
    """[doc: UpdateInstanceAttribute] "Updates the value for the specified attribute type";
    [doc: DescribeInstanceAttribute] "Describes the specified instance attribute". Flow logs
    start off (docs/fidelity.md); INBOUND_CALLS is the instance's InboundCallsEnabled."""

    def value(kind: str) -> str:
        attribute = connect.describe_instance_attribute(InstanceId=instance, AttributeType=kind)
        assert attribute["Attribute"]["AttributeType"] == kind
        found: str = attribute["Attribute"]["Value"]
        return found

    assert value("CONTACTFLOW_LOGS") == "false"
    enable_flow_logs(connect, instance)
    assert value("CONTACTFLOW_LOGS") == "true"
    assert value("INBOUND_CALLS") == "true"
    connect.update_instance_attribute(
        InstanceId=instance, AttributeType="INBOUND_CALLS", Value="false"
    )
    assert value("INBOUND_CALLS") == "false"
    described = connect.describe_instance(InstanceId=instance)["Instance"]
    assert described["InboundCallsEnabled"] is False


def test_instance_attribute_errors(connect: Any, instance: str) -> None:
    """Bad input gets the codes the operations model: InvalidParameterException naming the
    field, ResourceNotFoundException for an unknown instance; nothing changes."""
    expect_error(
        lambda: connect.update_instance_attribute(
            InstanceId=instance, AttributeType="CONTACTFLOW_LOGS", Value="yes"
        ),
        "InvalidParameterException",
        400,
        "Value",
    )
    expect_error(
        lambda: connect.describe_instance_attribute(
            InstanceId="nope", AttributeType="CONTACTFLOW_LOGS"
        ),
        "ResourceNotFoundException",
        404,
        "nope",
    )
    expect_error(
        lambda: connect.update_instance_attribute(
            InstanceId="nope", AttributeType="CONTACTFLOW_LOGS", Value="true"
        ),
        "ResourceNotFoundException",
        404,
    )
    attribute = connect.describe_instance_attribute(
        InstanceId=instance, AttributeType="CONTACTFLOW_LOGS"
    )
    assert attribute["Attribute"]["Value"] == "false"


# ---------------------------------------------------------------------- flow logs in CloudWatch


def test_enabling_flow_logs_creates_the_instance_log_group(
    connect: Any, instance: str, logs: Any
) -> None:
    """[doc: Admin Guide, "Flow logs stored in an Amazon CloudWatch log group"] "Flow logs are
    stored in an Amazon CloudWatch log group in the same AWS Region as your Amazon Connect
    instance. This log group is created automatically when Enable flow logging is enabled for
    your instance" (the console shows /aws/connect/<instance alias>)."""
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/connect/")["logGroups"] == []
    enable_flow_logs(connect, instance)
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/connect/")["logGroups"]
    assert [group["logGroupName"] for group in groups] == [GROUP]
    enable_flow_logs(connect, instance)  # again: the group is kept, not made twice


def test_each_block_writes_an_entry_as_connect_does(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide] "After you enable logs for your instance, logs are generated only for
    contact flows that include a Set logging behavior block with logging set to enabled";
    "A log entry added as each block in your contact flow is triggered". An entry holds the
    contact id, the flow's ARN and name, the block's type and Identifier, a Timestamp and the
    block's Parameters, as Connect's entries do."""
    enable_flow_logs(connect, instance)
    flow_id = deploy(connect, instance, logged_flow(), name="Inbound chat")
    contact_id = start(connect, instance, flow_id, Attributes={"name": "Bo"})
    flow_arn = connect.describe_contact_flow(InstanceId=instance, ContactFlowId=flow_id)[
        "ContactFlow"
    ]["Arn"]

    found = entries(logs, contact_id)
    assert [(e["ContactFlowModuleType"], e["Identifier"], e["Parameters"]) for e in found] == [
        ("SetLoggingBehavior", "log-on", {"LoggingBehavior": "Enable"}),
        ("PlayPrompt", "greet", {"Text": "Hello Bo"}),
        ("SetAttributes", "tier", {"Key": "tier", "Value": "gold"}),
        ("SetAttributes", "tier", {"Key": "seen", "Value": "yes"}),
        ("Disconnect", "bye", {}),
    ]
    for entry in found:
        assert entry["ContactFlowId"] == flow_arn
        assert entry["ContactFlowName"] == "Inbound chat"
        assert entry["Timestamp"].endswith("Z") and len(entry["Timestamp"]) == 24
    # The contact id is how a team finds one chat's entries in the group.
    pattern = f'{{ $.ContactId = "{contact_id}" }}'
    matched = logs.filter_log_events(logGroupName=GROUP, filterPattern=pattern)["events"]
    assert len(matched) == len(found)


def test_no_entries_without_the_instance_setting(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide] "To start generating contact flow logs, enable contact flow logs for
    your Amazon Connect instance": a Set logging behavior block alone writes nothing."""
    contact_id = start(connect, instance, deploy(connect, instance, logged_flow()))
    assert len(flow_log(contact_id)) == 4  # the flow ran
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/connect/")["logGroups"] == []


def test_no_entries_without_a_set_logging_behavior_block(
    connect: Any, instance: str, logs: Any
) -> None:
    """[doc: Admin Guide] "However, to enable logging, you also need to add a Set logging
    behavior block to your flow": the instance setting alone writes nothing."""
    enable_flow_logs(connect, instance)
    flow = flow_of(say("greet", "Hi", "bye"), action("bye", "DisconnectParticipant", {}))
    start(connect, instance, deploy(connect, instance, flow))
    assert entries(logs) == []


def test_a_disabling_block_stops_the_entries(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide] "You can control which flows, or parts of flows, logs are generated
    for by including multiple Set logging behavior blocks and setting logging to enabled or
    disabled as desired": blocks after a Disabled one write nothing (nor does that block),
    until one enables logging again."""
    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "public"),
        say("public", "Your order shipped", "off"),
        logging_block("off", "Disabled", "secret"),
        say("secret", "Your card ends in 4242", "on-again"),
        logging_block("on-again", "Enabled", "end"),
        action("end", "EndFlowExecution", {}),
    )
    contact_id = start(connect, instance, deploy(connect, instance, flow))
    assert [e["Identifier"] for e in entries(logs, contact_id)] == [
        "on",
        "public",
        "on-again",
        "end",
    ]


def test_logging_carries_into_the_flow_transferred_to(
    connect: Any, instance: str, logs: Any
) -> None:
    """[doc: Admin Guide] "When you use a Set logging behavior block to enable or disable
    logging for a flow, logging is also enabled or disabled for any subsequent flow that a
    contact is transferred to, even if the flow does not include a Set logging behavior
    block"; the entries name the flow each block belongs to."""
    enable_flow_logs(connect, instance)
    second = deploy(
        connect,
        instance,
        flow_of(
            say("second-hi", "Welcome to billing", "bye"), action("bye", "EndFlowExecution", {})
        ),
        name="Billing",
    )
    first = flow_of(
        logging_block("on", "Enabled", "go"),
        action("go", "TransferToFlow", {"ContactFlowId": second}),
    )
    main = deploy(connect, instance, first, name="Main")
    contact_id = start(connect, instance, main)
    assert [(e["ContactFlowName"], e["Identifier"]) for e in entries(logs, contact_id)] == [
        ("Main", "on"),
        ("Main", "go"),
        ("Billing", "second-hi"),
        ("Billing", "bye"),
    ]
    # The run log says the same: the TransferToFlow block is Main's, the next ones Billing's.
    assert [(s.flow_id, s.action) for s in flow_log(contact_id)] == [
        (main, "on"),
        (main, "go"),
        (second, "second-hi"),
        (second, "bye"),
    ]


def test_an_error_branch_shows_as_results_error(connect: Any, instance: str, logs: Any) -> None:
    """An entry of a block that took its error branch says ``"Results": "Error"``, the field
    teams filter on [doc: Admin Guide, "Create alerts for contact flow log events": "you can
    set an alert for when a contact flow block goes down an error path"]."""
    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "queue"),
        action(
            "queue",
            "TransferContactToQueue",
            {},
            Errors=[{"ErrorType": "NoMatchingError", "NextAction": "bye"}],
        ),
        action("bye", "DisconnectParticipant", {}),
    )
    contact_id = start(connect, instance, deploy(connect, instance, flow))
    by_block = {e["Identifier"]: e for e in entries(logs, contact_id)}
    assert by_block["queue"]["ContactFlowModuleType"] == "Transfer"
    assert by_block["queue"]["Results"] == "Error"
    assert "Results" not in by_block["bye"]


def test_a_deleted_log_group_gets_no_more_entries(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide] "What happens if my log group gets deleted? You must manually
    recreate the CloudWatch log group. Otherwise, no further logs are published by Amazon
    Connect." Recreated, it gets the entries again."""
    enable_flow_logs(connect, instance)
    flow_id = deploy(connect, instance, logged_flow())
    logs.delete_log_group(logGroupName=GROUP)
    start(connect, instance, flow_id)
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/connect/")["logGroups"] == []
    logs.create_log_group(logGroupName=GROUP)
    contact_id = start(connect, instance, flow_id)
    assert len(entries(logs, contact_id)) == 5


def test_entries_are_written_outside_the_chat_lock(
    connect: Any, instance: str, logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's PutLogEvents hands events to the group's subscription filters (a Lambda,
    Kinesis, Firehose) on the calling thread: the chat's lock is never held while it runs
    (ARCHITECTURE.md: no I/O under a state lock). Checked inside the write itself: another
    thread can take the lock."""

    enable_flow_logs(connect, instance)
    lock = connect_persistent_backends[ACCOUNT][REGION].lock
    free: list[bool] = []
    original = LogsBackend.put_log_events

    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        outcome: list[bool] = []

        def try_lock() -> None:
            taken = lock.acquire(blocking=False)
            outcome.append(taken)
            if taken:
                lock.release()

        other = threading.Thread(target=try_lock)
        other.start()
        other.join()
        free.extend(outcome)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LogsBackend, "put_log_events", watched)
    start(connect, instance, deploy(connect, instance, logged_flow()))
    assert free == [True] * 4  # one PutLogEvents per block (Set contact attributes: 2 entries)


def test_a_logging_block_takes_no_error_transitions(connect: Any, instance: str) -> None:
    """[doc: Flow language, UpdateFlowLoggingBehavior] "Errors: None." and "No conditions are
    supported": a flow giving it Errors is refused when published."""
    flow = flow_of(
        action(
            "on",
            "UpdateFlowLoggingBehavior",
            {"FlowLoggingBehavior": "Enabled"},
            NextAction="bye",
            Errors=[{"ErrorType": "NoMatchingError", "NextAction": "bye"}],
        ),
        action("bye", "DisconnectParticipant", {}),
    )
    with pytest.raises(connect.exceptions.InvalidContactFlowException) as refused:
        deploy(connect, instance, flow)
    assert "not an error of UpdateFlowLoggingBehavior" in str(refused.value.response)


# ---------------------------------------------------------------------- server mode


def test_flow_log_and_flow_logs_over_a_real_server(connect_server_url: str) -> None:
    """Server mode: the run log is read over HTTP (``endpoint_url=``), and the entries are in
    the server's CloudWatch Logs, where a boto3 ``logs`` client pointed at it reads them."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    logs = boto3.client("logs", region_name=REGION, endpoint_url=connect_server_url)
    instance = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=ALIAS,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    enable_flow_logs(connect, instance)
    contact_id = start(
        connect, instance, deploy(connect, instance, logged_flow()), Attributes={"name": "Cy"}
    )

    steps = flow_log(contact_id, endpoint_url=connect_server_url)
    assert [step.action for step in steps] == ["log-on", "greet", "tier", "bye"]
    assert steps[1].detail == "sent 'Hello Cy'"
    assert [e["Identifier"] for e in entries(logs, contact_id)] == [
        "log-on",
        "greet",
        "tier",
        "tier",
        "bye",
    ]
    with pytest.raises(SeedingError, match="ResourceNotFoundException"):
        flow_log("no-such-contact", endpoint_url=connect_server_url)


def test_a_disconnect_segment_inherits_the_flow_logging(
    connect: Any, instance: str, logs: Any
) -> None:
    """[doc: Flow language, UpdateFlowLoggingBehavior] "this same behavior remains unless it
    is overridden for the rest of the contact segment. It is also automatically inherited by
    new segments in the chain": the disconnect flow (a survey with no Set logging behavior
    block) logs in the DISCONNECT segment the agent's leaving starts; the customer's answer
    resumes its Wait, and that call's entries are in CloudWatch when it answers."""

    enable_flow_logs(connect, instance)
    survey = deploy(
        connect,
        instance,
        flow_of(
            say("ask", "How did we do?", "wait"),
            action(
                "wait",
                "Wait",
                {"Events": ["CustomerReturned"], "TimeoutSeconds": "300"},
                Conditions=[
                    {
                        "NextAction": "bye",
                        "Condition": {"Operator": "Equals", "Operands": [result]},
                    }
                    for result in ("CustomerReturned", "WaitCompleted")
                ],
            ),
            action("bye", "DisconnectParticipant", {}),
        ),
        name="Survey",
    )
    survey_arn = connect.describe_contact_flow(InstanceId=instance, ContactFlowId=survey)[
        "ContactFlow"
    ]["Arn"]
    inbound = flow_of(
        logging_block("on", "Enabled", "hooks"),
        action(
            "hooks",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerRemaining": survey_arn}},
            NextAction="queue",
        ),
        action("queue", "UpdateContactTargetQueue", {"QueueId": "q-1"}, NextAction="go"),
        action("go", "TransferContactToQueue", {}),
    )
    started = connect.start_chat_contact(
        InstanceId=instance,
        ContactFlowId=deploy(connect, instance, inbound),
        ParticipantDetails={"DisplayName": "Ann"},
    )
    contact_id = started["ContactId"]
    instance_arn = connect.describe_instance(InstanceId=instance)["Instance"]["Arn"]
    by_block = {e["Identifier"]: e for e in entries(logs, contact_id)}
    assert by_block["queue"]["Parameters"] == {"Queue": f"{instance_arn}/queue/q-1"}
    assert by_block["go"]["ContactFlowModuleType"] == "Transfer"
    assert by_block["hooks"]["ContactFlowModuleType"] == "SetEventHook"
    assert by_block["hooks"]["Parameters"] == {
        "Type": "CustomerRemaining",
        "ContactFlowId": survey_arn,
    }

    session = chat_session(instance, contact_id)
    session.connect_agent("a1")
    session.disconnect_agent()
    segment = session.current_contact_id
    assert [(e["ContactFlowName"], e["Identifier"]) for e in entries(logs, segment)] == [
        ("Survey", "ask"),
        ("Survey", "wait"),
    ]

    participant = boto3.client("connectparticipant", region_name=REGION)
    connection = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=connection, ContentType="text/plain", Content="5")
    assert [e["Identifier"] for e in entries(logs, segment)][-2:] == ["wait", "bye"]


def test_list_instance_attributes_pages_every_type(connect: Any, instance: str) -> None:
    """[doc: ListInstanceAttributes] "Returns a paginated list of all attribute types for the
    given instance" (MaxResults 1 to 7): every AttributeType of the model, with its value."""
    enable_flow_logs(connect, instance)
    listed: list[dict[str, str]] = []
    paginator = connect.get_paginator("list_instance_attributes")
    for page in paginator.paginate(InstanceId=instance, PaginationConfig={"PageSize": 3}):
        assert len(page["Attributes"]) <= 3
        listed += page["Attributes"]
    kinds = connect.meta.service_model.shape_for("InstanceAttributeType").enum
    assert [a["AttributeType"] for a in listed] == kinds
    values = {a["AttributeType"]: a["Value"] for a in listed}
    assert values["CONTACTFLOW_LOGS"] == "true" and values["INBOUND_CALLS"] == "true"
    assert values["CONTACT_LENS"] == "false"


def test_an_instance_without_an_alias_logs_under_its_id(connect: Any, logs: Any) -> None:
    """moto makes instances without an InstanceAlias; their flow log group is named by the
    instance id in the alias's place (docs/fidelity.md)."""
    bare: str = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    enable_flow_logs(connect, bare)
    contact_id = start(connect, bare, deploy(connect, bare, logged_flow()))
    events = logs.filter_log_events(logGroupName=f"/aws/connect/{bare}")["events"]
    assert {json.loads(e["message"])["ContactId"] for e in events} == {contact_id}


def test_a_slow_log_write_holds_up_no_other_call(
    connect: Any, instance: str, logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subscription filter that is slow (a Lambda) slows only the call whose flow wrote the
    entry: another chat's StartChatContact, meanwhile, runs its flow and answers with its own
    entries already in CloudWatch. Forced: the first chat's first write waits until the
    second chat's call has answered and been checked."""

    enable_flow_logs(connect, instance)
    flow_id = deploy(connect, instance, logged_flow())
    original = LogsBackend.put_log_events
    first_writer = threading.Event()
    release = threading.Event()
    slow_thread: list[int] = []

    def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not slow_thread:
            slow_thread.append(threading.get_ident())
        if threading.get_ident() == slow_thread[0]:
            first_writer.set()
            assert release.wait(30), "the other call never answered"
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LogsBackend, "put_log_events", slow)
    slow_contact: list[str] = []

    def slow_chat() -> None:
        client = boto3.client("connect", region_name=REGION)
        slow_contact.append(start(client, instance, flow_id))

    other = threading.Thread(target=slow_chat)
    other.start()
    try:
        assert first_writer.wait(30)
        contact_id = start(connect, instance, flow_id)
        assert len(entries(logs, contact_id)) == 5  # written before its call answered
    finally:
        release.set()
        other.join(30)
    assert len(entries(logs, slow_contact[0])) == 5


def test_entries_past_cloudwatchs_window_are_refused_loudly(
    connect: Any, instance: str, logs: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Entries carry the mock's clock. CloudWatch (and moto's) refuses events more than 2
    hours ahead of its own clock, so after advance_clock(3 h) a Wait's end is refused: logged
    as a warning naming the group, never lost silently (docs/fidelity.md)."""

    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "wait"),
        action(
            "wait",
            "Wait",
            {"TimeoutSeconds": "10800"},
            Conditions=[
                {
                    "NextAction": "bye",
                    "Condition": {"Operator": "Equals", "Operands": ["WaitCompleted"]},
                }
            ],
        ),
        action("bye", "DisconnectParticipant", {}),
    )
    contact_id = start(connect, instance, deploy(connect, instance, flow))
    assert [e["Identifier"] for e in entries(logs, contact_id)] == ["on", "wait"]
    with caplog.at_level("WARNING", logger="moto_connect_persistent.flow_logs"):
        advance_clock(10800)
    assert [s.action for s in flow_log(contact_id)][-2:] == ["wait", "bye"]
    assert [e["Identifier"] for e in entries(logs, contact_id)] == ["on", "wait"]
    assert any(GROUP in record.getMessage() for record in caplog.records)


def test_a_lambda_block_logs_its_external_results(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide, flow logs] "If you use Amazon Lex or AWS Lambda in your contact
    flows, the logs show the entry and exit of the contact flow going to them, and include any
    information about the interaction that is sent or received": the InvokeLambdaFunction
    block's entry (``InvokeExternalResource``) holds what the function answered, as
    ``ExternalResults``."""

    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:lookup-customer"
    register_lambda(function, lambda event, context: {"tier": "gold"})
    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "lookup"),
        action(
            "lookup",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": function, "InvocationTimeLimitSeconds": "3"},
            NextAction="bye",
            Errors=[{"ErrorType": "NoMatchingError", "NextAction": "bye"}],
        ),
        action("bye", "DisconnectParticipant", {}),
    )
    contact_id = start(connect, instance, deploy(connect, instance, flow))
    by_block = {e["Identifier"]: e for e in entries(logs, contact_id)}
    lookup = by_block["lookup"]
    assert lookup["ContactFlowModuleType"] == "InvokeExternalResource"
    assert lookup["ExternalResults"] == {"tier": "gold"}
    assert lookup["Parameters"]["LambdaFunctionARN"] == function
    assert "Results" not in lookup


def test_every_action_the_engine_runs_has_a_flow_log_module() -> None:
    """[doc: Admin Guide, flow logs] "A log entry added as each block in your contact flow is
    triggered": every action type the engine runs (its flow_language row says ``runs``) has
    its ``ContactFlowModuleType`` in ``flow_logs.MODULES``, so no block it runs goes
    unlogged; no entry is kept for a type it does not run."""

    running = {name for name, row in ACTIONS.items() if row.runs}
    assert set(MODULES) == running, (running - set(MODULES), set(MODULES) - running)


def test_a_loop_block_logs_its_count_as_it_ran(connect: Any, instance: str, logs: Any) -> None:
    """[doc: Admin Guide, flow logs] entries hold "details about the block associated with the
    log entry": a Loop block (``Loop``) writes an entry each time it runs, its ``LoopCount``
    read from the flow's data as the block ran; a Set flow attributes block
    (``SetFlowAttributes``) writes one entry per attribute, as Set contact attributes does."""
    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "note"),
        action(
            "note",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"greeting": {"Value": "Hi $.Attributes.name"}}},
            NextAction="tries",
        ),
        action(
            "tries",
            "Loop",
            {"LoopCount": "$.Attributes.tries"},
            Conditions=[
                {
                    "NextAction": "again",
                    "Condition": {"Operator": "Equals", "Operands": ["ContinueLooping"]},
                },
                {
                    "NextAction": "bye",
                    "Condition": {"Operator": "Equals", "Operands": ["DoneLooping"]},
                },
            ],
            Errors=[{"ErrorType": "NoMatchingError", "NextAction": "bye"}],
        ),
        say("again", "again", "tries"),
        action("bye", "DisconnectParticipant", {}),
    )
    contact_id = start(
        connect, instance, deploy(connect, instance, flow), Attributes={"tries": "2", "name": "Bo"}
    )
    found = entries(logs, contact_id)
    loops = [e for e in found if e["Identifier"] == "tries"]
    assert [e["ContactFlowModuleType"] for e in loops] == ["Loop"] * 3
    assert all(e["Parameters"] == {"LoopCount": "2"} for e in loops)
    assert all("Results" not in e for e in loops)
    noted = [e for e in found if e["Identifier"] == "note"]
    assert [(e["ContactFlowModuleType"], e["Parameters"]) for e in noted] == [
        ("SetFlowAttributes", {"Key": "greeting", "Value": "Hi Bo"})
    ]


def test_contact_tag_and_routing_blocks_log_what_they_set(
    connect: Any, instance: str, logs: Any
) -> None:
    """[doc: Admin Guide, flow logs] entries hold "details about the block associated with the
    log entry": a Contact tags block (``TagContact``) logs the tags it set, references
    resolved; a Change routing priority / age block (``ChangeRoutingPriority``) its priority;
    a Set contact data block (``SetContactData``) the data."""
    enable_flow_logs(connect, instance)
    flow = flow_of(
        logging_block("on", "Enabled", "tag"),
        action("tag", "TagContact", {"Tags": {"tier": "$.Attributes.tier"}}, NextAction="route"),
        action("route", "UpdateContactRoutingBehavior", {"QueuePriority": "2"}, NextAction="data"),
        action("data", "UpdateContactData", {"Name": "Order $.Attributes.order"}, NextAction="bye"),
        action("bye", "DisconnectParticipant", {}),
    )
    contact_id = start(
        connect,
        instance,
        deploy(connect, instance, flow),
        Attributes={"tier": "gold", "order": "7"},
    )
    by_block = {e["Identifier"]: e for e in entries(logs, contact_id)}
    assert (by_block["tag"]["ContactFlowModuleType"], by_block["tag"]["Parameters"]) == (
        "TagContact",
        {"Tags": {"tier": "gold"}},
    )
    assert (by_block["route"]["ContactFlowModuleType"], by_block["route"]["Parameters"]) == (
        "ChangeRoutingPriority",
        {"QueuePriority": "2"},
    )
    assert (by_block["data"]["ContactFlowModuleType"], by_block["data"]["Parameters"]) == (
        "SetContactData",
        {"Name": "Order 7"},
    )
