"""Contact flows through boto3 ``connect``: create, describe, list, update, delete, and the
Flow language checks that refuse what is no valid flow (``InvalidContactFlowException``).

The flows here are written for these tests in the shape the Connect console exports
(``"Version": "2019-10-30"``, console-style ids); none is copied from anywhere.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest
from support import REGION, expect_error, make_instance

from moto_connect_persistent import connect_persistent_backends, mock_connect_persistent

GREET = "3f0b6c6e-6c1a-4b7e-9f57-1d2d1c0a0001"
CHECK = "3f0b6c6e-6c1a-4b7e-9f57-1d2d1c0a0002"
BYE = "3f0b6c6e-6c1a-4b7e-9f57-1d2d1c0a0003"


def chat_flow() -> dict[str, Any]:
    """A small inbound chat flow: greet, set an attribute, compare it, wait, disconnect."""
    return {
        "Version": "2019-10-30",
        "StartAction": GREET,
        "Metadata": {"entryPointPosition": {"x": 40, "y": 40}, "ActionMetadata": {}},
        "Actions": [
            {
                "Identifier": GREET,
                "Type": "MessageParticipant",
                "Parameters": {"Text": "Hello $.Attributes.name, how can we help?"},
                "Transitions": {
                    "NextAction": "set tier",
                    "Errors": [{"NextAction": BYE, "ErrorType": "NoMatchingError"}],
                },
            },
            {
                "Identifier": "set tier",
                "Type": "UpdateContactAttributes",
                "Parameters": {"Attributes": {"tier": "gold"}, "TargetContact": "Current"},
                "Transitions": {
                    "NextAction": CHECK,
                    "Errors": [{"NextAction": BYE, "ErrorType": "NoMatchingError"}],
                },
            },
            {
                "Identifier": CHECK,
                "Type": "Compare",
                "Parameters": {"ComparisonValue": "$.Attributes.tier"},
                "Transitions": {
                    "NextAction": BYE,
                    "Conditions": [
                        {
                            "NextAction": "wait",
                            "Condition": {"Operator": "Equals", "Operands": ["gold"]},
                        }
                    ],
                    "Errors": [{"NextAction": BYE, "ErrorType": "NoMatchingCondition"}],
                },
            },
            {
                "Identifier": "wait",
                "Type": "Wait",
                # The console exports TimeLimitSeconds, as a string, beside the reference's
                # TimeoutSeconds.
                "Parameters": {"TimeLimitSeconds": "300", "Events": ["CustomerReturned"]},
                "Transitions": {
                    "NextAction": BYE,
                    "Conditions": [
                        {
                            "NextAction": BYE,
                            "Condition": {"Operator": "Equals", "Operands": ["WaitCompleted"]},
                        },
                        {
                            "NextAction": BYE,
                            "Condition": {"Operator": "Equals", "Operands": ["CustomerReturned"]},
                        },
                    ],
                    "Errors": [{"NextAction": BYE, "ErrorType": "NoMatchingError"}],
                },
            },
            {
                "Identifier": BYE,
                "Type": "DisconnectParticipant",
                "Parameters": {},
                "Transitions": {},
            },
        ],
    }


def create(connect: Any, iid: str, content: Any = None, **extra: Any) -> dict[str, Any]:
    body = json.dumps(chat_flow() if content is None else content)
    if isinstance(content, str):
        body = content
    answer: dict[str, Any] = connect.create_contact_flow(
        InstanceId=iid,
        Name=extra.pop("Name", "Inbound chat"),
        Type="CONTACT_FLOW",
        Content=body,
        **extra,
    )
    return answer


def problems_of(call: Any) -> list[str]:
    """The ``problems`` of the InvalidContactFlowException ``call`` raises (400)."""
    with pytest.raises(Exception) as info:
        call()
    response = info.value.response  # type: ignore[attr-defined]
    assert response["Error"]["Code"] == "InvalidContactFlowException", response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    messages = [problem["message"] for problem in response["problems"]]
    assert 1 <= len(messages) <= 50 and all(1 <= len(m) <= 256 for m in messages)
    return messages


def stored_flows(iid: str) -> dict[str, Any]:
    return dict(connect_persistent_backends["123456789012"][REGION].flows.flows.get(iid, {}))


# ------------------------------------------------------------------ the life of a flow


def test_a_flow_is_created_described_listed_updated_and_deleted(connect: Any, iid: str) -> None:
    """[doc: CreateContactFlow] "Creates a flow for the specified Amazon Connect instance";
    it answers ContactFlowId, ContactFlowArn and FlowContentSha256 ("the checksum value of the
    latest published flow content"); DescribeContactFlow shows it, ListContactFlows lists it,
    DeleteContactFlow removes it."""
    content = json.dumps(chat_flow())
    created = create(connect, iid, Description="chat entry", Tags={"team": "care"})
    flow_id = created["ContactFlowId"]
    assert created["ContactFlowArn"] == (
        f"arn:aws:connect:{REGION}:123456789012:instance/{iid}/contact-flow/{flow_id}"
    )
    import hashlib

    assert created["FlowContentSha256"] == hashlib.sha256(content.encode()).hexdigest()

    described = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)["ContactFlow"]
    assert described["Id"] == flow_id and described["Arn"] == created["ContactFlowArn"]
    assert (described["Name"], described["Type"], described["Description"]) == (
        "Inbound chat",
        "CONTACT_FLOW",
        "chat entry",
    )
    assert (described["State"], described["Status"]) == ("ACTIVE", "PUBLISHED")
    assert json.loads(described["Content"]) == chat_flow()
    assert described["Tags"] == {"team": "care"}
    assert described["LastModifiedRegion"] == REGION
    # The ARN names the flow as well as its id does.
    by_arn = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=created["ContactFlowArn"])
    assert by_arn["ContactFlow"]["Id"] == flow_id

    listed = connect.list_contact_flows(InstanceId=iid)["ContactFlowSummaryList"]
    assert listed == [
        {
            "Id": flow_id,
            "Arn": created["ContactFlowArn"],
            "Name": "Inbound chat",
            "ContactFlowType": "CONTACT_FLOW",
            "ContactFlowState": "ACTIVE",
            "ContactFlowStatus": "PUBLISHED",
        }
    ]
    assert connect.list_tags_for_resource(resourceArn=created["ContactFlowArn"])["tags"] == {
        "team": "care"
    }

    connect.delete_contact_flow(InstanceId=iid, ContactFlowId=flow_id)
    expect_error(
        lambda: connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id),
        "ResourceNotFoundException",
        404,
        flow_id,
    )
    assert connect.list_contact_flows(InstanceId=iid)["ContactFlowSummaryList"] == []
    assert connect.list_tags_for_resource(resourceArn=created["ContactFlowArn"])["tags"] == {}


def test_update_content_publishes_the_new_document(connect: Any, iid: str) -> None:
    """[doc: UpdateContactFlowContent] "Updates the specified flow": DescribeContactFlow shows
    the new content and its checksum."""
    flow_id = create(connect, iid)["ContactFlowId"]
    changed = chat_flow()
    changed["Actions"][0]["Parameters"]["Text"] = "Welcome back"
    connect.update_contact_flow_content(
        InstanceId=iid, ContactFlowId=flow_id, Content=json.dumps(changed)
    )
    described = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)["ContactFlow"]
    assert json.loads(described["Content"])["Actions"][0]["Parameters"]["Text"] == "Welcome back"


def test_a_saved_flow_is_not_checked_nor_published(connect: Any, iid: str) -> None:
    """[doc: CreateContactFlow, Status] "The PUBLISHED status will initiate validation on the
    content. the SAVED status does not initiate validation of the content." [doc:
    DescribeContactFlow] "Use the $SAVED alias in the request to describe the SAVED content of
    a Flow"; ContactFlowNotPublishedException: "The flow has not been published"."""
    draft = create(connect, iid, content="{ half a flow", Status="SAVED")
    assert "FlowContentSha256" not in draft
    flow_id = draft["ContactFlowId"]
    expect_error(
        lambda: connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id),
        "ContactFlowNotPublishedException",
        404,
        "$SAVED",
    )
    saved = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=f"{flow_id}:$SAVED")
    assert saved["ContactFlow"]["Status"] == "SAVED"
    assert saved["ContactFlow"]["Content"] == "{ half a flow"
    assert (
        connect.list_contact_flows(InstanceId=iid)["ContactFlowSummaryList"][0]["ContactFlowStatus"]
        == "SAVED"
    )
    # Publishing it checks it.
    problems_of(
        lambda: connect.update_contact_flow_content(
            InstanceId=iid, ContactFlowId=flow_id, Content="{ half a flow"
        )
    )
    connect.update_contact_flow_content(
        InstanceId=iid, ContactFlowId=flow_id, Content=json.dumps(chat_flow())
    )
    published = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)
    assert published["ContactFlow"]["Status"] == "PUBLISHED"


