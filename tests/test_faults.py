"""Fault injection through real boto3: every modeled error of every operation, as AWS sends it."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from calls import calls, seed_chats
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import (
    SeedingError,
    clear_faults,
    connect_persistent_backends,
    inject_fault,
    seed_chat_session,
)

#: No retries: each injected fault reaches the test exactly once.
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})

#: Statuses as the Connect model lists them (spot-checked by hand, not read from botocore).
EXPECTED = [
    ("CreatePersistentContactAssociation", "ThrottlingException", 429),
    ("CreatePersistentContactAssociation", "AccessDeniedException", 403),
    ("CreatePersistentContactAssociation", "InternalServiceException", 500),
    ("CreatePersistentContactAssociation", "InvalidRequestException", 400),
    ("CreatePersistentContactAssociation", "InvalidParameterException", 400),
    ("CreatePersistentContactAssociation", "ResourceNotFoundException", 404),
    ("StartChatContact", "LimitExceededException", 429),
    ("StartChatContact", "InternalServiceException", 500),
    ("DescribeContact", "ThrottlingException", 429),
    ("StopContact", "ContactNotFoundException", 410),
    ("StopContact", "InvalidActiveRegionException", 400),
    ("ListAssociatedContacts", "ThrottlingException", 429),
    ("GetContactAttributes", "ResourceNotFoundException", 404),
    ("UpdateContactAttributes", "InvalidActiveRegionException", 400),
]


def operation_error_codes() -> list[tuple[str, str]]:
    """Every (operation, error code) pair the Connect model lists for the mock's operations."""
    from moto_connect_persistent.operations import OPERATIONS
    from moto_connect_persistent.validation import modeled_errors

    return [
        (op, code) for op in OPERATIONS["connect"] for code in sorted(modeled_errors("connect", op))
    ]


@pytest.fixture
def client(connect: Any) -> Any:
    return boto3.client("connect", region_name=REGION, config=NO_RETRY)


@pytest.fixture
def chats(iid: str) -> str:
    seed_chats(iid)
    return iid


