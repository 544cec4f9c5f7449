"""Lambda handlers in server mode: the handler stays in the test process, served on a loopback
port; the server (another process here) calls it back for each InvokeLambdaFunction.

Everything is asserted as a client of the server sees it: the transcript (GetTranscript) and
DescribeContact.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from support import ACCOUNT, REGION, client_at, make_instance, running_server
from test_flow_lambda import FUNCTION, deploy, lambda_flow

from moto_connect_persistent import SeedingError, register_lambda
from moto_connect_persistent.seeding import RemoteSeeder


def transcript(endpoint: str, started: dict[str, Any]) -> list[str]:
    participant = client_at(endpoint, service="connectparticipant")
    token = participant.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    items = participant.get_transcript(ConnectionToken=token, SortOrder="ASCENDING")["Transcript"]
    return [i["Content"] for i in items if i["Type"] == "MESSAGE"]


@pytest.fixture(scope="module")
def server() -> Any:
    with running_server() as (_, url):
        yield url


def test_a_handler_of_the_test_process_answers_a_server_in_another_process(server: str) -> None:
    """[doc: Invoke AWS Lambda functions] "For every Lambda function invocation from a flow,
    you pass a default set of information related to ongoing contact, as well as any
    additional attributes defined in the Function input parameters section"; the answer is
    $.External. Over HTTP: the server POSTs the event to the handler's loopback URL."""
    calls: list[tuple[dict[str, Any], Any, int]] = []

    def lookup(event: dict[str, Any], context: Any) -> dict[str, str]:
        calls.append((event, context, context.get_remaining_time_in_millis()))
        return {"tier": "gold", "greeting": "Hello " + event["Details"]["Parameters"]["customer"]}

    register_lambda(FUNCTION, lookup, endpoint_url=server)
    connect = client_at(server)
    iid = make_instance(connect)
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=deploy(connect, iid, lambda_flow()),
        ParticipantDetails={"DisplayName": "Ann"},
        Attributes={"name": "Ann"},
    )
    assert transcript(server, started) == ["Hello Ann (gold)"]
    contact = connect.describe_contact(InstanceId=iid, ContactId=started["ContactId"])["Contact"]
    assert contact["QueueInfo"]["Id"] == "q-support"

    [(event, context, remaining)] = calls
    assert event["Name"] == "ContactFlowEvent"
    assert event["Details"]["ContactData"]["ContactId"] == started["ContactId"]
    assert event["Details"]["Parameters"] == {"customer": "Ann", "source": "chat"}
    assert context.invoked_function_arn == FUNCTION
    assert context.function_name == "lookup-customer"
    assert 0 < remaining <= 8000


def test_a_handler_raising_in_the_test_process_takes_the_error_branch(server: str) -> None:
    """[doc: Invoke AWS Lambda functions] "If [...] the function throws an exception [...] the
    flow jumps to the Error label": an exception in the test process is one too."""

    def broken(event: dict[str, Any], context: Any) -> Any:
        raise RuntimeError("database down")

    register_lambda(FUNCTION, broken, endpoint_url=server)
    connect = client_at(server)
    iid = make_instance(connect)
    flow = lambda_flow()
    # After sorry, queue the chat: it stays open for the transcript.
    flow["Actions"][-2]["Transitions"]["NextAction"] = "queue"
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=deploy(connect, iid, flow),
        ParticipantDetails={"DisplayName": "Ann"},
    )
    assert transcript(server, started) == ["Sorry: "]


def test_the_handler_may_call_the_server_back(server: str) -> None:
    """The handler runs while the server holds no lock: it may call Connect on the same
    server (UpdateContactAttributes), and the flow's next block sees what it set."""

    def calls_back(event: dict[str, Any], context: Any) -> dict[str, str]:
        data = event["Details"]["ContactData"]
        instance_id = data["InstanceARN"].rsplit("/", 1)[-1]
        client_at(server).update_contact_attributes(
            InstanceId=instance_id, InitialContactId=data["ContactId"], Attributes={"seen": "yes"}
        )
        return {"tier": "gold", "greeting": "Hi"}

    register_lambda(FUNCTION, calls_back, endpoint_url=server)
    connect = client_at(server)
    iid = make_instance(connect)
    flow = lambda_flow()
    flow["Actions"][2]["Parameters"]["Text"] = "$.External.greeting $.Attributes.seen"
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=deploy(connect, iid, flow),
        ParticipantDetails={"DisplayName": "Ann"},
    )
    assert transcript(server, started) == ["Hi yes"]


def test_a_callback_must_be_on_loopback(server: str) -> None:
    """Loopback only: the server calls back on this machine, never another host; and the ARN
    must be a Lambda function ARN of the account and region the call names."""
    url = f"{server}/moto-api/connect-persistent/register_lambda_callback"
    for callback in ("http://example.com:80/x", "https://127.0.0.1:9/x", "http://10.0.0.1:9/x"):
        answer = requests.post(
            url, json={"function_arn": FUNCTION, "callback_url": callback}, timeout=30
        )
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "InvalidParameterException"
        assert "the server calls back on this machine only" in answer.json()["error"]["message"]
    other = FUNCTION.replace(ACCOUNT, "210987654321")
    with pytest.raises(SeedingError, match="must be a Lambda function ARN of account"):
        RemoteSeeder(server, REGION, ACCOUNT).call(
            "register_lambda_callback", function_arn=other, callback_url="http://127.0.0.1:9/x"
        )


def test_over_a_threaded_server_of_this_process(connect_server_url: str) -> None:
    """The in-process server (``connect_server_url``, moto's ThreadedMotoServer) takes the
    same registration over HTTP."""
    register_lambda(
        FUNCTION,
        lambda event, context: {"tier": "silver", "greeting": "Hello"},
        endpoint_url=connect_server_url,
    )
    connect = client_at(connect_server_url)
    iid = make_instance(connect)
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=deploy(connect, iid, lambda_flow()),
        ParticipantDetails={"DisplayName": "Ann"},
    )
    assert transcript(connect_server_url, started) == ["Hello"]


def test_a_server_reset_forgets_the_registration(server: str) -> None:
    """A registration is server state: ``/moto-api/reset`` forgets it, as moto's reset forgets
    an in-process handler; the flow then takes its Error branch (no handler)."""
    register_lambda(FUNCTION, lambda event, context: {"greeting": "Hi"}, endpoint_url=server)
    requests.post(f"{server}/moto-api/reset", timeout=30).raise_for_status()
    connect = client_at(server)
    iid = make_instance(connect)
    flow = lambda_flow()
    flow["Actions"][-2]["Transitions"]["NextAction"] = "queue"
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=deploy(connect, iid, flow),
        ParticipantDetails={"DisplayName": "Ann"},
    )
    assert transcript(server, started) == ["Sorry: "]
