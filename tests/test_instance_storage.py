"""Instance storage configs through boto3 ``connect``: where an instance keeps its chat files."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from support import REGION, expect_error, make_instance

BUCKET = "chat-files"


def s3_config(bucket: str = BUCKET, prefix: str = "connect/shop/ChatTranscripts") -> dict[str, Any]:
    return {"StorageType": "S3", "S3Config": {"BucketName": bucket, "BucketPrefix": prefix}}


@pytest.fixture
def bucket(connect: Any) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    return BUCKET


def associate(connect: Any, iid: str, resource_type: str, config: dict[str, Any]) -> str:
    association: str = connect.associate_instance_storage_config(
        InstanceId=iid, ResourceType=resource_type, StorageConfig=config
    )["AssociationId"]
    return association


def test_an_association_is_described_listed_updated_and_removed(
    connect: Any, iid: str, bucket: str
) -> None:
    """[doc: AssociateInstanceStorageConfig] Associates a storage resource type for the first
    time; Describe/List/Update/Disassociate act on the AssociationId it returns."""
    association = associate(connect, iid, "CHAT_TRANSCRIPTS", s3_config())

    described = connect.describe_instance_storage_config(
        InstanceId=iid, AssociationId=association, ResourceType="CHAT_TRANSCRIPTS"
    )["StorageConfig"]
    assert described == {"AssociationId": association, **s3_config()}
    listed = connect.list_instance_storage_configs(InstanceId=iid, ResourceType="CHAT_TRANSCRIPTS")
    assert listed["StorageConfigs"] == [described]
    assert (
        connect.list_instance_storage_configs(InstanceId=iid, ResourceType="ATTACHMENTS")[
            "StorageConfigs"
        ]
        == []
    )

    connect.update_instance_storage_config(
        InstanceId=iid,
        AssociationId=association,
        ResourceType="CHAT_TRANSCRIPTS",
        StorageConfig=s3_config(prefix="other"),
    )
    assert (
        connect.describe_instance_storage_config(
            InstanceId=iid, AssociationId=association, ResourceType="CHAT_TRANSCRIPTS"
        )["StorageConfig"]["S3Config"]["BucketPrefix"]
        == "other"
    )

    connect.disassociate_instance_storage_config(
        InstanceId=iid, AssociationId=association, ResourceType="CHAT_TRANSCRIPTS"
    )
    expect_error(
        lambda: connect.describe_instance_storage_config(
            InstanceId=iid, AssociationId=association, ResourceType="CHAT_TRANSCRIPTS"
        ),
        "ResourceNotFoundException",
        404,
        association,
    )


def test_the_bucket_must_exist(connect: Any, iid: str) -> None:
    """[doc] This API does not create a resource that doesn't exist. Ensure that the resource
    being specified in the storage configuration, like an S3 bucket, exists."""
    expect_error(
        lambda: associate(connect, iid, "ATTACHMENTS", s3_config("no-such-bucket")),
        "InvalidParameterException",
        400,
        "BucketName",
        "no-such-bucket",
    )
    assert (
        connect.list_instance_storage_configs(InstanceId=iid, ResourceType="ATTACHMENTS")[
            "StorageConfigs"
        ]
        == []
    )


def test_a_bucket_of_another_account_is_not_found(connect: Any, iid: str) -> None:
    """Buckets live in moto's S3 of the instance's own account."""
    from support import make_bucket

    make_bucket("elsewhere-files", account_id="111122223333")
    expect_error(
        lambda: associate(connect, iid, "ATTACHMENTS", s3_config("elsewhere-files")),
        "InvalidParameterException",
        400,
        "elsewhere-files",
    )


def test_the_bucket_is_checked_on_update_too(connect: Any, iid: str, bucket: str) -> None:
    association = associate(connect, iid, "ATTACHMENTS", s3_config())
    expect_error(
        lambda: connect.update_instance_storage_config(
            InstanceId=iid,
            AssociationId=association,
            ResourceType="ATTACHMENTS",
            StorageConfig=s3_config("gone"),
        ),
        "InvalidParameterException",
        400,
        "gone",
    )
    assert (
        connect.describe_instance_storage_config(
            InstanceId=iid, AssociationId=association, ResourceType="ATTACHMENTS"
        )["StorageConfig"]["S3Config"]["BucketName"]
        == BUCKET
    )


def test_one_association_per_resource_type(connect: Any, iid: str, bucket: str) -> None:
    """[doc] You can't define an instance with multiple S3 buckets for storing chat
    transcripts."""
    first = associate(connect, iid, "CHAT_TRANSCRIPTS", s3_config())
    expect_error(
        lambda: associate(connect, iid, "CHAT_TRANSCRIPTS", s3_config(prefix="again")),
        "ResourceConflictException",
        409,
        first,
    )
    # Another resource type of the same instance is its own association.
    assert associate(connect, iid, "ATTACHMENTS", s3_config()) != first


def test_chat_files_are_stored_in_s3_only(connect: Any, iid: str) -> None:
    """Chat transcripts and attachments are S3 objects (Admin Guide: instance data storage)."""
    stream = {"StorageType": "KINESIS_STREAM", "KinesisStreamConfig": {"StreamArn": "arn:x"}}
    for resource_type in ("CHAT_TRANSCRIPTS", "ATTACHMENTS"):
        expect_error(
            lambda resource_type=resource_type: associate(connect, iid, resource_type, stream),
            "InvalidParameterException",
            400,
            "StorageType",
        )


def test_the_storage_type_needs_its_own_config_member(connect: Any, iid: str) -> None:
    expect_error(
        lambda: associate(connect, iid, "ATTACHMENTS", {"StorageType": "S3"}),
        "InvalidParameterException",
        400,
        "S3Config",
    )
    expect_error(
        lambda: associate(
            connect,
            iid,
            "CONTACT_TRACE_RECORDS",
            {
                "StorageType": "KINESIS_STREAM",
                "KinesisStreamConfig": {"StreamArn": "arn:x"},
                "KinesisFirehoseConfig": {"FirehoseArn": "arn:y"},
            },
        ),
        "InvalidParameterException",
        400,
        "KinesisFirehoseConfig",
    )


def test_other_resource_types_are_stored_and_listed(connect: Any, iid: str) -> None:
    """docs/files.md: resource types other than chat transcripts and attachments drive nothing."""
    stream = {"StorageType": "KINESIS_STREAM", "KinesisStreamConfig": {"StreamArn": "arn:x"}}
    association = associate(connect, iid, "CONTACT_TRACE_RECORDS", stream)

    listed = connect.list_instance_storage_configs(
        InstanceId=iid, ResourceType="CONTACT_TRACE_RECORDS"
    )["StorageConfigs"]

    assert listed == [{"AssociationId": association, **stream}]


def test_association_and_resource_type_must_match(connect: Any, iid: str, bucket: str) -> None:
    association = associate(connect, iid, "ATTACHMENTS", s3_config())
    for call in (
        connect.describe_instance_storage_config,
        connect.disassociate_instance_storage_config,
    ):
        expect_error(
            lambda call=call: call(
                InstanceId=iid, AssociationId=association, ResourceType="CHAT_TRANSCRIPTS"
            ),
            "ResourceNotFoundException",
            404,
            "CHAT_TRANSCRIPTS",
        )


def test_an_unknown_instance_is_not_found(connect: Any) -> None:
    expect_error(
        lambda: connect.list_instance_storage_configs(
            InstanceId="no-such-instance", ResourceType="ATTACHMENTS"
        ),
        "ResourceNotFoundException",
        404,
        "no-such-instance",
    )


def test_associations_belong_to_their_instance(connect: Any, iid: str, bucket: str) -> None:
    other = make_instance(connect)
    association = associate(connect, iid, "ATTACHMENTS", s3_config())

    expect_error(
        lambda: connect.describe_instance_storage_config(
            InstanceId=other, AssociationId=association, ResourceType="ATTACHMENTS"
        ),
        "ResourceNotFoundException",
        404,
    )
    assert associate(connect, other, "ATTACHMENTS", s3_config()) != association


def test_list_pages_with_max_results(connect: Any, iid: str, bucket: str) -> None:
    """[doc] Returns a paginated list of storage configs for the identified instance and
    resource type."""
    association = associate(connect, iid, "ATTACHMENTS", s3_config())

    page = connect.list_instance_storage_configs(
        InstanceId=iid, ResourceType="ATTACHMENTS", MaxResults=1
    )

    assert [c["AssociationId"] for c in page["StorageConfigs"]] == [association]
    assert "NextToken" not in page
    expect_error(
        lambda: connect.list_instance_storage_configs(
            InstanceId=iid, ResourceType="ATTACHMENTS", NextToken="garbage"
        ),
        "InvalidParameterException",
        400,
        "NextToken",
    )


def test_a_retried_association_gives_the_same_id(connect: Any, iid: str, bucket: str) -> None:
    """[doc] ClientToken: a unique identifier that you provide to ensure the idempotency of
    the request."""
    first = connect.associate_instance_storage_config(
        InstanceId=iid, ResourceType="ATTACHMENTS", StorageConfig=s3_config(), ClientToken="t1"
    )["AssociationId"]
    again = connect.associate_instance_storage_config(
        InstanceId=iid, ResourceType="ATTACHMENTS", StorageConfig=s3_config(), ClientToken="t1"
    )["AssociationId"]

    assert again == first
    expect_error(
        lambda: connect.associate_instance_storage_config(
            InstanceId=iid,
            ResourceType="ATTACHMENTS",
            StorageConfig=s3_config(prefix="changed"),
            ClientToken="t1",
        ),
        "InvalidRequestException",
        400,
        "t1",
    )
