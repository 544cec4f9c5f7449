"""CreatePersistentContactAssociation through real boto3: the rules of docs/persistent-chat.md, one
by one."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests
from freezegun import freeze_time
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import (
    chat_session,
    connect_persistent_backends,
    seed_chat_session,
    seed_contact,
)


@pytest.fixture
def past(iid: str) -> Any:
    """The seed's story: C1 -> transfer C2 -> disconnect-flow survey C3, all ended."""
    return (
        seed_chat_session(iid, contact_id="C1")
        .transfer(contact_id="C2")
        .disconnect_flow(contact_id="C3")
        .end()
    )


def associate(client: Any, iid: str, current: str, source: str, kind: str, **extra: Any) -> Any:
    return client.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId=current,
        RehydrationType=kind,
        SourceContactId=source,
        **extra,
    )


def related(client: Any, iid: str, contact_id: str) -> str | None:
    contact = client.describe_contact(InstanceId=iid, ContactId=contact_id)["Contact"]
    return contact.get("RelatedContactId")


# ----------------------------------------------------------------------------- the seed's use cases


def test_from_segment_continues_from_the_named_segment(connect: Any, iid: str, past: Any) -> None:
    seed_chat_session(iid, contact_id="NEW")
    answer = associate(connect, iid, "NEW", "C2", "FROM_SEGMENT")
    assert answer["ContinuedFromContactId"] == "C2"
    assert related(connect, iid, "NEW") == "C2"
    backend = connect_persistent_backends[ACCOUNT][REGION]
    assert backend.visible_past(iid, "NEW") == ["C2", "C1"]  # C3 dropped


def test_entire_past_session_continues_from_the_last_ended_segment(
    connect: Any, iid: str, past: Any
) -> None:
    seed_chat_session(iid, contact_id="NEW")
    answer = associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION")
    assert answer["ContinuedFromContactId"] == "C3"
    assert related(connect, iid, "NEW") == "C3"
    backend = connect_persistent_backends[ACCOUNT][REGION]
    assert backend.visible_past(iid, "NEW") == ["C3", "C2", "C1"]


def test_entire_past_session_breaks_timestamp_ties_by_segment_order(connect: Any, iid: str) -> None:
    with freeze_time("2026-01-01 12:00:00"):
        seed_chat_session(iid, contact_id="T1").transfer(contact_id="T2").transfer(
            contact_id="T3"
        ).end()
    seed_chat_session(iid, contact_id="NEW")
    assert (
        associate(connect, iid, "NEW", "T1", "ENTIRE_PAST_SESSION")["ContinuedFromContactId"]
        == "T3"
    )


def test_links_accumulate_when_a_persistent_chat_is_rehydrated_again(
    connect: Any, iid: str, past: Any
) -> None:
    second = seed_chat_session(iid, contact_id="S1")
    associate(connect, iid, "S1", "C2", "FROM_SEGMENT")
    second.transfer(contact_id="S2").end()
    seed_chat_session(iid, contact_id="THIRD")
    answer = associate(connect, iid, "THIRD", "S1", "ENTIRE_PAST_SESSION")
    assert answer["ContinuedFromContactId"] == "S2"
    backend = connect_persistent_backends[ACCOUNT][REGION]
    assert backend.visible_past(iid, "THIRD") == ["S2", "S1", "C2", "C1"]


def test_a_past_session_can_be_reused_by_several_new_chats(
    connect: Any, iid: str, past: Any
) -> None:
    for new in ("A", "B"):
        seed_chat_session(iid, contact_id=new)
        assert (
            associate(connect, iid, new, "C1", "ENTIRE_PAST_SESSION")["ContinuedFromContactId"]
            == "C3"
        )


def test_association_on_a_later_running_segment(connect: Any, iid: str, past: Any) -> None:
    """The current contact may be a transferred segment; the link is recorded on it."""
    seed_chat_session(iid, contact_id="N1").transfer(contact_id="N2")
    assert associate(connect, iid, "N2", "C2", "FROM_SEGMENT")["ContinuedFromContactId"] == "C2"
    assert related(connect, iid, "N2") == "C2"
    assert related(connect, iid, "N1") is None


