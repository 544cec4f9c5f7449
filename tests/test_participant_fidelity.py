"""The Participant Service as the official chat clients see it (issue: "Fidelity, Participant
Service"): each test cites the AWS sentence (or the client behaviour) it holds the mock to.

Everything goes through ``boto3.client("connectparticipant")``, as a chat widget's calls do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from support import REGION, expect_error

from moto_connect_persistent import chat_session, seed_chat_session, sinks

EVENT = "application/vnd.amazonaws.connect.event."
REHYDRATED = EVENT + "chat.rehydrated"


@dataclass
class Chat:
    """A running chat as its customer's client holds it."""

    client: Any
    token: str
    contact_id: str
    participant_token: str

    def page(self, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get_transcript(ConnectionToken=self.token, **kwargs)
        return answer


def start_chat(connect: Any, iid: str, **kwargs: Any) -> Chat:
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        **kwargs,
    )
    client = boto3.client("connectparticipant", region_name=REGION)
    token = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    return Chat(client, token, started["ContactId"], started["ParticipantToken"])


def seed_past(iid: str, contact_id: str = "PAST", messages: int = 2) -> None:
    session = seed_chat_session(iid, contact_id=contact_id)
    for index in range(messages):
        session.message("AGENT", f"past-{index}")
    session.end()


@pytest.fixture
def persistent(connect: Any, iid: str) -> Chat:
    """A chat that continues (FROM_SEGMENT) an ended chat of two messages."""
    seed_past(iid)
    return start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "PAST"}
    )


class Recorder:
    def __init__(self) -> None:
        self.raw: list[dict[str, Any]] = []

    def deliver(self, backend: Any, contact: Any, item: Any) -> None:
        self.raw.append(item.to_raw())


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder = Recorder()
    sinks.add_sink(recorder)
    yield recorder
    sinks.remove_sink(recorder)


# ------------------------------------------------------------------------ 1. StartPosition {}


def test_empty_start_position_means_no_start_position(persistent: Chat) -> None:
    """amazon-connect-chatjs's ``getTranscript()`` without arguments sends
    ``StartPosition: {}`` (its default request); the API reference: "ScanDirection ... Default:
    BACKWARD when no StartPosition is provided". An empty StartPosition sets no field, so it
    is read as none: the same page as a request without it, not a ValidationException."""
    persistent.client.send_message(
        ConnectionToken=persistent.token, ContentType="text/plain", Content="hello"
    )
    with_empty = persistent.page(StartPosition={})
    without = persistent.page()
    assert with_empty["Transcript"] == without["Transcript"]
    assert with_empty["Transcript"][0]["Content"] == "hello"  # BACKWARD, newest first


def test_start_position_with_two_fields_is_still_refused(persistent: Chat) -> None:
    """API reference, StartPosition: "A filtering option for where to start" -- one place;
    two fields at once stay a ValidationException naming the field."""
    expect_error(
        lambda: persistent.page(StartPosition={"MostRecent": 1, "AbsoluteTime": "2026-01-01"}),
        "ValidationException",
        400,
        "StartPosition",
    )


# ------------------------------------------------------------------------ 3. chat.rehydrated


def test_a_chat_started_persistent_gets_the_chat_rehydrated_event(
    connect: Any, iid: str, recorder: Recorder
) -> None:
    """amazon-connect-chatjs README, ``chatSession.onChatRehydrated()``: "Subscribes an event
    handler that triggers whenever a 'application/vnd.amazonaws.connect.event.chat.rehydrated'
    event is fired" (only when persistent chat is enabled), with ``InitialContactId`` among the
    event's data; the sample widgets load the past transcript from it. The event is a SYSTEM
    item of the new chat; sent raw (the websocket), it carries the chat's InitialContactId."""
    seed_past(iid)
    chat = start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "PAST"}
    )
    events = [i for i in chat.page(MaxResults=100)["Transcript"] if i["ContentType"] == REHYDRATED]
    assert len(events) == 1
    event = events[0]
    assert event["Type"] == "EVENT"
    assert event["ParticipantRole"] == "SYSTEM"
    assert event["ContactId"] == chat.contact_id
    raw = [r for r in recorder.raw if r["ContentType"] == REHYDRATED]
    assert [r["Id"] for r in raw] == [event["Id"]]
    assert raw[0]["InitialContactId"] == chat.contact_id


def test_an_association_made_later_writes_chat_rehydrated_then(
    connect: Any, iid: str, recorder: Recorder
) -> None:
    """Admin Guide "Enable persistent chat": persistence is enabled either when the chat is
    created or later with the Create persistent contact association block
    (CreatePersistentContactAssociation). Either way the chat becomes persistent, so either way
    its clients get ``chat.rehydrated`` -- at the moment of the association, after what was
    already said; a chat that never becomes persistent gets none."""
    seed_past(iid)
    chat = start_chat(connect, iid)
    chat.client.send_message(ConnectionToken=chat.token, ContentType="text/plain", Content="hi")
    assert REHYDRATED not in [i["ContentType"] for i in chat.page(MaxResults=100)["Transcript"]]
    chat_session(iid, chat.contact_id).transfer(contact_id="AFTER-TRANSFER")
    connect.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId="AFTER-TRANSFER",
        RehydrationType="ENTIRE_PAST_SESSION",
        SourceContactId="PAST",
    )
    newest = chat.page(MaxResults=1)["Transcript"][0]
    assert newest["ContentType"] == REHYDRATED
    assert newest["ContactId"] == "AFTER-TRANSFER"  # written on the running segment
    raw = next(r for r in recorder.raw if r["ContentType"] == REHYDRATED)
    assert raw["InitialContactId"] == chat.contact_id  # the chat's root, not the segment
