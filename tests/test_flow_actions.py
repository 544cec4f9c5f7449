"""More flow actions the engine runs: Loop, UpdateFlowAttributes, the actions whose effect the
mock cannot observe (no-ops), and those whose page says they take the Error branch on chat.

Flows here are written for these tests in the console's export shape; none is copied.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import action, expect_error
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
