"""Every error the mock answers is one the real operation can give (docs/persistent-chat.md: Rules
and errors).

One walk over every operation's error paths -- each input member broken in each way the
model constrains it, unknown instance and contacts, and the state refusals (the same call
twice, calls on ended chats) -- collecting the code of each refusal, then one assertion: each
code is in that operation's botocore model or among AWS's common errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from calls import (
    FILES_BUCKET,
    FLOW_CONTENT,
    SEEDED_ASSOCIATIONS,
    SEEDED_FLOWS,
    SEEDED_STREAMS,
    TOPICS,
    s3_storage,
    seed_chats,
    topic_arn,
)
from support import REGION, make_bucket

from moto_connect_persistent.operations import OPERATIONS

#: API Reference, Common Errors: "the errors common to the API actions of all AWS services"
#: (copied from the page by hand, not read from the package under test).
COMMON_ERRORS = {
    "AccessDeniedException",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAction",
    "InvalidClientTokenId",
    "NotAuthorized",
    "OptInRequired",
    "RequestExpired",
    "ServiceUnavailable",
    "ThrottlingException",
    "ValidationError",
}

UNVALIDATED = Config(parameter_validation=False, retries={"total_max_attempts": 1})


def connect_inputs(iid: str) -> dict[str, dict[str, Any]]:
    """A well-formed input per Connect operation, on ``seed_chats``' data."""
    return {
        "CreatePersistentContactAssociation": {
            "InstanceId": iid,
            "InitialContactId": "NEW",
            "RehydrationType": "FROM_SEGMENT",
            "SourceContactId": "C1",
        },
        "StartChatContact": {
            "InstanceId": iid,
            "ContactFlowId": "flow",
            "ParticipantDetails": {"DisplayName": "Ann"},
            "PersistentChat": {"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C1"},
            "Attributes": {"k": "v"},
            "SupportedMessagingContentTypes": ["text/plain"],
            "InitialMessage": {"ContentType": "text/plain", "Content": "hi"},
            "SegmentAttributes": {"k": {"ValueString": "v"}},
            "ConnectionTypes": ["CONNECTION_CREDENTIALS"],
        },
        "DescribeContact": {"InstanceId": iid, "ContactId": "C1"},
        "StartContactStreaming": {
            "InstanceId": iid,
            "ContactId": "NEW",
            "ChatStreamingConfiguration": {"StreamingEndpointArn": topic_arn(TOPICS[1])},
        },
        "StopContactStreaming": {
            "InstanceId": iid,
            "ContactId": "NEW",
            "StreamingId": SEEDED_STREAMS.get(iid, "none"),
        },
        "StopContact": {"InstanceId": iid, "ContactId": "NEW"},
        "ListAssociatedContacts": {"InstanceId": iid, "ContactId": "C1"},
        "GetContactAttributes": {"InstanceId": iid, "InitialContactId": "C1"},
        "UpdateContactAttributes": {
            "InstanceId": iid,
            "InitialContactId": "NEW",
            "Attributes": {"k": "v"},
        },
        "TagContact": {"InstanceId": iid, "ContactId": "NEW", "Tags": {"k": "v"}},
        "UpdateContact": {"InstanceId": iid, "ContactId": "NEW", "Name": "n"},
        "UpdateContactRoutingData": {"InstanceId": iid, "ContactId": "NEW", "QueuePriority": 2},
        "UntagContact": {"InstanceId": iid, "ContactId": "NEW", "TagKeys": ["k"]},
        "UpdateParticipantRoleConfig": {
            "InstanceId": iid,
            "ContactId": "NEW",
            "ChannelConfiguration": {
                "Chat": {
                    "ParticipantTimerConfigList": [
                        {
                            "ParticipantRole": "CUSTOMER",
                            "TimerType": "IDLE",
                            "TimerValue": {"ParticipantTimerDurationInMinutes": 5},
                        }
                    ]
                }
            },
        },
        "CreateParticipant": {
            "InstanceId": iid,
            "ContactId": "NEW",
            "ParticipantDetails": {"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Bot"},
        },
        "AssociateInstanceStorageConfig": {
            "InstanceId": iid,
            "ResourceType": "ATTACHMENTS",
            "StorageConfig": s3_storage(),
        },
        "DescribeInstanceStorageConfig": {
            "InstanceId": iid,
            "AssociationId": SEEDED_ASSOCIATIONS.get(iid, "none"),
            "ResourceType": "CHAT_TRANSCRIPTS",
        },
        "ListInstanceStorageConfigs": {"InstanceId": iid, "ResourceType": "CHAT_TRANSCRIPTS"},
        "UpdateInstanceStorageConfig": {
            "InstanceId": iid,
            "AssociationId": SEEDED_ASSOCIATIONS.get(iid, "none"),
            "ResourceType": "CHAT_TRANSCRIPTS",
            "StorageConfig": s3_storage("moved"),
        },
        "DisassociateInstanceStorageConfig": {
            "InstanceId": iid,
            "AssociationId": SEEDED_ASSOCIATIONS.get(iid, "none"),
            "ResourceType": "CHAT_TRANSCRIPTS",
        },
        "CreateContactFlow": {
            "InstanceId": iid,
            "Name": "inbound",
            "Type": "CONTACT_FLOW",
            "Content": FLOW_CONTENT,
            "Status": "PUBLISHED",
            "Tags": {"team": "care"},
        },
        "DescribeContactFlow": {"InstanceId": iid, "ContactFlowId": SEEDED_FLOWS.get(iid, "none")},
        "ListContactFlows": {
            "InstanceId": iid,
            "ContactFlowTypes": ["CONTACT_FLOW"],
            "MaxResults": 5,
        },
        "UpdateContactFlowContent": {
            "InstanceId": iid,
            "ContactFlowId": SEEDED_FLOWS.get(iid, "none"),
            "Content": FLOW_CONTENT,
        },
        "UpdateContactFlowName": {
            "InstanceId": iid,
            "ContactFlowId": SEEDED_FLOWS.get(iid, "none"),
            "Name": "inbound",
        },
        "UpdateContactFlowMetadata": {
            "InstanceId": iid,
            "ContactFlowId": SEEDED_FLOWS.get(iid, "none"),
            "ContactFlowState": "ARCHIVED",
        },
        "DeleteContactFlow": {"InstanceId": iid, "ContactFlowId": SEEDED_FLOWS.get(iid, "none")},
        "UpdateInstanceAttribute": {
            "InstanceId": iid,
            "AttributeType": "CONTACTFLOW_LOGS",
            "Value": "true",
        },
        "DescribeInstanceAttribute": {"InstanceId": iid, "AttributeType": "CONTACTFLOW_LOGS"},
        "ListInstanceAttributes": {"InstanceId": iid, "MaxResults": 7},
    }