# ----------------------------------------------------------------------------- rule 1: input

LONG = "x" * 257


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"InstanceId": "i" * 101}, "InstanceId"),
        ({"InitialContactId": LONG}, "InitialContactId"),
        ({"SourceContactId": LONG}, "SourceContactId"),
        ({"SourceContactId": ""}, "SourceContactId"),
        ({"SourceContactId": None}, "SourceContactId"),
        ({"SourceContactId": 42}, "SourceContactId"),
        ({"RehydrationType": None}, "RehydrationType"),
        ({"RehydrationType": "LATEST"}, "RehydrationType"),
        ({"RehydrationType": ["FROM_SEGMENT"]}, "RehydrationType"),
        ({"ClientToken": "t" * 501}, "ClientToken"),
        ({"ClientToken": 7}, "ClientToken"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    unvalidated: Any, iid: str, past: Any, overrides: dict[str, Any], field: str
) -> None:
    seed_chat_session(iid, contact_id="NEW")
    params = {
        "InstanceId": iid,
        "InitialContactId": "NEW",
        "RehydrationType": "FROM_SEGMENT",
        "SourceContactId": "C2",
    }
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    expect_error(
        lambda: unvalidated.create_persistent_contact_association(**params),
        "InvalidParameterException",
        400,
        field,
    )
    assert related(unvalidated, iid, "NEW") is None


def test_input_checks_come_before_existence(unvalidated: Any) -> None:
    expect_error(
        lambda: associate(unvalidated, "no-such-instance", "X", "Y", "SOMETIMES"),
        "InvalidParameterException",
        400,
        "RehydrationType",
    )


def raw_url(iid: str, current: str) -> str:
    return (
        f"https://connect.{REGION}.amazonaws.com/contact/persistent-contact-association/"
        f"{iid}/{current}"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{not json", "JSON"),
        ("[1, 2]", "JSON object"),
        ('"FROM_SEGMENT"', "JSON object"),
        ('{"RehydrationType": "FROM_SEGMENT"}', "SourceContactId"),
        ('{"RehydrationType": true, "SourceContactId": "C2"}', "RehydrationType"),
        ('{"RehydrationType": "FROM_SEGMENT", "SourceContactId": {"a": 1}}', "SourceContactId"),
    ],
)
def test_raw_http_malformed_bodies_get_aws_shaped_400s(
    connect: Any, iid: str, past: Any, body: str, words: str
) -> None:
    seed_chat_session(iid, contact_id="NEW")
    response = requests.post(raw_url(iid, "NEW"), data=body, timeout=5)
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    payload = response.json()
    assert payload["__type"] == "InvalidParameterException"
    assert words in payload["Message"]
    assert related(connect, iid, "NEW") is None


def test_raw_http_success_and_percent_encoded_ids(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="past chat/é").end()
    seed_chat_session(iid, contact_id="new chat")
    response = requests.post(
        raw_url(iid, "new%20chat"),
        json={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "past chat/é"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"ContinuedFromContactId": "past chat/é"}
    assert related(connect, iid, "new chat") == "past chat/é"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/contact/persistent-contact-association/i/X"),  # a POST-only route
        ("GET", "/contacts/"),  # e.g. what urllib3 makes of /contacts//..
        ("PUT", "/contact/task"),  # a Connect operation the mock does not emulate
    ],
)
def test_paths_no_operation_owns_get_an_aws_error(
    connect: Any, iid: str, method: str, path: str
) -> None:
    response = requests.request(method, f"https://connect.{REGION}.amazonaws.com{path}", timeout=5)
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "moto-connect-persistent" in response.json()["Message"]


# ----------------------------------------------------------------------------- rule 2: idempotency


def test_same_token_replays_the_first_answer_whatever_happened_since(
    connect: Any, iid: str, past: Any
) -> None:
    seed_chat_session(iid, contact_id="NEW")
    first = associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION", ClientToken="tok-1")
    connect.stop_contact(InstanceId=iid, ContactId="NEW")  # now the call itself would be refused
    again = associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION", ClientToken="tok-1")
    assert again["ContinuedFromContactId"] == first["ContinuedFromContactId"] == "C3"


