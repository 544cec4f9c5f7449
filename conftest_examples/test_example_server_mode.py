"""Server mode: any SDK, the AWS CLI or another process talks to a moto server over HTTP.

Importing moto_connect_persistent (the pytest plugin does) before the server answers its
first request is all it takes for ``ThreadedMotoServer`` to serve persistent chat. Seed it
with the same seeding API, given ``endpoint_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from moto_connect_persistent import seed_chat_session


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port (port 0), for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def connect_at(endpoint_url: str) -> Any:
    return boto3.client(
        "connect",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_continue_a_past_chat_over_http(moto_server: str) -> None:
    client = connect_at(moto_server)
    instance_id = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    seed_chat_session(instance_id, contact_id="C1", endpoint_url=moto_server).transfer(
        contact_id="C2"
    ).end()
    new_chat = client.start_chat_contact(
        InstanceId=instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
    )["ContactId"]

    response = client.create_persistent_contact_association(
        InstanceId=instance_id,
        InitialContactId=new_chat,
        RehydrationType="ENTIRE_PAST_SESSION",
        SourceContactId="C1",
    )

    assert response["ContinuedFromContactId"] == "C2"


def test_the_plugin_fixture_gives_a_fresh_server(connect_server_url: str) -> None:
    """``connect_server_url``: one server per test session (per xdist worker), reset per test."""
    client = connect_at(connect_server_url)
    instance_id = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    session = seed_chat_session(instance_id, endpoint_url=connect_server_url)

    contact = client.describe_contact(InstanceId=instance_id, ContactId=session.current_contact_id)

    assert contact["Contact"]["Channel"] == "CHAT"
    assert client.list_instances()["InstanceSummaryList"][0]["Id"] == instance_id
