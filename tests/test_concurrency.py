"""Server mode under parallel load: many threads, one ThreadedMotoServer, no lost or double writes.

The server (the plugin's ``connect_server_url``: 127.0.0.1, port 0) runs in this process, so
the past sessions are seeded straight into its backend. Clients never retry: a 5xx or a
throttle would reach the test instead of being hidden by botocore.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import boto3
import pytest
from botocore.config import Config
from support import ACCOUNT, REGION, make_instance

from moto_connect_persistent import connect_persistent_backends

THREADS = 8
PAIRS_PER_THREAD = 25  # x 4 calls = 100 calls a thread
RACERS = 16
RACES = 10

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=4)

T = TypeVar("T")


def client_at(url: str) -> Any:
    return boto3.client("connect", region_name=REGION, endpoint_url=url, config=NO_RETRY)


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """``work(0..count-1)`` on ``count`` threads at once; re-raises the first failure."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


def race(clients: list[Any], call: Callable[[Any], T]) -> list[T]:
    """``call(client)`` from one thread per client, all released at the same moment."""
    barrier = threading.Barrier(len(clients))

    def run(index: int) -> T:
        barrier.wait(timeout=30)
        return call(clients[index])

    return in_threads(len(clients), run)


def calling(operation: str, kwargs: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    """A call of ``operation`` on any client; the answer without its per-request metadata."""

    def call(client: Any) -> dict[str, Any]:
        answer = getattr(client, operation)(**kwargs)
        return {k: v for k, v in answer.items() if k != "ResponseMetadata"}

    return call


@pytest.fixture
def instance(connect_server_url: str) -> str:
    return make_instance(client_at(connect_server_url))


def seed_past_sessions(instance_id: str, count: int) -> list[str]:
    """``count`` ended chats P0..Pn, written into the server's backend in this process."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    ids = []
    for index in range(count):
        contact = backend.seed_chat_session(instance_id, contact_id=f"P{index}")
        backend.end_session(instance_id, contact)
        ids.append(contact)
    return ids


def test_parallel_associations_are_each_recorded_exactly_once(
    connect_server_url: str, instance: str
) -> None:
    pasts = seed_past_sessions(instance, THREADS * PAIRS_PER_THREAD)

    def worker(thread: int) -> list[tuple[str, str]]:
        client = client_at(connect_server_url)
        done = []
        for past in pasts[thread * PAIRS_PER_THREAD : (thread + 1) * PAIRS_PER_THREAD]:
            new = client.start_chat_contact(
                InstanceId=instance,
                ContactFlowId="flow",
                ParticipantDetails={"DisplayName": f"customer of {past}"},
            )["ContactId"]
            answer = client.create_persistent_contact_association(
                InstanceId=instance,
                InitialContactId=new,
                RehydrationType="FROM_SEGMENT",
                SourceContactId=past,
                ClientToken=f"associate-{new}",
            )
            assert answer["ContinuedFromContactId"] == past
            contact = client.describe_contact(InstanceId=instance, ContactId=new)["Contact"]
            assert contact["RelatedContactId"] == past
            client.stop_contact(InstanceId=instance, ContactId=new)
            done.append((new, past))
        return done

    results = [pair for chunk in in_threads(THREADS, worker) for pair in chunk]

    new_ids = [new for new, _ in results]
    assert len(results) == THREADS * PAIRS_PER_THREAD
    assert len(set(new_ids)) == len(new_ids)  # no id handed out twice
    backend = connect_persistent_backends[ACCOUNT][REGION]
    assert len(backend.contacts) == len(pasts) + len(new_ids)
    client = client_at(connect_server_url)
    for new, past in results[:: PAIRS_PER_THREAD // 5]:  # a sample, read back over HTTP
        contact = client.describe_contact(InstanceId=instance, ContactId=new)["Contact"]
        assert contact["RelatedContactId"] == past
        assert "DisconnectTimestamp" in contact
    for new, past in results:
        session = backend.contacts[(instance, new)].session
        assert session.rehydration is not None
        assert session.rehydration.result.id == past
        assert len(session.segments) == 1
    assert len([key for key in backend.replies.calls if key[0].startswith("Create")]) == len(
        results
    )


def test_one_client_token_raced_from_many_threads_makes_one_association(
    connect_server_url: str, instance: str
) -> None:
    backend = connect_persistent_backends[ACCOUNT][REGION]
    pasts = seed_past_sessions(instance, RACES)
    clients = [client_at(connect_server_url) for _ in range(RACERS)]
    for number, past in enumerate(pasts):
        current = backend.seed_chat_session(instance, contact_id=f"R{number}")
        arguments = {
            "InstanceId": instance,
            "InitialContactId": current,
            "RehydrationType": "ENTIRE_PAST_SESSION",
            "SourceContactId": past,
            "ClientToken": f"race-{number}",
        }

        answers = race(clients, calling("create_persistent_contact_association", arguments))

        assert answers == [{"ContinuedFromContactId": past}] * RACERS
        rehydration = backend.contacts[(instance, current)].session.rehydration
        assert rehydration is not None and rehydration.result.id == past


def test_one_start_chat_token_raced_from_many_threads_starts_one_chat(
    connect_server_url: str, instance: str
) -> None:
    backend = connect_persistent_backends[ACCOUNT][REGION]
    clients = [client_at(connect_server_url) for _ in range(RACERS)]
    for number in range(RACES):
        before = len(backend.contacts)
        arguments = {
            "InstanceId": instance,
            "ContactFlowId": "flow",
            "ParticipantDetails": {"DisplayName": "Customer"},
            "ClientToken": f"start-{number}",
        }

        answers = race(clients, calling("start_chat_contact", arguments))

        assert all(answer == answers[0] for answer in answers)
        assert len(backend.contacts) == before + 1


def test_a_token_raced_with_different_parameters_has_one_winner(
    connect_server_url: str, instance: str
) -> None:
    """Half the racers name another source: one side wins, the other side gets 409s."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    first, second = seed_past_sessions(instance, 2)
    current = backend.seed_chat_session(instance, contact_id="R")
    clients = [client_at(connect_server_url) for _ in range(RACERS)]
    sources = {id(client): (first if index % 2 else second) for index, client in enumerate(clients)}

    def associate(client: Any) -> str:
        try:
            answer: str = client.create_persistent_contact_association(
                InstanceId=instance,
                InitialContactId=current,
                RehydrationType="FROM_SEGMENT",
                SourceContactId=sources[id(client)],
                ClientToken="contested",
            )["ContinuedFromContactId"]
        except client.exceptions.InvalidRequestException as err:
            assert "ClientToken 'contested'" in err.response["Error"]["Message"]
            return "409"
        return answer

    answers = race(clients, associate)

    winners = {answer for answer in answers if answer != "409"}
    assert len(winners) == 1
    assert answers.count("409") == RACERS // 2
    rehydration = backend.contacts[(instance, current)].session.rehydration
    assert rehydration is not None and rehydration.result.id in winners
