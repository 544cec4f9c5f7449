"""Settle time (docs/persistent-chat.md, rule 8), moved past with freezegun: refused before,
accepted after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from moto import mock_aws
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import (
    connect_persistent_backends,
    mock_connect_persistent,
    seed_chat_session,
    set_settle_time,
)

SETTLE = 60


def associate(client: Any, iid: str, current: str, source: str) -> str:
    answer: str = client.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId=current,
        RehydrationType="ENTIRE_PAST_SESSION",
        SourceContactId=source,
    )["ContinuedFromContactId"]
    return answer


def start_persistent(client: Any, iid: str, source: str) -> str:
    answer: str = client.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Customer"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": source},
    )["ContinuedFromContactId"]
    return answer


def via_association(client: Any, iid: str, source: str) -> str:
    current = seed_chat_session(iid).current_contact_id
    return associate(client, iid, current, source)


def via_start_chat(client: Any, iid: str, source: str) -> str:
    return start_persistent(client, iid, source)


WAYS: dict[str, Callable[[Any, str, str], str]] = {
    "CreatePersistentContactAssociation": via_association,
    "StartChatContact": via_start_chat,
}


@pytest.fixture
def clock() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time("2026-03-01 09:00:00") as frozen:
        assert isinstance(frozen, FrozenDateTimeFactory)
        yield frozen


def contact_count() -> int:
    return len(connect_persistent_backends[ACCOUNT][REGION].contacts)


@pytest.mark.parametrize("way", sorted(WAYS))
def test_a_source_is_refused_until_it_has_settled(clock: FrozenDateTimeFactory, way: str) -> None:
    with mock_connect_persistent(settle_seconds=SETTLE):
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2").end()

        clock.tick(timedelta(seconds=SETTLE - 1))
        count = contact_count()
        expect_error(
            lambda: WAYS[way](client, iid, "C1"),
            "InvalidRequestException",
            400,
            "C2",
            "settled",
        )
        if way == "StartChatContact":
            assert contact_count() == count  # the refused call created no chat

        clock.tick(timedelta(seconds=1))
        assert WAYS[way](client, iid, "C1") == "C2"


@pytest.mark.parametrize("way", sorted(WAYS))
def test_settle_time_is_off_by_default(clock: FrozenDateTimeFactory, way: str) -> None:
    with mock_connect_persistent():
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()

        assert WAYS[way](client, iid, "C1") == "C1"


def test_the_settle_time_counts_from_the_segment_that_ended_last(
    clock: FrozenDateTimeFactory,
) -> None:
    with mock_connect_persistent(settle_seconds=SETTLE):
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        past = seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2")
        clock.tick(timedelta(seconds=SETTLE * 10))  # C1 ended long ago ...
        past.end()  # ... C2 just now
        clock.tick(timedelta(seconds=SETTLE - 1))

        expect_error(lambda: via_association(client, iid, "C1"), "InvalidRequestException", 400)
        # FROM_SEGMENT on C1 too: the clock starts when the past *session* ended, as only
        # ended sessions rehydrate [doc: Enable persistent chat].
        current = seed_chat_session(iid).current_contact_id

        def from_segment() -> Any:
            return client.create_persistent_contact_association(
                InstanceId=iid,
                InitialContactId=current,
                RehydrationType="FROM_SEGMENT",
                SourceContactId="C1",
            )

        expect_error(from_segment, "InvalidRequestException", 400, "'C2'", "settled")
        clock.tick(timedelta(seconds=1))
        assert from_segment()["ContinuedFromContactId"] == "C1"


def test_the_mock_setting_holds_in_every_account_and_region(
    clock: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with mock_connect_persistent(settle_seconds=SETTLE):
        for region, account in (("us-west-2", ACCOUNT), (REGION, "222233334444")):
            monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
            client = boto3.client("connect", region_name=region)
            iid = make_instance(client)
            seed_chat_session(iid, contact_id="C1", region_name=region, account_id=account).end()

            with pytest.raises(client.exceptions.InvalidRequestException, match="settled"):
                via_start_chat(client, iid, "C1")


def test_the_setting_dies_with_its_mock(clock: FrozenDateTimeFactory) -> None:
    with mock_connect_persistent(settle_seconds=SETTLE):
        pass
    with mock_connect_persistent():
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()

        assert via_start_chat(client, iid, "C1") == "C1"


def test_a_nested_mock_sets_it_for_its_own_span_only(clock: FrozenDateTimeFactory) -> None:
    with mock_aws():
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()
        seed_chat_session(iid, contact_id="C2").end()

        with mock_connect_persistent(settle_seconds=SETTLE):
            # The backend already existed: the inner mock's setting reaches it too.
            expect_error(lambda: via_start_chat(client, iid, "C1"), "InvalidRequestException", 400)

        assert via_start_chat(client, iid, "C2") == "C2"


def test_a_decorated_function_gets_the_setting(clock: FrozenDateTimeFactory) -> None:
    @mock_connect_persistent(settle_seconds=SETTLE)
    def refused_then_accepted() -> list[str]:
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()
        outcomes = []
        try:
            via_start_chat(client, iid, "C1")
        except client.exceptions.InvalidRequestException:
            outcomes.append("refused")
        clock.tick(timedelta(seconds=SETTLE))
        outcomes.append(via_start_chat(client, iid, "C1"))
        return outcomes

    assert refused_then_accepted() == ["refused", "C1"]
    assert refused_then_accepted() == ["refused", "C1"]


def test_set_settle_time_changes_one_backend_for_the_rest_of_the_mock(
    clock: FrozenDateTimeFactory,
) -> None:
    with mock_connect_persistent():
        client = boto3.client("connect", region_name=REGION)
        iid = make_instance(client)
        seed_chat_session(iid, contact_id="C1").end()
        set_settle_time(SETTLE)
        expect_error(lambda: via_start_chat(client, iid, "C1"), "InvalidRequestException", 400)
        set_settle_time(0)
        assert via_start_chat(client, iid, "C1") == "C1"


@pytest.mark.parametrize("bad", [-1, float("nan"), "60", True])
def test_a_bad_settle_time_is_refused_when_the_mock_is_made(bad: Any) -> None:
    with pytest.raises(ValueError, match="settle time"):
        mock_connect_persistent(settle_seconds=bad)
