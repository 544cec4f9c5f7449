"""More flow actions the engine runs: Loop, UpdateFlowAttributes, the actions whose effect the
mock cannot observe (no-ops), and those whose page says they take the Error branch on chat.

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from support import ACCOUNT, REGION, action, expect_error
from test_flow_engine import condition, deploy, log, on_error, start

from moto_connect_persistent.flow_engine import ERROR_ON_CHAT, NO_OPS


def flow(start_action: str, *actions: Any) -> dict[str, Any]:
    return {"Version": "2019-10-30", "StartAction": start_action, "Actions": list(actions)}


def loop(identifier: str, count: str, again: str, done: str) -> Any:
    return action(
        identifier,
        "Loop",
        {"LoopCount": count},
        Conditions=[
            condition(again, "Equals", "ContinueLooping"),
            condition(done, "Equals", "DoneLooping"),
        ],
        Errors=on_error("bad"),
    )


def say(identifier: str, text: str, then: str) -> Any:
    return action(identifier, "MessageParticipant", {"Text": text}, NextAction=then)


BYE = action("bye", "DisconnectParticipant", {})
BAD = say("bad", "bad count", "bye")


def path(contact_id: str) -> list[tuple[str, str]]:
    return [(step.action, step.branch) for step in log(contact_id)]


def test_a_loop_continues_count_times_then_is_done_and_resets(connect: Any, iid: str) -> None:
    """[doc: Flow language, Loop] "When the same action (the same Action Identifier) is run
    multiple times, this block returns a result of "NotDone" a number of times equal to the
    specified loop count, then "Done" once, then reset." ("ContinueLooping" if the loop should
    continue. "DoneLooping" if the loop should finish.) After it is done, the same block
    loops its count again."""
    document = flow(
        "tries",
        loop("tries", "2", "again", "round"),
        say("again", "try again", "tries"),
        action(
            "round",
            "Compare",
            {"ComparisonValue": "$.Attributes.round"},
            Conditions=[condition("bye", "Equals", "second")],
            Errors=on_error("mark", "NoMatchingCondition"),
        ),
        action(
            "mark",
            "UpdateContactAttributes",
            {"Attributes": {"round": "second"}},
            NextAction="tries",
        ),
        BAD,
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    once = [
        ("tries", "Condition[0] Equals 'ContinueLooping'"),
        ("again", "NextAction"),
        ("tries", "Condition[0] Equals 'ContinueLooping'"),
        ("again", "NextAction"),
        ("tries", "Condition[1] Equals 'DoneLooping'"),
    ]
    assert path(contact_id) == [
        *once,
        ("round", "Error NoMatchingCondition"),
        ("mark", "NextAction"),
        *once,
        ("round", "Condition[0] Equals 'second'"),
        ("bye", "end"),
    ]
    details = [step.detail for step in log(contact_id) if step.action == "tries"]
    assert details[:3] == ["loop 1 of 2", "loop 2 of 2", "done after 2 loops: the count is reset"]


def test_each_loop_block_counts_for_itself(connect: Any, iid: str) -> None:
    """[doc: Flow language, Loop] the count is of "the same action (the same Action
    Identifier)": an inner loop run inside an outer one counts apart from it, and resets each
    time it is done."""
    document = flow(
        "outer",
        loop("outer", "2", "inner", "bye"),
        loop("inner", "1", "tick", "outer"),
        say("tick", "tick", "inner"),
        BAD,
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    ticks = [step.action for step in log(contact_id)].count("tick")
    assert ticks == 2  # once per outer loop: the inner count started over each time
    assert path(contact_id)[-2:] == [("outer", "Condition[1] Equals 'DoneLooping'"), ("bye", "end")]


@pytest.mark.parametrize(
    ("count", "attributes", "expected"),
    [
        ("0", {}, ("done", "Condition[1] Equals 'DoneLooping'")),
        ("$.Attributes.tries", {"tries": "1"}, ("again", "Condition[0] Equals 'ContinueLooping'")),
        ("$.Attributes.tries", {"tries": "many"}, ("bad", "Error NoMatchingError")),
        ("$.Attributes.tries", {"tries": "101"}, ("bad", "Error NoMatchingError")),
    ],
)
def test_a_loop_count_static_dynamic_or_invalid(
    connect: Any, iid: str, count: str, attributes: dict[str, str], expected: tuple[str, str]
) -> None:
    """[doc: Flow language, Loop] LoopCount: "Number of times to loop, must be between 0 and
    100 (inclusive). Must either be fully static or fully dynamic." [doc: block "Loop"] "If you
    enter 0 for the loop count, the Complete branch is followed the first time this block
    runs"; "If the provided input is not a valid number, error branch is taken"."""
    document = flow(
        "tries",
        loop("tries", count, "again", "done"),
        say("again", "again", "bye"),
        say("done", "done", "bye"),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document), Attributes=attributes)
    first = log(started["ContactId"])[0]
    assert (first.next_action, first.branch) == expected


