"""Chat files: a customer uploads an attachment, the agent's tooling reads it back, and the
ended chat's transcript lands in the transcripts bucket. Self-contained: copy it anywhere.

Uses the plugin's fixtures (``connect_client``, ``connect_instance_id``, ``connect_region``):
the mock is active, so ``boto3.client("s3")`` and plain ``requests`` reach moto too.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests

BUCKET = "chat-files"


@pytest.fixture
def chat_files(connect_client: Any, connect_instance_id: str, connect_region: str) -> Any:
    """The instance keeps attachments and chat transcripts in one bucket of moto's S3."""
    s3 = boto3.client("s3", region_name=connect_region)
    s3.create_bucket(Bucket=BUCKET)
    for resource_type, prefix in (
        ("ATTACHMENTS", "connect/shop/Attachments"),
        ("CHAT_TRANSCRIPTS", "connect/shop/ChatTranscripts"),
    ):
        connect_client.associate_instance_storage_config(
            InstanceId=connect_instance_id,
            ResourceType=resource_type,
            StorageConfig={
                "StorageType": "S3",
                "S3Config": {"BucketName": BUCKET, "BucketPrefix": prefix},
            },
        )
    return s3


def test_customer_uploads_and_agent_tooling_reads_the_file(
    connect_client: Any, connect_instance_id: str, connect_region: str, chat_files: Any
) -> None:
    chat = connect_client.start_chat_contact(
        InstanceId=connect_instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    token = chat["ConnectionCredentials"]["ConnectionToken"]
    participant = boto3.client("connectparticipant", region_name=connect_region)

    # The customer's widget: start, PUT to the pre-signed URL, complete.
    photo = b"\x89PNG\r\n\x1a\n a photo of the broken part"
    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="image/png",
        AttachmentSizeInBytes=len(photo),
        AttachmentName="broken.png",
    )
    upload = started["UploadMetadata"]
    assert requests.put(
        upload["Url"], data=photo, headers=upload["HeadersToInclude"], timeout=10
    ).ok
    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=[started["AttachmentId"]]
    )

    # The agent's tooling: find the attachment in the transcript, download it.
    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    (shared,) = [item for item in items if item["Type"] == "ATTACHMENT"]
    attachment = shared["Attachments"][0]
    assert (attachment["AttachmentName"], attachment["Status"]) == ("broken.png", "APPROVED")
    url = participant.get_attachment(
        ConnectionToken=token, AttachmentId=attachment["AttachmentId"]
    )["Url"]
    assert requests.get(url, timeout=10).content == photo

    # When the chat ends, its transcript is a JSON file in the transcripts prefix.
    connect_client.stop_contact(InstanceId=connect_instance_id, ContactId=chat["ContactId"])
    listed = chat_files.list_objects_v2(Bucket=BUCKET, Prefix="connect/shop/ChatTranscripts/")
    (transcript_file,) = listed["Contents"]
    stored = json.loads(
        chat_files.get_object(Bucket=BUCKET, Key=transcript_file["Key"])["Body"].read()
    )
    assert stored["ContactId"] == chat["ContactId"]
    assert [i["Type"] for i in stored["Transcript"]].count("ATTACHMENT") == 1
