"""Flows in the shape the Connect console exports them, and IaC templates deploy them.

An audit ran the mock against chat flows exported from the console and kept in public
repositories (CloudFormation, Terraform and sample exports); each test here writes a flow in
the same shape as one of them (its own identifiers and texts, none copied) and checks what the
audit found the mock did wrong: a reference form the Admin Guide documents that the validator
refused or the engine did not resolve.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from support import ACCOUNT, REGION, action
from test_flow_engine import deploy, log, on_error, start

from moto_connect_persistent import chat_session, register_lambda


def when(target: str, operand: str) -> dict[str, Any]:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [operand]}}


def exported(start_action: str, *actions: Any) -> dict[str, Any]:
    """A document as the console exports it: Metadata with the designer's positions and
    friendly names beside the actions (the service keeps it, the run ignores it)."""
    return {
        "Version": "2019-10-30",
        "StartAction": start_action,
        "Metadata": {
            "entryPointPosition": {"x": 40, "y": 40},
            "ActionMetadata": {
                block["Identifier"]: {"position": {"x": 200 * n, "y": 40}, "isFriendlyName": True}
                for n, block in enumerate(actions)
            },
            "Annotations": [],
            "name": "Exported chat flow",
            "description": "",
            "type": "contactFlow",
            "status": "published",
            "hash": {},
        },
        "Actions": list(actions),
    }


def HOLD(identifier: str) -> list[Any]:  # noqa: N802
    """The flow's last block: wait a minute before disconnecting, so the customer's connection
    still reads the transcript."""
    return [
        action(
            identifier,
            "Wait",
            {"TimeLimitSeconds": "60"},
            Conditions=[when("Gone", "WaitCompleted")],
            Errors=on_error("Gone"),
        ),
        action("Gone", "DisconnectParticipant", {}),
    ]


def transcript_texts(started: dict[str, Any]) -> list[str]:
    participant = boto3.client("connectparticipant", region_name=REGION)
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    items = participant.get_transcript(ConnectionToken=token, SortOrder="ASCENDING")["Transcript"]
    return [item["Content"] for item in items if item.get("ParticipantRole") == "SYSTEM"]


ORDERS = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:order-lookup"


def bracketed_names_flow() -> dict[str, Any]:
    return exported(
        "Look up",
        action(
            "Look up",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": ORDERS, "InvocationTimeLimitSeconds": "3"},
            NextAction="Say order",
            Errors=on_error("Done"),
        ),
        action(
            "Say order",
            "MessageParticipant",
            {"Text": "Order \" $.External.['order number'] \" is noted."},
            NextAction="Check plan",
            Errors=on_error("Check plan"),
        ),
        action(
            "Check plan",
            "Compare",
            {"ComparisonValue": "$.Attributes.['plan']"},
            NextAction="Done",
            Conditions=[when("Priority", "gold")],
            Errors=on_error("Done", "NoMatchingCondition"),
        ),
        action(
            "Priority",
            "UpdateContactAttributes",
            {"Attributes": {"route": "$['External']['desk name']"}, "TargetContact": "Current"},
            NextAction="Done",
            Errors=on_error("Done"),
        ),
        *HOLD("Done"),
    )


def test_names_in_brackets_after_a_dot_are_accepted_and_resolved(connect: Any, iid: str) -> None:
    """[doc: How to reference contact attributes] "To reference attributes that contain special
    characters in their name, such as spaces, place brackets and single quotations around the
    attribute name. For example: $.Attributes.['user attribute name']." The console exports
    that form (a Lex bot's session attribute read as $.Lex.SessionAttributes.['key'] in a
    message): CreateContactFlow takes it where a single JSONPath identifier is asked for
    (Compare's ComparisonValue), and the run reads the value it names, in a message's text
    too, as it reads $['External']['desk name']."""
    register_lambda(ORDERS, lambda event, context: {"order number": "A-17", "desk name": "VIP"})
    flow_id = deploy(connect, iid, bracketed_names_flow())
    started = start(connect, iid, flow_id, Attributes={"plan": "gold"})

    steps = log(started["ContactId"])
    assert [(s.action, s.branch) for s in steps] == [
        ("Look up", "NextAction"),
        ("Say order", "NextAction"),
        ("Check plan", "Condition[0] Equals 'gold'"),
        ("Priority", "NextAction"),
        ("Done", "waiting"),
    ]
    assert transcript_texts(started) == ['Order " A-17 " is noted.']
    attributes = connect.get_contact_attributes(
        InstanceId=iid, InitialContactId=started["ContactId"]
    )["Attributes"]
    assert attributes["route"] == "VIP"


@pytest.mark.parametrize(
    "reference",
    ["$.Attributes.['a key'", "$.Attributes.[a key]", "$.Attributes..name", "$.Attributes.['a']x"],
)
def test_a_broken_bracket_reference_is_still_refused(
    connect: Any, iid: str, reference: str
) -> None:
    """[doc: Flow language, Compare] ComparisonValue: "May be specified statically or
    dynamically" - as a static string or a single JSONPath identifier, so a reference whose
    brackets do not close on a quoted name is neither, and CreateContactFlow names it."""
    flow = exported(
        "check",
        action(
            "check",
            "Compare",
            {"ComparisonValue": reference},
            NextAction="end",
            Conditions=[when("end", "x")],
        ),
        action("end", "EndFlowExecution", {}),
    )
    with pytest.raises(connect.exceptions.InvalidContactFlowException) as refused:
        connect.create_contact_flow(
            InstanceId=iid, Name="Broken", Type="CONTACT_FLOW", Content=json.dumps(flow)
        )
    problems = [p["message"] for p in refused.value.response["problems"]]
    assert any("ComparisonValue" in p and "is neither" in p for p in problems), problems


def test_aws_region_resolves_to_the_region_handling_the_contact(connect: Any, iid: str) -> None:
    """[doc: List of available contact attributes, System attributes] "AWS Region: When used,
    this returns the AWS Region where the contact is being handled. For example, us-west-2,
    us-east-1, and so on." ($.AwsRegion or $['AwsRegion']). IaC-deployed flows build their
    ARNs with it: a Set flow attributes block holds
    "arn:aws:lambda:$.AwsRegion:<account>:function:<name>" and the Lambda block names
    $.FlowAttributes.<key>, so the function of the contact's own region is invoked."""
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:region-lookup"
    calls: list[dict[str, Any]] = []
    register_lambda(function, lambda event, context: calls.append(event) or {"ok": "yes"})
    flow = exported(
        "Set ARNs",
        action(
            "Set ARNs",
            "UpdateFlowAttributes",
            {
                "FlowAttributes": {
                    "lookup": {
                        "Value": f"arn:aws:lambda:$.AwsRegion:{ACCOUNT}:function:region-lookup"
                    }
                }
            },
            NextAction="Lookup",
            Errors=on_error("Sorry"),
        ),
        action(
            "Lookup",
            "InvokeLambdaFunction",
            {
                "LambdaFunctionARN": "$.FlowAttributes.lookup",
                "InvocationTimeLimitSeconds": "3",
                "ResponseValidation": {"ResponseType": "STRING_MAP"},
            },
            NextAction="Where",
            Errors=on_error("Sorry"),
        ),
        action(
            "Where", "MessageParticipant", {"Text": "Served from $['AwsRegion']."}, NextAction="Bye"
        ),
        action("Sorry", "MessageParticipant", {"Text": "Sorry."}, NextAction="Bye"),
        *HOLD("Bye"),
    )
    flow_id = deploy(connect, iid, flow)
    started = start(connect, iid, flow_id)

    assert [s.action for s in log(started["ContactId"])] == [
        "Set ARNs",
        "Lookup",
        "Where",
        "Bye",
    ]
    assert len(calls) == 1
    assert transcript_texts(started)[-1:] == [f"Served from {REGION}."]


def omnichannel_flow() -> dict[str, Any]:
    """One inbound flow for every channel, as teams export them: voice goes on to a phone
    number (the block *Transfer to phone number*), chat to a queue."""
    return exported(
        "By channel",
        action(
            "By channel",
            "Compare",
            {"ComparisonValue": "$.Channel"},
            NextAction="Phone",
            Conditions=[when("Chat queue", "CHAT")],
            Errors=on_error("Phone", "NoMatchingCondition"),
        ),
        action(
            "Phone",
            "TransferParticipantToThirdParty",
            {
                "ThirdPartyPhoneNumber": "+15555550123",
                "ThirdPartyConnectionTimeLimitSeconds": "30",
                "ContinueFlowExecution": "True",
            },
            NextAction="Bye",
            Errors=[
                {"NextAction": "Bye", "ErrorType": "CallFailed"},
                {"NextAction": "Bye", "ErrorType": "ConnectionTimeLimitExceeded"},
                {"NextAction": "Bye", "ErrorType": "NoMatchingError"},
            ],
        ),
        action(
            "Chat queue",
            "UpdateContactTargetQueue",
            {"QueueId": "q-chat"},
            NextAction="Queue it",
            Errors=on_error("Bye"),
        ),
        action("Queue it", "TransferContactToQueue", {}, Errors=on_error("Bye")),
        action("Bye", "DisconnectParticipant", {}),
    )


def test_a_flow_with_a_transfer_to_phone_number_block_is_published(connect: Any, iid: str) -> None:
    """[doc: Flow language, TransferParticipantToThirdParty] "Transfers the participant to a
    specified phone number or voice connector. Optionally continues flow running if the third
    party disconnects while the participant is still connected." An action type of the
    language, so CreateContactFlow publishes a flow holding it (it refused it as unknown
    before). On chat its block "is routed down the Error branch" [doc: block "Transfer to
    phone number"]; the engine does not run it yet, so a chat whose flow holds it is refused
    by name, as for every action it does not run."""
    flow_id = deploy(connect, iid, omnichannel_flow(), name="Omnichannel")
    described = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)
    assert described["ContactFlow"]["Status"] == "PUBLISHED"

    with pytest.raises(connect.exceptions.InvalidRequestException) as refused:
        start(connect, iid, flow_id)
    assert "TransferParticipantToThirdParty" in refused.value.response["Error"]["Message"]