def test_flow_attributes_are_read_by_later_blocks_and_not_carried_over(
    connect: Any, iid: str
) -> None:
    """[doc: Flow language, UpdateFlowAttributes] "Sets a collection of attributes on the
    current flow. These attributes are not carried over to the subsequent flows." Later blocks
    of the flow read them as ``$.FlowAttributes.<key>``; they are not contact attributes, and
    the flow a TransferToFlow moves to does not see them."""
    second = flow(
        "show",
        say("show", "after: [$.FlowAttributes.greeting]", "bye"),
        BYE,
    )
    second_id = deploy(connect, iid, second, name="Second")
    first = flow(
        "set",
        action(
            "set",
            "UpdateFlowAttributes",
            {"FlowAttributes": {"greeting": {"Value": "Hi $.Attributes.name"}}},
            NextAction="show",
        ),
        say("show", "$.FlowAttributes.greeting!", "check"),
        action(
            "check",
            "Compare",
            {"ComparisonValue": "$.FlowAttributes.greeting"},
            Conditions=[condition("jump", "Equals", "Hi Ann")],
            Errors=on_error("bye", "NoMatchingCondition"),
        ),
        action("jump", "TransferToFlow", {"ContactFlowId": second_id}, Errors=on_error("bye")),
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, first), Attributes={"name": "Ann"})
    steps = log(started["ContactId"])
    assert [(s.action, s.detail) for s in steps if s.action_type == "MessageParticipant"] == [
        ("show", "sent 'Hi Ann!'"),
        ("show", "sent 'after: []'"),
    ]
    assert steps[0].detail == "set flow attributes greeting=Hi Ann"
    assert steps[2].branch == "Condition[0] Equals 'Hi Ann'"
    attributes = connect.get_contact_attributes(
        InstanceId=iid, InitialContactId=started["ContactId"]
    )["Attributes"]
    assert attributes == {"name": "Ann"}


NO_OP_PARAMETERS: dict[str, dict[str, Any]] = {
    "UpdateContactRecordingBehavior": {
        "RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"]}
    },
    "UpdateContactRecordingAndAnalyticsBehavior": {
        "ChatBehavior": {"ChatAnalyticsBehavior": {"Enabled": "True", "AnalyticsLanguage": "en-US"}}
    },
    "UpdateContactTextToSpeechVoice": {"TextToSpeechVoice": "Joanna"},
}


