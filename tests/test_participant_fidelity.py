"""The Participant Service as the official chat clients see it (issue: "Fidelity, Participant
Service"): each test cites the AWS sentence (or the client behaviour) it holds the mock to.

Everything goes through ``boto3.client("connectparticipant")``, as a chat widget's calls do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from support import REGION, Chat, expect_error

from moto_connect_persistent import chat_session, seed_chat_session, sinks
from moto_connect_persistent.chat.views import pushed_item

EVENT = "application/vnd.amazonaws.connect.event."
REHYDRATED = EVENT + "chat.rehydrated"


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
        self.raw.append(pushed_item(item, contact.session.root.id))


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


# ------------------------------------------------------------------------ 2. the first page


def test_first_page_of_a_persistent_chat_holds_no_past_even_with_room(persistent: Chat) -> None:
    """Admin Guide, "Enable persistent chat": "The initial call to GetTranscript on a newly
    started persistent chat session contains a NextToken in the response, if past chat
    messages exist. NextToken must be used to access the past chat transcript along with
    setting the ScanDirection to BACKWARD." So a client that reads one page misses the
    history here exactly as on AWS, even when MaxResults would leave room for it."""
    first = persistent.page(MaxResults=100)
    assert first["Transcript"], "the current session's own items"
    assert all("ContactId" in i for i in first["Transcript"])
    assert not any("RelatedContactId" in i for i in first["Transcript"])
    past = persistent.page(MaxResults=100, ScanDirection="BACKWARD", NextToken=first["NextToken"])
    assert [i["Content"] for i in past["Transcript"] if i["Type"] == "MESSAGE"] == [
        "past-1",
        "past-0",
    ]
    assert all(i["RelatedContactId"] == "PAST" for i in past["Transcript"])
    assert "NextToken" not in past


def test_a_chat_without_past_reads_in_one_page(connect: Any, iid: str) -> None:
    """Same sentence: the NextToken is there "if past chat messages exist" -- a chat that is
    not persistent has no past, so a page with room for everything carries no token."""
    chat = start_chat(connect, iid)
    chat.client.send_message(ConnectionToken=chat.token, ContentType="text/plain", Content="a")
    answer = chat.page(MaxResults=100)
    assert "NextToken" not in answer
    assert [i.get("Content") for i in answer["Transcript"]][0] == "a"


def test_chatjs_default_request_reads_current_session_then_past(persistent: Chat) -> None:
    """amazon-connect-chatjs's ``getTranscript()`` with no arguments sends
    ``{"StartPosition": {}, "ScanDirection": "BACKWARD", "SortOrder": "ASCENDING",
    "MaxResults": 15}``; on ``onChatRehydrated`` the sample widgets call it again with the
    NextToken. Admin Guide: "NextToken must be used to access the past chat transcript along
    with setting the ScanDirection to BACKWARD". Replayed here as chatjs sends it."""
    for index in range(20):
        persistent.client.send_message(
            ConnectionToken=persistent.token, ContentType="text/plain", Content=f"now-{index}"
        )
    request = {"StartPosition": {}, "ScanDirection": "BACKWARD", "SortOrder": "ASCENDING"}
    first = persistent.page(MaxResults=15, **request)
    texts = [i["Content"] for i in first["Transcript"]]
    assert texts == [f"now-{index}" for index in range(5, 20)]  # the newest 15, oldest first
    seen: list[dict[str, Any]] = []
    token = first["NextToken"]
    for _ in range(10):
        answer = persistent.page(MaxResults=15, NextToken=token, **request)
        seen.extend(answer["Transcript"])
        if "NextToken" not in answer:
            break
        token = answer["NextToken"]
    current = [i for i in seen if "ContactId" in i]
    past = [i for i in seen if "RelatedContactId" in i]
    assert seen == current + past  # the rest of the session first, then the past
    assert [i["Content"] for i in current if i["Type"] == "MESSAGE"] == [
        f"now-{index}" for index in range(5)
    ]
    assert [i["Content"] for i in past if i["Type"] == "MESSAGE"] == ["past-0", "past-1"]


