"""Connect-side rules an audit written from the AWS documentation found missing (issue 10).

Each test cites the sentence of the API reference, the Administrator Guide or the botocore
model (which carries the same texts) that it holds the mock to.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import SeedingError, inject_fault, seed_chat_session


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
    """A test must never rely on an answer the real operation cannot give (spec section 6)."""
    with pytest.raises(SeedingError, match="cannot answer.*ThrottlingException"):
        inject_fault("StopContact", "ConflictException")