@pytest.mark.parametrize("kind", sorted(NO_OPS))
def test_actions_the_mock_cannot_observe_are_no_ops(connect: Any, iid: str, kind: str) -> None:
    """[doc: Flow language, UpdateContactRecordingBehavior] "Sets contact recording behavior,
    including analysis behavior and which participants of the contact to record";
    [doc: UpdateContactTextToSpeechVoice] "Updates the Amazon Polly voice used by
    text-to-speech for voice contacts". Nothing in a mock chat shows either: the block takes
    NextAction and the log says it was a no-op."""
    document = flow(
        "set",
        action("set", kind, NO_OP_PARAMETERS[kind], NextAction="hi", Errors=on_error("bad")),
        say("hi", "hello", "bye"),
        BAD,
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    assert path(contact_id) == [("set", "NextAction"), ("hi", "NextAction"), ("bye", "end")]
    assert log(contact_id)[0].detail.startswith("a no-op in the mock: ")


def test_in_flight_chat_redaction_is_refused_by_name(connect: Any, iid: str) -> None:
    """[doc: UpdateContactRecordingAndAnalyticsBehavior] "InFlightChatRedactionConfiguration":
    "In-flight redaction for chat messages as they are sent" changes what the chat shows,
    which the mock does not emulate: the flow is refused by name when the chat starts, never
    run with its messages unredacted."""
    parameters = {
        "ChatBehavior": {
            "ChatAnalyticsBehavior": {
                "Enabled": "True",
                "InFlightChatRedactionConfiguration": {"Enabled": "True"},
            }
        }
    }
    document = flow(
        "set",
        action("set", "UpdateContactRecordingAndAnalyticsBehavior", parameters, NextAction="bye"),
        BYE,
    )
    expect_error(
        lambda: start(connect, iid, deploy(connect, iid, document)),
        "InvalidRequestException",
        400,
        "InFlightChatRedactionConfiguration",
    )


@pytest.mark.parametrize("kind", sorted(ERROR_ON_CHAT))
def test_actions_documented_to_fail_on_chat_take_the_error_branch(
    connect: Any, iid: str, kind: str
) -> None:
    """[doc: Flow language, MessageParticipantIteratively] "it immediately takes the error
    branch on the chat channel"; StartVoiceIdStream: "If used with the chat or task channels,
    the action takes the Error branch"; the blocks "Call phone number" and "Start media
    streaming": Chat "No - Error branch". Nothing of the block is done."""
    document = flow(
        "try",
        action("try", kind, {}, NextAction="ok", Errors=on_error("sorry")),
        say("ok", "it worked", "bye"),
        say("sorry", "not on chat", "bye"),
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    assert path(contact_id) == [
        ("try", "Error NoMatchingError"),
        ("sorry", "NextAction"),
        ("bye", "end"),
    ]
    assert log(contact_id)[0].detail.startswith("the Error branch on chat: ")


# ---------------------------------------------------------------------- contact tags


def describe(connect: Any, iid: str, contact_id: str) -> dict[str, Any]:
    contact: dict[str, Any] = connect.describe_contact(InstanceId=iid, ContactId=contact_id)[
        "Contact"
    ]
    return contact


def test_tag_contact_sets_the_tags_describe_contact_shows(connect: Any, iid: str) -> None:
    """[doc: Flow language, TagContact] "Sets a collection of tag to the current contact";
    "Both the key and value may be defined statically or dynamically"; "The TagContact action
    parameters correspond to user-defined tags that are applied on a contact": DescribeContact
    shows them as the contact's ``Tags`` ("Tags associated with the contact"), and later blocks
    read them as ``$.Tags.<key>``. [doc: UnTagContact] "Removes a collection of tags on the
    current contact"."""
    document = flow(
        "tag",
        action(
            "tag",
            "TagContact",
            {"Tags": {"tier": "$.Attributes.tier", "Department": "billing"}},
            NextAction="check",
            Errors=on_error("bad"),
        ),
        action(
            "check",
            "Compare",
            {"ComparisonValue": "$.Tags.tier"},
            Conditions=[condition("untag", "Equals", "gold")],
            Errors=on_error("bad", "NoMatchingCondition"),
        ),
        action(
            "untag",
            "UnTagContact",
            {"TagKeys": ["Department"]},
            NextAction="bye",
            Errors=on_error("bad"),
        ),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document), Attributes={"tier": "gold"})
    contact_id = started["ContactId"]
    assert path(contact_id)[:3] == [
        ("tag", "NextAction"),
        ("check", "Condition[0] Equals 'gold'"),
        ("untag", "NextAction"),
    ]
    assert log(contact_id)[0].detail == "tagged tier=gold, Department=billing"
    assert describe(connect, iid, contact_id)["Tags"] == {"tier": "gold"}


@pytest.mark.parametrize(
    ("tags", "attributes", "why"),
    [
        ({"$.Attributes.key": "x"}, {"key": "aws:system"}, "must match"),
        ({"note": "$.Attributes.long"}, {"long": "v" * 257}, "at most 256"),
        ({f"k{n}": "v" for n in range(5)}, {}, "at most 6"),
    ],
)
def test_a_tag_the_api_would_refuse_sets_none(
    connect: Any, iid: str, tags: dict[str, str], attributes: dict[str, str], why: str
) -> None:
    """[doc: Flow language, TagContact] "With this type of operation, either all tags are set
    or none are set"; "A system tag is prefixed with aws:. You cannot change it." [doc:
    TagContact API] a key of "Minimum length of 1. Maximum length of 128", pattern
    ``^(?!aws:)...``, a value of "Maximum length of 256", "Maximum number of 6 items": a block
    whose tags break these (a system key, a value too long, a seventh tag on the contact) sets
    none of them and takes the Error branch."""
    document = flow(
        "first",
        action(
            "first",
            "TagContact",
            {"Tags": {"a": "1", "b": "2"}},
            NextAction="more",
            Errors=on_error("bad"),
        ),
        action("more", "TagContact", {"Tags": tags}, NextAction="ok", Errors=on_error("bad")),
        say("ok", "tagged", "bye"),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document), Attributes=attributes)
    contact_id = started["ContactId"]
    assert path(contact_id)[1] == ("more", "Error NoMatchingError")
    assert why in log(contact_id)[1].detail
    assert describe(connect, iid, contact_id)["Tags"] == {"a": "1", "b": "2"}


