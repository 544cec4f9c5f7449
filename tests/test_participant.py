"""The Participant Service through boto3 ``connectparticipant``: tokens, items, visibility.

Paging has its own module (test_participant_paging.py); server mode is at the end here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from freezegun import freeze_time
from support import REGION, expect_error, make_instance

from moto_connect_persistent import (
    SeedingError,
    chat_session,
    inject_fault,
    seed_chat_session,
)

EVENT = "application/vnd.amazonaws.connect.event."
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


@pytest.fixture
def raw_participant(connect: Any) -> Any:
    """Sends whatever it is given (no token, out-of-range values), as raw HTTP callers can."""
    return boto3.client(
        "connectparticipant", region_name=REGION, config=Config(parameter_validation=False)
    )


def start_chat(connect: Any, iid: str, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        **extra,
    )
    return answer


def connect_token(participant: Any, participant_token: str) -> str:
    credentials = participant.create_participant_connection(
        ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]
    token: str = credentials["ConnectionToken"]
    return token


def transcript(participant: Any, token: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The whole transcript, newest first, following NextToken (bounded)."""
    items: list[dict[str, Any]] = []
    kwargs.setdefault("MaxResults", 100)
    for _ in range(50):
        page = participant.get_transcript(ConnectionToken=token, **kwargs)
        items.extend(page["Transcript"])
        if "NextToken" not in page:
            return items
        kwargs["NextToken"] = page["NextToken"]
    raise AssertionError("NextToken never ran out")


def messages(items: list[dict[str, Any]]) -> list[str]:
    return [i["Content"] for i in items if i["Type"] == "MESSAGE"]


@pytest.fixture
def past(iid: str) -> Any:
    """The seed's story, with one message per segment: C1 -> C2 (transfer) -> C3 (survey)."""
    return (
        seed_chat_session(iid, contact_id="C1")
        .message("CUSTOMER", "c1: my order is late")
        .transfer(contact_id="C2")
        .message("AGENT", "c2: let me check")
        .disconnect_flow(contact_id="C3")
        .message("CUSTOM_BOT", "c3: rate us")
        .end()
    )


# ------------------------------------------------------------------------------ connections


def test_connection_gives_credentials_and_a_websocket(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    answer = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"]
    )
    assert answer["Websocket"]["Url"].startswith("ws://127.0.0.1:")  # tests/test_websocket.py
    assert ISO_MILLIS.match(answer["Websocket"]["ConnectionExpiry"])
    assert ISO_MILLIS.match(answer["ConnectionCredentials"]["Expiry"])
    assert answer["ConnectionCredentials"]["ConnectionToken"]


def test_connection_answers_only_the_types_asked_for(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    answer = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["WEBSOCKET"]
    )
    assert "Websocket" in answer
    assert "ConnectionCredentials" not in answer


def test_webrtc_connection_is_refused_for_chat(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    expect_error(
        lambda: participant.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"], Type=["WEBRTC_CONNECTION"]
        ),
        "ValidationException",
        400,
        "WEBRTC_CONNECTION",
    )


# ------------------------------------------------------------------------------ token errors


def test_unknown_participant_token_is_denied(participant: Any) -> None:
    expect_error(
        lambda: participant.create_participant_connection(
            ParticipantToken="not-a-token", Type=["CONNECTION_CREDENTIALS"]
        ),
        "AccessDeniedException",
        403,
    )


def test_missing_participant_token_is_denied(raw_participant: Any) -> None:
    expect_error(
        lambda: raw_participant.create_participant_connection(Type=["CONNECTION_CREDENTIALS"]),
        "AccessDeniedException",
        403,
    )


