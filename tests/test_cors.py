"""Browsers reach the Participant Service of the server: CORS preflights and headers.

A chat widget's page calls the Participant Service from its own origin; the browser sends an
``OPTIONS`` preflight (no signature) before every call and reads an answer only with the CORS
headers. Amazon Connect's participant endpoints answer both, for any origin; the server does
too, and ``--cors-origins`` limits the origins.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from support import REGION, SERVER_MODULE, make_instance, running_server
from websocket_client import ChatSocket
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as open_websocket

from moto_connect_persistent import cors

PAGE = "http://127.0.0.1:8765"
PREFLIGHT = {
    "Origin": PAGE,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,x-amz-bearer,x-amz-user-agent",
}


@pytest.fixture
def only_one_origin() -> Iterator[str]:
    cors.set_allowed_origins(["http://widget.test"])
    yield "http://widget.test"
    cors.set_allowed_origins(None)


def chat(url: str) -> tuple[Any, str]:
    connect = boto3.client("connect", region_name=REGION, endpoint_url=url)
    iid = make_instance(connect)
    started = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    return connect, started["ParticipantToken"]


def test_a_preflight_is_answered_for_any_origin(connect_server_url: str) -> None:
    """The preflight of CreateParticipantConnection carries no signature; it is answered 200
    with the methods and the very headers the page asked for."""
    answer = requests.options(
        connect_server_url + "/participant/connection", headers=PREFLIGHT, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert (
        answer.headers["Access-Control-Allow-Headers"]
        == PREFLIGHT["Access-Control-Request-Headers"]
    )
    for path in ("/participant/message", "/participant/event", "/participant/transcript"):
        again = requests.options(connect_server_url + path, headers=PREFLIGHT, timeout=30)
        assert again.status_code == 200, path


def test_answers_carry_the_cors_headers_errors_included(connect_server_url: str) -> None:
    """The page's SDK reads the answer and, for an error, its type header: both are exposed."""
    _, participant_token = chat(connect_server_url)
    headers = {
        "Origin": PAGE,
        "X-Amz-Bearer": participant_token,
        "Content-Type": "application/json",
    }
    ok = requests.post(
        connect_server_url + "/participant/connection",
        json={"Type": ["CONNECTION_CREDENTIALS"]},
        headers=headers,
        timeout=30,
    )
    assert ok.status_code == 200, ok.text
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    denied = requests.post(
        connect_server_url + "/participant/connection",
        json={},
        headers={**headers, "X-Amz-Bearer": "not-a-token"},
        timeout=30,
    )
    assert denied.status_code == 403
    assert denied.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-amzn-ErrorType" in denied.headers["Access-Control-Expose-Headers"]


def test_restricted_origins_let_only_those_through(
    connect_server_url: str, only_one_origin: str
) -> None:
    """With an origin list, a page of another origin fails its preflight (and its websocket);
    a listed page gets its own origin back, with ``Vary: Origin``."""
    other = requests.options(
        connect_server_url + "/participant/connection", headers=PREFLIGHT, timeout=30
    )
    assert other.status_code == 403
    listed = requests.options(
        connect_server_url + "/participant/connection",
        headers={**PREFLIGHT, "Origin": only_one_origin},
        timeout=30,
    )
    assert listed.status_code == 200
    assert listed.headers["Access-Control-Allow-Origin"] == only_one_origin
    assert listed.headers["Vary"] == "Origin"
    _, participant_token = chat(connect_server_url)
    participant = boto3.client(
        "connectparticipant", region_name=REGION, endpoint_url=connect_server_url
    )
    url = participant.create_participant_connection(
        ParticipantToken=participant_token, Type=["WEBSOCKET"]
    )["Websocket"]["Url"]
    with pytest.raises(InvalidStatus) as refused:
        open_websocket(url, origin=PAGE, open_timeout=10)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    with open_websocket(url, origin=only_one_origin, open_timeout=10):  # type: ignore[arg-type]
        pass
    ChatSocket(url).connection.close()  # a client that is not a page sends no Origin


def test_the_server_command_takes_cors_origins() -> None:
    """``moto-connect-persistent-server --cors-origins URL[,URL]`` limits the origins."""
    origins = "http://widget.test,http://other.test"
    with running_server(SERVER_MODULE, "--cors-origins", origins) as (_, url):
        answer = requests.options(url + "/participant/connection", headers=PREFLIGHT, timeout=5)
        assert answer.status_code == 403
        listed = requests.options(
            url + "/participant/connection",
            headers={**PREFLIGHT, "Origin": "http://other.test"},
            timeout=5,
        )
        assert listed.headers["Access-Control-Allow-Origin"] == "http://other.test"
