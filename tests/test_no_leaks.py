"""Nothing survives a mock or a server reset: contacts, tokens, faults, settle time.

Each test leaves a mock (or resets a server) with every kind of state set, then shows
through boto3 that the next mock or the reset server behaves as a fresh one.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from moto import mock_aws
from support import ACCOUNT, REGION, make_instance

from moto_connect_persistent import (
    connect_persistent_backends,
    inject_fault,
    mock_connect_persistent,
    seed_chat_session,
    set_settle_time,
)

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})
FAULTS = {
    "DescribeContact": "ThrottlingException",
    "ListAssociatedContacts": "ThrottlingException",
    "StartChatContact": "LimitExceededException",
}


def dirty(client: Any, endpoint_url: str | None = None) -> None:
    """Every kind of state the plugin keeps, set in the default and one other region."""
    iid = make_instance(client)
    seed_chat_session(iid, contact_id="C1", endpoint_url=endpoint_url).end()
    start(client, iid, "token")
    for operation, code in FAULTS.items():
        inject_fault(operation, code, count=100, endpoint_url=endpoint_url)
    set_settle_time(3600, endpoint_url=endpoint_url)
    set_settle_time(3600, region_name="us-west-2", endpoint_url=endpoint_url)


def start(client: Any, iid: str, token: str, source: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "InstanceId": iid,
        "ContactFlowId": "flow",
        "ParticipantDetails": {"DisplayName": "Customer"},
        "ClientToken": token,
    }
    if source is not None:
        kwargs["PersistentChat"] = {"RehydrationType": "FROM_SEGMENT", "SourceContactId": source}
    answer: dict[str, Any] = client.start_chat_contact(**kwargs)
    return answer


def assert_fresh(client: Any, endpoint_url: str | None = None) -> None:
    """No fault fires, no settle time refuses a just-ended source, no token is remembered."""
    iid = make_instance(client)
    seed_chat_session(iid, contact_id="C1", endpoint_url=endpoint_url).end()
    # Same token as before, other parameters: a remembered token would answer 409.
    answer = start(client, iid, "token", source="C1")
    assert answer["ContinuedFromContactId"] == "C1"
    assert client.describe_contact(InstanceId=iid, ContactId="C1")["Contact"]["Id"] == "C1"
    assert client.list_associated_contacts(InstanceId=iid, ContactId="C1")["ContactSummaryList"]


def assert_fresh_in_process() -> None:
    backend = connect_persistent_backends[ACCOUNT][REGION]
    assert not backend.contacts and not backend.faults.armed and not backend.replies.calls
    assert backend.faults.settle_seconds is None  # follows the (absent) mock setting
    assert connect_persistent_backends[ACCOUNT]["us-west-2"].faults.settle_seconds is None
    assert_fresh(boto3.client("connect", region_name=REGION, config=NO_RETRY))


def test_nothing_survives_the_end_of_a_mock() -> None:
    with mock_connect_persistent():
        dirty(boto3.client("connect", region_name=REGION, config=NO_RETRY))

    with mock_connect_persistent():
        assert_fresh_in_process()


def test_nothing_survives_into_a_plain_mock_aws() -> None:
    with mock_connect_persistent(settle_seconds=3600):
        dirty(boto3.client("connect", region_name=REGION, config=NO_RETRY))

    with mock_aws():
        assert_fresh_in_process()


def test_a_decorated_test_starts_fresh_each_run() -> None:
    @mock_connect_persistent(settle_seconds=3600)
    def run() -> int:
        backend = connect_persistent_backends[ACCOUNT][REGION]
        found = len(backend.contacts) + len(backend.faults.armed) + len(backend.replies.calls)
        dirty(boto3.client("connect", region_name=REGION, config=NO_RETRY))
        return found

    assert run() == 0
    assert run() == 0
    with mock_connect_persistent():
        assert_fresh_in_process()


def test_a_mock_left_by_an_exception_takes_its_settle_time_with_it() -> None:
    with pytest.raises(RuntimeError), mock_connect_persistent(settle_seconds=3600):
        raise RuntimeError("test failed inside the mock")

    with mock_connect_persistent():
        assert_fresh_in_process()


def test_nothing_survives_a_moto_api_reset(connect_server_url: str) -> None:
    client = boto3.client(
        "connect", region_name=REGION, endpoint_url=connect_server_url, config=NO_RETRY
    )
    dirty(client, connect_server_url)

    assert requests.post(f"{connect_server_url}/moto-api/reset", timeout=10).ok

    assert_fresh(client, connect_server_url)
