"""Connect-side rules an audit written from the AWS documentation found missing (issue 10).

Each test cites the sentence of the API reference, the Administrator Guide or the botocore
model (which carries the same texts) that it holds the mock to.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import (
    SeedingError,
    connect_persistent_backends,
    inject_fault,
    seed_chat_session,
)


def start_chat(client: Any, iid: str, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}, **extra
    )
    return answer


def associate(client: Any, iid: str, current: str, source: str, kind: str) -> Any:
    return client.create_persistent_contact_association(
        InstanceId=iid, InitialContactId=current, RehydrationType=kind, SourceContactId=source
    )


def attributes_of(client: Any, iid: str, contact_id: str) -> dict[str, str]:
    found: dict[str, str] = client.get_contact_attributes(
        InstanceId=iid, InitialContactId=contact_id
    )["Attributes"]
    return found


def describe(client: Any, iid: str, contact_id: str) -> dict[str, Any]:
    contact: dict[str, Any] = client.describe_contact(InstanceId=iid, ContactId=contact_id)[
        "Contact"
    ]
    return contact


# ----------------------------------------------------------------------------- 1. ended sessions


def test_from_segment_needs_the_whole_past_session_ended(connect: Any, iid: str) -> None:
    """Admin Guide, Enable persistent chat: "Only chat sessions that have ended are allowed to
    rehydrate onto a new chat session, as transcript generation occurs asynchronously."

    C1 ended when it was transferred, but its session runs on in C2: C1 is refused until C2
    ends, for StartChatContact(PersistentChat) and CreatePersistentContactAssociation alike.
    """
    past = seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2")
    seed_chat_session(iid, contact_id="NEW")
    persistent = {"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C1"}
    expect_error(
        lambda: associate(connect, iid, "NEW", "C1", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "'C1'",
        "session has not ended",
        "'C2'",
    )
    expect_error(
        lambda: start_chat(connect, iid, PersistentChat=persistent),
        "InvalidRequestException",
        400,
        "session has not ended",
    )
    past.end()
    assert associate(connect, iid, "NEW", "C1", "FROM_SEGMENT")["ContinuedFromContactId"] == "C1"
    assert start_chat(connect, iid, PersistentChat=persistent)["ContinuedFromContactId"] == "C1"


# ----------------------------------------------------------------------------- 2. context forward


def test_start_chat_contact_carries_the_past_sessions_attributes_forward(
    connect: Any, iid: str
) -> None:
    """Admin Guide, Enable persistent chat: "customers can resume previous conversations with
    the context, metadata, and transcripts carried forward"; RelatedContactId: "This new
    contact contains a copy of the contact properties from the related contact".

    The new session starts with a copy of the past session's attributes; the call's own
    Attributes win on a shared key. GetContactAttributes and DescribeContact both show it,
    and the past session keeps its own values.
    """
    past = seed_chat_session(iid, contact_id="C1")
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId="C1", Attributes={"orderId": "42", "tier": "gold"}
    )
    past.end()
    new = start_chat(
        connect,
        iid,
        Attributes={"tier": "platinum", "channel": "web"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )["ContactId"]
    expected = {"orderId": "42", "tier": "platinum", "channel": "web"}
    assert attributes_of(connect, iid, new) == expected
    assert describe(connect, iid, new)["Attributes"] == expected
    assert attributes_of(connect, iid, "C1") == {"orderId": "42", "tier": "gold"}


def test_association_carries_attributes_forward_and_the_new_sessions_own_win(
    connect: Any, iid: str
) -> None:
    """Admin Guide, Enable persistent chat: the context is carried forward to the new chat;
    attributes set on the running chat before CreatePersistentContactAssociation win."""
    seed_chat_session(iid, contact_id="C1")
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId="C1", Attributes={"orderId": "42", "tier": "gold"}
    )
    connect.stop_contact(InstanceId=iid, ContactId="C1")
    seed_chat_session(iid, contact_id="NEW")
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId="NEW", Attributes={"tier": "silver"}
    )
    associate(connect, iid, "NEW", "C1", "FROM_SEGMENT")
    assert attributes_of(connect, iid, "NEW") == {"orderId": "42", "tier": "silver"}
    assert describe(connect, iid, "NEW")["Attributes"] == {"orderId": "42", "tier": "silver"}


# ----------------------------------------------------------------------------- 6. modeled codes


def test_get_contact_attributes_answers_bad_input_with_invalid_request(
    unvalidated: Any, iid: str
) -> None:
    """botocore model: GetContactAttributes lists InvalidRequestException,
    ResourceNotFoundException and InternalServiceException only, so a too-long id is an
    InvalidRequestException naming the field, never InvalidParameterException."""
    expect_error(
        lambda: unvalidated.get_contact_attributes(InstanceId=iid, InitialContactId="x" * 257),
        "InvalidRequestException",
        400,
        "InitialContactId",
    )


# ----------------------------------------------------------------------------- 8. friction


def test_seeding_an_unknown_instance_names_the_region_and_account_it_looked_in(
    connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client in eu-west-2 and a seeder left to its default region (us-east-1, as
    AWS_DEFAULT_REGION is unset) look in different places: the error says where it looked."""
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    iid = make_instance(boto3.client("connect", region_name="eu-west-2"))
    with pytest.raises(SeedingError) as raised:
        seed_chat_session(iid, contact_id="C1")
    assert iid in str(raised.value)
    assert "us-east-1" in str(raised.value)
    assert ACCOUNT in str(raised.value)
    # Told where to look, it works.
    assert seed_chat_session(iid, contact_id="C1", region_name="eu-west-2").contact_ids == ["C1"]


