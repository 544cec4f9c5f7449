"""Every answer of the plugin that carries a JSON body says ``Content-Type: application/json``,
in process and over a real server, for every operation it answers and for its seeding routes.

The real services answer ``application/json`` (botocore's rest-json protocol); moto's server
sends ``text/html; charset=utf-8`` for a handler's answer without a Content-Type, which a
browser's fetch, a proxy or a client that checks the media type reads as a web page.
Every call is made through boto3 as users make it; a botocore ``after-call`` hook records what
came back on the wire.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from calls import calls, seed_chats
from support import REGION, make_instance, upload, use_s3_storage

from moto_connect_persistent import mock_connect_persistent
from moto_connect_persistent.faults import answered_operations
from moto_connect_persistent.seeding import ENDPOINT_PATH

#: (operation, status, Content-Type, body length) of every answer a client received.
Answer = tuple[str, int, str, int]


def recording(service: str, endpoint_url: str | None, seen: list[Answer]) -> Any:
    client = boto3.client(service, region_name=REGION, endpoint_url=endpoint_url)

    def record(http_response: Any, model: Any, **_: Any) -> None:
        seen.append(
            (
                model.name,
                http_response.status_code,
                http_response.headers.get("Content-Type", ""),
                len(http_response.content),
            )
        )

    client.meta.events.register("after-call", record)
    return client


def every_operation(endpoint_url: str | None) -> list[Answer]:
    """One successful call of every operation the plugin answers, as a team's code makes it."""
    seen: list[Answer] = []
    connect = recording("connect", endpoint_url, seen)
    participant = recording("connectparticipant", endpoint_url, seen)
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint_url)
    iid = make_instance(connect)
    seed_chats(iid)  # in-process state: the test server shares this process's moto state
    for call in calls(connect, iid).values():
        call()
    use_s3_storage(connect, s3, iid, "ATTACHMENTS", "content-type-files", "files")
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
    participant.send_event(
        ConnectionToken=token, ContentType="application/vnd.amazonaws.connect.event.typing"
    )
    participant.get_attachment(ConnectionToken=token, AttachmentId=upload(participant, token))
    participant.get_transcript(ConnectionToken=token)
    participant.disconnect_participant(ConnectionToken=token)
    return seen


def assert_json_everywhere(seen: list[Answer]) -> None:
    """Every operation of the plugin answered, 200, typed JSON (moto's own CreateInstance,
    S3 and the rest answer as moto does)."""
    ours = answered_operations()
    assert {operation for operation, *_ in seen} >= set(ours), seen
    for operation, status, content_type, length in seen:
        if operation not in ours:
            continue
        assert status == 200, (operation, status)
        if length:
            assert content_type.split(";")[0] == "application/json", (operation, content_type)


@pytest.fixture
def in_process() -> Iterator[None]:
    with mock_connect_persistent():
        yield


def test_every_operation_answers_json_in_process(in_process: None) -> None:
    """In process (moto's responses callbacks) every answer is typed application/json."""
    assert_json_everywhere(every_operation(None))


def test_every_operation_answers_json_over_a_server(
    in_process: None, connect_server_url: str
) -> None:
    """Over moto's server, where an untyped answer went out as ``text/html; charset=utf-8``
    (StartChatContact did), every answer is typed application/json. (The mock is active
    only to seed in-process: clients with an ``endpoint_url`` go to the server.)"""
    assert_json_everywhere(every_operation(connect_server_url))


def test_seeding_routes_answer_json_over_a_server(connect_server_url: str) -> None:
    """The seeding endpoints (``/moto-api/connect-persistent/<method>``): their results and
    their refusals are JSON, and say so."""
    iid = make_instance(
        boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    )
    base = connect_server_url + ENDPOINT_PATH
    made = requests.post(base + "seed_chat_session", json={"instance_id": iid}, timeout=30)
    refused = requests.post(base + "no_such_method", json={}, timeout=30)
    for answer, status in ((made, 200), (refused, 400)):
        assert answer.status_code == status, answer.text
        assert answer.headers["Content-Type"].split(";")[0] == "application/json"
        assert answer.json()