def broken(shape: Any, value: Any) -> list[Any]:
    """Values of ``shape`` that break it: wrong JSON type, out of its bounds, off its enum."""
    kind = shape.type_name
    wrong: list[Any] = [12345 if kind != "integer" else "twelve"]
    metadata = shape.metadata
    if kind == "string":
        if "max" in metadata:
            wrong.append("x" * (metadata["max"] + 1))
        wrong.append("")
        if getattr(shape, "enum", None):
            wrong.append("NOT_AN_ENUM_VALUE")
        wrong.append("no-such-id")
    elif kind == "integer":
        wrong += [metadata.get("min", 0) - 1, metadata.get("max", 10**9) + 1]
    elif kind == "list":
        wrong += [[], ["bogus"], [12345]]
    elif kind == "map":
        wrong += [{"bad key!": "v"}, {"k": 12345}, {"k": "x" * 40000}]
    elif kind == "structure":
        wrong += [{}]
        for name, member in shape.members.items():
            for bad in broken(member, (value or {}).get(name))[:3]:
                wrong.append({**(value or {}), name: bad})
    return wrong


def variants(shape: Any, good: dict[str, Any]) -> list[dict[str, Any]]:
    """The good input with one member missing or broken, for every member of the model."""
    out = []
    for name, member in shape.members.items():
        out.append({k: v for k, v in good.items() if k != name})
        for bad in broken(member, good.get(name)):
            out.append({**good, name: bad})
    return out


