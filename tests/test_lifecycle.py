"""The chat contact lifecycle over boto3: StartChatContact, DescribeContact, StopContact,
ListAssociatedContacts and contact attributes, against the same state seeding writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests
from support import ACCOUNT, REGION, expect_error

from moto_connect_persistent import (
    chat_session,
    connect_persistent_backends,
    seed_chat_session,
)


def start(client: Any, iid: str, **extra: Any) -> Any:
    return client.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow-1",
        ParticipantDetails={"DisplayName": "Customer"},
        **extra,
    )


def describe(client: Any, iid: str, contact_id: str) -> dict[str, Any]:
    contact: dict[str, Any] = client.describe_contact(InstanceId=iid, ContactId=contact_id)[
        "Contact"
    ]
    return contact


# ----------------------------------------------------------------------------- the story


def test_the_seed_story_end_to_end_with_boto3(connect: Any, iid: str) -> None:
    first = start(connect, iid)["ContactId"]
    session = chat_session(iid, first)
    session.transfer(agent_id="agent-2", queue_id="queue-2")
    session.disconnect_flow()
    c1, c2, c3 = session.contact_ids
    assert c1 == first
    connect.stop_contact(InstanceId=iid, ContactId=c3)

    new = start(
        connect,
        iid,
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": c1},
    )
    assert new["ContinuedFromContactId"] == c3
    assert describe(connect, iid, new["ContactId"])["RelatedContactId"] == c3


# ----------------------------------------------------------------------------- StartChatContact


def test_start_chat_creates_a_running_chat_root(connect: Any, iid: str) -> None:
    answer = start(connect, iid)
    assert {"ContactId", "ParticipantId", "ParticipantToken"} <= set(answer)
    assert "ContinuedFromContactId" not in answer
    contact = describe(connect, iid, answer["ContactId"])
    assert contact["Channel"] == "CHAT"
    assert contact["InitiationMethod"] == "API"
    assert contact["ContactAssociationId"] == answer["ContactId"]
    assert "DisconnectTimestamp" not in contact
    assert "InitialContactId" not in contact


def test_start_chat_with_from_segment(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2").disconnect_flow(
        contact_id="C3"
    ).end()
    answer = start(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"}
    )
    assert answer["ContinuedFromContactId"] == "C2"


def test_start_chat_refuses_a_running_source_and_creates_nothing(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="LIVE")
    backend = connect_persistent_backends[ACCOUNT][REGION]
    before = dict(backend.contacts)
    expect_error(
        lambda: start(
            connect,
            iid,
            PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "LIVE"},
        ),
        "InvalidRequestException",
        400,
        "not ended",
    )
    assert backend.contacts == before


def test_start_chat_persistent_chat_needs_a_rehydration_type(unvalidated: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1").end()
    expect_error(
        lambda: start(unvalidated, iid, PersistentChat={"SourceContactId": "C1"}),
        "InvalidParameterException",
        400,
        "RehydrationType",
    )


def test_persistent_chat_and_related_contact_together_are_refused(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1").end()
    expect_error(
        lambda: start(
            connect,
            iid,
            PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C1"},
            RelatedContactId="C1",
        ),
        "InvalidRequestException",
        400,
        "RelatedContactId",
    )


def test_related_contact_links_and_copies_attributes(connect: Any, iid: str) -> None:
    old = start(connect, iid, Attributes={"orderId": "42", "tier": "gold"})["ContactId"]
    new = start(connect, iid, RelatedContactId=old, Attributes={"tier": "platinum"})["ContactId"]
    assert describe(connect, iid, new)["RelatedContactId"] == old
    attributes = connect.get_contact_attributes(InstanceId=iid, InitialContactId=new)
    assert attributes["Attributes"] == {"orderId": "42", "tier": "platinum"}


def test_unknown_related_contact(connect: Any, iid: str) -> None:
    expect_error(
        lambda: start(connect, iid, RelatedContactId="ghost"),
        "ResourceNotFoundException",
        404,
        "RelatedContactId",
    )


@pytest.mark.parametrize("minutes", [59, 10081])
def test_chat_duration_range(unvalidated: Any, iid: str, minutes: int) -> None:
    expect_error(
        lambda: start(unvalidated, iid, ChatDurationInMinutes=minutes),
        "InvalidParameterException",
        400,
        "ChatDurationInMinutes",
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ContactFlowId": "f"}, "ParticipantDetails"),
        ({"ContactFlowId": "f", "ParticipantDetails": {}}, "ParticipantDetails.DisplayName"),
        ({"ParticipantDetails": {"DisplayName": "x"}}, "ContactFlowId"),
        ({"ContactFlowId": "", "ParticipantDetails": {"DisplayName": "x"}}, "ContactFlowId"),
    ],
)
def test_start_chat_input_checks(
    unvalidated: Any, iid: str, params: dict[str, Any], field: str
) -> None:
    expect_error(
        lambda: unvalidated.start_chat_contact(InstanceId=iid, **params),
        "InvalidParameterException",
        400,
        field,
    )


def test_start_chat_over_raw_http_checks_types(connect: Any, iid: str) -> None:
    """botocore cannot even serialise a list as a map: raw HTTP callers can, and get a 400."""
    body = {
        "InstanceId": iid,
        "ContactFlowId": "f",
        "ParticipantDetails": {"DisplayName": "x"},
        "Attributes": ["not", "a", "map"],
    }
    response = requests.put(
        f"https://connect.{REGION}.amazonaws.com/contact/chat", json=body, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidParameterException"
    assert "Attributes" in response.json()["Message"]


def test_start_chat_unknown_instance(connect: Any) -> None:
    expect_error(lambda: start(connect, "nope"), "ResourceNotFoundException", 404, "InstanceId")


def test_client_token_replay_returns_the_same_contact(connect: Any, iid: str) -> None:
    first = start(connect, iid, ClientToken="same")
    again = start(connect, iid, ClientToken="same")
    assert again["ContactId"] == first["ContactId"]
    assert again["ParticipantToken"] == first["ParticipantToken"]
    other = start(connect, iid)
    assert other["ContactId"] != first["ContactId"]


# ----------------------------------------------------------------------------- DescribeContact


def test_describe_contact_fields_of_each_segment(connect: Any, iid: str) -> None:
    seed_chat_session(iid, contact_id="C1", agent_id="agent-1").transfer(
        contact_id="C2", agent_id="agent-2", queue_id="queue-2"
    ).disconnect_flow(contact_id="C3")
    c1, c2, c3 = (describe(connect, iid, c) for c in ("C1", "C2", "C3"))

    assert c1["InitiationMethod"] == "API"
    assert c2["InitiationMethod"] == "TRANSFER"
    assert c3["InitiationMethod"] == "DISCONNECT"
    assert "InitialContactId" not in c1 and "PreviousContactId" not in c1
    assert c2["InitialContactId"] == c3["InitialContactId"] == "C1"
    assert c2["PreviousContactId"] == "C1" and c3["PreviousContactId"] == "C2"
    assert {c["ContactAssociationId"] for c in (c1, c2, c3)} == {"C1"}
    assert c1["AgentInfo"]["Id"] == "agent-1"
    assert c2["AgentInfo"]["Id"] == "agent-2" and c2["QueueInfo"]["Id"] == "queue-2"
    assert c2["Arn"].endswith(f":instance/{iid}/contact/C2")
    assert c2["Arn"].startswith(f"arn:aws:connect:{REGION}:123456789012:")

    # A transfer ends the previous segment at the moment of the transfer.
    assert isinstance(c1["DisconnectTimestamp"], datetime)
    assert c1["DisconnectTimestamp"] <= c2["InitiationTimestamp"]
    assert "DisconnectTimestamp" not in c3
    assert isinstance(c3["LastUpdateTimestamp"], datetime)


def test_describe_unknown_contact_and_instance(connect: Any, iid: str) -> None:
    expect_error(lambda: describe(connect, iid, "ghost"), "ResourceNotFoundException", 404, "ghost")
    expect_error(
        lambda: describe(connect, "nope", "ghost"), "ResourceNotFoundException", 404, "InstanceId"
    )


def test_describe_input_checks(unvalidated: Any, iid: str) -> None:
    expect_error(
        lambda: describe(unvalidated, iid, "x" * 257),
        "InvalidParameterException",
        400,
        "ContactId",
    )


# ----------------------------------------------------------------------------- StopContact


def test_stop_contact_ends_the_chat_and_makes_it_a_source(connect: Any, iid: str) -> None:
    contact = start(connect, iid)["ContactId"]
    connect.stop_contact(
        InstanceId=iid, ContactId=contact, DisconnectReason={"Code": "CUSTOMER_DISCONNECT"}
    )
    described = describe(connect, iid, contact)
    assert isinstance(described["DisconnectTimestamp"], datetime)
    assert described["DisconnectReason"] == "CUSTOMER_DISCONNECT"
    new = start(
        connect,
        iid,
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": contact},
    )
    assert new["ContinuedFromContactId"] == contact


def test_stop_contact_errors(connect: Any, unvalidated: Any, iid: str) -> None:
    contact = start(connect, iid)["ContactId"]
    connect.stop_contact(InstanceId=iid, ContactId=contact)
    expect_error(
        lambda: connect.stop_contact(InstanceId=iid, ContactId=contact),
        "InvalidRequestException",
        400,
        "already ended",
    )
    expect_error(
        lambda: connect.stop_contact(InstanceId=iid, ContactId="ghost"),
        "ResourceNotFoundException",
        404,
    )
    expect_error(
        lambda: unvalidated.stop_contact(InstanceId=iid),
        "InvalidParameterException",
        400,
        "ContactId",
    )


# ------------------------------------------------------------------ ListAssociatedContacts


def test_list_associated_contacts_pages_oldest_first(connect: Any, iid: str) -> None:
    session = seed_chat_session(iid, contact_id="C1")
    for n in range(2, 6):
        session.transfer(contact_id=f"C{n}")
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        extra = {"NextToken": token} if token else {}
        page = connect.list_associated_contacts(
            InstanceId=iid, ContactId="C3", MaxResults=2, **extra
        )
        pages += 1
        seen += [c["ContactId"] for c in page["ContactSummaryList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ["C1", "C2", "C3", "C4", "C5"]
    assert pages == 3
    summary = connect.list_associated_contacts(InstanceId=iid, ContactId="C1")[
        "ContactSummaryList"
    ][1]
    assert summary["InitialContactId"] == "C1" and summary["PreviousContactId"] == "C1"
    assert summary["InitiationMethod"] == "TRANSFER" and summary["Channel"] == "CHAT"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"MaxResults": 0}, "MaxResults"),
        ({"MaxResults": 101}, "MaxResults"),
        ({"NextToken": "zz"}, "nextToken"),
    ],
)
def test_list_associated_contacts_input_checks(
    unvalidated: Any, iid: str, extra: dict[str, Any], field: str
) -> None:
    seed_chat_session(iid, contact_id="C1")
    expect_error(
        lambda: unvalidated.list_associated_contacts(InstanceId=iid, ContactId="C1", **extra),
        "InvalidParameterException",
        400,
        field,
    )


def test_list_associated_contacts_unknown_contact(connect: Any, iid: str) -> None:
    expect_error(
        lambda: connect.list_associated_contacts(InstanceId=iid, ContactId="ghost"),
        "ResourceNotFoundException",
        404,
    )


# ----------------------------------------------------------------------------- attributes


def test_attributes_belong_to_the_session(connect: Any, iid: str) -> None:
    first = start(connect, iid, Attributes={"lang": "en"})["ContactId"]
    session = chat_session(iid, first).transfer(contact_id="T2")
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId=first, Attributes={"survey": "yes"}
    )
    for contact_id in session.contact_ids:
        got = connect.get_contact_attributes(InstanceId=iid, InitialContactId=contact_id)
        assert got["Attributes"] == {"lang": "en", "survey": "yes"}
    assert describe(connect, iid, "T2")["Attributes"] == {"lang": "en", "survey": "yes"}


def test_attribute_errors(connect: Any, unvalidated: Any, iid: str) -> None:
    expect_error(
        lambda: connect.get_contact_attributes(InstanceId=iid, InitialContactId="ghost"),
        "ResourceNotFoundException",
        404,
    )
    expect_error(
        lambda: connect.update_contact_attributes(
            InstanceId=iid, InitialContactId="ghost", Attributes={"a": "b"}
        ),
        "ResourceNotFoundException",
        404,
    )
    contact = start(connect, iid)["ContactId"]
    expect_error(
        lambda: unvalidated.update_contact_attributes(InstanceId=iid, InitialContactId=contact),
        "InvalidParameterException",
        400,
        "Attributes",
    )
    expect_error(
        lambda: unvalidated.update_contact_attributes(
            InstanceId=iid, InitialContactId=contact, Attributes={"a": 1}
        ),
        "InvalidParameterException",
        400,
        "Attributes.a",
    )
