"""GetTranscript paging: MaxResults, NextToken, ScanDirection, SortOrder, StartPosition, ContactId.

The chat read here continues (FROM_SEGMENT P2) a past session P1 -> P2 and has 14 items of
its own: the customer's joined event, the chat.rehydrated event, then messages m0..m11, one
second apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time
from support import REGION, Chat, expect_error

from moto_connect_persistent import chat_session, seed_chat_session

START = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)
CURRENT_MESSAGES = [f"m{i}" for i in range(12)]
PAST_MESSAGES = ["p2-a", "p1-b", "p1-a"]  # newest first


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [i.get("Content") or i["ContentType"].rsplit(".", 1)[-1] for i in items]


def contents(items: list[dict[str, Any]]) -> list[str]:
    return [i["Content"] for i in items if i["Type"] == "MESSAGE"]


@pytest.fixture
def chat(connect: Any, iid: str) -> Iterator[Chat]:
    with freeze_time(START) as clock:
        (
            seed_chat_session(iid, contact_id="P1")
            .message("CUSTOMER", "p1-a")
            .message("AGENT", "p1-b")
            .transfer(contact_id="P2")
            .message("AGENT", "p2-a")
            .end()
        )
        clock.tick(timedelta(minutes=5))
        started = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Ann"},
            PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "P2"},
        )
        session = chat_session(iid, started["ContactId"])
        for text in CURRENT_MESSAGES:
            clock.tick(timedelta(seconds=1))
            session.message("AGENT", text)
        client = boto3.client("connectparticipant", region_name=REGION)
        token = client.create_participant_connection(
            ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]
        yield Chat(client, token, started["ContactId"], started["ParticipantToken"])


def by_content(chat: Chat, text: str) -> dict[str, Any]:
    return next(i for i in chat.read_all(MaxResults=100) if i.get("Content") == text)


# ------------------------------------------------------------------------------ MaxResults


def test_default_page_is_the_ten_newest_items_newest_first(chat: Chat) -> None:
    answer = chat.page()
    assert contents(answer["Transcript"]) == CURRENT_MESSAGES[::-1][:10]
    assert "NextToken" in answer


def test_max_results_zero_returns_no_items_and_a_token_to_go_on(chat: Chat) -> None:
    answer = chat.page(MaxResults=0)
    assert answer["Transcript"] == []
    rest = chat.read_all(MaxResults=100, NextToken=answer["NextToken"])
    assert contents(rest) == CURRENT_MESSAGES[::-1] + PAST_MESSAGES


def test_max_results_caps_the_page(chat: Chat) -> None:
    assert len(chat.page(MaxResults=3)["Transcript"]) == 3


# ------------------------------------------------------------------------------ NextToken


def test_next_token_walks_from_the_current_session_into_the_past(chat: Chat) -> None:
    whole = chat.read_all(MaxResults=100)  # the current session, then the past by its token
    paged = chat.read_all(MaxResults=4)
    assert [i["Id"] for i in paged] == [i["Id"] for i in whole]
    current = [i for i in paged if "ContactId" in i]
    past = [i for i in paged if "RelatedContactId" in i]
    assert paged == current + past  # the past only after the whole current session
    assert len(current) == 14
    assert contents(past) == PAST_MESSAGES


def test_next_token_is_stable_while_new_messages_arrive(chat: Chat) -> None:
    first = chat.page(MaxResults=5)
    chat.client.send_message(ConnectionToken=chat.token, ContentType="text/plain", Content="new")
    second = chat.page(MaxResults=5, NextToken=first["NextToken"])
    assert contents(second["Transcript"]) == ["m6", "m5", "m4", "m3", "m2"]


def test_forward_paging_reaches_messages_sent_since(chat: Chat) -> None:
    first = chat.page(ScanDirection="FORWARD", SortOrder="ASCENDING", MaxResults=14)
    assert "NextToken" not in first
    start = {"Id": first["Transcript"][-1]["Id"]}
    chat.client.send_message(ConnectionToken=chat.token, ContentType="text/plain", Content="new")
    later = chat.page(StartPosition=start, SortOrder="ASCENDING")
    assert contents(later["Transcript"]) == ["m11", "new"]


def test_invalid_next_token_is_a_validation_error(chat: Chat) -> None:
    expect_error(lambda: chat.page(NextToken="garbage"), "ValidationException", 400, "NextToken")


def test_next_token_of_another_chat_is_refused(chat: Chat, connect: Any, iid: str) -> None:
    token = chat.page(MaxResults=1)["NextToken"]
    other = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Bo"}
    )
    other_token = chat.client.create_participant_connection(
        ParticipantToken=other["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    expect_error(
        lambda: chat.client.get_transcript(ConnectionToken=other_token, NextToken=token),
        "ValidationException",
        400,
        "another chat",
    )


def test_next_token_keeps_its_scan_direction(chat: Chat) -> None:
    token = chat.page(MaxResults=1)["NextToken"]
    expect_error(
        lambda: chat.page(NextToken=token, ScanDirection="FORWARD"),
        "ValidationException",
        400,
        "ScanDirection",
    )
    assert chat.page(NextToken=token, ScanDirection="BACKWARD")["Transcript"]


# ------------------------------------------------------------------------------ direction, order


def test_forward_without_start_reads_the_current_session_from_its_start(chat: Chat) -> None:
    items = chat.read_all(ScanDirection="FORWARD", SortOrder="ASCENDING", MaxResults=5)
    assert texts(items) == ["joined", "rehydrated", *CURRENT_MESSAGES]
    assert all("ContactId" in i for i in items)  # FORWARD never reaches the past


def test_ascending_sorts_the_same_page_oldest_first(chat: Chat) -> None:
    descending = chat.page(MaxResults=4)["Transcript"]
    ascending = chat.page(MaxResults=4, SortOrder="ASCENDING")["Transcript"]
    assert ascending == descending[::-1]


def test_descending_forward_page_is_newest_first(chat: Chat) -> None:
    page = chat.page(ScanDirection="FORWARD", MaxResults=3)["Transcript"]
    assert texts(page) == ["m0", "rehydrated", "joined"]


# ------------------------------------------------------------------------------ StartPosition


def test_start_id_scans_forward_by_default_from_that_item(chat: Chat) -> None:
    start = {"Id": by_content(chat, "m5")["Id"]}
    page = chat.page(StartPosition=start, MaxResults=3)["Transcript"]
    assert contents(page) == ["m7", "m6", "m5"]


def test_start_id_backward_continues_into_the_past(chat: Chat) -> None:
    start = {"Id": by_content(chat, "m1")["Id"]}
    items = chat.read_all(StartPosition=start, ScanDirection="BACKWARD", MaxResults=2)
    assert contents(items) == ["m1", "m0", *PAST_MESSAGES]


@pytest.mark.parametrize("target", ["unknown-id", "p1-a"])
def test_start_id_must_be_an_item_of_the_current_session(chat: Chat, target: str) -> None:
    item_id = target if target == "unknown-id" else by_content(chat, target)["Id"]
    expect_error(
        lambda: chat.page(StartPosition={"Id": item_id}),
        "ValidationException",
        400,
        "StartPosition.Id",
    )


def test_start_absolute_time_forward_and_backward(chat: Chat) -> None:
    at = by_content(chat, "m3")["AbsoluteTime"]
    forward = chat.page(StartPosition={"AbsoluteTime": at}, SortOrder="ASCENDING", MaxResults=2)
    assert contents(forward["Transcript"]) == ["m3", "m4"]
    backward = chat.page(StartPosition={"AbsoluteTime": at}, ScanDirection="BACKWARD", MaxResults=2)
    assert contents(backward["Transcript"]) == ["m3", "m2"]


def test_start_absolute_time_before_the_chat_backward_gives_only_the_past(chat: Chat) -> None:
    items = chat.read_all(
        StartPosition={"AbsoluteTime": "2026-05-04T10:01:00.000Z"}, ScanDirection="BACKWARD"
    )
    assert contents(items) == PAST_MESSAGES
    assert all("RelatedContactId" in i for i in items)


def test_start_absolute_time_must_be_iso_8601(chat: Chat) -> None:
    expect_error(
        lambda: chat.page(StartPosition={"AbsoluteTime": "yesterday"}),
        "ValidationException",
        400,
        "AbsoluteTime",
    )


def test_start_most_recent_counts_back_from_the_newest_item(chat: Chat) -> None:
    newest = chat.page(StartPosition={"MostRecent": 0})["Transcript"]
    assert contents(newest) == ["m11"]
    three = chat.page(StartPosition={"MostRecent": 2})["Transcript"]
    assert contents(three) == ["m11", "m10", "m9"]
    back = chat.page(StartPosition={"MostRecent": 2}, ScanDirection="BACKWARD", MaxResults=2)
    assert contents(back["Transcript"]) == ["m9", "m8"]


def test_start_position_takes_exactly_one_field(chat: Chat) -> None:
    start = {"Id": by_content(chat, "m1")["Id"], "MostRecent": 1}
    expect_error(lambda: chat.page(StartPosition=start), "ValidationException", 400, "exactly one")


def test_max_results_above_100_is_refused_by_the_mock_too(chat: Chat) -> None:
    raw = boto3.client(
        "connectparticipant", region_name=REGION, config=Config(parameter_validation=False)
    )
    expect_error(
        lambda: raw.get_transcript(ConnectionToken=chat.token, MaxResults=101),
        "ValidationException",
        400,
    )


# ------------------------------------------------------------------------------ ContactId


def test_contact_id_filters_the_current_session_not_the_past(chat: Chat, iid: str) -> None:
    chat_session(iid, chat.contact_id).transfer(contact_id="LATER").message("AGENT", "after")
    first_segment = chat.read_all(ContactId=chat.contact_id, MaxResults=5)
    assert "after" not in contents(first_segment)
    assert contents(first_segment) == CURRENT_MESSAGES[::-1] + PAST_MESSAGES
    later = chat.read_all(ContactId="LATER")
    assert contents(later) == ["after", *PAST_MESSAGES]
    assert {i["ContactId"] for i in later if "ContactId" in i} == {"LATER"}


def test_contact_id_outside_the_chat_is_denied(chat: Chat) -> None:
    expect_error(lambda: chat.page(ContactId="P1"), "AccessDeniedException", 403)


def test_absolute_time_copied_from_an_item_selects_it_on_the_real_clock(
    connect: Any, iid: str
) -> None:
    started = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    client = boto3.client("connectparticipant", region_name=REGION)
    token = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    sent = client.send_message(ConnectionToken=token, ContentType="text/plain", Content="x")
    for direction in ("FORWARD", "BACKWARD"):
        page = client.get_transcript(
            ConnectionToken=token,
            StartPosition={"AbsoluteTime": sent["AbsoluteTime"]},
            ScanDirection=direction,
        )["Transcript"]
        assert sent["Id"] in [i["Id"] for i in page], direction
