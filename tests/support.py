"""Helpers shared by the test modules: one way to make an instance and to assert an AWS error."""

from __future__ import annotations

from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"


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
