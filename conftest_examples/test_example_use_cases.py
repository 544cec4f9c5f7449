"""The two ways to continue a past chat, as your code calls them: through boto3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws, settings

from moto_connect_persistent import ChatSession
from moto_connect_persistent.pytest_plugin import SeedChat


def associate(client: Any, instance_id: str, contact_id: str, rehydration: str, source: str) -> str:
    response = client.create_persistent_contact_association(
        InstanceId=instance_id,
        InitialContactId=contact_id,
        RehydrationType=rehydration,
        SourceContactId=source,
    )
    continued_from: str = response["ContinuedFromContactId"]
    return continued_from


def test_from_segment_continues_from_the_chosen_segment(
    connect_client: Any, connect_instance_id: str, past_session: ChatSession, new_chat: str
) -> None:
    continued = associate(connect_client, connect_instance_id, new_chat, "FROM_SEGMENT", "C2")

    assert continued == "C2"
    contact = connect_client.describe_contact(InstanceId=connect_instance_id, ContactId=new_chat)
    assert contact["Contact"]["RelatedContactId"] == "C2"


def test_entire_past_session_continues_from_its_last_segment(
    connect_client: Any, connect_instance_id: str, past_session: ChatSession, new_chat: str
) -> None:
    continued = associate(
        connect_client, connect_instance_id, new_chat, "ENTIRE_PAST_SESSION", "C1"
    )

    assert continued == "C3"


def test_entire_past_session_needs_the_first_contact(
    connect_client: Any, connect_instance_id: str, past_session: ChatSession, new_chat: str
) -> None:
    with pytest.raises(connect_client.exceptions.InvalidRequestException):
        associate(connect_client, connect_instance_id, new_chat, "ENTIRE_PAST_SESSION", "C2")


@pytest.mark.skipif(settings.TEST_SERVER_MODE, reason="a server picks the account itself")
@pytest.mark.connect_persistent(region="eu-west-2", account_id="111122223333")
def test_region_and_account_from_the_marker(
    connect_client: Any, connect_instance_id: str, seed_chat: SeedChat
) -> None:
    seed_chat("C1").end()
    instance = connect_client.describe_instance(InstanceId=connect_instance_id)["Instance"]

    assert instance["Arn"].startswith("arn:aws:connect:eu-west-2:111122223333:")


@pytest.fixture
def aws() -> Any:
    """Your own moto fixture for the other services your code uses: the two mocks nest."""
    with mock_aws():
        yield


def test_with_your_own_mock_aws_fixture(
    aws: None, connect_client: Any, connect_instance_id: str, past_session: ChatSession
) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="transcripts")

    assert past_session.contact_ids == ["C1", "C2", "C3"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["transcripts"]
