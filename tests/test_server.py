"""Server mode: moto's server with the plugin, the /moto-api seeding endpoints, the console script.

The server here is the plugin's ``connect_server_url`` (a ThreadedMotoServer on port 0, reset
before each test); the console script runs as a real subprocess on a free loopback port.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
import pytest
import requests
from support import SERVER_MODULE, SERVER_SCRIPT, client_at, make_instance, running_server

from moto_connect_persistent import (
    SeedingError,
    chat_session,
    inject_fault,
    mock_connect_persistent,
    seed_chat_session,
    seed_contact,
    set_settle_time,
)

REGION = "us-east-1"


def start_chat(client: Any, instance_id: str) -> str:
    contact: str = client.start_chat_contact(
        InstanceId=instance_id,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Customer"},
    )["ContactId"]
    return contact


def associate(client: Any, instance_id: str, contact_id: str, rehydration: str, source: str) -> str:
    continued: str = client.create_persistent_contact_association(
        InstanceId=instance_id,
        InitialContactId=contact_id,
        RehydrationType=rehydration,
        SourceContactId=source,
    )["ContinuedFromContactId"]
    return continued


def seed_url(endpoint_url: str, method: str) -> str:
    return f"{endpoint_url}/moto-api/connect-persistent/{method}"


# ---------------------------------------------------------------------- the server serves us


def test_threaded_server_answers_the_plugin_operations(connect_server_url: str) -> None:
    client = client_at(connect_server_url)
    instance_id = make_instance(client)
    seed_chat_session(instance_id, contact_id="C1", endpoint_url=connect_server_url).transfer(
        contact_id="C2"
    ).disconnect_flow(contact_id="C3").end()
    current = start_chat(client, instance_id)

    assert associate(client, instance_id, current, "ENTIRE_PAST_SESSION", "C1") == "C3"
    contact = client.describe_contact(InstanceId=instance_id, ContactId=current)["Contact"]
    assert contact["RelatedContactId"] == "C3"
    assert contact["InitiationMethod"] == "API"


def test_errors_keep_their_aws_shape_over_http(connect_server_url: str) -> None:
    client = client_at(connect_server_url)
    instance_id = make_instance(client)

    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.describe_contact(InstanceId=instance_id, ContactId="missing")

    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "missing" in response["Error"]["Message"]


def test_moto_api_reset_clears_plugin_state(connect_server_url: str) -> None:
    client = client_at(connect_server_url)
    inject_fault("DescribeContact", "ThrottlingException", count=5, endpoint_url=connect_server_url)
    set_settle_time(3600, endpoint_url=connect_server_url)

    assert requests.post(f"{connect_server_url}/moto-api/reset", timeout=10).ok

    instance_id = make_instance(client)
    seed_chat_session(instance_id, contact_id="C1", endpoint_url=connect_server_url).end()
    current = start_chat(client, instance_id)
    # No fault left to throttle this, no settle time left to refuse a just-ended source.
    assert client.describe_contact(InstanceId=instance_id, ContactId="C1")["Contact"]["Id"] == "C1"
    assert associate(client, instance_id, current, "FROM_SEGMENT", "C1") == "C1"


# ---------------------------------------------------------------------- same results both ways


def _scenario(client: Any, endpoint_url: str | None) -> dict[str, Any]:
    """Every seeding verb, then what boto3 sees; ids and times normalised away."""
    instance_id = make_instance(client)
    past = seed_chat_session(
        instance_id, contact_id="C1", agent_id="agent-1", endpoint_url=endpoint_url
    )
    past.transfer(contact_id="C2", queue_id="queue-1").disconnect_flow(contact_id="C3").end()
    voice = seed_contact(instance_id, contact_id="V1", endpoint_url=endpoint_url)
    running = seed_chat_session(instance_id, contact_id="R1", endpoint_url=endpoint_url)
    running.enqueue("queue-2").connect_agent("agent-2")
    refusals = []
    for refused in (
        lambda: past.transfer(contact_id="C4"),
        lambda: chat_session(instance_id, "nope", endpoint_url=endpoint_url),
        lambda: seed_chat_session(instance_id, contact_id="C1", endpoint_url=endpoint_url),
        lambda: inject_fault("DescribeContact", "NoSuchError", endpoint_url=endpoint_url),
    ):
        with pytest.raises(SeedingError) as raised:
            refused()
        refusals.append(str(raised.value))
    new_chat = start_chat(client, instance_id)
    results = [
        associate(client, instance_id, "R1", "FROM_SEGMENT", "C2"),
        associate(client, instance_id, new_chat, "ENTIRE_PAST_SESSION", "C1"),
    ]
    contacts = [
        client.describe_contact(InstanceId=instance_id, ContactId=contact_id)["Contact"]
        for contact_id in ("C1", "C2", "C3", voice, running.current_contact_id)
    ]
    listed = client.list_associated_contacts(InstanceId=instance_id, ContactId="C3")
    text = json.dumps(
        {
            "ids": [past.contact_ids, running.contact_ids],
            "refusals": refusals,
            "results": results,
            "contacts": contacts,
            "listed": listed["ContactSummaryList"],
        },
        default=str,
        sort_keys=True,
    )
    normalised: dict[str, Any] = json.loads(text.replace(instance_id, "<instance>"))
    for contact in normalised["contacts"] + normalised["listed"]:
        for key in [k for k in contact if k.endswith("Timestamp")]:
            contact[key] = "<time>"
        for metrics in contact.get("ChatMetrics", {}).values():  # ids are random
            metrics.update({"ParticipantId": "<id>"} if "ParticipantId" in metrics else {})
        for info in (contact.get("AgentInfo"), contact.get("QueueInfo")):
            for key in [k for k in info or () if k.endswith("Timestamp")]:
                info[key] = "<time>"
    return normalised


def test_seeding_over_http_gives_the_same_results_as_in_process(connect_server_url: str) -> None:
    with mock_connect_persistent():
        in_process = _scenario(boto3.client("connect", region_name=REGION), None)
    over_http = _scenario(client_at(connect_server_url), connect_server_url)

    assert over_http == in_process
    assert in_process["results"] == ["C2", "C3"]


# ---------------------------------------------------------------------- the endpoint's answers

BAD_REQUESTS = [
    # (method, HTTP verb, body, status, code)
    ("no_such_method", "POST", "{}", 400, "UnknownMethod"),
    ("", "POST", "{}", 400, "UnknownMethod"),
    ("seed_chat_session", "POST", "not json", 400, "InvalidJson"),
    ("seed_chat_session", "POST", "[1, 2]", 400, "InvalidJson"),
    ("seed_chat_session", "POST", '{"instance_id": "i", "colour": "red"}', 400, "InvalidArguments"),
    ("seed_chat_session", "POST", "{}", 400, "InvalidArguments"),
    ("inject_fault", "POST", '{"operation": "X", "error_code": "Y", "count": "2"}', 400,
     "InvalidArguments"),
    ("seed_contact", "POST", '{"instance_id": "i", "ended": "yes"}', 400, "InvalidArguments"),
    ("set_settle_time", "POST", '{"seconds": true}', 400, "InvalidArguments"),
    ("seed_chat_session", "GET", "", 405, "MethodNotAllowed"),
    ("seed_chat_session", "POST", '{"instance_id": "unknown"}', 404, "ResourceNotFoundException"),
    ("set_settle_time", "POST", '{"seconds": -1}', 400, "InvalidParameterException"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "verb", "body", "status", "code"), BAD_REQUESTS)
def test_bad_seeding_requests_get_a_json_error(
    connect_server_url: str, method: str, verb: str, body: str, status: int, code: str
) -> None:
    response = requests.request(verb, seed_url(connect_server_url, method), data=body, timeout=10)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_seeding_in_a_region_without_connect_is_a_clear_400(connect_server_url: str) -> None:
    response = requests.post(
        seed_url(connect_server_url, "clear_faults"),
        json={},
        headers={"x-moto-region": "xx-nowhere-1"},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRegion"
    assert "xx-nowhere-1" in response.json()["error"]["message"]


def test_seeding_answers_the_backend_method_result(connect_server_url: str) -> None:
    instance_id = make_instance(client_at(connect_server_url))

    response = requests.post(
        seed_url(connect_server_url, "seed_chat_session"),
        json={"instance_id": instance_id, "contact_id": "C1"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json() == {"result": "C1"}
    assert response.headers["Content-Type"] == "application/json"


def test_account_and_region_headers_choose_the_backend(connect_server_url: str) -> None:
    account = "111122223333"
    client = client_at(connect_server_url, "eu-west-2")
    client.meta.events.register(
        "before-sign.connect.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", account),
    )
    instance_id = make_instance(client)

    session = seed_chat_session(
        instance_id,
        contact_id="C1",
        region_name="eu-west-2",
        account_id=account,
        endpoint_url=connect_server_url,
    )

    contact = client.describe_contact(InstanceId=instance_id, ContactId="C1")["Contact"]
    assert contact["Arn"].startswith(f"arn:aws:connect:eu-west-2:{account}:")
    assert session.contact_ids == ["C1"]
    # The same instance id means nothing in the default account.
    with pytest.raises(SeedingError, match="ResourceNotFoundException"):
        seed_chat_session(instance_id, region_name="eu-west-2", endpoint_url=connect_server_url)


def test_remote_seeding_of_something_that_is_not_our_server_fails_clearly(
    connect_server_url: str,
) -> None:
    with pytest.raises(SeedingError, match="without a JSON object"):
        seed_chat_session("i", endpoint_url=f"{connect_server_url}/not-here")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(SeedingError, match="Cannot reach"):
        seed_chat_session("i", endpoint_url=closed)


# ---------------------------------------------------------------------- the console script


@pytest.mark.parametrize("command", [[SERVER_SCRIPT], SERVER_MODULE], ids=["script", "-m"])
def test_console_script_serves_boto3(command: list[str]) -> None:
    with running_server(command) as (_, url):
        client = client_at(url)
        instance_id = make_instance(client)
        seed_chat_session(instance_id, contact_id="C1", endpoint_url=url).end()
        new_chat = start_chat(client, instance_id)

        assert associate(client, instance_id, new_chat, "FROM_SEGMENT", "C1") == "C1"