def test_saving_under_the_alias_keeps_the_published_content(connect: Any, iid: str) -> None:
    """[doc: UpdateContactFlowContent] "After a flow is published, $SAVED needs to be supplied
    to view saved content that has not been published.\""""
    flow_id = create(connect, iid)["ContactFlowId"]
    connect.update_contact_flow_content(
        InstanceId=iid, ContactFlowId=f"{flow_id}:$SAVED", Content="work in progress"
    )
    published = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)
    assert json.loads(published["ContactFlow"]["Content"]) == chat_flow()
    saved = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=f"{flow_id}:$SAVED")
    assert saved["ContactFlow"]["Content"] == "work in progress"


def test_names_are_unique_in_an_instance(connect: Any, iid: str) -> None:
    """DuplicateResourceException (409): "A resource with the specified name already exists."
    CreateContactFlow, UpdateContactFlowName and UpdateContactFlowMetadata model it."""
    first = create(connect, iid, Name="Inbound")["ContactFlowId"]
    second = create(connect, iid, Name="Survey")["ContactFlowId"]
    expect_error(lambda: create(connect, iid, Name="Inbound"), "DuplicateResourceException", 409)
    expect_error(
        lambda: connect.update_contact_flow_name(
            InstanceId=iid, ContactFlowId=second, Name="Inbound"
        ),
        "DuplicateResourceException",
        409,
        "Inbound",
    )
    expect_error(
        lambda: connect.update_contact_flow_metadata(
            InstanceId=iid, ContactFlowId=second, Name="Inbound"
        ),
        "DuplicateResourceException",
        409,
    )
    # Renaming a flow to its own name is no conflict; another instance may use the name.
    connect.update_contact_flow_name(InstanceId=iid, ContactFlowId=first, Name="Inbound")
    create(connect, make_instance(connect), Name="Inbound")
    assert len(stored_flows(iid)) == 2


