"""One well-formed boto3 call per Connect operation the mock answers, for table-driven tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.sns.models import sns_backends
from support import ACCOUNT, REGION

from moto_connect_persistent import connect_persistent_backends, seed_chat_session

#: SNS topics ``seed_chats`` makes in moto's SNS: NEW streams to the first from the start.
TOPICS = ("chat-stream", "chat-stream-2")
#: StreamingId of NEW's seeded stream, by instance id.
SEEDED_STREAMS: dict[str, str] = {}


def topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def seed_chats(iid: str) -> None:
    """C1: an ended chat; NEW: a running chat that may continue it, streaming to a topic.
    What ``calls`` acts on. Made in-process (no call to spend or fail)."""
    seed_chat_session(iid, contact_id="C1").end()
    seed_chat_session(iid, contact_id="NEW")
    for name in TOPICS:
        sns_backends[ACCOUNT][REGION].create_topic(name)
    backend = connect_persistent_backends[ACCOUNT][REGION]
    started = backend.start_contact_streaming(iid, "NEW", topic_arn(TOPICS[0]))
    SEEDED_STREAMS[iid] = started["StreamingId"]


def calls(client: Any, iid: str) -> dict[str, Callable[[], Any]]:
    """By operation name; run in this order, every call succeeds on ``seed_chats``' data."""
    return {
        "CreatePersistentContactAssociation": lambda: client.create_persistent_contact_association(
            InstanceId=iid,
            InitialContactId="NEW",
            RehydrationType="FROM_SEGMENT",
            SourceContactId="C1",
        ),
        "StartChatContact": lambda: client.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Customer"}
        ),
        "DescribeContact": lambda: client.describe_contact(InstanceId=iid, ContactId="C1"),
        "StartContactStreaming": lambda: client.start_contact_streaming(
            InstanceId=iid,
            ContactId="NEW",
            ChatStreamingConfiguration={"StreamingEndpointArn": topic_arn(TOPICS[1])},
        ),
        "StopContactStreaming": lambda: client.stop_contact_streaming(
            InstanceId=iid, ContactId="NEW", StreamingId=SEEDED_STREAMS.get(iid, "none")
        ),
        "StopContact": lambda: client.stop_contact(InstanceId=iid, ContactId="NEW"),
        "ListAssociatedContacts": lambda: client.list_associated_contacts(
            InstanceId=iid, ContactId="C1"
        ),
        "GetContactAttributes": lambda: client.get_contact_attributes(
            InstanceId=iid, InitialContactId="C1"
        ),
        "UpdateContactAttributes": lambda: client.update_contact_attributes(
            InstanceId=iid, InitialContactId="NEW", Attributes={"k": "v"}
        ),
    }
