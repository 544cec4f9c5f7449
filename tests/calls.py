"""One well-formed boto3 call per Connect operation the mock answers, for table-driven tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.sns.models import sns_backends
from support import ACCOUNT, REGION, make_bucket

from moto_connect_persistent import connect_persistent_backends, seed_chat_session

#: SNS topics ``seed_chats`` makes in moto's SNS: NEW streams to the first from the start.
TOPICS = ("chat-stream", "chat-stream-2")
#: StreamingId of NEW's seeded stream, by instance id.
SEEDED_STREAMS: dict[str, str] = {}
#: The bucket the storage-config calls name; ``seed_chats`` makes it.
FILES_BUCKET = "calls-chat-files"
#: AssociationId of the seeded CHAT_TRANSCRIPTS storage config, by instance id.
SEEDED_ASSOCIATIONS: dict[str, str] = {}
#: ContactFlowId of the seeded contact flow, by instance id.
SEEDED_FLOWS: dict[str, str] = {}
#: A valid flow document: one action that ends the flow.
FLOW_CONTENT = (
    '{"Version": "2019-10-30", "StartAction": "end", "Actions": [{"Identifier": "end",'
    ' "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}'
)


def s3_storage(prefix: str = "a") -> dict[str, Any]:
    """A StorageConfig naming FILES_BUCKET."""
    return {"StorageType": "S3", "S3Config": {"BucketName": FILES_BUCKET, "BucketPrefix": prefix}}


def topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def seed_chats(iid: str) -> None:
    """C1: an ended chat; NEW: a running chat that may continue it, streaming to a topic; a
    bucket for storage configs. What ``calls`` acts on. Made in-process (no call to spend or
    fail)."""
    seed_chat_session(iid, contact_id="C1").end()
    # NEW waits in a queue (UpdateContactRoutingData needs one).
    seed_chat_session(iid, contact_id="NEW").enqueue("support")
    for name in TOPICS:
        sns_backends[ACCOUNT][REGION].create_topic(name)
    backend = connect_persistent_backends[ACCOUNT][REGION]
    started = backend.start_contact_streaming(iid, "NEW", topic_arn(TOPICS[0]))
    SEEDED_STREAMS[iid] = started["StreamingId"]
    make_bucket(FILES_BUCKET)
    associated = backend.storage.associate_instance_storage_config(
        iid, "CHAT_TRANSCRIPTS", s3_storage("transcripts")
    )
    SEEDED_ASSOCIATIONS[iid] = associated["AssociationId"]
    flow = backend.flows.create_contact_flow(iid, "seeded", "CONTACT_FLOW", FLOW_CONTENT)
    SEEDED_FLOWS[iid] = flow["ContactFlowId"]


def calls(client: Any, iid: str) -> dict[str, Callable[[], Any]]:
    """By operation name; run in this order, every call succeeds on ``seed_chats``' data."""
    association: dict[str, str] = {}
    flow: dict[str, str] = {}
    s3_config = s3_storage()

    def create_flow() -> Any:
        answer = client.create_contact_flow(
            InstanceId=iid, Name="calls", Type="CONTACT_FLOW", Content=FLOW_CONTENT
        )
        flow["id"] = answer["ContactFlowId"]
        return answer

    def on_flow(method: str, **kwargs: Any) -> Callable[[], Any]:
        """A call on the flow ``create_flow`` made (a made-up id before it ran)."""
        return lambda: getattr(client, method)(
            InstanceId=iid, ContactFlowId=flow.get("id", "not-created"), **kwargs
        )

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
        "StartContactStreaming": lambda: client.start_contact_streaming(
            InstanceId=iid,
            ContactId="NEW",
            ChatStreamingConfiguration={"StreamingEndpointArn": topic_arn(TOPICS[1])},
        ),
        "StopContactStreaming": lambda: client.stop_contact_streaming(
            InstanceId=iid, ContactId="NEW", StreamingId=SEEDED_STREAMS.get(iid, "none")
        ),
        "CreateParticipant": lambda: client.create_participant(
            InstanceId=iid,
            ContactId="NEW",
            ParticipantDetails={"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Bot"},
        ),
        "UpdateParticipantRoleConfig": lambda: client.update_participant_role_config(
            InstanceId=iid,
            ContactId="NEW",
            ChannelConfiguration={
                "Chat": {
                    "ParticipantTimerConfigList": [
                        {
                            "ParticipantRole": "AGENT",
                            "TimerType": "IDLE",
                            "TimerValue": {"ParticipantTimerDurationInMinutes": 5},
                        }
                    ]
                }
            },
        ),
        "UpdateContactRoutingData": lambda: client.update_contact_routing_data(
            InstanceId=iid, ContactId="NEW", QueuePriority=2
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
        "TagContact": lambda: client.tag_contact(InstanceId=iid, ContactId="NEW", Tags={"k": "v"}),
        "UntagContact": lambda: client.untag_contact(
            InstanceId=iid, ContactId="NEW", TagKeys=["k"]
        ),
        "UpdateContact": lambda: client.update_contact(InstanceId=iid, ContactId="NEW", Name="n"),
        "AssociateInstanceStorageConfig": associate,
        "DescribeInstanceStorageConfig": stored("describe_instance_storage_config"),
        "ListInstanceStorageConfigs": lambda: client.list_instance_storage_configs(
            InstanceId=iid, ResourceType="ATTACHMENTS"
        ),
        "UpdateInstanceStorageConfig": stored(
            "update_instance_storage_config", StorageConfig=s3_config
        ),
        "DisassociateInstanceStorageConfig": stored("disassociate_instance_storage_config"),
        "CreateContactFlow": create_flow,
        "DescribeContactFlow": on_flow("describe_contact_flow"),
        "ListContactFlows": lambda: client.list_contact_flows(InstanceId=iid),
        "UpdateContactFlowContent": on_flow("update_contact_flow_content", Content=FLOW_CONTENT),
        "UpdateContactFlowName": on_flow("update_contact_flow_name", Name="renamed"),
        "UpdateContactFlowMetadata": on_flow(
            "update_contact_flow_metadata", ContactFlowState="ACTIVE"
        ),
        "DeleteContactFlow": on_flow("delete_contact_flow"),
        "UpdateInstanceAttribute": lambda: client.update_instance_attribute(
            InstanceId=iid, AttributeType="CONTACTFLOW_LOGS", Value="true"
        ),
        "DescribeInstanceAttribute": lambda: client.describe_instance_attribute(
            InstanceId=iid, AttributeType="CONTACTFLOW_LOGS"
        ),
        "ListInstanceAttributes": lambda: client.list_instance_attributes(InstanceId=iid),
    }