def test_name_description_and_state_are_updated(connect: Any, iid: str) -> None:
    """[doc: UpdateContactFlowName] "The name of the flow." [doc: UpdateContactFlowMetadata]
    "Updates metadata about specified flow" (Name, Description, ContactFlowState)."""
    flow_id = create(connect, iid)["ContactFlowId"]
    connect.update_contact_flow_name(
        InstanceId=iid, ContactFlowId=flow_id, Name="Chat entry", Description="v2"
    )
    connect.update_contact_flow_metadata(
        InstanceId=iid, ContactFlowId=flow_id, ContactFlowState="ARCHIVED"
    )
    described = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)["ContactFlow"]
    assert (described["Name"], described["Description"], described["State"]) == (
        "Chat entry",
        "v2",
        "ARCHIVED",
    )


def test_list_filters_by_type_and_pages(connect: Any, iid: str) -> None:
    """[doc: ListContactFlows] ContactFlowTypes: "The type of flow."; MaxResults: "The maximum
    number of results to return per page."; NextToken pages on."""
    for index in range(3):
        create(connect, iid, Name=f"chat {index}")
    connect.create_contact_flow(
        InstanceId=iid, Name="hold", Type="CUSTOMER_HOLD", Content=json.dumps(chat_flow())
    )
    holds = connect.list_contact_flows(InstanceId=iid, ContactFlowTypes=["CUSTOMER_HOLD"])
    assert [f["Name"] for f in holds["ContactFlowSummaryList"]] == ["hold"]
    both = connect.list_contact_flows(
        InstanceId=iid, ContactFlowTypes=["CUSTOMER_HOLD", "CONTACT_FLOW"]
    )
    assert len(both["ContactFlowSummaryList"]) == 4
    names = []
    paginator = connect.get_paginator("list_contact_flows")
    for page in paginator.paginate(InstanceId=iid, PaginationConfig={"PageSize": 3}):
        assert len(page["ContactFlowSummaryList"]) <= 3
        names += [f["Name"] for f in page["ContactFlowSummaryList"]]
    assert names == ["chat 0", "chat 1", "chat 2", "hold"]
    expect_error(
        lambda: connect.list_contact_flows(InstanceId=iid, NextToken="garbage"),
        "InvalidParameterException",
        400,
        "NextToken",
    )