def codes_of(call: Callable[[], Any]) -> str | None:
    """The error code the mock answered, or None (success, or botocore could not even
    serialise the request: a path label missing, a list where a header goes)."""
    try:
        call()
    except ClientError as err:
        code: str = err.response["Error"]["Code"]
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] < 500, err.response
        return code
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def test_every_refusal_of_every_operation_is_modeled_or_common(connect: Any, iid: str) -> None:
    """docs/persistent-chat.md: Rules and errors, after the API Reference's Errors section of each
    operation and its
    Common Errors page: an operation answers only errors listed for it or common to all AWS
    services -- a test must never depend on an answer the real operation cannot give.

    A ClientToken reused with other parameters is therefore an InvalidRequestException
    (neither StartChatContact nor CreatePersistentContactAssociation models
    IdempotencyException) and GetContactAttributes answers bad input with
    InvalidRequestException (it models no InvalidParameterException)."""
    seed_chats(iid)
    client = boto3.client("connect", region_name=REGION, config=UNVALIDATED)
    model = client.meta.service_model
    seen: dict[str, set[str]] = {}

    def record(operation: str, params: dict[str, Any]) -> None:
        method = getattr(client, _snake(operation))
        code = codes_of(lambda: method(**params))
        if code is not None:
            seen.setdefault(operation, set()).add(code)

    inputs = connect_inputs(iid)
    assert set(inputs) == set(OPERATIONS["connect"])
    for operation, good in inputs.items():
        shape = model.operation_model(operation).input_shape
        for params in variants(shape, good):
            record(operation, params)
        record(operation, {**good, "InstanceId": "no-such-instance"})
    # State refusals: every call twice (the second finds the state the first left), then
    # again once every chat has ended; ClientTokens reused with other parameters.
    for _ in range(2):
        for operation, good in inputs.items():
            record(operation, good)
    record("StopContact", {"InstanceId": iid, "ContactId": "NEW"})
    for operation, good in inputs.items():
        record(operation, good)
    for operation in ("StartChatContact", "CreatePersistentContactAssociation"):
        record(operation, {**inputs[operation], "ClientToken": "reused"})
        record(operation, {**inputs[operation], "ClientToken": "reused", "SourceContactId": "X"})
        record(
            operation,
            {**inputs[operation], "ClientToken": "reused", "Attributes": {"other": "v"}},
        )

    for operation, codes in seen.items():
        allowed = {shape.name for shape in model.operation_model(operation).error_shapes}
        assert codes <= allowed | COMMON_ERRORS, (operation, codes - allowed - COMMON_ERRORS)
    # The walk did reach refusals of every operation, and the two section 6 names.
    assert set(seen) == set(OPERATIONS["connect"])
    assert "InvalidRequestException" in seen["GetContactAttributes"]
    assert "InvalidRequestException" in seen["CreatePersistentContactAssociation"]


def test_every_refusal_of_the_participant_service_is_modeled_or_common(
    connect: Any, iid: str
) -> None:
    """The same walk for the Participant Service: bad tokens, broken input, ended chats."""
    chat = boto3.client("connect", region_name=REGION).start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    token = chat["ConnectionCredentials"]["ConnectionToken"]
    client = boto3.client("connectparticipant", region_name=REGION, config=UNVALIDATED)
    model = client.meta.service_model
    make_bucket(FILES_BUCKET)
    connect.associate_instance_storage_config(
        InstanceId=iid, ResourceType="ATTACHMENTS", StorageConfig=s3_storage()
    )
    started = client.start_attachment_upload(
        ConnectionToken=token,
        ContentType="text/plain",
        AttachmentSizeInBytes=2,
        AttachmentName="a.txt",
    )
    goods: dict[str, dict[str, Any]] = {
        "CreateParticipantConnection": {
            "ParticipantToken": chat["ParticipantToken"],
            "Type": ["CONNECTION_CREDENTIALS"],
        },
        "SendMessage": {"ConnectionToken": token, "ContentType": "text/plain", "Content": "hi"},
        "SendEvent": {
            "ConnectionToken": token,
            "ContentType": "application/vnd.amazonaws.connect.event.typing",
        },
        "GetTranscript": {"ConnectionToken": token, "MaxResults": 5},
        "StartAttachmentUpload": {
            "ConnectionToken": token,
            "ContentType": "text/plain",
            "AttachmentSizeInBytes": 2,
            "AttachmentName": "b.txt",
        },
        "CompleteAttachmentUpload": {
            "ConnectionToken": token,
            "AttachmentIds": [started["AttachmentId"]],
        },
        "GetAttachment": {"ConnectionToken": token, "AttachmentId": started["AttachmentId"]},
        "DisconnectParticipant": {"ConnectionToken": token},
    }
    assert set(goods) == set(OPERATIONS["connectparticipant"])
    seen: dict[str, set[str]] = {}
    for _ in range(2):  # the second round runs after DisconnectParticipant ended the chat
        for operation, good in goods.items():
            method = getattr(client, _snake(operation))
            shape = model.operation_model(operation).input_shape
            for params in [good, *variants(shape, good)]:
                code = codes_of(lambda: method(**params))  # noqa: B023
                if code is not None:
                    seen.setdefault(operation, set()).add(code)
    for operation, codes in seen.items():
        allowed = {shape.name for shape in model.operation_model(operation).error_shapes}
        assert codes <= allowed | COMMON_ERRORS, (operation, codes - allowed - COMMON_ERRORS)
    assert set(seen) == set(OPERATIONS["connectparticipant"])


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