def test_untagging_a_tag_the_contact_lacks_removes_none(connect: Any, iid: str) -> None:
    """[doc: Flow language, UnTagContact] "either all tags are set or none are set. You cannot
    remove system-defined tags. You can only remove already existing user-defined tags from a
    contact"; Errors: "NoMatchingError - if no other Error matches". A key list naming a tag
    the contact does not have (or a system ``aws:`` tag) removes nothing."""
    document = flow(
        "tag",
        action("tag", "TagContact", {"Tags": {"a": "1", "b": "2"}}, NextAction="untag"),
        action(
            "untag",
            "UnTagContact",
            {"TagKeys": ["a", "aws:connect:instanceId"]},
            NextAction="bye",
            Errors=on_error("bad"),
        ),
        BAD,
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    assert path(contact_id)[1] == ("untag", "Error NoMatchingError")
    assert "aws:connect:instanceId" in log(contact_id)[1].detail
    assert describe(connect, iid, contact_id)["Tags"] == {"a": "1", "b": "2"}


def test_the_tag_contact_api_and_a_flow_share_the_contact_tags(connect: Any, iid: str) -> None:
    """[doc: TagContact API] "Adds the specified tags to the contact resource"; [doc: Flow
    language, TagContact] "The TagContact action parameters correspond to user-defined tags
    that are applied on a contact": the operation and the block set the same tags. A flow
    waiting for the customer reads, once they return, the tag TagContact added meanwhile
    (``$.Tags.vip``); UntagContact ("Existing tags on the contact whose keys are members of
    this list will be removed"; a key the contact lacks is no error) removes the flow's."""
    import boto3

    document = flow(
        "tag",
        action("tag", "TagContact", {"Tags": {"source": "flow"}}, NextAction="wait"),
        action(
            "wait",
            "Wait",
            {"TimeLimitSeconds": "300", "Events": ["CustomerReturned"]},
            Conditions=[
                condition("vip", "Equals", "CustomerReturned"),
                condition("bye", "Equals", "WaitCompleted"),
            ],
        ),
        action(
            "vip",
            "Compare",
            {"ComparisonValue": "$.Tags.vip"},
            Conditions=[condition("hello", "Equals", "yes")],
            Errors=on_error("bad", "NoMatchingCondition"),
        ),
        say("hello", "Welcome back", "bye"),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document))
    contact_id = started["ContactId"]
    connect.tag_contact(InstanceId=iid, ContactId=contact_id, Tags={"vip": "yes"})
    assert describe(connect, iid, contact_id)["Tags"] == {"source": "flow", "vip": "yes"}

    participant = boto3.client("connectparticipant", region_name=REGION)
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
    assert path(contact_id)[-3:-1] == [
        ("vip", "Condition[0] Equals 'yes'"),
        ("hello", "NextAction"),
    ]
    connect.untag_contact(InstanceId=iid, ContactId=contact_id, TagKeys=["source", "absent"])
    assert describe(connect, iid, contact_id)["Tags"] == {"vip": "yes"}


@pytest.mark.parametrize(
    ("tags", "words"),
    [
        ({"aws:connect:x": "1"}, ["Tags key", "aws:"]),
        ({"note": "v" * 257}, ["Tags.note", "at most 256"]),
        ({f"k{n}": "v" for n in range(5)}, ["merged with the contact's", "at most 6"]),
    ],
)
def test_the_tag_contact_api_refuses_what_its_model_refuses(
    connect: Any, iid: str, tags: dict[str, str], words: list[str]
) -> None:
    """[doc: TagContact API] Tags: "Maximum number of 6 items", keys "Maximum length of 128",
    "Pattern: ^(?!aws:)[a-zA-Z+-=._:/]+$", values "Maximum length of 256": InvalidParameterException
    naming the field, the contact's tags unchanged (sent with parameter validation off, as raw
    HTTP callers can; the contact keeps 6 at most, docs/fidelity.md)."""
    import boto3
    from botocore.config import Config

    raw = boto3.client("connect", region_name=REGION, config=Config(parameter_validation=False))
    contact_id = start(connect, iid, "no-flow")["ContactId"]
    connect.tag_contact(InstanceId=iid, ContactId=contact_id, Tags={"a": "1", "b": "2"})
    expect_error(
        lambda: raw.tag_contact(InstanceId=iid, ContactId=contact_id, Tags=tags),
        "InvalidParameterException",
        400,
        *words,
    )
    assert describe(connect, iid, contact_id)["Tags"] == {"a": "1", "b": "2"}
    expect_error(
        lambda: connect.untag_contact(InstanceId=iid, ContactId="no-such", TagKeys=["a"]),
        "ResourceNotFoundException",
        404,
        "no-such",
    )