def test_a_returning_customer_goes_back_to_the_queue_the_agent_left(connect: Any, iid: str) -> None:
    """[doc: Sample disconnect flow] "A Wait block sets the timeout period for 15 minutes. If
    the customer returns in 15 minutes, the customer is transferred to a queue to chat with
    another agent." The console's sample does it with a Transfer to queue block and no Set
    working queue block of its own, so the disconnect flow's working queue is the queue of the
    contact the agent left (docs/fidelity.md); exported copies of it are deployed unchanged."""
    after_agent = exported(
        "Agent gone",
        action(
            "Agent gone",
            "MessageParticipant",
            {"Text": "Your agent left. Write again within 15 minutes to reach another one."},
            NextAction="Await",
        ),
        action(
            "Await",
            "Wait",
            {"Events": ["CustomerReturned"], "TimeLimitSeconds": "900"},
            NextAction="Bye",
            Conditions=[when("Requeue", "CustomerReturned"), when("Bye", "WaitCompleted")],
            Errors=on_error("Bye"),
        ),
        action(
            "Requeue",
            "TransferContactToQueue",
            {},
            NextAction="Bye",
            Errors=[
                {"NextAction": "Bye", "ErrorType": "QueueAtCapacity"},
                {"NextAction": "Bye", "ErrorType": "NoMatchingError"},
            ],
        ),
        action("Bye", "DisconnectParticipant", {}),
    )
    disconnect_arn = connect.create_contact_flow(
        InstanceId=iid, Name="After agent", Type="CONTACT_FLOW", Content=json.dumps(after_agent)
    )["ContactFlowArn"]
    inbound = exported(
        "Hook",
        action(
            "Hook",
            "UpdateContactEventHooks",
            {"EventHooks": {"CustomerRemaining": disconnect_arn}},
            NextAction="Desk",
            Errors=on_error("Desk"),
        ),
        action("Desk", "UpdateContactTargetQueue", {"QueueId": "q-billing"}, NextAction="Queue"),
        action("Queue", "TransferContactToQueue", {}, Errors=on_error("End")),
        action("End", "DisconnectParticipant", {}),
    )
    started = start(connect, iid, deploy(connect, iid, inbound))
    participant = boto3.client("connectparticipant", region_name=REGION)
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    session = chat_session(iid, started["ContactId"])
    session.connect_agent("agent-7")
    session.disconnect_agent()

    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="Hello?")

    segment = chat_session(iid, started["ContactId"]).contact_ids[-1]
    assert [(s.action, s.branch) for s in log(segment)] == [
        ("Agent gone", "NextAction"),
        ("Await", "waiting"),
        ("Await", "Condition[0] Equals 'CustomerReturned'"),
        ("Requeue", "end"),
    ]
    contact = connect.describe_contact(InstanceId=iid, ContactId=segment)["Contact"]
    assert contact["InitiationMethod"] == "DISCONNECT"
    assert contact["QueueInfo"]["Id"] == "q-billing"
    assert "DisconnectReason" not in contact