def test_unknown_flows_and_instances_are_not_found(connect: Any, iid: str) -> None:
    """ResourceNotFoundException (404) for a flow or an instance that does not exist."""
    for call in (
        lambda: connect.describe_contact_flow(InstanceId=iid, ContactFlowId="nope"),
        lambda: connect.delete_contact_flow(InstanceId=iid, ContactFlowId="nope"),
        lambda: connect.update_contact_flow_content(
            InstanceId=iid, ContactFlowId="nope", Content=json.dumps(chat_flow())
        ),
        lambda: connect.update_contact_flow_name(InstanceId=iid, ContactFlowId="nope", Name="n"),
        lambda: connect.update_contact_flow_metadata(
            InstanceId=iid, ContactFlowId="nope", ContactFlowState="ACTIVE"
        ),
    ):
        expect_error(call, "ResourceNotFoundException", 404, "nope")
    expect_error(
        lambda: create(connect, "no-such-instance"), "ResourceNotFoundException", 404, "Instance"
    )
    # A flow of another instance is not this instance's.
    other = create(connect, make_instance(connect))["ContactFlowId"]
    expect_error(
        lambda: connect.describe_contact_flow(InstanceId=iid, ContactFlowId=other),
        "ResourceNotFoundException",
        404,
    )


def test_bad_input_names_the_field_and_changes_nothing(unvalidated: Any, iid: str) -> None:
    """The model's constraints (Name at least 1 character, Type and Status enums, Tags keys
    not starting with aws:, Content up to 256000 characters) refuse with
    InvalidParameterException naming the member, before anything is stored."""
    good = {
        "InstanceId": iid,
        "Name": "n",
        "Type": "CONTACT_FLOW",
        "Content": json.dumps(chat_flow()),
    }
    for bad, field in (
        ({"Name": ""}, "Name"),
        ({"Type": "INBOUND"}, "Type"),
        ({"Status": "DRAFT"}, "Status"),
        ({"Content": 12}, "Content"),
        ({"Tags": {"aws:team": "x"}}, "aws:"),
        ({"Content": json.dumps(chat_flow()) + " " * 256000}, "Content"),
    ):
        expect_error(
            lambda bad=bad: unvalidated.create_contact_flow(**{**good, **bad}),
            "InvalidParameterException",
            400,
            field,
        )
    assert stored_flows(iid) == {}


# ------------------------------------------------------------------ what no valid flow is


def with_action(change: Any) -> str:
    flow = chat_flow()
    change(flow)
    return json.dumps(flow)


