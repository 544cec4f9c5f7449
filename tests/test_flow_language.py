"""The Flow language table (``moto_connect_persistent/flow_language.py``) and the page made
from it (``docs/flow-actions.md``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from moto_connect_persistent import flow_language
from moto_connect_persistent.flow_language import ACTIONS, problems

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "generate_flow_actions.py"
PAGE = ROOT / "docs" / "flow-actions.md"


def test_the_flow_actions_page_is_what_the_table_generates() -> None:
    """The page is generated from the table and never edited by hand."""
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_the_page_lists_every_action_with_a_mark() -> None:
    """Read as a user reads it: one row per action type of the table, each ✓ or ✗ as the
    engine runs it."""
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([✓✗]) \|$", PAGE.read_text(encoding="utf-8"), re.M)
    assert {name: mark == "✓" for name, mark in rows} == {
        name: row.runs for name, row in ACTIONS.items()
    }


def test_the_reference_groups_are_all_there() -> None:
    """[doc: Flow language concepts] "Flow actions have the following implicit types":
    contact actions, flow control actions, interactions, participant actions; each of the
    action types a chat flow uses is in the table."""
    assert {row.group for row in ACTIONS.values()} == {
        "contact",
        "flow control",
        "interaction",
        "participant",
    }
    for name in (
        "MessageParticipant",
        "ConnectParticipantWithLexBot",
        "GetParticipantInput",
        "UpdateContactAttributes",
        "Compare",
        "InvokeLambdaFunction",
        "UpdateContactTargetQueue",
        "TransferContactToQueue",
        "UpdateContactEventHooks",
        "Wait",
        "TransferToFlow",
        "DisconnectParticipant",
        "EndFlowExecution",
        "UpdateFlowLoggingBehavior",
    ):
        assert ACTIONS[name].transcribed, name


def test_every_version_knows_only_table_actions() -> None:
    for version, names in flow_language.VERSIONS.items():
        assert names <= set(ACTIONS), version


def minimal(**action: object) -> str:
    body = {"Identifier": "a", "Parameters": {}, "Transitions": {}, **action}
    return json.dumps({"Version": "2019-10-30", "StartAction": "a", "Actions": [body]})


def test_a_minimal_flow_has_no_problems() -> None:
    assert problems(minimal(Type="DisconnectParticipant")) == []
    assert problems(minimal(Type="EndFlowExecution")) == []


def test_jsonpath_references_where_a_single_identifier_is_allowed() -> None:
    """Compare's ComparisonValue: "Any **single** JSONPath identifier that is valid for the flow
    data object"; TransferToFlow's ContactFlowId "Must be either fully static or a single valid
    JSONPath identifier"."""
    for good in (
        "$.Attributes.tier",
        "$.External.queue_arn",
        "$.Lex.IntentName",
        "$.Attributes['a key']",
    ):
        assert problems(minimal(Type="Compare", Parameters={"ComparisonValue": good})) == [], good
    found = problems(minimal(Type="Compare", Parameters={"ComparisonValue": "$.Attributes. x"}))
    assert found and "single JSONPath identifier" in found[0]
    assert (
        problems(
            minimal(Type="TransferToFlow", Parameters={"ContactFlowId": "arn:aws:connect:flow"})
        )
        == []
    )


def test_hostile_documents_never_crash_the_checks() -> None:
    """Whatever the content, the answer is a list of problems, never an exception."""
    for content in (
        "",
        "null",
        "[" * 100000,
        json.dumps({"Version": 2019, "StartAction": [], "Actions": {}}),
        json.dumps({"Version": "2019-10-30", "StartAction": "a", "Actions": [None, 1, "x"]}),
        minimal(Type="Wait", Parameters={"TimeoutSeconds": True, "Events": "CustomerReturned"}),
        minimal(Type="Compare", Transitions={"Conditions": [{"Condition": []}], "Errors": {}}),
        minimal(Type="Wait", Transitions={"Conditions": [{"Condition": {"Operands": [1, 2]}}]}),
    ):
        found = problems(content)
        assert found and all(isinstance(p, str) and 1 <= len(p) <= 256 for p in found)
