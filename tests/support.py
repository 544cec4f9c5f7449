"""Helpers shared by the test modules: one way to make an instance and to assert an AWS error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import requests

REGION = "us-east-1"
ACCOUNT = "123456789012"
#: A small file as a chat widget uploads it.
PDF = b"%PDF-1.4 an invoice"


def make_instance(client: Any) -> str:
    """An instance made through moto's own connect, as users make theirs."""
    instance: str = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    return instance


def make_bucket(name: str, account_id: str = ACCOUNT) -> None:
    """A bucket in moto's S3 of the account, made in-process (no IAM call spent), once."""
    from moto.s3.models import s3_backends

    backend = s3_backends[account_id]["aws"]
    if name not in backend.buckets:
        backend.create_bucket(name, REGION)


def expect_error(call: Any, code: str, status: int, *words: str) -> str:
    """Run ``call``; assert boto3 raised ``code``, ``status``, a Message holding ``words``."""
    with pytest.raises(Exception) as info:
        call()
    response = info.value.response  # type: ignore[attr-defined]
    error = response["Error"]
    assert error["Code"] == code, error
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    for word in words:
        assert word in error["Message"], error["Message"]
    message: str = error["Message"]
    return message


def use_s3_storage(
    connect: Any, s3: Any, iid: str, resource_type: str, bucket: str, prefix: str
) -> None:
    """Make ``bucket`` in moto's S3 and associate it with the instance for ``resource_type``."""
    s3.create_bucket(Bucket=bucket)
    connect.associate_instance_storage_config(
        InstanceId=iid,
        ResourceType=resource_type,
        StorageConfig={
            "StorageType": "S3",
            "S3Config": {"BucketName": bucket, "BucketPrefix": prefix},
        },
    )


def upload(participant: Any, token: str, body: bytes = PDF, **overrides: Any) -> str:
    """The three steps a chat widget takes; returns the AttachmentId."""
    request = {
        "ConnectionToken": token,
        "ContentType": "application/pdf",
        "AttachmentSizeInBytes": len(body),
        "AttachmentName": "invoice.pdf",
        **overrides,
    }
    started = participant.start_attachment_upload(**request)
    metadata = started["UploadMetadata"]
    put = requests.put(metadata["Url"], data=body, headers=metadata["HeadersToInclude"], timeout=10)
    assert put.status_code == 200, put.text
    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=[started["AttachmentId"]]
    )
    attachment_id: str = started["AttachmentId"]
    return attachment_id


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

    def read_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item from the first page on, following NextToken (bounded)."""
        items: list[dict[str, Any]] = []
        for _ in range(100):
            answer = self.page(**kwargs)
            items.extend(answer["Transcript"])
            if "NextToken" not in answer:
                return items
            kwargs["NextToken"] = answer["NextToken"]
        raise AssertionError("NextToken never ran out")
