"""Every way to switch the mock on, nesting with mock_aws, reset, and the seeding API's errors."""

from __future__ import annotations

import unittest
from typing import Any

import boto3
import pytest
from moto import mock_aws
from support import REGION, make_instance

from moto_connect_persistent import (
    SeedingError,
    chat_session,
    mock_connect_persistent,
    seed_chat_session,
    seed_contact,
)


def new_instance() -> str:
    return make_instance(boto3.client("connect", region_name=REGION))


def rehydrate_once() -> str:
    """A whole FROM_SEGMENT round trip; fails unless the plugin's routes and state are live."""
    client = boto3.client("connect", region_name=REGION)
    iid = new_instance()
    seed_chat_session(iid, contact_id="C1").end()
    seed_chat_session(iid, contact_id="NEW")
    answer: str = client.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId="NEW",
        RehydrationType="FROM_SEGMENT",
        SourceContactId="C1",
    )["ContinuedFromContactId"]
    return answer


@mock_connect_persistent
def test_bare_decorator() -> None:
    assert rehydrate_once() == "C1"


@mock_connect_persistent()
def test_called_decorator() -> None:
    assert rehydrate_once() == "C1"


def test_context_manager() -> None:
    with mock_connect_persistent():
        assert rehydrate_once() == "C1"


def test_start_and_stop() -> None:
    mock = mock_connect_persistent()
    mock.start()
    try:
        assert rehydrate_once() == "C1"
    finally:
        mock.stop()


@mock_connect_persistent
class TestPlainClass:
    def test_method(self) -> None:
        assert rehydrate_once() == "C1"


@mock_connect_persistent
class TestUnittestClass(unittest.TestCase):
    def setUp(self) -> None:
        self.iid = new_instance()

    def test_setup_state_is_visible(self) -> None:
        seed_chat_session(self.iid, contact_id="C1").end()
        self.assertEqual(chat_session(self.iid, "C1").contact_ids, ["C1"])


def test_state_does_not_survive_the_mock() -> None:
    with mock_connect_persistent():
        iid = new_instance()
        seed_chat_session(iid, contact_id="C1")
    with mock_connect_persistent():
        with pytest.raises(SeedingError, match="Instance not found"):
            chat_session(iid, "C1")


@pytest.mark.parametrize("outer_is_mock_aws", [True, False])
def test_nesting_either_way_keeps_both_states(outer_is_mock_aws: bool) -> None:
    outer: Any = mock_aws() if outer_is_mock_aws else mock_connect_persistent()
    inner: Any = mock_connect_persistent() if outer_is_mock_aws else mock_aws()
    with outer:
        client = boto3.client("connect", region_name=REGION)
        iid = new_instance()
        seed_chat_session(iid, contact_id="C1").end()
        with inner:
            assert client.describe_instance(InstanceId=iid)["Instance"]["Id"] == iid
            assert chat_session(iid, "C1").contact_ids == ["C1"]
            seed_chat_session(iid, contact_id="NEW")
        # Leaving the inner mock neither resets state nor stops mocking.
        answer = client.create_persistent_contact_association(
            InstanceId=iid,
            InitialContactId="NEW",
            RehydrationType="FROM_SEGMENT",
            SourceContactId="C1",
        )
        assert answer["ContinuedFromContactId"] == "C1"


# ----------------------------------------------------------------------------- seeding errors


def test_seeding_outside_a_mock_is_refused() -> None:
    with pytest.raises(SeedingError, match="No moto mock is active"):
        seed_chat_session("any")


@mock_connect_persistent
def test_seeding_an_unknown_instance() -> None:
    with pytest.raises(SeedingError, match="ResourceNotFoundException"):
        seed_chat_session("no-such-instance")


@mock_connect_persistent
def test_seeding_a_duplicate_contact_id() -> None:
    iid = new_instance()
    seed_chat_session(iid, contact_id="C1")
    with pytest.raises(SeedingError, match="'C1' already exists"):
        seed_contact(iid, contact_id="C1")
    with pytest.raises(SeedingError, match="'C1' already exists"):
        chat_session(iid, "C1").transfer(contact_id="C1")
    assert chat_session(iid, "C1").contact_ids == ["C1"]


@mock_connect_persistent
def test_seeding_an_unsupported_region() -> None:
    with pytest.raises(SeedingError, match="no Amazon Connect"):
        seed_chat_session("x", region_name="mars-north-1")


@mock_connect_persistent
def test_continuing_an_ended_session_is_refused() -> None:
    iid = new_instance()
    session = seed_chat_session(iid, contact_id="C1").end()
    with pytest.raises(SeedingError, match="has ended"):
        session.transfer()
    with pytest.raises(SeedingError, match="already ended"):
        session.end()


@mock_connect_persistent
def test_seed_contact_channels() -> None:
    iid = new_instance()
    client = boto3.client("connect", region_name=REGION)
    voice = seed_contact(iid)
    task = seed_contact(iid, channel="TASK", ended=False)
    assert client.describe_contact(InstanceId=iid, ContactId=voice)["Contact"]["Channel"] == "VOICE"
    described = client.describe_contact(InstanceId=iid, ContactId=task)["Contact"]
    assert described["Channel"] == "TASK" and "DisconnectTimestamp" not in described
    with pytest.raises(SeedingError, match="Channel"):
        seed_contact(iid, channel="PIGEON")


@mock_connect_persistent
def test_seeding_defaults_follow_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    iid = make_instance(boto3.client("connect"))
    session = seed_chat_session(iid)
    assert len(session.contact_ids) == 1
    with pytest.raises(SeedingError, match="Instance not found"):
        seed_chat_session(iid, region_name="us-east-1")