# ---------------------------------------------------------------------- contact data


def test_update_contact_data_sets_what_describe_contact_and_lambdas_read(
    connect: Any, iid: str
) -> None:
    """[doc: Flow language, UpdateContactData] "Sets a collection of connect defined
    attributes on specified contact": ``Name`` ("May be set statically or dynamically") and
    ``Description`` are DescribeContact's Name ("The name of the contact") and Description;
    ``CustomerId`` its CustomerId; ``LanguageCode``, ``References`` and the contact's tags are
    what a Lambda function's ``Details.ContactData`` holds [doc: Invoke Lambda functions,
    "Name", "Description", "LanguageCode", "References", "Tags"], and ``$.Name`` reads the
    name back in the flow."""
    from moto_connect_persistent import register_lambda

    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:see-contact"
    seen: list[dict[str, Any]] = []
    register_lambda(function, lambda event, context: seen.append(event) or {})
    document = flow(
        "data",
        action(
            "data",
            "UpdateContactData",
            {
                "Name": "Order $.Attributes.order",
                "Description": "Late delivery",
                "LanguageCode": "fr-FR",
                "CustomerId": "cust-7",
                "References": {"order": "$.Attributes.order"},
                "TargetContact": "Current",
            },
            NextAction="tag",
            Errors=on_error("bad"),
        ),
        action("tag", "TagContact", {"Tags": {"tier": "gold"}}, NextAction="call"),
        action(
            "call",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": function},
            NextAction="name",
            Errors=on_error("bad"),
        ),
        say("name", "About $.Name", "bye"),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document), Attributes={"order": "42"})
    contact_id = started["ContactId"]
    assert path(contact_id)[0] == ("data", "NextAction")
    assert log(contact_id)[3].detail == "sent 'About Order 42'"
    described = describe(connect, iid, contact_id)
    assert (described["Name"], described["Description"], described["CustomerId"]) == (
        "Order 42",
        "Late delivery",
        "cust-7",
    )
    data = seen[0]["Details"]["ContactData"]
    assert data["LanguageCode"] == "fr-FR"
    assert data["References"] == {"order": {"Type": "STRING", "Value": "42"}}
    assert data["Tags"] == {"tier": "gold"}
    assert (data["Name"], data["Description"]) == ("Order 42", "Late delivery")


@pytest.mark.parametrize(
    ("parameters", "why"),
    [
        ({"Name": "$.Attributes.long"}, "Name must be at most 1024"),
        ({"Name": "kept?", "VoiceAuthenticationResponseTime": "11"}, "from 5 to 10"),
        ({"Name": "kept?", "FraudDetectionThreshold": "$.Attributes.tier"}, "from 0 to 100"),
        ({"Name": "kept?", "TargetContact": "Related"}, "no related contact"),
    ],
)
def test_contact_data_that_cannot_be_set_sets_none(
    connect: Any, iid: str, parameters: dict[str, str], why: str
) -> None:
    """[doc: Flow language, UpdateContactData] "either all attributes are set or none are
    set"; ``VoiceAuthenticationResponseTime`` "must be between 5 and 10", the thresholds
    "between 0 and 100"; Errors: "NoMatchingError". [doc: UpdateContact] Name: "Maximum
    length of 1024". A block with one value out of bounds (or a Related contact the chat
    does not have) sets none of them: the Error branch, DescribeContact unchanged."""
    document = flow(
        "data",
        action("data", "UpdateContactData", parameters, NextAction="bye", Errors=on_error("bad")),
        BAD,
        BYE,
    )
    attributes = {"long": "n" * 1025, "tier": "gold"}
    started = start(connect, iid, deploy(connect, iid, document), Attributes=attributes)
    contact_id = started["ContactId"]
    assert path(contact_id)[0] == ("data", "Error NoMatchingError")
    assert why in log(contact_id)[0].detail
    assert "Name" not in describe(connect, iid, contact_id)


