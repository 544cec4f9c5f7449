"""Benchmarks of moto-connect-persistent, as ratios against moto itself, measured in one run.

Run from the repository root::

    .venv/bin/python benchmarks/run.py            # full run, about 2-3 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # seconds; checks the script still works

It prints one table and writes ``benchmarks/results.json``. Absolute times depend on the
machine, so every figure that has a target is a ratio of two things measured in the same
process in interleaved rounds (the order rotates each round), reported as the median of
the per-round ratios. See ``benchmarks/README.md`` for what each ratio means.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# boto3 must never look for real credentials or an instance profile, in-process or in threads.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
import botocore  # noqa: E402
import moto  # noqa: E402
import startup  # noqa: E402  (benchmarks/startup.py, next to this script)
from botocore.awsrequest import AWSResponse  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.connect.responses import ConnectResponse  # noqa: E402
from moto.core.models import botocore_stubber  # noqa: E402

import moto_connect_persistent  # noqa: E402
from moto_connect_persistent import (  # noqa: E402
    connect_persistent_backends,
    mock_connect_persistent,
    seed_chat_session,
)
from moto_connect_persistent.models import ConnectPersistentBackend  # noqa: E402
from moto_connect_persistent.responses import ConnectPersistentResponse  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
#: Regions with moto connect, one backend each: lets growth sizes be interleaved in one run.
GROWTH_REGIONS = ("us-west-2", "eu-west-2", "ap-southeast-2")
#: Untouched regions for the memory figures, so container growth is counted as users see it.
MEMORY_REGIONS = ("ca-central-1", "eu-central-1")
#: Regions of the transcript-paging chats, one backend per chat size.
PAGING_REGIONS = ("ap-northeast-1", "ap-northeast-2", "ap-southeast-1")
#: Items of the small and the large chat; whole reads compare the middle and the large one.
PAGING_SIZES = (20, 1_000, 10_000)
PAGE = 10  # MaxResults of every timed page
HERE = Path(__file__).resolve().parent
SECTIONS = (
    "mock",
    "per-call",
    "growth",
    "server",
    "streaming",
    "events",
    "paging",
    "startup",
    "memory",
)


@dataclass
class Settings:
    """How much to measure; ``--quick`` shrinks everything to check the script, not the code."""

    rounds: int = 21
    calls: int = 100
    growth_sizes: tuple[int, ...] = (10, 10_000, 100_000)
    long_session: int = 1_000
    memory_contacts: int = 20_000
    seeding_contacts: int = 5_000
    mock_rounds: int = 31
    mock_cycles: int = 10
    server_rounds: int = 25
    #: Fresh processes per side for the start-up and memory figures (issue: >= 10).
    startup_rounds: int = 15
    server_calls: int = 120
    paging_sizes: tuple[int, int, int] = PAGING_SIZES
    whole_rounds: int = 9

    @classmethod
    def quick(cls) -> Settings:
        return cls(
            rounds=2,
            calls=3,
            growth_sizes=(10, 50, 200),
            long_session=20,
            memory_contacts=200,
            seeding_contacts=100,
            mock_rounds=2,
            mock_cycles=2,
            server_rounds=1,
            server_calls=8,
            paging_sizes=(20, 40, 200),
            whole_rounds=1,
            startup_rounds=1,
        )


# --------------------------------------------------------------------------- measuring


@dataclass
class Case:
    """One operation to time: ``prepare(n)`` builds n calls' arguments, untimed; ``call`` times."""

    name: str
    call: Callable[..., Any]
    prepare: Callable[[int], list[dict[str, Any]]]


def fixed(**kwargs: Any) -> Callable[[int], list[dict[str, Any]]]:
    return lambda n: [kwargs] * n


def interleaved(cases: list[Case], rounds: int, calls: int) -> dict[str, list[float]]:
    """Seconds per call of every case, one figure per round; the order rotates each round.

    Rotating spreads drift (CPU frequency, other processes, garbage collection) over all
    cases alike, so the ratio of two cases within one round is what is compared.
    """
    times: dict[str, list[float]] = {case.name: [] for case in cases}
    for case in cases:  # warm-up: imports, caches, first-call costs
        for kwargs in case.prepare(2):
            case.call(**kwargs)
    for index in range(rounds):
        shift = index % len(cases)
        for case in cases[shift:] + cases[:shift]:
            batch = case.prepare(calls)
            call = case.call
            start = time.perf_counter()
            for kwargs in batch:
                call(**kwargs)
            times[case.name].append((time.perf_counter() - start) / calls)
    return times


def median_ratio(times: dict[str, list[float]], top: str, bottom: str) -> float:
    """Median over rounds of top/bottom, each round's pair measured back to back."""
    return statistics.median(a / b for a, b in zip(times[top], times[bottom], strict=True))


