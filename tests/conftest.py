"""Fixtures shared by the test modules (the plugin's own fixtures are tested separately)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from support import REGION, make_instance

from moto_connect_persistent import mock_connect_persistent


@pytest.fixture
def connect() -> Iterator[Any]:
    """A boto3 connect client with the mock active for the test."""
    with mock_connect_persistent():
        yield boto3.client("connect", region_name=REGION)


@pytest.fixture
def unvalidated(connect: Any) -> Any:
    """A client that sends whatever it is given, as raw HTTP callers can."""
    return boto3.client("connect", region_name=REGION, config=Config(parameter_validation=False))


@pytest.fixture
def iid(connect: Any) -> str:
    return make_instance(connect)
