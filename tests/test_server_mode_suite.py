"""moto's ``TEST_SERVER_MODE``: a suite written for the in-process mock runs unchanged against a
running server.

moto's contributing guide: "The ServerMode tests refer to the same set of tests - but run
against an external MotoServer instance. When running tests in ServerMode, each boto3-client
and boto3-resource are intercepted, and enriched with the endpoint_url" of the server
(``TEST_SERVER_MODE_ENDPOINT``). Here the console script serves on a free loopback port and a
fresh ``pytest`` runs ``conftest_examples`` (the decorator, the class decorator, the fixtures,
the seeding API, the controls) plus the checks below with ``TEST_SERVER_MODE=true``: nothing of
the suite is changed but the two tests that read a moto backend in-process, which skip as
moto's own suite does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from support import running_server

ROOT = Path(__file__).resolve().parents[1]

#: Run in the same server-mode session as the examples: what only server mode decides.
SERVER_MODE_CHECKS = """
import os

import boto3
import pytest
from moto import mock_aws, settings

from moto_connect_persistent import mock_connect_persistent, read_transcript, seed_chat_session


def test_the_run_is_in_moto_server_mode():
    assert settings.TEST_SERVER_MODE


def test_seeding_inside_plain_mock_aws_goes_to_the_server():
    with mock_aws():
        client = boto3.client("connect", region_name="us-east-1")
        instance_id = client.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )["Id"]
        seed_chat_session(instance_id, contact_id="C1").end()

        contact = client.describe_contact(InstanceId=instance_id, ContactId="C1")["Contact"]
        assert contact["Channel"] == "CHAT"
        assert "DisconnectTimestamp" in contact


def test_connect_server_url_is_the_runs_server(connect_server_url):
    assert connect_server_url == os.environ["TEST_SERVER_MODE_ENDPOINT"]


def test_a_settle_time_of_this_process_is_refused():
    with pytest.raises(ValueError, match="set_settle_time"):
        mock_connect_persistent(settle_seconds=1)


def test_a_whole_transcript_through_the_fixtures(
    connect_client, connect_instance_id, connectparticipant_client, seed_chat
):
    seed_chat("C1").message("CUSTOMER", "my order is late").end()
    chat = connect_client.start_chat_contact(
        InstanceId=connect_instance_id,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Customer"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )
    token = connectparticipant_client.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]

    items = read_transcript(connectparticipant_client, token)

    assert [i["Content"] for i in items if i["Type"] == "MESSAGE"] == ["my order is late"]


def test_a_lambda_handler_of_this_process_answers_the_servers_flow(
    connect_client, connect_instance_id
):
    import json

    from moto_connect_persistent import register_lambda

    arn = "arn:aws:lambda:us-east-1:123456789012:function:tagger"
    register_lambda(arn, lambda event, context: {"tag": event["Details"]["Parameters"]["t"]})
    flow = {"Version": "2019-10-30", "StartAction": "call", "Actions": [
        {"Identifier": "call", "Type": "InvokeLambdaFunction",
         "Parameters": {"LambdaFunctionARN": arn, "LambdaInvocationAttributes": {"t": "vip"}},
         "Transitions": {"NextAction": "keep"}},
        {"Identifier": "keep", "Type": "UpdateContactAttributes",
         "Parameters": {"Attributes": {"tag": "$.External.tag"}},
         "Transitions": {"NextAction": "end"}},
        {"Identifier": "end", "Type": "EndFlowExecution"},
    ]}
    flow_id = connect_client.create_contact_flow(
        InstanceId=connect_instance_id, Name="Tagger", Type="CONTACT_FLOW",
        Content=json.dumps(flow),
    )["ContactFlowId"]
    chat = connect_client.start_chat_contact(
        InstanceId=connect_instance_id, ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Ann"},
    )
    assert connect_client.get_contact_attributes(
        InstanceId=connect_instance_id, InitialContactId=chat["ContactId"]
    )["Attributes"] == {"tag": "vip"}


@pytest.mark.connect_persistent(account_id="111122223333")
def test_an_account_the_server_does_not_use_fails_clearly(request):
    with pytest.raises(pytest.fail.Exception, match="MOTO_ACCOUNT_ID for both"):
        request.getfixturevalue("connect_persistent_mock")
"""


@pytest.fixture(scope="module")
def suite_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[ElementTree.Element, str]:
    """One server-mode run of the examples and the checks: its JUnit report and server log."""
    folder = tmp_path_factory.mktemp("server_mode")
    checks = folder / "test_server_mode_checks.py"
    checks.write_text(textwrap.dedent(SERVER_MODE_CHECKS))
    report = folder / "report.xml"
    log_path = folder / "server.log"
    with log_path.open("wb") as log, running_server(log=log) as (_, url):
        env = {**os.environ, "TEST_SERVER_MODE": "true", "TEST_SERVER_MODE_ENDPOINT": url}
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-q", "-p", "no:xdist"),
                *("-p", "no:hypothesispytest", f"--junitxml={report}"),
                *("conftest_examples", str(checks)),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert report.exists(), done.stdout + done.stderr
    return ElementTree.parse(report).getroot(), log_path.read_text(errors="replace")


def outcomes(report: ElementTree.Element) -> dict[str, str]:
    """``module::test name`` -> passed / skipped / failed / error (the checks module, outside
    the repository, has no module name in the report)."""
    results = {}
    for case in report.iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        kinds = {child.tag for child in case} & {"skipped", "failure", "error"}
        results[name] = kinds.pop() if kinds else "passed"
    return results


def test_the_examples_pass_against_the_server(
    suite_result: tuple[ElementTree.Element, str],
) -> None:
    results = outcomes(suite_result[0])

    assert {name for name, kind in results.items() if kind not in ("passed", "skipped")} == set()
    assert {name.split("::")[1] for name, kind in results.items() if kind == "skipped"} == {
        "test_the_customer_gets_the_agents_messages_by_sms",
        "test_region_and_account_from_the_marker",
    }
    # The decorator on a unittest class, the fixtures with seed_chat, inject_fault, the checks.
    assert results["PersistentChatTest::test_entire_past_session"] == "passed"
    assert results["test_example_use_cases::test_with_your_own_mock_aws_fixture"] == "passed"
    assert results["test_example_retries::test_two_throttles_are_retried"] == "passed"
    checks = re.findall(r"^def (test_\w+)", SERVER_MODE_CHECKS, re.MULTILINE)
    assert len(checks) == 7
    assert {name: results[f"::{name}"] for name in checks} == dict.fromkeys(checks, "passed")


def test_seeds_controls_and_resets_went_to_the_server(
    suite_result: tuple[ElementTree.Element, str],
) -> None:
    """Werkzeug's request log of the server: the suite's seeding, its fault injection and
    moto's per-test reset all reached it over HTTP."""
    log = suite_result[1]

    for path in (
        "/moto-api/connect-persistent/seed_chat_session",
        "/moto-api/connect-persistent/inject_fault",
        "/moto-api/connect-persistent/register_lambda_callback",
        "/moto-api/reset",
    ):
        assert f'"POST {path} HTTP/1.1" 200' in log, path