def median_us(times: dict[str, list[float]], name: str) -> float:
    return statistics.median(times[name]) * 1e6


@dataclass
class Report:
    rows: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def ratio(self, section: str, name: str, value: float, target: str, detail: str = "") -> None:
        op, limit = target.split(" ")
        met = value <= float(limit) if op == "<=" else value >= float(limit)
        self.rows.append(
            {
                "section": section,
                "name": name,
                "value": round(value, 3),
                "target": target,
                "met": met,
                "detail": detail,
            }
        )

    def info(self, section: str, name: str, value: float, unit: str, detail: str = "") -> None:
        self.rows.append(
            {
                "section": section,
                "name": name,
                "value": round(value, 3),
                "unit": unit,
                "detail": detail,
            }
        )

    def print_table(self) -> None:
        section = None
        for row in self.rows:
            if row["section"] != section:
                section = row["section"]
                print(f"\n{section}")
            if "target" in row:
                verdict = "ok" if row["met"] else "MISSED"
                value = f"{row['value']:.3f}"
                print(f"  {row['name']:<52} {value:>9}  target {row['target']:<7} {verdict}")
            else:
                value = f"{row['value']:,.1f}"
                print(f"  {row['name']:<52} {value:>9}  {row['unit']}")
            if row["detail"]:
                print(f"  {'':<52} ({row['detail']})")


# --------------------------------------------------------------------------- fixtures


def make_client(endpoint_url: str | None = None, region: str = REGION) -> Any:
    return boto3.client("connect", region_name=region, endpoint_url=endpoint_url)


def make_instance(client: Any) -> str:
    instance: str = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    return instance


def backend(region: str = REGION) -> ConnectPersistentBackend:
    return connect_persistent_backends[ACCOUNT][region]


def past_session(store: ConnectPersistentBackend, instance_id: str, segments: int) -> str:
    """An ended chat session of ``segments`` segments (transfers); returns its root's id."""
    root = store.seed_chat_session(instance_id)
    for _ in range(segments - 1):
        store.continue_session(instance_id, root, "TRANSFER")
    store.end_session(instance_id, root)
    return root


def running_chats(store: ConnectPersistentBackend, instance_id: str) -> Callable[[int], list[str]]:
    return lambda n: [store.seed_chat_session(instance_id) for _ in range(n)]


def associating(
    instance_id: str, currents: Callable[[int], list[str]], rehydration_type: str, source: str
) -> Callable[[int], list[dict[str, Any]]]:
    """Arguments of n associations, each for a new running chat: a session links only once."""
    return lambda n: [
        {
            "InstanceId": instance_id,
            "InitialContactId": current,
            "RehydrationType": rehydration_type,
            "SourceContactId": source,
        }
        for current in currents(n)
    ]