def snapshot() -> str:
    """Everything a call could change, as text: contacts, links, attributes, tokens."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    contacts = {f"{k[0]}/{k[1]}": c.to_dict() for k, c in backend.contacts.items()}
    return json.dumps(
        {"contacts": contacts, "tokens": sorted(map(str, backend.replies.calls))},
        sort_keys=True,
        default=str,
    )


# ----------------------------------------------------------------------------- what a fault sends


def test_every_modeled_error_of_every_operation_can_be_injected(client: Any, chats: str) -> None:
    from moto_connect_persistent.validation import modeled_errors

    pairs = operation_error_codes()
    assert len(pairs) >= 35
    by_operation = calls(client, chats)
    before = snapshot()
    for operation, code in pairs:
        inject_fault(operation, code)
        status = modeled_errors("connect", operation)[code]
        expect_error(by_operation[operation], code, status, "injected", operation)
    assert snapshot() == before


@pytest.mark.parametrize(("operation", "code", "status"), EXPECTED)
def test_fault_status_is_the_modeled_one(
    client: Any, chats: str, operation: str, code: str, status: int
) -> None:
    inject_fault(operation, code)

    with pytest.raises(getattr(client.exceptions, code)) as raised:
        calls(client, chats)[operation]()

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_fault_on_the_wire_has_the_error_type_header_and_a_json_message(chats: str) -> None:
    inject_fault("DescribeContact", "ThrottlingException", message="Rate exceeded")

    response = requests.get(
        f"https://connect.{REGION}.amazonaws.com/contacts/{chats}/C1", timeout=10
    )

    assert response.status_code == 429
    assert response.headers["x-amzn-ErrorType"] == "ThrottlingException"
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["Message"] == "Rate exceeded"


def test_a_chosen_message_reaches_boto3(client: Any, chats: str) -> None:
    inject_fault("StartChatContact", "LimitExceededException", message="Too many chats")
    expect_error(calls(client, chats)["StartChatContact"], "LimitExceededException", 429)
    inject_fault("StartChatContact", "LimitExceededException", message="Too many chats")
    message = expect_error(calls(client, chats)["StartChatContact"], "LimitExceededException", 429)
    assert message == "Too many chats"


# ----------------------------------------------------------------------------- what can be armed


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"operation": "CreateInstance", "error_code": "ThrottlingException"}, "not answered"),
        ({"operation": "NoSuchOp", "error_code": "ThrottlingException"}, "not answered"),
        # Neither modeled by the operation nor one of AWS's common errors: AWS would never
        # send it, so neither may a test.
        ({"operation": "StopContact", "error_code": "LimitExceededException"}, "cannot answer"),
        ({"operation": "StartChatContact", "error_code": "ConflictException"}, "LimitExceeded"),
        ({"operation": "DescribeContact", "error_code": "ValidationException"}, "cannot answer"),
        ({"operation": "GetTranscript", "error_code": "InvalidParameterException"}, "Validation"),
        ({"operation": "DescribeContact", "error_code": "ThrottlingException", "count": 0},
         "count"),
        ({"operation": "GetTranscript", "error_code": "ThrottlingException", "instance_id": "i"},
         "cannot be scoped"),
    ],
)  # fmt: skip
def test_faults_an_operation_cannot_answer_are_refused(
    connect: Any, kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(SeedingError) as raised:
        inject_fault(**kwargs)

    assert words in str(raised.value)
    assert "InvalidParameterException" in str(raised.value)


# ----------------------------------------------------------------------------- count, scope, clear


def test_count_fails_that_many_calls_then_the_operation_answers(client: Any, chats: str) -> None:
    describe = calls(client, chats)["DescribeContact"]
    inject_fault("DescribeContact", "ThrottlingException", count=3)

    for _ in range(3):
        expect_error(describe, "ThrottlingException", 429)

    assert describe()["Contact"]["Id"] == "C1"
    assert describe()["Contact"]["Id"] == "C1"


def test_a_fault_only_fails_its_own_operation(client: Any, chats: str) -> None:
    inject_fault("DescribeContact", "ThrottlingException")
    by_operation = calls(client, chats)

    assert by_operation["GetContactAttributes"]() is not None
    assert by_operation["ListAssociatedContacts"]()["ContactSummaryList"]
    expect_error(by_operation["DescribeContact"], "ThrottlingException", 429)


def test_faults_fire_oldest_first(client: Any, chats: str) -> None:
    describe = calls(client, chats)["DescribeContact"]
    inject_fault("DescribeContact", "ThrottlingException")
    inject_fault("DescribeContact", "InternalServiceException")

    expect_error(describe, "ThrottlingException", 429)
    expect_error(describe, "InternalServiceException", 500)
    assert describe()["Contact"]["Id"] == "C1"


def test_a_scoped_fault_fails_only_calls_on_its_instance(client: Any, chats: str) -> None:
    other = make_instance(client)
    seed_chat_session(other, contact_id="C1").end()
    inject_fault("DescribeContact", "ThrottlingException", count=2, instance_id=other)

    # Calls on the first instance pass and leave the fault armed.
    for _ in range(3):
        assert client.describe_contact(InstanceId=chats, ContactId="C1")["Contact"]["Id"] == "C1"
    for _ in range(2):
        expect_error(
            lambda: client.describe_contact(InstanceId=other, ContactId="C1"),
            "ThrottlingException",
            429,
        )
    assert client.describe_contact(InstanceId=other, ContactId="C1")["Contact"]["Id"] == "C1"


def test_a_scoped_fault_finds_the_instance_in_the_body_too(client: Any, chats: str) -> None:
    other = make_instance(client)
    seed_chat_session(other, contact_id="R1")
    inject_fault("StopContact", "InternalServiceException", instance_id=other)

    client.stop_contact(InstanceId=chats, ContactId="NEW")
    expect_error(
        lambda: client.stop_contact(InstanceId=other, ContactId="R1"),
        "InternalServiceException",
        500,
    )


def test_clear_faults_disarms_everything(client: Any, chats: str) -> None:
    inject_fault("DescribeContact", "ThrottlingException", count=50)
    inject_fault("StartChatContact", "LimitExceededException", count=50, instance_id=chats)

    clear_faults()

    assert calls(client, chats)["DescribeContact"]()["Contact"]["Id"] == "C1"
    assert calls(client, chats)["StartChatContact"]()["ContactId"]


def test_faults_belong_to_their_account_and_region(client: Any, chats: str) -> None:
    inject_fault("DescribeContact", "ThrottlingException", region_name="us-west-2")

    assert calls(client, chats)["DescribeContact"]()["Contact"]["Id"] == "C1"
    west = boto3.client("connect", region_name="us-west-2", config=NO_RETRY)
    west_instance = make_instance(west)
    expect_error(
        lambda: west.describe_contact(InstanceId=west_instance, ContactId="C1"),
        "ThrottlingException",
        429,
    )


# ----------------------------------------------------------------------------- order and state


def test_a_fault_fires_before_input_validation(connect: Any, chats: str) -> None:
    """AWS throttles a request before it reads it: a malformed call is throttled too."""
    unvalidated = boto3.client(
        "connect", region_name=REGION, config=NO_RETRY.merge(Config(parameter_validation=False))
    )
    inject_fault("CreatePersistentContactAssociation", "ThrottlingException")
    bad = {"InstanceId": chats, "InitialContactId": "NEW", "RehydrationType": "SIDEWAYS"}

    expect_error(
        lambda: unvalidated.create_persistent_contact_association(**bad),
        "ThrottlingException",
        429,
    )
    expect_error(
        lambda: unvalidated.create_persistent_contact_association(**bad),
        "InvalidParameterException",
        400,
        "SourceContactId",
    )


def test_a_faulted_association_links_nothing(client: Any, chats: str) -> None:
    inject_fault("CreatePersistentContactAssociation", "InternalServiceException")
    associate = calls(client, chats)["CreatePersistentContactAssociation"]
    before = snapshot()

    expect_error(associate, "InternalServiceException", 500)

    assert snapshot() == before
    assert (
        "RelatedContactId"
        not in client.describe_contact(InstanceId=chats, ContactId="NEW")["Contact"]
    )
    assert associate()["ContinuedFromContactId"] == "C1"


def test_a_faulted_call_records_no_client_token(client: Any, chats: str) -> None:
    """The token of a failed call is free: the retry does the work, once."""
    inject_fault("StartChatContact", "InternalServiceException")
    start = {
        "InstanceId": chats,
        "ContactFlowId": "flow",
        "ParticipantDetails": {"DisplayName": "Customer"},
        "ClientToken": "token-1",
    }
    before = snapshot()

    expect_error(lambda: client.start_chat_contact(**start), "InternalServiceException", 500)
    assert snapshot() == before

    first = client.start_chat_contact(**start)["ContactId"]
    assert client.start_chat_contact(**start)["ContactId"] == first
    assert len(connect_persistent_backends[ACCOUNT][REGION].contacts) == 3  # C1, NEW, first


# ----------------------------------------------------------------------------- retries


def test_standard_retry_mode_rides_through_two_throttles(
    connect: Any, chats: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", sleeps.append)
    retrying = boto3.client(
        "connect", region_name=REGION, config=Config(retries={"mode": "standard"})
    )
    inject_fault("CreatePersistentContactAssociation", "ThrottlingException", count=2)

    answer = calls(retrying, chats)["CreatePersistentContactAssociation"]()

    assert answer["ContinuedFromContactId"] == "C1"
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(sleeps) == 2


def test_retried_start_chat_creates_one_contact(
    connect: Any, chats: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LimitExceededException counts as throttling; boto3 resends the same ClientToken."""
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)
    retrying = boto3.client(
        "connect", region_name=REGION, config=Config(retries={"mode": "standard"})
    )
    inject_fault("StartChatContact", "LimitExceededException", count=2)

    answer = calls(retrying, chats)["StartChatContact"]()

    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(connect_persistent_backends[ACCOUNT][REGION].contacts) == 3


# ----------------------------------------------------------------------------- server mode


def test_faults_over_http_against_a_server(connect_server_url: str) -> None:
    client = boto3.client(
        "connect", region_name=REGION, endpoint_url=connect_server_url, config=NO_RETRY
    )
    iid = make_instance(client)
    other = make_instance(client)
    for instance in (iid, other):
        seed_chat_session(instance, contact_id="C1", endpoint_url=connect_server_url)
    inject_fault(
        "DescribeContact",
        "ThrottlingException",
        count=2,
        instance_id=other,
        endpoint_url=connect_server_url,
    )

    assert client.describe_contact(InstanceId=iid, ContactId="C1")["Contact"]["Id"] == "C1"

    def describe_other() -> Any:
        return client.describe_contact(InstanceId=other, ContactId="C1")

    expect_error(describe_other, "ThrottlingException", 429, "injected")
    clear_faults(endpoint_url=connect_server_url)
    assert describe_other()["Contact"]["Id"] == "C1"
    with pytest.raises(SeedingError, match="cannot answer"):
        inject_fault("StopContact", "LimitExceededException", endpoint_url=connect_server_url)
