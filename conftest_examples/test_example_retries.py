"""Testing retry logic: make the mock throttle, then check your client rides it out."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from moto_connect_persistent import ChatSession, inject_fault

#: botocore's ``max_attempts`` counts retries after the first call: 1 call + up to 3 retries.
RETRYING = Config(retries={"mode": "standard", "max_attempts": 3})


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's back-off sleeps, recorded instead of slept: retries cost no wall time."""
    sleeps: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", sleeps.append)
    return sleeps


def associate(client: Any, instance_id: str, contact_id: str) -> Any:
    return client.create_persistent_contact_association(
        InstanceId=instance_id,
        InitialContactId=contact_id,
        RehydrationType="ENTIRE_PAST_SESSION",
        SourceContactId="C1",
    )


def test_two_throttles_are_retried(
    connect_region: str,
    connect_instance_id: str,
    past_session: ChatSession,
    new_chat: str,
    backoffs: list[float],
) -> None:
    client = boto3.client("connect", region_name=connect_region, config=RETRYING)
    inject_fault("CreatePersistentContactAssociation", "ThrottlingException", count=2)

    response = associate(client, connect_instance_id, new_chat)

    assert response["ContinuedFromContactId"] == "C3"
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(backoffs) == 2


def test_throttling_beyond_max_attempts_reaches_the_caller(
    connect_region: str,
    connect_instance_id: str,
    past_session: ChatSession,
    new_chat: str,
    backoffs: list[float],
) -> None:
    client = boto3.client("connect", region_name=connect_region, config=RETRYING)
    inject_fault("CreatePersistentContactAssociation", "ThrottlingException", count=4)

    with pytest.raises(client.exceptions.ThrottlingException) as raised:
        associate(client, connect_instance_id, new_chat)

    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 3
    # The throttled calls changed nothing: the chat can still be continued.
    assert associate(client, connect_instance_id, new_chat)["ContinuedFromContactId"] == "C3"