@pytest.mark.parametrize(
    ("kind", "parameters", "words"),
    [
        ("UpdateContactData", {"IsVoiceIdStreamingEnabled": "yes"}, "TRUE, FALSE"),
        ("UpdateContactData", {"Nickname": "Bo"}, "Nickname is not a parameter"),
        ("UpdateContactRoutingBehavior", {"QueuePriority": "0"}, "at least 1"),
        ("UpdateContactRoutingBehavior", {"QueuePriority": "$.Attributes.p"}, "whole number"),
        (
            "UpdateContactRoutingBehavior",
            {"QueuePriority": "1", "QueueTimeAdjustmentSeconds": "8"},
            "may not be specified",
        ),
        ("TagContact", {"Tags": {"tier": 1}}, "must be a string"),
        ("UnTagContact", {"TagKeys": "tier"}, "a list of strings"),
    ],
)
def test_a_flow_with_bad_parameters_is_refused_when_published(
    connect: Any, iid: str, kind: str, parameters: dict[str, Any], words: str
) -> None:
    """[doc: Flow language] IsVoiceIdStreamingEnabled: '"TRUE" and "FALSE" are the only valid
    values'; QueuePriority "Must be statically defined, must be larger than zero, and a valid
    integer value", "Cannot be specified if QueueTimeAdjustmentSeconds is specified"; Tags
    "an Object that holds the tags", TagKeys a list of keys: CreateContactFlow refuses what
    breaks them with InvalidContactFlowException, naming the parameter."""
    document = flow("block", action("block", kind, parameters, NextAction="bye"), BYE)
    with pytest.raises(connect.exceptions.InvalidContactFlowException) as refused:
        deploy(connect, iid, document)
    problems = " ".join(p["message"] for p in refused.value.response["problems"])
    assert words in problems, problems


# ---------------------------------------------------------------------- routing behavior


@pytest.mark.parametrize(
    ("parameters", "shown"),
    [
        ({"QueuePriority": "1"}, {"QueuePriority": 1}),
        ({"QueueTimeAdjustmentSeconds": 8}, {"QueueTimeAdjustmentSeconds": 8}),
        ({"QueueTimeAdjustmentSeconds": "-30"}, {"QueueTimeAdjustmentSeconds": -30}),
    ],
)
def test_routing_priority_and_age_show_on_the_contact(
    connect: Any, iid: str, parameters: dict[str, Any], shown: dict[str, int]
) -> None:
    """[doc: Flow language, UpdateContactRoutingBehavior] "Updates the contact's routing
    details. This can move the contact forward or backward in queue, or specify a queue
    priority": QueuePriority ("lower priorities are routed preferentially") or
    QueueTimeAdjustmentSeconds ("longer / larger queue times are routed preferentially"), as
    DescribeContact's fields of the same names show them; the chat then waits in its queue."""
    document = flow(
        "route",
        action("route", "UpdateContactRoutingBehavior", parameters, NextAction="queue"),
        action("queue", "UpdateContactTargetQueue", {"QueueId": "support"}, NextAction="go"),
        action("go", "TransferContactToQueue", {}, Errors=on_error("bad")),
        BAD,
        BYE,
    )
    contact_id = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    assert path(contact_id) == [("route", "NextAction"), ("queue", "NextAction"), ("go", "end")]
    described = describe(connect, iid, contact_id)
    assert {key: described[key] for key in shown} == shown
    other = ({"QueuePriority", "QueueTimeAdjustmentSeconds"} - set(shown)).pop()
    assert other not in described
    assert described["QueueInfo"]["Id"] == "support"


def test_routing_behavior_takes_no_error_transitions(connect: Any, iid: str) -> None:
    """[doc: Flow language, UpdateContactRoutingBehavior] "Errors: None.": an Errors
    transition on it is refused when the flow is published."""
    document = flow(
        "route",
        action(
            "route",
            "UpdateContactRoutingBehavior",
            {"QueuePriority": "2"},
            NextAction="bye",
            Errors=on_error("bye"),
        ),
        BYE,
    )
    with pytest.raises(connect.exceptions.InvalidContactFlowException) as refused:
        deploy(connect, iid, document)
    assert "it has none" in refused.value.response["problems"][0]["message"]


# ---------------------------------------------------------------------- distribute by percentage


def split(*bounds: tuple[str, str]) -> Any:
    """A Distribute by percentage block: NumberLessThan each bound -> its target, else
    ``rest``."""
    return action(
        "split",
        "DistributeByPercentage",
        {},
        Conditions=[condition(target, "NumberLessThan", bound) for target, bound in bounds],
        Errors=on_error("rest", "NoMatchingCondition"),
    )


def drawn(contact_id: str) -> tuple[int, str | None]:
    step = log(contact_id)[0]
    number = re.match(r"drew (\d+)", step.detail)
    assert number is not None, step.detail
    return int(number.group(1)), step.next_action