def test_server_fixture_listed_last_keeps_what_earlier_fixtures_made(
    connect_instance_id: str, seed_chat: Any, connect_server_url: str
) -> None:
    """Fixture order must not change a test's meaning: ``connect_server_url`` after
    ``connect_instance_id`` / ``seed_chat`` does not wipe the instance or the chats."""
    seed_chat("C1").end()
    client = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    assert describe(client, connect_instance_id, "C1")["Id"] == "C1"


def test_server_fixture_listed_first_gives_the_same_state(
    connect_server_url: str, connect_instance_id: str, seed_chat: Any
) -> None:
    """The same test with the server fixture first: same state, same answers."""
    seed_chat("C1").end()
    client = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    assert describe(client, connect_instance_id, "C1")["Id"] == "C1"


# ----------------------------------------------------------------------------- 7. common errors


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
@pytest.mark.parametrize(
    ("operation", "code"),
    [
        ("StopContact", "ThrottlingException"),
        ("UpdateContactAttributes", "ThrottlingException"),
        ("GetContactAttributes", "ServiceUnavailable"),
    ],
)
def test_boto3_retry_modes_retry_common_errors_of_operations_that_model_none(
    connect: Any, iid: str, monkeypatch: pytest.MonkeyPatch, mode: str, operation: str, code: str
) -> None:
    """API Reference, Common Errors: "This section lists the errors common to the API actions
    of all AWS services" -- ThrottlingException ("The request was denied due to request
    throttling") and ServiceUnavailable (503) among them. StopContact and the attribute
    operations model no throttling of their own, yet AWS can throttle them: a fault of a
    common error arms on them, at the status Connect models (ThrottlingException 429), and
    boto3's standard and adaptive retry modes retry it."""
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)
    monkeypatch.setattr("botocore.retries.bucket.Clock.sleep", lambda _self, _amount: None)
    seed_chat_session(iid, contact_id="C1")
    retrying = boto3.client("connect", region_name=REGION, config=Config(retries={"mode": mode}))
    inject_fault(operation, code, count=2)
    call = {
        "StopContact": lambda: retrying.stop_contact(InstanceId=iid, ContactId="C1"),
        "UpdateContactAttributes": lambda: retrying.update_contact_attributes(
            InstanceId=iid, InitialContactId="C1", Attributes={"k": "v"}
        ),
        "GetContactAttributes": lambda: retrying.get_contact_attributes(
            InstanceId=iid, InitialContactId="C1"
        ),
    }[operation]

    assert call()["ResponseMetadata"]["RetryAttempts"] == 2