# ------------------------------------------------------------------------ 4. SendMessage size


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/markdown",
        "application/json",
        "application/vnd.amazonaws.connect.message.interactive.response",
    ],
)
def test_send_message_takes_up_to_16384_bytes_of_every_content_type(
    persistent: Chat, content_type: str
) -> None:
    """API reference, SendMessage Content: "Maximum of 16,384 bytes for all content types
    (text/plain, text/markdown, application/json, and
    application/vnd.amazonaws.connect.message.interactive.response)"."""
    largest = '"' + "x" * 16382 + '"'  # valid JSON too, 16,384 bytes
    sent = persistent.client.send_message(
        ConnectionToken=persistent.token, ContentType=content_type, Content=largest
    )
    newest = persistent.page(MaxResults=1)["Transcript"][0]
    assert newest["Id"] == sent["Id"] and newest["Content"] == largest
    expect_error(
        lambda: persistent.client.send_message(
            ConnectionToken=persistent.token, ContentType=content_type, Content=largest + "x"
        ),
        "ValidationException",
        400,
        "Content",
    )


def test_send_message_counts_bytes_not_characters(persistent: Chat) -> None:
    """Same sentence: the limit is 16,384 *bytes*. 9,000 "é" are 9,000 characters (boto3's
    own length check lets them through) but 18,000 bytes of UTF-8: refused."""
    expect_error(
        lambda: persistent.client.send_message(
            ConnectionToken=persistent.token, ContentType="text/plain", Content="é" * 9000
        ),
        "ValidationException",
        400,
        "bytes",
    )
    persistent.client.send_message(
        ConnectionToken=persistent.token, ContentType="text/plain", Content="é" * 8192
    )


# ------------------------------------------------------------------------ 5. token length


def test_next_tokens_fit_the_model_whatever_the_ids(connect: Any, iid: str) -> None:
    """connectparticipant model, NextToken: string, "max": 1000 -- which boto3 enforces when
    the token is sent back. Contact ids of 256 characters (the model's ContactId maximum) in
    the ContactId filter and in the past still give tokens that fit and work, all the way."""
    long_past, long_segment = "P" * 256, "S" * 256
    session = seed_chat_session(iid, contact_id=long_past)
    for index in range(5):
        session.message("AGENT", f"past-{index}")
    session.end()
    chat = start_chat(
        connect,
        iid,
        PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": long_past},
    )
    running = chat_session(iid, chat.contact_id).transfer(contact_id=long_segment)
    for index in range(5):
        running.message("AGENT", f"now-{index}")
    tokens: list[str] = []
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"MaxResults": 2, "ContactId": long_segment}
    for _ in range(20):
        answer = chat.page(**request)
        items.extend(answer["Transcript"])
        if "NextToken" not in answer:
            break
        tokens.append(answer["NextToken"])
        request["NextToken"] = answer["NextToken"]
    assert all(len(token) <= 1000 for token in tokens)
    assert [i["Content"] for i in items if i["Type"] == "MESSAGE"] == [
        *(f"now-{index}" for index in range(4, -1, -1)),
        *(f"past-{index}" for index in range(4, -1, -1)),
    ]


# ------------------------------------------------------------------------ 6. retries


def test_disconnect_retried_with_its_client_token_answers_as_the_first(
    persistent: Chat,
) -> None:
    """connectparticipant model, DisconnectParticipant ClientToken: "A unique, case-sensitive
    identifier that you provide to ensure the idempotency of the request" (see "Making retries
    safe with idempotent APIs"): a retry whose first answer was lost answers as the first call
    did -- not a 403 for the chat the first call ended. A new token is a new call: 403."""
    client, token = persistent.client, persistent.token
    client.disconnect_participant(ConnectionToken=token, ClientToken="retry-1")
    again = client.disconnect_participant(ConnectionToken=token, ClientToken="retry-1")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    expect_error(
        lambda: client.disconnect_participant(ConnectionToken=token, ClientToken="retry-2"),
        "AccessDeniedException",
        403,
    )
    expect_error(lambda: persistent.page(), "AccessDeniedException", 403)


