"""One well-formed boto3 call per Connect operation the mock answers, for table-driven tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto_connect_persistent import seed_chat_session


def seed_chats(iid: str, **where: Any) -> None:
    """C1: an ended chat; NEW: a running chat that may continue it. What ``calls`` acts on."""
    seed_chat_session(iid, contact_id="C1", **where).end()
    seed_chat_session(iid, contact_id="NEW", **where)


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
