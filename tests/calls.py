"""One well-formed boto3 call per Connect operation the mock answers, for table-driven tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from support import make_bucket

from moto_connect_persistent import seed_chat_session

#: The bucket the storage-config calls name; ``seed_chats`` makes it.
FILES_BUCKET = "calls-chat-files"


def seed_chats(iid: str, **where: Any) -> None:
    """C1: an ended chat; NEW: a running chat that may continue it; a bucket for storage
    configs. What ``calls`` acts on."""
    seed_chat_session(iid, contact_id="C1", **where).end()
    seed_chat_session(iid, contact_id="NEW", **where)
    make_bucket(FILES_BUCKET)


def calls(client: Any, iid: str) -> dict[str, Callable[[], Any]]:
    """By operation name; run in this order, every call succeeds on ``seed_chats``' data."""
    association: dict[str, str] = {}
    s3_config = {"StorageType": "S3", "S3Config": {"BucketName": FILES_BUCKET, "BucketPrefix": "a"}}

    def associate() -> Any:
        answer = client.associate_instance_storage_config(
            InstanceId=iid, ResourceType="ATTACHMENTS", StorageConfig=s3_config
        )
        association["id"] = answer["AssociationId"]
        return answer

    def stored(method: str, **kwargs: Any) -> Callable[[], Any]:
        """A call on the association ``associate`` made (a made-up id before it ran)."""
        return lambda: getattr(client, method)(
            InstanceId=iid,
            AssociationId=association.get("id", "not-associated"),
            ResourceType="ATTACHMENTS",
            **kwargs,
        )

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
        "CreateParticipant": lambda: client.create_participant(
            InstanceId=iid,
            ContactId="NEW",
            ParticipantDetails={"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Bot"},
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
        "AssociateInstanceStorageConfig": associate,
        "DescribeInstanceStorageConfig": stored("describe_instance_storage_config"),
        "ListInstanceStorageConfigs": lambda: client.list_instance_storage_configs(
            InstanceId=iid, ResourceType="ATTACHMENTS"
        ),
        "UpdateInstanceStorageConfig": stored(
            "update_instance_storage_config", StorageConfig=s3_config
        ),
        "DisassociateInstanceStorageConfig": stored("disassociate_instance_storage_config"),
    }
