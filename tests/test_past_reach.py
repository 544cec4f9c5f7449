"""How far back a persistent chat reaches: the feature specifications' limit on past contacts,
through boto3 in-process and over the server, read as a chat client reads (GetTranscript,
following NextToken into the past)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from support import REGION, Chat, expect_error, make_instance, use_s3_storage

from moto_connect_persistent import chat_session, seed_chat_session

#: Past sessions of the chain, and the contacts (segments) of each: 105 past contacts.
SESSIONS = 5
SEGMENTS = 21
#: Files an agent shares in two contacts of the oldest session: one out of reach, one in it.
SHARED = {"S0-4": ("gone.csv", "text/csv"), "S0-5": ("kept.txt", "text/plain")}
BUCKET = "chat-files"


@pytest.fixture(params=["in-process", "server"])
def endpoint_url(request: pytest.FixtureRequest) -> str | None:
    """None for the decorator's mock, else a running server's URL."""
    if request.param == "in-process":
        request.getfixturevalue("connect")
        return None
    url: str = request.getfixturevalue("connect_server_url")
    return url


def past_chain(connect: Any, iid: str, endpoint_url: str | None) -> tuple[str, list[str]]:
    """A customer who came back SESSIONS times, each chat transferred SEGMENTS - 1 times, with
    an agent's message in every contact. Returns the newest session's root and every past
    contact's id, newest first."""
    contacts: list[str] = []
    session = seed_chat_session(iid, contact_id="S0-0", endpoint_url=endpoint_url)
    for number in range(SESSIONS):
        if number:
            started = connect.start_chat_contact(
                InstanceId=iid,
                ContactFlowId="flow",
                ParticipantDetails={"DisplayName": "Ann"},
                PersistentChat={
                    "RehydrationType": "ENTIRE_PAST_SESSION",
                    "SourceContactId": session.initial_contact_id,
                },
            )
            session = chat_session(iid, started["ContactId"], endpoint_url=endpoint_url)
        contacts.append(session.current_contact_id)
        session.message("AGENT", f"in {session.current_contact_id}")
        for segment in range(1, SEGMENTS):
            session.transfer(contact_id=f"S{number}-{segment}")
            contacts.append(session.current_contact_id)
            session.message("AGENT", f"in {session.current_contact_id}")
            if session.current_contact_id in SHARED:
                name, content_type = SHARED[session.current_contact_id]
                session.attachment("AGENT", name, "a file", content_type=content_type)
        session.end()
    return session.initial_contact_id, contacts[::-1]


def test_a_persistent_chat_reaches_back_100_past_contacts(endpoint_url: str | None) -> None:
    """Admin Guide, feature specifications (chat): "Past contacts that can be traversed by
    Connect Customer chat. This applies to persistent chat: 100" (the same number as the
    page's 2023 text, "Number of past contacts that can be traversed by Amazon Connect
    chat"). A chat continuing a chain of 105 past contacts shows the newest 100; the five
    oldest are out of its reach, however far the client pages, and so are their files."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=endpoint_url)
    participant = boto3.client("connectparticipant", region_name=REGION, endpoint_url=endpoint_url)
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint_url)
    iid = make_instance(connect)
    use_s3_storage(connect, s3, iid, "ATTACHMENTS", BUCKET, "connect/shop/Attachments")
    newest_root, past = past_chain(connect, iid, endpoint_url)
    assert len(past) == SESSIONS * SEGMENTS == 105

    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": newest_root},
    )
    customer = Chat(participant, chat["ConnectionCredentials"]["ConnectionToken"], "", "")
    items = customer.read_all(MaxResults=100)

    shown = [i["Content"] for i in items if i["Type"] == "MESSAGE"]
    assert shown == [f"in {contact}" for contact in past[:100]]
    related = {i["RelatedContactId"] for i in items if "RelatedContactId" in i}
    assert related == set(past[:100])
    assert not related & {"S0-0", "S0-1", "S0-2", "S0-3", "S0-4"}

    # A past file's id is in its final key (<AttachmentId>_<stamp>_UTC<extension>).
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    ids = {key.rsplit(".", 1)[1]: key.rsplit("/", 1)[1].split("_")[0] for key in keys}
    token = customer.token
    kept = participant.get_attachment(ConnectionToken=token, AttachmentId=ids["txt"])
    assert kept["AttachmentSizeInBytes"] == len("a file")
    expect_error(
        lambda: participant.get_attachment(ConnectionToken=token, AttachmentId=ids["csv"]),
        "ValidationException",
        400,
        ids["csv"],
    )