INVALID = {
    "not JSON": ("{'Version': '2019-10-30'", "not valid JSON"),
    "not an object": ("[1, 2]", "JSON object"),
    "no version": (
        with_action(lambda f: f.pop("Version")),
        "Version is required",
    ),
    "unknown version": (
        with_action(lambda f: f.update(Version="2024-01-01")),
        "only supported version is 2019-10-30",
    ),
    "start names nothing": (
        with_action(lambda f: f.update(StartAction="missing")),
        "StartAction 'missing' names no action",
    ),
    "next action names nothing": (
        with_action(lambda f: f["Actions"][0]["Transitions"].update(NextAction="gone")),
        "NextAction 'gone' names no action",
    ),
    "error branch names nothing": (
        with_action(lambda f: f["Actions"][1]["Transitions"]["Errors"][0].update(NextAction="x")),
        "Errors[0].NextAction 'x' names no action",
    ),
    "condition names nothing": (
        with_action(
            lambda f: f["Actions"][2]["Transitions"]["Conditions"][0].update(NextAction="y")
        ),
        "Conditions[0].NextAction 'y' names no action",
    ),
    "unknown type": (
        with_action(lambda f: f["Actions"][0].update(Type="PlayPrompt")),
        "Type 'PlayPrompt' is not an action type of Flow language version 2019-10-30",
    ),
    "text of the wrong shape": (
        with_action(lambda f: f["Actions"][0]["Parameters"].update(Text={"en": "Hi"})),
        "Parameters.Text must be a string",
    ),
    "attributes of the wrong shape": (
        with_action(lambda f: f["Actions"][1]["Parameters"].update(Attributes=["tier"])),
        "Parameters.Attributes must be an object of string values",
    ),
    "dynamic where static is required": (
        with_action(lambda f: f["Actions"][1]["Parameters"].update(TargetContact="$.Attributes.t")),
        "TargetContact must be defined statically",
    ),
    "required parameter missing": (
        with_action(lambda f: f["Actions"][2].update(Parameters={})),
        "Parameters.ComparisonValue is required",
    ),
    "unknown parameter": (
        with_action(lambda f: f["Actions"][0]["Parameters"].update(Colour="red")),
        "Parameters.Colour is not a parameter",
    ),
    "wait beyond seven days": (
        with_action(lambda f: f["Actions"][3]["Parameters"].update(TimeLimitSeconds="604801")),
        "at most 604800",
    ),
    "two exclusive parameters": (
        with_action(lambda f: f["Actions"][0]["Parameters"].update(PromptId="arn:prompt")),
        "may not be specified if",
    ),
    "duplicate identifier": (
        with_action(lambda f: f["Actions"][1].update(Identifier=GREET)),
        "is not unique",
    ),
    "forbidden identifier character": (
        with_action(lambda f: f["Actions"][1].update(Identifier="set:tier")),
        "not allowed in an Identifier",
    ),
    "terminal with transitions": (
        with_action(lambda f: f["Actions"][4].update(Transitions={"NextAction": GREET})),
        "DisconnectParticipant ends the flow",
    ),
    "conditions where none are supported": (
        with_action(
            lambda f: f["Actions"][0]["Transitions"].update(
                Conditions=[
                    {"NextAction": BYE, "Condition": {"Operator": "Equals", "Operands": ["x"]}}
                ]
            )
        ),
        "MessageParticipant does not support conditions",
    ),
    "unknown operator": (
        with_action(
            lambda f: f["Actions"][2]["Transitions"]["Conditions"][0]["Condition"].update(
                Operator="Matches"
            )
        ),
        "Operator 'Matches' is not one of",
    ),
    "operator the action does not support": (
        with_action(
            lambda f: f["Actions"][3]["Transitions"]["Conditions"][0]["Condition"].update(
                Operator="TextContains"
            )
        ),
        "not supported by Wait",
    ),
    "error type the action does not have": (
        with_action(
            lambda f: f["Actions"][1]["Transitions"]["Errors"][0].update(
                ErrorType="QueueAtCapacity"
            )
        ),
        "'QueueAtCapacity' is not an error of UpdateContactAttributes",
    ),
    "wait without its WaitCompleted branch": (
        with_action(lambda f: f["Actions"][3]["Transitions"]["Conditions"].pop(0)),
        "Wait needs a condition on 'WaitCompleted'",
    ),
    "wait without a branch for an event it waits for": (
        with_action(
            lambda f: f["Actions"][3]["Parameters"].update(
                Events=["CustomerReturned", "BotParticipantDisconnected"]
            )
        ),
        "Wait needs a condition on 'BotParticipantDisconnected'",
    ),
    "parameters not an object": (
        with_action(lambda f: f["Actions"][0].update(Parameters=["Text"])),
        "Parameters must be an object",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_content_that_is_no_valid_flow_is_refused_with_its_problems(
    connect: Any, iid: str, case: str
) -> None:
    """[doc: InvalidContactFlowException] "The flow is not valid", with ``problems``: "The
    problems with the flow. Please fix before trying again." What the Flow language reference
    requires: [doc: Example flow] "Currently the only supported version is 2019-10-30"; "The
    value of this field must match the Identifier of an Action in the Actions list" [doc:
    Actions] "NextAction is a string that contains the Identifier of the Action that should be
    run after this Action"; "This type must be one of a list of allowable Types"; "Each Action
    has its own format of this Parameters object"; an Identifier "must be unique among all
    Actions" and "The following characters are not allowed in the Identifier field"; "Certain
    Actions terminate [...] Transitions must be defined as an empty object"; DisconnectParticipant
    and MessageParticipant: "Conditions are not supported"; Wait: "only the "Equals" operator is
    supported", TimeoutSeconds "no greater than 604800 (seven days)", '"WaitCompleted" is always
    required operand, and every specified event is also required to be present as a condition
    operand'; MessageParticipant's Text
    "May not be specified if PromptId or SSML is also specified"; UpdateContactAttributes'
    TargetContact "Must be defined statically"."""
    content, words = INVALID[case]
    found = problems_of(lambda: create(connect, iid, content=content))
    assert any(words in problem for problem in found), found
    # Nothing was stored, and UpdateContactFlowContent refuses it the same way.
    assert stored_flows(iid) == {}
    flow_id = create(connect, iid)["ContactFlowId"]
    assert (
        problems_of(
            lambda: connect.update_contact_flow_content(
                InstanceId=iid, ContactFlowId=flow_id, Content=content
            )
        )
        == found
    )
    described = connect.describe_contact_flow(InstanceId=iid, ContactFlowId=flow_id)
    assert json.loads(described["ContactFlow"]["Content"]) == chat_flow()


def test_every_problem_is_reported_at_once(connect: Any, iid: str) -> None:
    """``problems`` lists what is wrong with the flow, not only the first thing (up to the
    model's 50)."""
    flow = chat_flow()
    flow["StartAction"] = "nowhere"
    flow["Actions"][0]["Type"] = "PlayPrompt"
    flow["Actions"][1]["Parameters"]["Attributes"] = "tier=gold"
    found = problems_of(lambda: create(connect, iid, content=flow))
    assert len(found) == 3, found
    many = chat_flow()
    many["Actions"] += [
        {"Identifier": f"a{i}", "Type": "Nope", "Parameters": {}, "Transitions": {}}
        for i in range(80)
    ]
    assert len(problems_of(lambda: create(connect, iid, content=many))) == 50


def test_what_the_console_exports_is_accepted(connect: Any, iid: str) -> None:
    """Accept what the Connect console exports, not only the reference's examples: Wait's
    TimeLimitSeconds as a string, a Lambda's InvocationTimeLimitSeconds as a string, dynamic
    text, action types whose parameters the table does not transcribe yet (any object), and
    JSONPath references where a single identifier is allowed."""
    flow = chat_flow()
    flow["Actions"][3:3] = [
        {
            "Identifier": "lambda",
            "Type": "InvokeLambdaFunction",
            "Parameters": {
                "LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:lookup",
                "InvocationTimeLimitSeconds": "8",
                "ResponseValidation": {"ResponseType": "STRING_MAP"},
                "LambdaInvocationAttributes": {"id": "$.Attributes.customerId"},
            },
            "Transitions": {
                "NextAction": "queue",
                "Errors": [{"NextAction": BYE, "ErrorType": "NoMatchingError"}],
            },
        },
        {
            "Identifier": "queue",
            "Type": "UpdateContactTargetQueue",
            "Parameters": {"QueueId": "$.External.queueArn"},
            "Transitions": {"NextAction": "hours", "Errors": []},
        },
        {
            "Identifier": "hours",
            "Type": "CheckHoursOfOperation",
            "Parameters": {"HoursOfOperationId": "arn:hours", "Anything": {"x": [1]}},
            "Transitions": {
                "NextAction": BYE,
                "Conditions": [
                    {"NextAction": BYE, "Condition": {"Operator": "Equals", "Operands": ["True"]}}
                ],
            },
        },
    ]
    flow["Actions"][2]["Transitions"]["Conditions"][0]["NextAction"] = "lambda"
    created = create(connect, iid, content=flow)
    assert created["ContactFlowId"]


def test_flows_reset_with_moto() -> None:
    """moto's reset clears the flows with everything else of the backend."""
    with mock_connect_persistent():
        connect = boto3.client("connect", region_name=REGION)
        iid = make_instance(connect)
        create(connect, iid)
    with mock_connect_persistent():
        assert stored_flows(iid) == {}


def test_flows_over_a_real_server(connect_server_url: str) -> None:
    """Server mode: the same calls over HTTP, with a flow ARN (slashes, percent-encoded in the
    path) and the ``:$SAVED`` alias as the ContactFlowId."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    iid = make_instance(connect)
    created = create(connect, iid)
    arn = created["ContactFlowArn"]
    assert (
        connect.describe_contact_flow(InstanceId=iid, ContactFlowId=arn)["ContactFlow"]["Id"]
        == created["ContactFlowId"]
    )
    connect.update_contact_flow_content(
        InstanceId=iid, ContactFlowId=arn + ":$SAVED", Content="draft"
    )
    assert (
        connect.describe_contact_flow(InstanceId=iid, ContactFlowId=arn + ":$SAVED")["ContactFlow"][
            "Content"
        ]
        == "draft"
    )
    bad = copy.deepcopy(chat_flow())
    bad["StartAction"] = "nowhere"
    assert problems_of(lambda: create(connect, iid, content=bad, Name="other"))
    connect.delete_contact_flow(InstanceId=iid, ContactFlowId=arn)
    assert connect.list_contact_flows(InstanceId=iid)["ContactFlowSummaryList"] == []