class _Body:
    """The raw stream botocore reads a response body from."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


class Floor:
    """boto3's own cost: a client whose calls a ``before-send`` hook answers with canned bytes.

    The bytes are the mock's real answers, recorded once, so boto3 signs, serialises and
    parses exactly what it does against the mock, with no mock at all in between.
    """

    def __init__(self) -> None:
        self.canned: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.client = make_client()
        # botocore calls every before-send handler, whoever answers: moto's stubber (a
        # built-in handler of every client) would still do all its work. Take it out.
        self.client.meta.events.unregister("before-send", botocore_stubber)
        self.client.meta.events.register_first("before-send.connect", self._answer)

    def record(self, client: Any) -> None:
        """Keep the body of every answer ``client`` receives, by operation."""

        def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
            self.canned[operation_model.name] = (
                response_dict["status_code"],
                dict(response_dict["headers"]),
                response_dict["body"],
            )

        client.meta.events.register("before-parse.connect", keep)

    def _answer(self, request: Any, event_name: str, **_: Any) -> AWSResponse:
        status, headers, body = self.canned[event_name.rsplit(".", 1)[1]]
        return AWSResponse(request.url, status, headers, _Body(body))


@contextmanager
def timed_handlers(targets: dict[str, tuple[type, str]]) -> Iterator[dict[str, float]]:
    """Seconds spent inside each operation's handler method, the part after moto's dispatch.

    Wraps the methods on their classes for the duration only; moto finds handlers by name
    on the class, so the wrapper is what it calls.
    """
    spent = dict.fromkeys(targets, 0.0)
    originals = [(cls, method, cls.__dict__[method]) for cls, method in targets.values()]

    def wrap(name: str, original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def handler(self: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(self)
            finally:
                spent[name] += time.perf_counter() - start

        return handler

    for name, (cls, method) in targets.items():
        setattr(cls, method, wrap(name, cls.__dict__[method]))
    try:
        yield spent
    finally:
        for cls, method, original in originals:
            setattr(cls, method, original)


# --------------------------------------------------------------------------- 1. per call


def per_call(settings: Settings, report: Report) -> None:
    section = "1. per call, in-process (median per-round ratios)"
    client = make_client()
    iid = make_instance(client)
    store = backend()
    floor = Floor()
    floor.record(client)
    past3 = past_session(store, iid, 3)
    ended_segment = store.session_contact_ids(iid, past3)[1]
    shown = ended_segment
    fresh = running_chats(store, iid)
    start_args = fixed(
        InstanceId=iid, ContactFlowId="flow-1", ParticipantDetails={"DisplayName": "Bench"}
    )

    ops = {
        "create_persistent_contact_association FROM_SEGMENT": (
            "create_persistent_contact_association",
            associating(iid, fresh, "FROM_SEGMENT", ended_segment),
        ),
        "create_persistent_contact_association ENTIRE_PAST_SESSION": (
            "create_persistent_contact_association",
            associating(iid, fresh, "ENTIRE_PAST_SESSION", past3),
        ),
        "start_chat_contact": ("start_chat_contact", start_args),
        "describe_contact": ("describe_contact", fixed(InstanceId=iid, ContactId=shown)),
    }
    cases = [Case("moto describe_instance", client.describe_instance, fixed(InstanceId=iid))]
    for name, (method, prepare) in ops.items():
        # One real call of each first, so the floor has a recorded answer to replay.
        for kwargs in prepare(1):
            getattr(client, method)(**kwargs)
        cases.append(Case(name, getattr(client, method), prepare))
        cases.append(Case("floor " + name, getattr(floor.client, method), prepare))
    cases.append(
        Case("floor moto describe_instance", floor.client.describe_instance, fixed(InstanceId=iid))
    )
    times = interleaved(cases, settings.rounds, settings.calls)
    for name in ops:
        detail = (
            f"{median_us(times, name):.0f} us; moto describe_instance "
            f"{median_us(times, 'moto describe_instance'):.0f} us"
        )
        report.ratio(
            section,
            f"{name} / moto describe_instance",
            median_ratio(times, name, "moto describe_instance"),
            "<= 1.0",
            detail,
        )
    for name in ops:
        report.ratio(
            section,
            f"{name} / floor",
            median_ratio(times, name, "floor " + name),
            "<= 2.0",
            f"floor {median_us(times, 'floor ' + name):.0f} us",
        )
    report.info(
        section,
        "moto describe_instance / floor (for comparison)",
        median_ratio(times, "moto describe_instance", "floor moto describe_instance"),
        "x",
    )
    report.figures["per_call_us"] = {name: median_us(times, name) for name in times}

    # Where the time goes: the handler (the operation's own work) against the whole call.
    targets: dict[str, tuple[type, str]] = {
        name: (ConnectPersistentResponse, method) for name, (method, _) in ops.items()
    }
    targets["moto describe_instance"] = (ConnectResponse, "describe_instance")
    n = settings.calls * 2
    with timed_handlers(targets) as spent:
        for case in cases:
            if case.name in targets:
                for kwargs in case.prepare(n):
                    case.call(**kwargs)
    handler_us = {name: spent[name] / n * 1e6 for name in targets}
    for name, value in handler_us.items():
        report.info(section, f"inside the handler: {name}", value, "us/call")
    dispatch = (
        median_us(times, "moto describe_instance")
        - median_us(times, "floor moto describe_instance")
        - handler_us["moto describe_instance"]
    )
    report.info(
        section,
        "moto's dispatch around any handler (estimate)",
        dispatch,
        "us/call",
        "moto describe_instance - its floor - its handler",
    )
    report.info(
        section,
        "best any handler could do through moto / floor",
        (median_us(times, "moto describe_instance") - handler_us["moto describe_instance"])
        / median_us(times, "floor moto describe_instance"),
        "x",
        "moto describe_instance without its handler / its floor: a handler costing nothing",
    )
    report.figures["handler_us"] = handler_us
    report.figures["moto_dispatch_us"] = dispatch


# --------------------------------------------------------------------------- 2. growth


def growth(settings: Settings, report: Report) -> None:
    section = "2. growth with state"
    cases = []
    sizes = settings.growth_sizes
    seeded_at: dict[int, float] = {}
    for size, region in zip(sizes, GROWTH_REGIONS, strict=True):
        client = make_client(region=region)
        iid = make_instance(client)
        store = backend(region)
        source = past_session(store, iid, 3)
        started = time.perf_counter()
        for _ in range(size - 4):  # the past session and each batch's currents make up the rest
            store.seed_contact(iid, channel="CHAT", ended=True)
        seeded_at[size] = time.perf_counter() - started
        cases.append(
            Case(
                f"association with {size:,} contacts",
                client.create_persistent_contact_association,
                associating(iid, running_chats(store, iid), "ENTIRE_PAST_SESSION", source),
            )
        )
    times = interleaved(cases, settings.rounds, settings.calls)
    small, large = cases[0].name, cases[-1].name
    report.ratio(
        section,
        f"association, {sizes[-1]:,} / {sizes[0]:,} contacts in the instance",
        median_ratio(times, large, small),
        "<= 1.2",
        ", ".join(f"{c.name.split(' with ')[1]}: {median_us(times, c.name):.0f} us" for c in cases),
    )

    # ENTIRE_PAST_SESSION over a short and a long past session, same instance.
    client = make_client()
    iid = make_instance(client)
    store = backend()
    short = past_session(store, iid, 3)
    long = past_session(store, iid, settings.long_session)
    fresh = running_chats(store, iid)
    call = client.create_persistent_contact_association
    cases = [
        Case("3 segments", call, associating(iid, fresh, "ENTIRE_PAST_SESSION", short)),
        Case("long", call, associating(iid, fresh, "ENTIRE_PAST_SESSION", long)),
    ]
    times = interleaved(cases, settings.rounds, settings.calls)
    report.ratio(
        section,
        f"ENTIRE_PAST_SESSION, {settings.long_session:,} / 3 segments",
        median_ratio(times, "long", "3 segments"),
        "<= 1.2",
        f"3: {median_us(times, '3 segments'):.0f} us, "
        f"{settings.long_session:,}: {median_us(times, 'long'):.0f} us",
    )

    # Memory per seeded contact: ended CHAT contacts (one session each), and running chats.
    seeds: tuple[tuple[str, Callable[[ConnectPersistentBackend, str], Any]], ...] = (
        ("ended chat contact", lambda s, i: s.seed_contact(i, channel="CHAT", ended=True)),
        ("running chat session", lambda s, i: s.seed_chat_session(i)),
    )
    for (label, seed), region in zip(seeds, MEMORY_REGIONS, strict=True):
        iid = make_instance(make_client(region=region))
        store = backend(region)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(settings.memory_contacts):
            seed(store, iid)
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        report.ratio(
            section,
            f"memory per seeded {label}, KB",
            (after - before) / settings.memory_contacts / 1000,
            "<= 2.0",
            f"{settings.memory_contacts:,} contacts, tracemalloc",
        )

    # Seeding throughput through the public API (reported, no target).
    iid = make_instance(client)
    n = settings.seeding_contacts
    started = time.perf_counter()
    for _ in range(n):
        seed_chat_session(iid)
    elapsed = time.perf_counter() - started
    report.info(section, "seeding throughput, public seed_chat_session", n / elapsed, "contacts/s")
    biggest = sizes[-1]
    report.info(
        section,
        "seeding throughput, backend seed_contact (growth setup)",
        (biggest - 4) / seeded_at[biggest],
        "contacts/s",
    )


# --------------------------------------------------------------------------- 3. mock overhead


def mock_overhead(settings: Settings, report: Report) -> None:
    section = "3. mock overhead"

    def cycle(factory: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            with factory():
                pass

        return run

    cases = [
        Case("mock_aws", cycle(mock_aws), fixed()),
        Case("mock_connect_persistent", cycle(mock_connect_persistent), fixed()),
    ]
    times = interleaved(cases, settings.mock_rounds, settings.mock_cycles)
    report.ratio(
        section,
        "enter+leave mock_connect_persistent / mock_aws",
        median_ratio(times, "mock_connect_persistent", "mock_aws"),
        "<= 1.1",
        f"mock_aws {median_us(times, 'mock_aws'):.0f} us, ours "
        f"{median_us(times, 'mock_connect_persistent'):.0f} us",
    )


# --------------------------------------------------------------------------- 4. server mode


@contextmanager
def running_server() -> Iterator[tuple[str, str]]:
    """The plugin's server (the console script's code) in its own process, on a free port,
    started as the start-up benchmark starts it (:func:`startup.server`).

    A separate process, so the client threads and the server do not share one GIL.
    """
    name = "moto-connect-persistent-server"
    how = " ".join(startup.server_command(name, 0)[:-4]).replace(sys.executable, "python")
    with startup.server(name) as (process, port):
        startup.wait_listening(process, port, time.monotonic() + 30)
        yield f"http://127.0.0.1:{port}", how


def server_mode(settings: Settings, report: Report) -> None:
    section = "4. server mode (calls/s ratio, ours / moto describe_instance)"
    with running_server() as (url, how):
        setup = make_client(url)
        iid = make_instance(setup)
        # The past session over the wire: a chat, stopped; FROM_SEGMENT continues from it.
        source = setup.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow-1", ParticipantDetails={"DisplayName": "Past"}
        )["ContactId"]
        setup.stop_contact(InstanceId=iid, ContactId=source)

        def running(n: int) -> list[str]:
            return [
                setup.start_chat_contact(
                    InstanceId=iid, ContactFlowId="flow-1", ParticipantDetails={"DisplayName": "B"}
                )["ContactId"]
                for _ in range(n)
            ]

        ops: dict[str, tuple[str, Callable[[int], list[dict[str, Any]]]]] = {
            "moto describe_instance": ("describe_instance", fixed(InstanceId=iid)),
            "describe_contact": ("describe_contact", fixed(InstanceId=iid, ContactId=source)),
            "create_persistent_contact_association": (
                "create_persistent_contact_association",
                associating(iid, running, "FROM_SEGMENT", source),
            ),
        }
        results: dict[str, Any] = {}
        for threads in (1, 8):
            clients = [make_client(url) for _ in range(threads)]
            per_thread = max(1, settings.server_calls // threads)
            rates: dict[str, list[float]] = {name: [] for name in ops}
            for client in clients:  # warm each connection pool
                client.describe_instance(InstanceId=iid)
            names = list(ops)
            for index in range(settings.server_rounds):
                shift = index % len(names)
                for name in names[shift:] + names[:shift]:
                    method, prepare = ops[name]
                    batches = [prepare(per_thread) for _ in clients]
                    rates[name].append(
                        _throughput(
                            [getattr(c, method) for c in clients], batches, threads * per_thread
                        )
                    )
            for name in names[1:]:
                ratio = statistics.median(
                    a / b for a, b in zip(rates[name], rates[names[0]], strict=True)
                )
                report.ratio(
                    section,
                    f"{name}, {threads} thread{'s' if threads > 1 else ''}",
                    ratio,
                    ">= 0.9",
                    f"{statistics.median(rates[name]):.0f} calls/s vs "
                    f"{statistics.median(rates[names[0]]):.0f}",
                )
            results[f"{threads}_threads"] = {n: statistics.median(r) for n, r in rates.items()}
        report.figures["server_calls_per_second"] = results
        report.figures["server_command"] = how


def _throughput(
    calls: list[Callable[..., Any]], batches: list[list[dict[str, Any]]], total: int
) -> float:
    """Calls per second of all threads together, from a common start to the last finish."""
    barrier = threading.Barrier(len(calls) + 1)
    errors: list[BaseException] = []

    def work(call: Callable[..., Any], batch: list[dict[str, Any]]) -> None:
        barrier.wait()
        try:
            for kwargs in batch:
                call(**kwargs)
        except BaseException as err:  # surfaced below: a failed call must not count as fast
            errors.append(err)

    workers = [
        threading.Thread(target=work, args=(c, b)) for c, b in zip(calls, batches, strict=True)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return total / elapsed


# --------------------------------------------------------------------------- 5. streaming


#: Items a bridge test lets queue up before reading: the streaming batches' size.
BRIDGE_BACKLOG = 10


def streaming(settings: Settings, report: Report) -> None:
    """SendMessage with the chat streaming to an SNS topic (one SQS subscriber) against the
    same call on a chat that does not stream: what publishing each item costs."""
    section = "5. message streaming, in-process (median per-round ratios)"
    client = make_client()
    iid = make_instance(client)
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="bench-stream")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="bench-stream")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    participant = boto3.client("connectparticipant", region_name=REGION)

    def connection(**streaming: Any) -> str:
        chat = client.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Bench"},
            **streaming,
        )
        token: str = participant.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]
        return token

    off = connection()
    on = connection(ChatStreamingConfiguration={"StreamingEndpointArn": topic})
    message = {"ContentType": "text/plain", "Content": "How can I help you today?"}

    def drained(**kwargs: Any) -> Callable[[int], list[dict[str, Any]]]:
        """Each batch starts on an empty queue, as for a bridge that reads as items come:
        moto's SQS counts every queued message on each send (O(backlog)), so a backlog left
        from earlier batches would time moto's SQS, not the streaming."""

        def prepare(n: int) -> list[dict[str, Any]]:
            for _ in range(10_000):  # PurgeQueue is once a minute: read and delete instead
                batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
                handles = [m["ReceiptHandle"] for m in batch.get("Messages", [])]
                if not handles:
                    break
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles)],
                )
            return [kwargs] * n

        return prepare

    cases = [
        Case(
            "send_message, streaming off",
            participant.send_message,
            drained(ConnectionToken=off, **message),
        ),
        Case(
            "send_message, streaming on",
            participant.send_message,
            drained(ConnectionToken=on, **message),
        ),
    ]
    # A bridge reads its queue as items come: a backlog of at most BRIDGE_BACKLOG items.
    batches = settings.rounds * max(1, settings.calls // BRIDGE_BACKLOG)
    times = interleaved(cases, batches, min(settings.calls, BRIDGE_BACKLOG))
    report.ratio(
        section,
        "send_message streaming on / off (1 SQS subscriber)",
        median_ratio(times, "send_message, streaming on", "send_message, streaming off"),
        "<= 1.5",
        f"on {median_us(times, 'send_message, streaming on'):.0f} us, off "
        f"{median_us(times, 'send_message, streaming off'):.0f} us; "
        f"queue emptied before each batch of {min(settings.calls, BRIDGE_BACKLOG)}",
    )
    report.figures["streaming_us"] = {name: median_us(times, name) for name in times}


# --------------------------------------------------------------------------- 9. events


#: Regions of the contact-events comparison: one with an EventBridge rule and a records
#: stream, one without (the default bus and its rules are per account and region).
EVENTS_REGIONS = {"on": "us-west-2", "off": "eu-west-2"}


def contact_events(settings: Settings, report: Report) -> None:
    """StartChatContact and SendMessage in an account and region whose default bus has a
    rule on Amazon Connect contact events (an SQS target) and whose instance streams contact
    records to a Kinesis stream, against the same calls where neither is configured."""
    section = "9. contact events and records, in-process (median per-round ratios)"
    sides: dict[str, dict[str, Any]] = {}
    queue_url = ""
    for label, region in EVENTS_REGIONS.items():
        client = make_client(region=region)
        iid = make_instance(client)
        participant = boto3.client("connectparticipant", region_name=region)
        if label == "on":
            events = boto3.client("events", region_name=region)
            sqs = boto3.client("sqs", region_name=region)
            kinesis = boto3.client("kinesis", region_name=region)
            queue_url = sqs.create_queue(QueueName="bench-contact-events")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            events.put_rule(
                Name="bench-contact-events",
                EventPattern=json.dumps(
                    {"source": ["aws.connect"], "detail-type": ["Amazon Connect Contact Event"]}
                ),
            )
            events.put_targets(
                Rule="bench-contact-events", Targets=[{"Id": "queue", "Arn": queue_arn}]
            )
            kinesis.create_stream(StreamName="bench-ctr", ShardCount=1)
            stream_arn = kinesis.describe_stream(StreamName="bench-ctr")["StreamDescription"][
                "StreamARN"
            ]
            client.associate_instance_storage_config(
                InstanceId=iid,
                ResourceType="CONTACT_TRACE_RECORDS",
                StorageConfig={
                    "StorageType": "KINESIS_STREAM",
                    "KinesisStreamConfig": {"StreamArn": stream_arn},
                },
            )
        start = {
            "InstanceId": iid,
            "ContactFlowId": "flow",
            "ParticipantDetails": {"DisplayName": "Bench"},
        }
        chat = client.start_chat_contact(**start)
        token = participant.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]
        sides[label] = {
            "client": client,
            "participant": participant,
            "start": start,
            "message": {
                "ConnectionToken": token,
                "ContentType": "text/plain",
                "Content": "How can I help you today?",
            },
        }
    sqs = boto3.client("sqs", region_name=EVENTS_REGIONS["on"])

    def drained(kwargs: dict[str, Any]) -> Callable[[int], list[dict[str, Any]]]:
        """Each batch starts on an empty queue, as for a Lambda that takes events as they
        come (moto's SQS send is O(backlog): see the streaming section)."""

        def prepare(n: int) -> list[dict[str, Any]]:
            for _ in range(10_000):
                batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
                handles = [m["ReceiptHandle"] for m in batch.get("Messages", [])]
                if not handles:
                    break
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles)],
                )
            return [kwargs] * n

        return prepare

    from moto.sqs.models import sqs_backends

    queue_name = queue_url.rsplit("/", 1)[1]
    event_body = json.dumps({"detail": {"eventType": "INITIATED", "pad": "x" * 900}})

    def target_alone(**_: Any) -> None:
        """What the rule's SQS target does for one start's two events: moto's SendMessage."""
        queues = sqs_backends[ACCOUNT][EVENTS_REGIONS["on"]]
        for _event in range(2):
            queues.send_message(queue_name=queue_name, message_body=event_body)

    # The Lambda's queue holds at most BRIDGE_BACKLOG events when read, as for streaming: a
    # start puts two events (INITIATED, CONNECTED_TO_SYSTEM), a message none.
    times: dict[str, list[float]] = {}
    for operation, per_call in (("start_chat_contact", 2), ("send_message", 0)):
        member = "start" if operation == "start_chat_contact" else "message"
        cases = [
            Case(
                f"{operation}, {label}",
                getattr(sides[label]["client" if member == "start" else "participant"], operation),
                drained(sides[label][member]),
            )
            for label in ("on", "off")
        ]
        if per_call:
            cases.append(Case("moto SQS target alone", target_alone, drained({})))
        calls = min(settings.calls, BRIDGE_BACKLOG // max(1, per_call))
        batches = settings.rounds * max(1, settings.calls // calls)
        times.update(interleaved(cases, batches, calls))
        on, off = f"{operation}, on", f"{operation}, off"
        report.ratio(
            section,
            f"{operation} events+records on / off (rule with SQS target, Kinesis stream)",
            median_ratio(times, on, off),
            "<= 1.5",
            f"on {median_us(times, on):.0f} us, off {median_us(times, off):.0f} us; "
            f"{per_call} events a call, queue emptied before each batch of {calls} calls",
        )
    alone = "moto SQS target alone"
    report.info(
        section,
        "start_chat_contact on / off less moto's SQS target (estimate)",
        statistics.median(
            (on - sqs) / off
            for on, sqs, off in zip(
                times["start_chat_contact, on"],
                times[alone],
                times["start_chat_contact, off"],
                strict=True,
            )
        ),
        "ratio",
        f"moto's SendMessage of the two events alone: {median_us(times, alone):.0f} us",
    )
    report.figures["contact_events_us"] = {name: median_us(times, name) for name in times}


# --------------------------------------------------------------------------- 6. paging


@dataclass
class PagingChat:
    """A persistent chat of about ``size`` items: half in its past session, half its own,
    spread over two segments (so a ContactId filter has a segment to pick), plus one
    participant's connection and the arguments of every kind of page, built untimed."""

    size: int
    client: Any
    pages: dict[str, dict[str, Any]]
    receipt: dict[str, Any]


def paging_chat(size: int, region: str) -> PagingChat:
    client = make_client(region=region)
    iid = make_instance(client)
    store = backend(region)
    half = size // 2
    past = store.seed_chat_session(iid)
    for index in range(half - 2):  # with joined and chat.ended: half the items
        store.add_message(iid, past, "AGENT", f"past {index}")
    store.end_session(iid, past)
    chat = client.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow-1",
        ParticipantDetails={"DisplayName": "Bench"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": past},
    )
    root = chat["ContactId"]
    for index in range(half // 2):
        store.add_message(iid, root, "AGENT", f"first segment {index}")
    store.continue_session(iid, root, "TRANSFER")
    for index in range(half - half // 2 - 3):  # joined, rehydrated, transfer.succeeded
        store.add_message(iid, root, "AGENT", f"second segment {index}")
    participant = boto3.client("connectparticipant", region_name=region)
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    base = {"ConnectionToken": token, "MaxResults": PAGE}

    # Walk the whole transcript once (untimed) for tokens and items in the middle of each part.
    current: list[dict[str, Any]] = []
    past_tokens: list[str] = []
    request = dict(base, MaxResults=100)
    while True:
        answer = participant.get_transcript(**request)
        if "NextToken" not in answer:
            break
        if answer["Transcript"] and "RelatedContactId" in answer["Transcript"][-1]:
            past_tokens.append(answer["NextToken"])
        else:
            current.extend(answer["Transcript"])
        request["NextToken"] = answer["NextToken"]
    middle = current[len(current) // 2]
    middle_token = participant.get_transcript(
        **base, StartPosition={"Id": middle["Id"]}, ScanDirection="BACKWARD"
    )["NextToken"]
    message = next(i for i in current[len(current) // 2 :] if i["Type"] == "MESSAGE")
    pages = {
        "first page (chatjs default)": dict(
            base, StartPosition={}, ScanDirection="BACKWARD", SortOrder="ASCENDING"
        ),
        "middle page (NextToken)": dict(base, NextToken=middle_token),
        "page of the past (NextToken)": dict(
            base, NextToken=past_tokens[len(past_tokens) // 2] if past_tokens else middle_token
        ),
        "FORWARD from the start": dict(base, ScanDirection="FORWARD"),
        "StartPosition Id": dict(base, StartPosition={"Id": middle["Id"]}),
        "StartPosition AbsoluteTime": dict(
            base, StartPosition={"AbsoluteTime": middle["AbsoluteTime"]}, ScanDirection="BACKWARD"
        ),
        "StartPosition MostRecent": dict(base, StartPosition={"MostRecent": 50}),
        "ContactId filter": dict(base, ContactId=root),
    }
    receipt = {
        "ConnectionToken": token,
        "ContentType": "application/vnd.amazonaws.connect.event.message.read",
        "Content": json.dumps({"messageId": message["Id"]}),
    }
    return PagingChat(size, participant, pages, receipt)


def read_all(chat: PagingChat) -> int:
    """Read the whole transcript, current session then past, as a client does; items read."""
    request = dict(chat.pages["first page (chatjs default)"], MaxResults=100)
    count = 0
    for _ in range(chat.size):  # bounded: at least one item per page
        answer = chat.client.get_transcript(**request)
        count += len(answer["Transcript"])
        if "NextToken" not in answer:
            return count
        request = {
            "ConnectionToken": request["ConnectionToken"],
            "MaxResults": 100,
            "NextToken": answer["NextToken"],
        }
    raise RuntimeError("NextToken never ran out")


def transcript_paging(settings: Settings, report: Report) -> None:
    section = "6. transcript paging (large chat / small chat, same page)"
    small_size, middle_size, large_size = settings.paging_sizes
    chats = {
        size: paging_chat(size, region)
        for size, region in zip(settings.paging_sizes, PAGING_REGIONS, strict=True)
    }
    small, large = chats[small_size], chats[large_size]
    cases = []
    for kind in small.pages:
        for chat in (small, large):
            cases.append(
                Case(f"{kind} @{chat.size}", chat.client.get_transcript, fixed(**chat.pages[kind]))
            )
    for chat in (small, large):
        cases.append(
            Case(f"read receipt @{chat.size}", chat.client.send_event, fixed(**chat.receipt))
        )
    times = interleaved(cases, settings.rounds, settings.calls)
    for kind in [*small.pages, "read receipt"]:
        top, bottom = f"{kind} @{large_size}", f"{kind} @{small_size}"
        report.ratio(
            section,
            f"{kind}, {large_size:,} / {small_size} items",
            median_ratio(times, top, bottom),
            "<= 1.2",
            f"{median_us(times, bottom):.0f} us vs {median_us(times, top):.0f} us",
        )

    # A whole transcript read, per item: linear means the same cost per item at any size.
    middle = chats[middle_size]
    counts = {chat.size: read_all(chat) for chat in (middle, large)}
    whole = [
        Case(f"whole read @{chat.size}", lambda chat=chat: read_all(chat), fixed())
        for chat in (middle, large)
    ]
    times = interleaved(whole, settings.whole_rounds, 1)
    per_item = {size: [t / counts[size] for t in times[f"whole read @{size}"]] for size in counts}
    report.ratio(
        section,
        f"whole transcript read per item, {large_size:,} / {middle_size:,} items",
        statistics.median(
            a / b for a, b in zip(per_item[large_size], per_item[middle_size], strict=True)
        ),
        "<= 1.2",
        f"{statistics.median(per_item[middle_size]) * 1e6:.0f} us/item vs "
        f"{statistics.median(per_item[large_size]) * 1e6:.0f} us/item",
    )


# --------------------------------------------------------------------------- main


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "moto": moto.__version__,
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "moto_connect_persistent": getattr(moto_connect_persistent, "__version__", "source"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny run: checks the script works")
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
        help="run only these sections (repeatable); default: all",
    )
    parser.add_argument(
        "--json", type=Path, default=HERE / "results.json", help="where to write the results"
    )
    args = parser.parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    sections = set(args.only or SECTIONS)

    started = time.perf_counter()
    report = Report()
    if "mock" in sections:
        mock_overhead(settings, report)
    if "per-call" in sections:
        with mock_connect_persistent():
            per_call(settings, report)
    if "growth" in sections:
        with mock_connect_persistent():
            growth(settings, report)
    if "server" in sections:
        server_mode(settings, report)
    if "streaming" in sections:
        with mock_connect_persistent():
            streaming(settings, report)
    if "events" in sections:
        with mock_connect_persistent():
            contact_events(settings, report)
    if "paging" in sections:
        with mock_connect_persistent():
            transcript_paging(settings, report)
    if "startup" in sections:
        startup.startup(settings.startup_rounds, report)
    if "memory" in sections:
        startup.memory(settings.startup_rounds, report)
    wall = time.perf_counter() - started

    info = machine()
    print(
        f"moto-connect-persistent benchmarks: {info['nproc']} cores, Python {info['python']}, "
        f"moto {info['moto']}, boto3 {info['boto3']}{' (quick)' if args.quick else ''}"
    )
    report.print_table()
    missed = [row["name"] for row in report.rows if row.get("met") is False]
    print(f"\nwall time {wall:.1f} s; targets missed: {len(missed)}")
    if missed:
        banner = "!" * 72
        print(f"\n{banner}\nTARGETS MISSED ({len(missed)}):", file=sys.stderr)
        for name in missed:
            print(f"  - {name}", file=sys.stderr)
        print(banner, file=sys.stderr)
    args.json.write_text(
        json.dumps(
            {
                "machine": info,
                "quick": args.quick,
                "settings": settings.__dict__,
                "wall_seconds": round(wall, 1),
                "results": report.rows,
                "figures": report.figures,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