def test_participant_token_of_an_ended_chat_is_denied(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
    expect_error(
        lambda: connect_token(participant, chat["ParticipantToken"]),
        "AccessDeniedException",
        403,
        "ended",
    )


def test_participant_token_expires_with_the_chat_duration(
    connect: Any, iid: str, participant: Any
) -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with freeze_time(start) as clock:
        chat = start_chat(connect, iid, ChatDurationInMinutes=60)
        clock.tick(timedelta(minutes=59))
        assert connect_token(participant, chat["ParticipantToken"])
        clock.tick(timedelta(minutes=1))
        expect_error(
            lambda: connect_token(participant, chat["ParticipantToken"]),
            "AccessDeniedException",
            403,
            "expired",
        )


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("send_message", {"ContentType": "text/plain", "Content": "hi"}),
        ("send_event", {"ContentType": EVENT + "typing"}),
        ("get_transcript", {}),
        ("disconnect_participant", {}),
    ],
)
def test_unknown_connection_token_is_denied(
    participant: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    call = getattr(participant, operation)
    expect_error(lambda: call(ConnectionToken="unknown", **kwargs), "AccessDeniedException", 403)


def test_missing_connection_token_is_denied(raw_participant: Any) -> None:
    expect_error(lambda: raw_participant.get_transcript(), "AccessDeniedException", 403)


def test_participant_token_is_not_a_connection_token(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    expect_error(
        lambda: participant.get_transcript(ConnectionToken=chat["ParticipantToken"]),
        "AccessDeniedException",
        403,
    )


def test_connection_token_expires_after_a_day(connect: Any, iid: str, participant: Any) -> None:
    with freeze_time(datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)) as clock:
        chat = start_chat(connect, iid, ChatDurationInMinutes=10080)
        token = connect_token(participant, chat["ParticipantToken"])
        clock.tick(timedelta(hours=23, minutes=59))
        participant.get_transcript(ConnectionToken=token)
        clock.tick(timedelta(minutes=1))
        expect_error(
            lambda: participant.get_transcript(ConnectionToken=token),
            "AccessDeniedException",
            403,
            "expired",
        )
        # A new connection from the (still valid) participant token works again.
        participant.get_transcript(
            ConnectionToken=connect_token(participant, chat["ParticipantToken"])
        )


def test_connection_token_of_an_ended_chat_is_denied(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
    expect_error(
        lambda: participant.send_message(
            ConnectionToken=token, ContentType="text/plain", Content="hello?"
        ),
        "AccessDeniedException",
        403,
        "ended",
    )


def test_token_keeps_working_across_a_transfer(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    chat_session(iid, chat["ContactId"]).transfer(contact_id="AFTER")
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="still here")
    newest = participant.get_transcript(ConnectionToken=token, MaxResults=1)["Transcript"][0]
    assert newest["Content"] == "still here"
    assert newest["ContactId"] == "AFTER"


# ------------------------------------------------------------------------------ messages, events


def test_sent_message_is_in_the_transcript(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    sent = participant.send_message(
        ConnectionToken=token, ContentType="text/markdown", Content="**late** order"
    )
    assert ISO_MILLIS.match(sent["AbsoluteTime"])
    answer = participant.get_transcript(ConnectionToken=token)
    assert answer["InitialContactId"] == chat["ContactId"]
    item = answer["Transcript"][0]
    assert item == {
        "Id": sent["Id"],
        "Type": "MESSAGE",
        "ContentType": "text/markdown",
        "Content": "**late** order",
        "AbsoluteTime": sent["AbsoluteTime"],
        "ParticipantId": chat["ParticipantId"],
        "DisplayName": "Ann",
        "ParticipantRole": "CUSTOMER",
        "ContactId": chat["ContactId"],
    }


def test_chat_start_writes_the_customer_joined_event(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    (joined,) = participant.get_transcript(ConnectionToken=token)["Transcript"]
    assert joined["Type"] == "EVENT"
    assert joined["ContentType"] == EVENT + "participant.joined"
    assert joined["ParticipantId"] == chat["ParticipantId"]
    assert joined["ParticipantRole"] == "CUSTOMER"


def test_same_client_token_sends_a_message_once(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    send = {"ConnectionToken": token, "ContentType": "text/plain", "Content": "hi"}
    first = participant.send_message(ClientToken="once", **send)
    again = participant.send_message(ClientToken="once", **send)
    assert again["Id"] == first["Id"]
    assert messages(transcript(participant, token)) == ["hi"]


@pytest.mark.parametrize(
    ("content_type", "content"),
    [("image/png", "x"), ("text/plain", "x" * 16385), ("application/json", "é" * 8193)],
)
def test_message_content_is_checked(
    connect: Any, iid: str, participant: Any, content_type: str, content: str
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    expect_error(
        lambda: participant.send_message(
            ConnectionToken=token, ContentType=content_type, Content=content
        ),
        "ValidationException",
        400,
        "Content",
    )


def test_typing_event_is_accepted_but_not_kept(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    answer = participant.send_event(ConnectionToken=token, ContentType=EVENT + "typing")
    assert answer["Id"]
    assert ISO_MILLIS.match(answer["AbsoluteTime"])
    assert [i["ContentType"] for i in transcript(participant, token)] == [
        EVENT + "participant.joined"
    ]


def test_read_receipt_marks_the_message(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    chat_session(iid, chat["ContactId"]).message("AGENT", "hello Ann")
    agent_message = transcript(participant, token)[0]
    participant.send_event(
        ConnectionToken=token,
        ContentType=EVENT + "message.read",
        Content=json.dumps({"messageId": agent_message["Id"]}),
    )
    metadata = transcript(participant, token)[0]["MessageMetadata"]
    assert metadata["MessageId"] == agent_message["Id"]
    (receipt,) = metadata["Receipts"]
    assert receipt["RecipientParticipantId"] == chat["ParticipantId"]
    assert ISO_MILLIS.match(receipt["ReadTimestamp"])


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/vnd.amazonaws.connect.event.unknown", None),
        (EVENT + "message.read", "not json"),
        (EVENT + "message.delivered", '{"messageId": "nope"}'),
    ],
)
def test_event_content_is_checked(
    connect: Any, iid: str, participant: Any, content_type: str, content: str | None
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    extra = {"Content": content} if content else {}
    expect_error(
        lambda: participant.send_event(ConnectionToken=token, ContentType=content_type, **extra),
        "ValidationException",
        400,
    )


def test_out_of_range_input_is_a_validation_error(
    connect: Any, iid: str, raw_participant: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(raw_participant, chat["ParticipantToken"])
    expect_error(
        lambda: raw_participant.get_transcript(ConnectionToken=token, MaxResults=101),
        "ValidationException",
        400,
        "MaxResults",
    )


def test_disconnect_ends_the_chat_as_a_customer_disconnect(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    participant.disconnect_participant(ConnectionToken=token)
    contact = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"]
    assert "DisconnectTimestamp" in contact
    assert contact["DisconnectReason"] == "CUSTOMER_DISCONNECT"
    expect_error(
        lambda: participant.get_transcript(ConnectionToken=token), "AccessDeniedException", 403
    )
    expect_error(
        lambda: connect_token(participant, chat["ParticipantToken"]), "AccessDeniedException", 403
    )
    # What Connect wrote is visible to a chat that continues this one.
    later = start_chat(
        connect,
        iid,
        PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": chat["ContactId"]},
    )
    items = transcript(participant, connect_token(participant, later["ParticipantToken"]))
    past_types = [i["ContentType"] for i in items if "RelatedContactId" in i]
    assert past_types == [
        EVENT + "chat.ended",
        EVENT + "participant.left",
        EVENT + "participant.joined",
    ]


def test_injected_fault_answers_a_participant_call(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    inject_fault("GetTranscript", "ThrottlingException")
    no_retry = boto3.client(
        "connectparticipant", region_name=REGION, config=Config(retries={"max_attempts": 0})
    )
    expect_error(lambda: no_retry.get_transcript(ConnectionToken=token), "ThrottlingException", 429)
    assert participant.get_transcript(ConnectionToken=token)["Transcript"]


# ------------------------------------------------------------------------------ seeding messages


def test_seeded_messages_carry_role_display_name_and_segment(
    connect: Any, iid: str, participant: Any
) -> None:
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat["ContactId"])
    returned = session.message("AGENT", "hi, I am Bo", display_name="Bo").message(
        "CUSTOMER", "hi Bo"
    )
    assert returned is session
    token = connect_token(participant, chat["ParticipantToken"])
    customer, agent = transcript(participant, token)[:2]
    assert (agent["ParticipantRole"], agent["DisplayName"], agent["Content"]) == (
        "AGENT",
        "Bo",
        "hi, I am Bo",
    )
    assert customer["ParticipantId"] == chat["ParticipantId"]
    assert customer["DisplayName"] == "Ann"
    assert agent["ContactId"] == customer["ContactId"] == chat["ContactId"]


def test_seeding_a_message_checks_role_and_session(iid: str) -> None:
    session = seed_chat_session(iid)
    with pytest.raises(SeedingError, match="role"):
        session.message("ROBOT", "beep")
    session.end()
    with pytest.raises(SeedingError, match="ended"):
        session.message("CUSTOMER", "too late")


# ------------------------------------------------------------------------------ visibility


def test_from_segment_shows_that_segment_and_earlier_ones(
    connect: Any, iid: str, participant: Any, past: Any
) -> None:
    chat = start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"}
    )
    items = transcript(participant, connect_token(participant, chat["ParticipantToken"]))
    assert messages(items) == ["c2: let me check", "c1: my order is late"]
    assert {i["RelatedContactId"] for i in items if "RelatedContactId" in i} == {"C2", "C1"}


def test_entire_past_session_shows_every_segment(
    connect: Any, iid: str, participant: Any, past: Any
) -> None:
    chat = start_chat(
        connect,
        iid,
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )
    items = transcript(participant, connect_token(participant, chat["ParticipantToken"]))
    assert messages(items) == ["c3: rate us", "c2: let me check", "c1: my order is late"]
    by_segment = [i["RelatedContactId"] for i in items if "RelatedContactId" in i]
    assert by_segment == sorted(by_segment, reverse=True)  # C3's items, then C2's, then C1's
    transfer = [i for i in items if i["ContentType"] == EVENT + "transfer.succeeded"]
    assert [i["RelatedContactId"] for i in transfer] == ["C2"]


def test_association_after_start_makes_the_past_visible(
    connect: Any, iid: str, participant: Any, past: Any
) -> None:
    chat = start_chat(connect, iid)
    token = connect_token(participant, chat["ParticipantToken"])
    assert messages(transcript(participant, token)) == []
    connect.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId=chat["ContactId"],
        RehydrationType="FROM_SEGMENT",
        SourceContactId="C1",
    )
    assert messages(transcript(participant, token)) == ["c1: my order is late"]


def test_links_accumulate_across_rehydrations(
    connect: Any, iid: str, participant: Any, past: Any
) -> None:
    second = start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"}
    )
    chat_session(iid, second["ContactId"]).message("CUSTOMER", "second chat").end()
    third = start_chat(
        connect,
        iid,
        PersistentChat={
            "RehydrationType": "ENTIRE_PAST_SESSION",
            "SourceContactId": second["ContactId"],
        },
    )
    token = connect_token(participant, third["ParticipantToken"])
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="third")
    items = transcript(participant, token)
    assert messages(items) == [
        "third",
        "second chat",
        "c2: let me check",
        "c1: my order is late",
    ]
    assert items[0]["ContactId"] == third["ContactId"]
    second_items = [i for i in items if i.get("RelatedContactId") == second["ContactId"]]
    assert "second chat" in messages(second_items)


# ------------------------------------------------------------------------------ routing


def test_raw_http_reaches_the_participant_service(connect: Any, iid: str) -> None:
    chat = start_chat(connect, iid)
    url = f"https://participant.connect.{REGION}.amazonaws.com/participant/connection"
    answer = requests.post(
        url,
        json={"Type": ["CONNECTION_CREDENTIALS"]},
        headers={"X-Amz-Bearer": chat["ParticipantToken"]},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["ConnectionCredentials"]["ConnectionToken"]
    denied = requests.post(url, json={}, headers={"X-Amz-Bearer": "nope"}, timeout=10)
    assert denied.status_code == 403
    assert denied.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_operations_the_mock_lacks_are_answered_not_passed_on(connect: Any) -> None:
    answer = requests.post(
        f"https://participant.connect.{REGION}.amazonaws.com/participant/authentication-url",
        json={"SessionId": "a", "RedirectUri": "https://example.com"},
        headers={"X-Amz-Bearer": "token"},
        timeout=10,
    )
    assert answer.status_code == 404
    assert answer.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_plain_mock_aws_routes_participant_calls_too() -> None:
    from moto import mock_aws

    with mock_aws():
        connect = boto3.client("connect", region_name=REGION)
        chat = start_chat(connect, make_instance(connect))
        participant = boto3.client("connectparticipant", region_name=REGION)
        assert connect_token(participant, chat["ParticipantToken"])


def test_server_mode_serves_the_participant_service(connect_server_url: str) -> None:
    server_url = connect_server_url

    def client(name: str) -> Any:
        return boto3.client(
            name,
            region_name=REGION,
            endpoint_url=server_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    connect = client("connect")
    iid = make_instance(connect)
    seed_chat_session(iid, contact_id="S1", endpoint_url=server_url).message(
        "CUSTOMER", "seeded over HTTP"
    ).transfer(contact_id="S2").message("AGENT", "agent over HTTP").end()
    chat = start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "S1"}
    )
    participant = client("connectparticipant")
    token = connect_token(participant, chat["ParticipantToken"])
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="now")
    assert messages(transcript(participant, token)) == ["now", "seeded over HTTP"]
    expect_error(
        lambda: participant.get_transcript(ConnectionToken="nope"), "AccessDeniedException", 403
    )
    # moto's own iot, which shares the route table, still answers.
    assert client("iot").list_things()["things"] == []


def test_registration_is_idempotent() -> None:
    import moto.backend_index as backend_index
    import moto.connect.urls as connect_urls
    import moto.iot.urls as iot_urls

    from moto_connect_persistent import urls as plugin_urls
    from moto_connect_persistent.registration import register_participant_routes, register_routes

    def tables() -> tuple[list[Any], ...]:
        return (
            list(backend_index.backend_url_patterns),
            list(iot_urls.url_paths),
            list(iot_urls.url_bases),
            list(connect_urls.url_paths.items()),
        )

    before = tables()
    register_participant_routes()
    register_routes()
    assert tables() == before
    ours = list(plugin_urls.url_paths.items())
    assert list(connect_urls.url_paths.items())[: len(ours)] == ours