@pytest.mark.parametrize(
    ("code", "status"),
    [("ThrottlingException", 429), ("ServiceUnavailable", 503), ("InvalidClientTokenId", 403)],
)
def test_a_common_error_answers_as_aws_sends_it(
    connect: Any, iid: str, code: str, status: int
) -> None:
    """Common Errors: ServiceUnavailable "HTTP Status Code: 503", InvalidClientTokenId 403;
    ThrottlingException at the 429 Connect's model gives its shape. No retries here, so the
    code, status and message reach the caller as they would from AWS."""
    seed_chat_session(iid, contact_id="C1")
    once = boto3.client(
        "connect",
        region_name=REGION,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    inject_fault("StopContact", code)
    expect_error(lambda: once.stop_contact(InstanceId=iid, ContactId="C1"), code, status, code)
    once.stop_contact(InstanceId=iid, ContactId="C1")  # the fault fired once: nothing changed


def test_a_code_neither_modeled_nor_common_is_still_refused(connect: Any) -> None:
    """A test must never rely on an answer the real operation cannot give (docs/persistent-chat.md:
    Rules
    and errors)."""
    with pytest.raises(SeedingError, match="cannot answer.*ThrottlingException"):
        inject_fault("StopContact", "ConflictException")


# ----------------------------------------------------------------------------- 3. whole input model


def participant_client(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


def whole_transcript(participant: Any, token: str) -> list[dict[str, Any]]:
    """Every item the chat can read, oldest first: its own, then the past (bounded paging)."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"MaxResults": 100, "ScanDirection": "BACKWARD"}
    for _ in range(20):
        page = participant.get_transcript(ConnectionToken=token, **kwargs)
        items.extend(page["Transcript"])
        if "NextToken" not in page:
            return sorted(items, key=lambda item: item["AbsoluteTime"])
        kwargs["NextToken"] = page["NextToken"]
    raise AssertionError("NextToken never ran out")


def contact_count() -> int:
    return len(connect_persistent_backends[ACCOUNT][REGION].contacts)


def test_initial_message_is_the_customers_first_message(connect: Any, iid: str) -> None:
    """StartChatContact, InitialMessage: "The initial message to be sent to the newly created
    chat." It follows the customer's participant.joined, from the customer."""
    chat = start_chat(
        connect,
        iid,
        InitialMessage={"ContentType": "text/plain", "Content": "Where is my order?"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    token = chat["ConnectionCredentials"]["ConnectionToken"]
    items = participant_client(connect).get_transcript(
        ConnectionToken=token, ScanDirection="FORWARD", SortOrder="ASCENDING"
    )["Transcript"]
    assert [(i["Type"], i.get("Content")) for i in items[:2]] == [
        ("EVENT", None),
        ("MESSAGE", "Where is my order?"),
    ]
    assert items[0]["ContentType"].endswith("participant.joined")
    assert items[1]["ParticipantRole"] == "CUSTOMER"
    assert items[1]["ParticipantId"] == chat["ParticipantId"]


def test_an_initial_message_send_message_would_refuse_refuses_the_call(
    unvalidated: Any, iid: str
) -> None:
    """InitialMessage.ContentType: "Supported types are text/plain, text/markdown,
    application/json, and application/vnd.amazonaws.connect.message.interactive.response";
    another type is refused (StartChatContact models InvalidParameterException) and no
    contact is made."""
    before = contact_count()
    expect_error(
        lambda: start_chat(
            unvalidated, iid, InitialMessage={"ContentType": "image/png", "Content": "x"}
        ),
        "InvalidParameterException",
        400,
        "InitialMessage",
    )
    assert contact_count() == before


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["CONNECTION_CREDENTIALS"], {"ConnectionCredentials"}),
        (["WEBSOCKET"], {"Websocket"}),
        (["WEBSOCKET", "CONNECTION_CREDENTIALS"], {"Websocket", "ConnectionCredentials"}),
        (None, set()),
    ],
)
def test_connection_types_return_what_create_participant_connection_would(
    connect: Any, iid: str, types: list[str] | None, expected: set[str]
) -> None:
    """StartChatContact, ConnectionTypes: "CONNECTION_CREDENTIALS: Returns a connection token.
    WEBSOCKET: Returns a websocket URL." "Request CONNECTION_CREDENTIALS on its own and the
    response returns a connection token but no websocket URL. If you omit this parameter, the
    response has no connection information." The token works like one from
    CreateParticipantConnection."""
    extra = {"ConnectionTypes": types} if types else {}
    chat = start_chat(connect, iid, **extra)
    assert {"Websocket", "ConnectionCredentials"} & set(chat) == expected
    if "Websocket" in expected:
        assert chat["Websocket"]["Url"].startswith("ws://127.0.0.1:")  # live: test_websocket
        assert chat["Websocket"]["ConnectionExpiry"]
    if "ConnectionCredentials" in expected:
        token = chat["ConnectionCredentials"]["ConnectionToken"]
        participant_client(connect).send_message(
            ConnectionToken=token, ContentType="text/plain", Content="hi"
        )


def test_segment_attributes_are_stored_on_the_segment_and_described(connect: Any, iid: str) -> None:
    """StartChatContact, SegmentAttributes: "A set of system defined key-value pairs stored on
    individual contact segments"; the Contact's SegmentAttributes shows them. "The types
    application/vnd.amazonaws.connect.message.interactive and ...interactive.response must be
    present in the SupportedMessagingContentTypes field of this API in order to set
    SegmentAttributes as { "connect:Subtype": {"valueString" : "connect:Guide" }}."""
    guide = {"connect:Subtype": {"ValueString": "connect:Guide"}, "team": {"ValueInteger": 7}}
    expect_error(
        lambda: start_chat(connect, iid, SegmentAttributes=guide),
        "InvalidParameterException",
        400,
        "connect:Subtype",
        "SupportedMessagingContentTypes",
    )
    contact_id = start_chat(
        connect,
        iid,
        SegmentAttributes=guide,
        SupportedMessagingContentTypes=[
            "text/plain",
            "application/vnd.amazonaws.connect.message.interactive",
            "application/vnd.amazonaws.connect.message.interactive.response",
        ],
    )["ContactId"]
    assert describe(connect, iid, contact_id)["SegmentAttributes"] == guide


@pytest.mark.parametrize(
    ("attributes", "words"),
    [
        ({"my key": {"ValueString": "x"}}, ["my key", "letters, digits"]),
        ({"crm": {"ValueArn": "arn:aws:s3:::b"}}, ["ValueArn", "system-defined"]),
        ({"crm": {"ValueString": "a", "ValueInteger": 1}}, ["exactly one"]),
    ],
)
def test_segment_attributes_follow_their_documented_rules(
    connect: Any, iid: str, attributes: dict[str, Any], words: list[str]
) -> None:
    """SegmentAttributes: "Attribute keys can include only alphanumeric, -, and _";
    ValueArn / ValueList: "This is only supported for system-defined attributes, not for
    user-defined attributes." A value is one of its kinds (the mock's reading of the model)."""
    expect_error(
        lambda: start_chat(connect, iid, SegmentAttributes=attributes),
        "InvalidParameterException",
        400,
        *words,
    )


@pytest.mark.parametrize(
    ("types", "words"),
    [
        (["text/markdown"], ["must contain text/plain"]),
        (["text/plain", "image/png"], ["image/png"]),
    ],
)
def test_supported_messaging_content_types_are_validated(
    connect: Any, iid: str, types: list[str], words: list[str]
) -> None:
    """SupportedMessagingContentTypes: "Supported types are text/plain, text/markdown,
    application/json, application/vnd.amazonaws.connect.message.interactive, and
    application/vnd.amazonaws.connect.message.interactive.response. Content types must always
    contain text/plain." """
    before = contact_count()
    expect_error(
        lambda: start_chat(connect, iid, SupportedMessagingContentTypes=types),
        "InvalidParameterException",
        400,
        "SupportedMessagingContentTypes",
        *words,
    )
    assert contact_count() == before


def test_send_message_of_an_undeclared_type_is_refused(connect: Any, iid: str) -> None:
    """A chat that declared SupportedMessagingContentTypes takes only those types: "You can
    then put any other supported type in the list" -- a type left out is not supported in
    that chat, so SendMessage refuses it with ValidationException (its modeled invalid-input
    error); a declared type goes through."""
    chat = start_chat(
        connect,
        iid,
        SupportedMessagingContentTypes=["text/plain", "application/json"],
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    token = chat["ConnectionCredentials"]["ConnectionToken"]
    participant = participant_client(connect)
    expect_error(
        lambda: participant.send_message(
            ConnectionToken=token, ContentType="text/markdown", Content="**hi**"
        ),
        "ValidationException",
        400,
        "text/markdown",
        "SupportedMessagingContentTypes",
    )
    participant.send_message(ConnectionToken=token, ContentType="application/json", Content="{}")
    expect_error(
        lambda: start_chat(
            connect,
            iid,
            SupportedMessagingContentTypes=["text/plain"],
            InitialMessage={"ContentType": "text/markdown", "Content": "*a*"},
        ),
        "InvalidParameterException",
        400,
        "InitialMessage.ContentType",
    )


def test_customer_id_is_described_and_every_member_counts_for_the_client_token(
    connect: Any, iid: str
) -> None:
    """StartChatContact, CustomerId: "The customer's identification number"; the Contact
    shows CustomerId. DisconnectOnCustomerExit and ParticipantConfiguration, which
    DescribeContact does not show, are kept too: a ClientToken reused with another value of
    them is a different request (InvalidRequestException naming the token), not a replay."""
    first = start_chat(
        connect,
        iid,
        CustomerId="crm-42",
        DisconnectOnCustomerExit=["AGENT"],
        ParticipantConfiguration={"ResponseMode": "INCREMENTAL"},
        ClientToken="tok",
    )
    assert describe(connect, iid, first["ContactId"])["CustomerId"] == "crm-42"
    expect_error(
        lambda: start_chat(
            connect,
            iid,
            CustomerId="crm-42",
            DisconnectOnCustomerExit=["AGENT"],
            ParticipantConfiguration={"ResponseMode": "COMPLETE"},
            ClientToken="tok",
        ),
        "InvalidRequestException",
        400,
        "ClientToken 'tok'",
    )


# ----------------------------------------------------------------------------- 4. attribute rules


@pytest.mark.parametrize("key", ["order id", "order.id", "naïve", "a:b"])
def test_attribute_keys_hold_only_letters_digits_dash_underscore(
    connect: Any, iid: str, key: str
) -> None:
    """UpdateContactAttributes / StartChatContact, Attributes: "Attribute keys can include only
    alphanumeric, dash, and underscore characters." A refused update changes nothing."""
    seed_chat_session(iid, contact_id="C1")
    connect.update_contact_attributes(InstanceId=iid, InitialContactId="C1", Attributes={"a": "1"})
    expect_error(
        lambda: connect.update_contact_attributes(
            InstanceId=iid, InitialContactId="C1", Attributes={"b": "2", key: "v"}
        ),
        "InvalidParameterException",
        400,
        key,
    )
    assert attributes_of(connect, iid, "C1") == {"a": "1"}
    expect_error(
        lambda: start_chat(connect, iid, Attributes={key: "v"}),
        "InvalidParameterException",
        400,
        key,
    )


def test_attributes_are_limited_to_32768_utf8_bytes_per_contact_counting_the_merge(
    connect: Any, iid: str
) -> None:
    """UpdateContactAttributes: "You can have up to 32,768 UTF-8 bytes across all attributes
    for a contact." Keys and values count, in UTF-8 bytes (é is two); an update is counted
    merged with what the contact has; a refused update changes nothing."""
    seed_chat_session(iid, contact_id="C1")
    # "a" + 16,382 x "é" = 1 + 32,764 bytes; with "b"/"c" (2 bytes) exactly 32,767.
    big = {"a": "é" * 16382}
    connect.update_contact_attributes(InstanceId=iid, InitialContactId="C1", Attributes=big)
    connect.update_contact_attributes(InstanceId=iid, InitialContactId="C1", Attributes={"b": "c"})
    expect_error(
        lambda: connect.update_contact_attributes(
            InstanceId=iid, InitialContactId="C1", Attributes={"d": "ef"}
        ),
        "InvalidParameterException",
        400,
        "32768",
    )
    assert attributes_of(connect, iid, "C1") == {**big, "b": "c"}
    # Replacing a value counts the new value, not both.
    connect.update_contact_attributes(InstanceId=iid, InitialContactId="C1", Attributes={"b": "d"})
    before = contact_count()
    expect_error(
        lambda: start_chat(connect, iid, Attributes={"a": "x" * 32767, "b": "y"}),
        "InvalidParameterException",
        400,
        "32768",
    )
    assert contact_count() == before


# ----------------------------------------------------------------------------- 5. chat duration


def test_a_chat_ends_when_its_duration_is_up(connect: Any, iid: str) -> None:
    """StartChatContact, ChatDurationInMinutes: "The total duration of the newly started chat
    session." Once it has passed the chat has ended, with no timer: DescribeContact shows
    DisconnectTimestamp at start + duration, StopContact finds it ended, its transcript ends
    with chat.ended at that moment, and it is a valid rehydration source."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with freeze_time(start) as clock:
        chat = start_chat(connect, iid, ChatDurationInMinutes=60)
        old = chat["ContactId"]
        clock.tick(timedelta(minutes=59))
        assert "DisconnectTimestamp" not in describe(connect, iid, old)
        clock.tick(timedelta(minutes=30))
        ended = describe(connect, iid, old)
        assert ended["DisconnectTimestamp"] == start + timedelta(minutes=60)
        expect_error(
            lambda: connect.stop_contact(InstanceId=iid, ContactId=old),
            "InvalidRequestException",
            400,
            "ended",
        )
        new = start_chat(
            connect,
            iid,
            PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": old},
            ConnectionTypes=["CONNECTION_CREDENTIALS"],
        )
        assert new["ContinuedFromContactId"] == old
        past = [
            item
            for item in whole_transcript(
                participant_client(connect), new["ConnectionCredentials"]["ConnectionToken"]
            )
            if item.get("RelatedContactId") == old
        ]
        assert past[-1]["ContentType"].endswith("chat.ended")
        assert past[-1]["AbsoluteTime"] == "2026-03-01T10:00:00.000Z"


def test_the_duration_counts_from_the_chats_first_contact_whatever_transfers_followed(
    connect: Any, iid: str
) -> None:
    """ChatDurationInMinutes: "If not specified, the chat session duration defaults to 25
    hour." The chat started with its first contact: a transfer 10 hours in does not restart
    the clock, so the transferred segment ends 25 hours after the first one began."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with freeze_time(start) as clock:
        session = seed_chat_session(iid, contact_id="C1")
        clock.tick(timedelta(hours=10))
        session.transfer(contact_id="C2")
        clock.tick(timedelta(hours=15) - timedelta(seconds=1))
        assert "DisconnectTimestamp" not in describe(connect, iid, "C2")
        clock.tick(timedelta(seconds=2))
        assert describe(connect, iid, "C2")["DisconnectTimestamp"] == start + timedelta(hours=25)
        assert describe(connect, iid, "C1")["DisconnectTimestamp"] == start + timedelta(hours=10)
        seed_chat_session(iid, contact_id="NEW")
        answer = associate(connect, iid, "NEW", "C1", "FROM_SEGMENT")
        assert answer["ContinuedFromContactId"] == "C1"