def test_send_message_retried_after_the_chat_ended_replays_its_answer(
    persistent: Chat, iid: str
) -> None:
    """Same model sentence for SendMessage's (and SendEvent's) ClientToken: the retry of a
    message whose answer was lost returns the first Id and AbsoluteTime, once, even when the
    chat has ended in between; the message is not written twice."""
    client, token = persistent.client, persistent.token
    first = client.send_message(
        ConnectionToken=token, ContentType="text/plain", Content="once", ClientToken="m-1"
    )
    event = client.send_event(
        ConnectionToken=token, ContentType=EVENT + "typing", ClientToken="e-1"
    )
    again = client.send_message(
        ConnectionToken=token, ContentType="text/plain", Content="once", ClientToken="m-1"
    )
    assert (again["Id"], again["AbsoluteTime"]) == (first["Id"], first["AbsoluteTime"])
    messages = [i for i in persistent.page(MaxResults=100)["Transcript"] if i["Type"] == "MESSAGE"]
    assert [i["Content"] for i in messages].count("once") == 1
    chat_session(iid, persistent.contact_id).end()
    late = client.send_message(
        ConnectionToken=token, ContentType="text/plain", Content="once", ClientToken="m-1"
    )
    assert late["Id"] == first["Id"]
    late_event = client.send_event(
        ConnectionToken=token, ContentType=EVENT + "typing", ClientToken="e-1"
    )
    assert late_event["Id"] == event["Id"]
    expect_error(
        lambda: client.send_message(
            ConnectionToken=token, ContentType="text/plain", Content="new", ClientToken="m-2"
        ),
        "AccessDeniedException",
        403,
    )


# ------------------------------------------------------------------------ 7. transfers


def test_a_transfer_shows_the_old_agent_leaving_and_the_new_one_joining(
    connect: Any, iid: str
) -> None:
    """GetTranscript: "chat transcripts contain the following event content types if the
    event has occurred during the chat session: ... participant.joined ...
    participant.left ... transfer.succeeded". On a transfer from agent-1 to agent-2, the new
    segment holds transfer.succeeded, then agent-1's participant.left, then agent-2's
    participant.joined; each agent is its own participant (own ParticipantId, own
    DisplayName), and their messages carry it."""
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat.contact_id)
    session.transfer(contact_id="A1", agent_id="agent-1").message("AGENT", "I am one")
    session.transfer(contact_id="A2", agent_id="agent-2").message("AGENT", "I am two")
    items = chat.page(MaxResults=100, ScanDirection="FORWARD", SortOrder="ASCENDING")
    on_a2 = [i for i in items["Transcript"] if i["ContactId"] == "A2"]
    kinds = [i["ContentType"] for i in on_a2]
    assert kinds == [
        EVENT + "transfer.succeeded",
        EVENT + "participant.left",
        EVENT + "participant.joined",
        "text/plain",
    ]
    left, joined, message = on_a2[1], on_a2[2], on_a2[3]
    assert (left["ParticipantRole"], left["DisplayName"]) == ("AGENT", "agent-1")
    assert (joined["ParticipantRole"], joined["DisplayName"]) == ("AGENT", "agent-2")
    assert left["ParticipantId"] != joined["ParticipantId"]
    assert message["ParticipantId"] == joined["ParticipantId"]
    first_agent = next(i for i in items["Transcript"] if i.get("Content") == "I am one")
    assert first_agent["ParticipantId"] == left["ParticipantId"]
    on_a1 = [i["ContentType"] for i in items["Transcript"] if i["ContactId"] == "A1"]
    assert EVENT + "participant.left" not in on_a1  # no agent before the first transfer


def test_a_disconnect_flow_shows_the_agent_leaving(connect: Any, iid: str) -> None:
    """Same event list: when the agent's part ends and the customer goes on into the
    disconnect flow (a survey), the agent has left the chat: its participant.left is on the
    flow's segment; no transfer.succeeded (nothing was transferred) and nobody joins."""
    chat = start_chat(connect, iid)
    session = chat_session(iid, chat.contact_id).transfer(contact_id="A1", agent_id="agent-1")
    session.disconnect_flow(contact_id="SURVEY")
    items = chat.page(MaxResults=100, ScanDirection="FORWARD", SortOrder="ASCENDING")
    on_survey = [i for i in items["Transcript"] if i["ContactId"] == "SURVEY"]
    assert [(i["ContentType"], i.get("DisplayName")) for i in on_survey] == [
        (EVENT + "participant.left", "agent-1")
    ]


# ------------------------------------------------------------------------ 8. InitialContactId


def test_get_transcript_names_the_chats_initial_contact_after_transfers(
    connect: Any, iid: str
) -> None:
    """GetTranscript response, InitialContactId: "The initial contact ID for the contact."
    -- the chat's first contact, on every page, however many transfers later, and not the
    contact it continued from (persistent chat)."""
    seed_past(iid)
    chat = start_chat(
        connect, iid, PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "PAST"}
    )
    chat_session(iid, chat.contact_id).transfer(contact_id="LATER")
    first = chat.page(MaxResults=1)
    assert first["InitialContactId"] == chat.contact_id
    past = chat.page(NextToken=first["NextToken"], MaxResults=100)
    assert past["InitialContactId"] == chat.contact_id