def test_distribution_takes_every_branch_by_its_share(connect: Any, iid: str) -> None:
    """[doc: Flow language, DistributeByPercentage] "Returns a random number between 1 and 100
    (inclusive) as its result"; its conditions "must be a chain of NumericLessThan
    comparisons, with each subsequent comparison checking the previous value, plus the
    percentage"; "NoMatchingCondition if no Condition matches". [doc: block "Distribute by
    percentage"] 20% = A, 40% = B, 40% remaining = Default: "If the number is between 0-20
    [...] A", "21-60 [...] B", "greater than 60 [...] Default". Over many chats each branch is
    taken, and each by the number the block drew."""
    from moto.moto_api._internal import mock_random

    mock_random.seed(20261202)
    document = flow(
        "split",
        split(("a", "21"), ("b", "61")),
        say("a", "A", "bye"),
        say("b", "B", "bye"),
        say("rest", "Default", "bye"),
        BYE,
    )
    flow_id = deploy(connect, iid, document)
    taken: set[str | None] = set()
    for _ in range(60):
        number, target = drawn(start(connect, iid, flow_id)["ContactId"])
        assert 1 <= number <= 100
        assert target == ("a" if number < 21 else "b" if number < 61 else "rest"), number
        taken.add(target)
    assert taken == {"a", "b", "rest"}


def test_a_zero_percent_branch_is_never_taken(connect: Any, iid: str) -> None:
    """[doc: Flow language, DistributeByPercentage] the number is "between 1 and 100,
    inclusive": a branch of 0% (NumberLessThan 1) is never taken; the rest go down the
    default (NoMatchingCondition) branch."""
    document = flow(
        "split",
        split(("never", "1")),
        say("never", "never", "bye"),
        say("rest", "always", "bye"),
        BYE,
    )
    flow_id = deploy(connect, iid, document)
    targets = {drawn(start(connect, iid, flow_id)["ContactId"])[1] for _ in range(40)}
    assert targets == {"rest"}


def test_moto_s_seed_makes_the_distribution_repeatable(connect: Any, iid: str) -> None:
    """moto's seed (``POST /moto-api/seed?a=<seed>``, which seeds moto's random source) makes
    a Distribute by percentage block draw the same numbers again (docs/fidelity.md: AWS's
    draw is random; a test suite wants it repeatable)."""
    import requests

    document = flow("split", split(("a", "51")), say("a", "A", "bye"), say("rest", "B", "bye"), BYE)
    flow_id = deploy(connect, iid, document)

    def run_ten() -> list[int]:
        requests.post("http://motoapi.amazonaws.com/moto-api/seed?a=7", timeout=10)
        return [drawn(start(connect, iid, flow_id)["ContactId"])[0] for _ in range(10)]

    first = run_ten()
    assert run_ten() == first
    assert len(set(first)) > 1


# ---------------------------------------------------------------------- the API beside the blocks


def test_update_contact_sets_what_a_flow_reads(connect: Any, iid: str) -> None:
    """[doc: UpdateContact] "Adds or updates user-defined contact information associated with
    the specified contact"; Name "The name of the contact", References "Well-formed data on
    contact": the same contact data a flow's Set contact data block sets. A flow waiting for
    the customer greets by the name set meanwhile (``$.Name``), and its Lambda function sees the
    references with their types; "You can add or update user-defined contact information for
    both ongoing and completed contacts"."""
    import boto3

    from moto_connect_persistent import register_lambda

    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:see-references"
    seen: list[dict[str, Any]] = []
    register_lambda(function, lambda event, context: seen.append(event) or {})
    document = flow(
        "wait",
        action(
            "wait",
            "Wait",
            {"TimeLimitSeconds": "300", "Events": ["CustomerReturned"]},
            Conditions=[
                condition("call", "Equals", "CustomerReturned"),
                condition("bye", "Equals", "WaitCompleted"),
            ],
        ),
        action(
            "call",
            "InvokeLambdaFunction",
            {"LambdaFunctionARN": function},
            NextAction="hello",
            Errors=on_error("bad"),
        ),
        say("hello", "About $.Name", "bye"),
        BAD,
        BYE,
    )
    started = start(connect, iid, deploy(connect, iid, document))
    contact_id = started["ContactId"]
    connect.update_contact(
        InstanceId=iid,
        ContactId=contact_id,
        Name="Refund 9",
        References={"ticket": {"Type": "URL", "Value": "https://tickets.example/9"}},
    )
    participant = boto3.client("connectparticipant", region_name=REGION)
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
    assert log(contact_id)[-2].detail == "sent 'About Refund 9'"
    assert seen[0]["Details"]["ContactData"]["References"] == {
        "ticket": {"Type": "URL", "Value": "https://tickets.example/9"}
    }
    # The chat has ended: its data can still be updated.
    connect.update_contact(InstanceId=iid, ContactId=contact_id, Description="Refunded")
    described = describe(connect, iid, contact_id)
    assert (described["Name"], described["Description"]) == ("Refund 9", "Refunded")