def test_same_token_with_other_parameters_is_an_invalid_request_naming_the_token(
    connect: Any, iid: str, past: Any
) -> None:
    """docs/persistent-chat.md: Rules and errors: the operation models no IdempotencyException
    [botocore model:
    CreatePersistentContactAssociation errors], so the conflict is its InvalidRequestException."""
    seed_chat_session(iid, contact_id="NEW")
    associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION", ClientToken="tok-2")
    expect_error(
        lambda: associate(connect, iid, "NEW", "C2", "FROM_SEGMENT", ClientToken="tok-2"),
        "InvalidRequestException",
        400,
        "ClientToken 'tok-2'",
    )
    assert related(connect, iid, "NEW") == "C3"


def test_a_failed_call_does_not_consume_its_token(connect: Any, iid: str, past: Any) -> None:
    seed_chat_session(iid, contact_id="NEW")
    expect_error(
        lambda: associate(connect, iid, "NEW", "C2", "ENTIRE_PAST_SESSION", ClientToken="tok-3"),
        "InvalidRequestException",
        400,
    )
    answer = associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION", ClientToken="tok-3")
    assert answer["ContinuedFromContactId"] == "C3"


def test_without_a_token_a_repeat_is_refused(connect: Any, iid: str, past: Any) -> None:
    """boto3 does not fill ClientToken for this operation, so a repeat is a second association."""
    seed_chat_session(iid, contact_id="NEW")
    associate(connect, iid, "NEW", "C2", "FROM_SEGMENT")
    expect_error(
        lambda: associate(connect, iid, "NEW", "C2", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "already a persistent chat",
    )


# ----------------------------------------------------------------------------- rule 3: existence


def test_unknown_instance(connect: Any, iid: str, past: Any) -> None:
    expect_error(
        lambda: associate(connect, "nope", "C1", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "InstanceId",
    )


def test_a_deleted_instance_is_not_found(connect: Any, iid: str, past: Any) -> None:
    seed_chat_session(iid, contact_id="NEW")
    connect.delete_instance(InstanceId=iid)
    expect_error(
        lambda: associate(connect, iid, "NEW", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "InstanceId",
    )


def test_unknown_current_contact(connect: Any, iid: str, past: Any) -> None:
    expect_error(
        lambda: associate(connect, iid, "ghost", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "InitialContactId",
    )


def test_unknown_source_contact_wins_over_an_ended_current_contact(
    connect: Any, iid: str, past: Any
) -> None:
    expect_error(
        lambda: associate(connect, iid, "C3", "ghost", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "SourceContactId",
    )


def test_contacts_of_another_instance_are_not_found(connect: Any, iid: str, past: Any) -> None:
    other = make_instance(connect)
    seed_chat_session(other, contact_id="NEW")
    expect_error(
        lambda: associate(connect, other, "NEW", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "SourceContactId",
    )


def test_contacts_of_another_region_are_not_found(connect: Any, iid: str, past: Any) -> None:
    west = boto3.client("connect", region_name="us-west-2")
    expect_error(
        lambda: associate(west, iid, "C3", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "InstanceId",
    )


def test_accounts_are_isolated(connect: Any, iid: str, past: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222222222222")
    other_client = boto3.client("connect", region_name=REGION)
    other_iid = make_instance(other_client)
    seed_chat_session(other_iid, contact_id="NEW")
    expect_error(
        lambda: associate(other_client, other_iid, "NEW", "C2", "FROM_SEGMENT"),
        "ResourceNotFoundException",
        404,
        "SourceContactId",
    )
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    seed_chat_session(iid, contact_id="NEW")
    assert associate(connect, iid, "NEW", "C2", "FROM_SEGMENT")["ContinuedFromContactId"] == "C2"


# ----------------------------------------------------------------------------- rule 4: current


def test_current_contact_must_be_chat(connect: Any, iid: str, past: Any) -> None:
    seed_contact(iid, channel="VOICE", ended=False, contact_id="CALL")
    expect_error(
        lambda: associate(connect, iid, "CALL", "C2", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "InitialContactId",
        "CHAT",
    )


def test_current_contact_must_be_running(connect: Any, iid: str, past: Any) -> None:
    seed_chat_session(iid, contact_id="DONE").end()
    expect_error(
        lambda: associate(connect, iid, "DONE", "C2", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "InitialContactId",
        "ended",
    )


def test_a_session_is_made_persistent_only_once(connect: Any, iid: str, past: Any) -> None:
    session = seed_chat_session(iid, contact_id="N1")
    associate(connect, iid, "N1", "C2", "FROM_SEGMENT")
    session.transfer(contact_id="N2")
    expect_error(
        lambda: associate(connect, iid, "N2", "C1", "ENTIRE_PAST_SESSION"),
        "InvalidRequestException",
        400,
        "already a persistent chat",
    )
    assert related(connect, iid, "N2") is None


def test_not_both_start_chat_persistent_chat_and_association(
    connect: Any, iid: str, past: Any
) -> None:
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ana"},
        PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"},
    )
    expect_error(
        lambda: associate(connect, iid, started["ContactId"], "C1", "ENTIRE_PAST_SESSION"),
        "InvalidRequestException",
        400,
        "already a persistent chat",
    )


# ----------------------------------------------------------------------------- rules 5-7: source


def test_source_must_be_chat(connect: Any, iid: str) -> None:
    seed_contact(iid, channel="TASK", contact_id="TASK1")
    seed_chat_session(iid, contact_id="NEW")
    expect_error(
        lambda: associate(connect, iid, "NEW", "TASK1", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "SourceContactId",
        "CHAT",
    )


def test_current_rules_come_before_source_rules(connect: Any, iid: str) -> None:
    seed_contact(iid, channel="TASK", contact_id="TASK1")
    seed_contact(iid, channel="VOICE", ended=False, contact_id="CALL")
    expect_error(
        lambda: associate(connect, iid, "CALL", "TASK1", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "InitialContactId",
    )


def test_source_must_not_be_in_the_current_session(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="N1").transfer(contact_id="N2")
    expect_error(
        lambda: associate(connect, iid, "N2", "N1", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "own chat session",
    )


def test_from_segment_source_must_have_ended(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2").disconnect_flow(
        contact_id="C3"
    )
    seed_chat_session(iid, contact_id="NEW")
    expect_error(
        lambda: associate(connect, iid, "NEW", "C3", "FROM_SEGMENT"),
        "InvalidRequestException",
        400,
        "not ended",
    )


def test_entire_past_session_needs_the_root(connect: Any, iid: str, past: Any) -> None:
    seed_chat_session(iid, contact_id="NEW")
    message = expect_error(
        lambda: associate(connect, iid, "NEW", "C2", "ENTIRE_PAST_SESSION"),
        "InvalidRequestException",
        400,
        "SourceContactId",
    )
    assert "C1" in message  # tells the user which contact to pass instead


def test_entire_past_session_needs_every_segment_ended(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2")
    seed_chat_session(iid, contact_id="NEW")
    expect_error(
        lambda: associate(connect, iid, "NEW", "C1", "ENTIRE_PAST_SESSION"),
        "InvalidRequestException",
        400,
        "has not ended",
    )


# ----------------------------------------------------------------------------- coexistence


def test_works_under_plain_mock_aws_and_moto_connect_keeps_working() -> None:
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()
        seed_chat_session(iid, contact_id="NEW")
        assert associate(client, iid, "NEW", "C1", "FROM_SEGMENT")["ContinuedFromContactId"] == (
            "C1"
        )
        assert client.describe_instance(InstanceId=iid)["Instance"]["Id"] == iid
        assert [i["Id"] for i in client.list_instances()["InstanceSummaryList"]] == [iid]


def test_body_shape_on_the_wire(connect: Any, iid: str, past: Any) -> None:
    """Errors carry the modeled ``Message`` member and the error-type header."""
    response = requests.post(
        raw_url(iid, "C3"),
        data=json.dumps({"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"}),
        timeout=5,
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert set(response.json()) >= {"__type", "Message"}
    assert chat_session(iid, "C1").contact_ids == ["C1", "C2", "C3"]
