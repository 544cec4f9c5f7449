"""The backend's one door out: every item it makes reaches the registered sinks, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from support import REGION

from moto_connect_persistent import sinks

EVENT = "application/vnd.amazonaws.connect.event."


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str, bool]] = []

    def deliver(self, backend: Any, contact: Any, item: Any) -> None:
        self.seen.append((contact.id, item.type, item.content_type, item.stored))


class Broken:
    def deliver(self, backend: Any, contact: Any, item: Any) -> None:
        raise RuntimeError("a sink that fails")


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder, broken = Recorder(), Broken()
    sinks.add_sink(broken)
    sinks.add_sink(recorder)
    sinks.add_sink(recorder)  # registering twice delivers once
    yield recorder
    sinks.remove_sink(recorder)
    sinks.remove_sink(broken)


def test_every_item_reaches_the_sinks_in_order_kept_or_not(
    connect: Any, iid: str, recorder: Recorder
) -> None:
    """Typing events are delivered but not kept; a failing sink fails no call."""
    participant = boto3.client("connectparticipant", region_name=REGION)
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    sent = participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
    typing = participant.send_event(ConnectionToken=token, ContentType=EVENT + "typing")
    receipt = f'{{"messageId": "{sent["Id"]}"}}'
    participant.send_event(
        ConnectionToken=token, ContentType=EVENT + "message.read", Content=receipt
    )
    with pytest.raises(participant.exceptions.ValidationException):
        participant.send_event(
            ConnectionToken=token,
            ContentType=EVENT + "message.read",
            Content='{"messageId": "nope"}',
        )
    contact = chat["ContactId"]
    assert recorder.seen == [
        (contact, "EVENT", EVENT + "participant.joined", True),
        (contact, "MESSAGE", "text/plain", True),
        (contact, "EVENT", EVENT + "typing", False),
        (contact, "EVENT", EVENT + "message.read", False),
    ]
    transcript = participant.get_transcript(ConnectionToken=token)["Transcript"]
    assert typing["Id"] not in {item["Id"] for item in transcript}