def test_update_contact_refuses_what_it_cannot_do(connect: Any, iid: str) -> None:
    """[doc: UpdateContact] "At least one field to be updated must be present in the
    request"; References: "up to 4,096 UTF-8 bytes across all references for a contact"; a
    member the mock does not emulate (QueueInfo, endpoints, ...) is refused by name, never
    ignored (docs/fidelity.md). Nothing changes."""
    contact_id = start(connect, iid, "no-flow")["ContactId"]
    expect_error(
        lambda: connect.update_contact(InstanceId=iid, ContactId=contact_id),
        "InvalidParameterException",
        400,
        "at least one field",
    )
    expect_error(
        lambda: connect.update_contact(
            InstanceId=iid, ContactId=contact_id, Name="n", QueueInfo={"Id": "support"}
        ),
        "InvalidRequestException",
        400,
        "QueueInfo",
    )
    big = {f"r{n}": {"Type": "STRING", "Value": "v" * 2000} for n in range(3)}
    expect_error(
        lambda: connect.update_contact(InstanceId=iid, ContactId=contact_id, References=big),
        "InvalidParameterException",
        400,
        "4096",
    )
    assert "Name" not in describe(connect, iid, contact_id)


def queued_chat(connect: Any, iid: str) -> str:
    """A chat its flow put in the ``support`` queue."""
    document = flow(
        "queue",
        action("queue", "UpdateContactTargetQueue", {"QueueId": "support"}, NextAction="go"),
        action("go", "TransferContactToQueue", {}, Errors=on_error("bad")),
        BAD,
        BYE,
    )
    contact_id: str = start(connect, iid, deploy(connect, iid, document))["ContactId"]
    return contact_id


def test_update_contact_routing_data_changes_a_queued_chats_priority(
    connect: Any, iid: str
) -> None:
    """[doc: UpdateContactRoutingData] "Updates routing priority and age on the contact
    (QueuePriority and QueueTimeAdjustmentInSeconds)"; "These properties can also be updated
    by using the Set routing priority / age flow block": DescribeContact shows what either
    set, the later replacing the earlier."""
    contact_id = queued_chat(connect, iid)
    connect.update_contact_routing_data(InstanceId=iid, ContactId=contact_id, QueuePriority=3)
    assert describe(connect, iid, contact_id)["QueuePriority"] == 3
    connect.update_contact_routing_data(
        InstanceId=iid, ContactId=contact_id, QueueTimeAdjustmentSeconds=120
    )
    described = describe(connect, iid, contact_id)
    assert (described["QueuePriority"], described["QueueTimeAdjustmentSeconds"]) == (3, 120)


def test_update_contact_routing_data_refusals(connect: Any, iid: str) -> None:
    """[doc: UpdateContactRoutingData] "Either QueuePriority or QueueTimeAdjustmentInSeconds
    should be provided within the request body, but not both" (InvalidParameterException);
    "These properties can be used to change a customer's position in the queue": a chat in no
    queue is a ResourceConflictException (docs/fidelity.md); RoutingCriteria is not emulated,
    refused by name."""
    queued = queued_chat(connect, iid)
    expect_error(
        lambda: connect.update_contact_routing_data(
            InstanceId=iid, ContactId=queued, QueuePriority=1, QueueTimeAdjustmentSeconds=5
        ),
        "InvalidParameterException",
        400,
        "not both",
    )
    expect_error(
        lambda: connect.update_contact_routing_data(
            InstanceId=iid,
            ContactId=queued,
            RoutingCriteria={"Steps": [{"Expiry": {"DurationInSeconds": 5}}]},
        ),
        "InvalidParameterException",
        400,
        "RoutingCriteria",
    )
    running = start(connect, iid, "no-flow")["ContactId"]
    expect_error(
        lambda: connect.update_contact_routing_data(
            InstanceId=iid, ContactId=running, QueuePriority=1
        ),
        "ResourceConflictException",
        409,
        "not waiting in a queue",
    )
    assert "QueuePriority" not in describe(connect, iid, queued)
