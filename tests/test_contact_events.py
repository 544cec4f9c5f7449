"""Contact events in moto's EventBridge: an EventBridge rule with an event pattern and an SQS
target reads the events of every chat segment, as a team's Lambda would, in-process and
against a running server.

Docs quoted: Amazon Connect Administrator Guide, "Amazon Connect contact events" (the data
model, "Subscribe to Amazon Connect contact events").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from support import ACCOUNT, REGION, drain_queue

from moto_connect_persistent import chat_session, seed_chat_session

#: What a team's rule matches: every Amazon Connect contact event of the account.
PATTERN = {"source": ["aws.connect"], "detail-type": ["Amazon Connect Contact Event"]}


@dataclass
class Rule:
    """An EventBridge rule on the default bus whose target is an SQS queue."""

    sqs: Any
    queue_url: str

    def events(self) -> list[dict[str, Any]]:
        """Every event the queue holds, oldest first, deleted once read (bounded)."""
        return [json.loads(m["Body"]) for m in drain_queue(self.sqs, self.queue_url)]

    def seen(self) -> list[tuple[str, str]]:
        """(eventType, contactId) of every event, in delivery order."""
        return [(e["detail"]["eventType"], e["detail"]["contactId"]) for e in self.events()]


def make_rule(
    events: Any, sqs: Any, name: str = "connect-contact-events", pattern: Any = None
) -> Rule:
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(Name=name, EventPattern=json.dumps(pattern or PATTERN), State="ENABLED")
    events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return Rule(sqs, queue_url)


@pytest.fixture
def rule(connect: Any) -> Rule:
    return make_rule(
        boto3.client("events", region_name=REGION), boto3.client("sqs", region_name=REGION)
    )


def test_a_seeded_transferred_chat_tells_every_segment(connect: Any, iid: str, rule: Rule) -> None:
    """ "INITIATED - A voice call, chat, or task is initiated or transferred";
    "CONNECTED_TO_SYSTEM ... This event is generated for ... chats"; "CONNECTED_TO_AGENT - A
    voice call, chat, or task is connected to an agent"; "DISCONNECTED - A voice call, chat,
    or task is disconnected" [doc: contact events data model]. Seeded C1 (an agent) ->
    transfer C2 (another agent) -> disconnect flow C3 -> end."""
    session = (
        seed_chat_session(iid, contact_id="C1", agent_id="agent-1")
        .transfer(contact_id="C2", agent_id="agent-2")
        .disconnect_flow(contact_id="C3")
        .end()
    )

    events = rule.events()
    assert [(e["detail"]["eventType"], e["detail"]["contactId"]) for e in events] == [
        ("INITIATED", "C1"),
        ("CONNECTED_TO_SYSTEM", "C1"),
        ("CONNECTED_TO_AGENT", "C1"),
        ("INITIATED", "C2"),
        ("CONNECTED_TO_SYSTEM", "C2"),
        ("DISCONNECTED", "C1"),
        ("CONNECTED_TO_AGENT", "C2"),
        ("INITIATED", "C3"),
        ("CONNECTED_TO_SYSTEM", "C3"),
        ("DISCONNECTED", "C2"),
        ("DISCONNECTED", "C3"),
    ]
    assert session.contact_ids == ["C1", "C2", "C3"]
    by_key = {(e["detail"]["eventType"], e["detail"]["contactId"]): e for e in events}
    instance_arn = connect.describe_instance(InstanceId=iid)["Instance"]["Arn"]
    c2 = by_key[("CONNECTED_TO_AGENT", "C2")]
    assert c2["source"] == "aws.connect"
    assert c2["detail-type"] == "Amazon Connect Contact Event"
    assert (c2["account"], c2["region"]) == (ACCOUNT, REGION)
    assert c2["version"] == "0" and c2["id"]
    assert c2["resources"] == [f"{instance_arn}/contact/C2", instance_arn]
    assert c2["time"].endswith("Z")
    assert c2["detail"]["initialContactId"] == "C1"
    assert c2["detail"]["previousContactId"] == "C1"
    assert c2["detail"]["initiationMethod"] == "TRANSFER"
    assert c2["detail"]["channel"] == "CHAT"
    assert c2["detail"]["instanceArn"] == instance_arn
    assert c2["detail"]["agentInfo"]["agentArn"] == f"{instance_arn}/agent/agent-2"
    assert c2["detail"]["agentInfo"]["connectedToAgentTimestamp"].endswith("Z")
    assert by_key[("INITIATED", "C3")]["detail"]["initiationMethod"] == "DISCONNECT"
    assert "connectedToSystemTimestamp" not in by_key[("INITIATED", "C1")]["detail"]
    described = connect.describe_contact(InstanceId=iid, ContactId="C1")["Contact"]
    disconnected = by_key[("DISCONNECTED", "C1")]["detail"]
    assert disconnected["disconnectTimestamp"].startswith(
        described["DisconnectTimestamp"].strftime("%Y-%m-%dT%H:%M:%S")
    )
    assert "previousContactId" not in by_key[("INITIATED", "C1")]["detail"]


def test_a_queued_chat_an_agent_accepts_and_leaves(connect: Any, iid: str, rule: Rule) -> None:
    """ "QUEUED - A voice call, chat, or task is queued to be assigned to an agent";
    "CONNECTED_TO_AGENT - ... is connected to an agent" [doc]: a chat routed to a queue, taken
    by an agent who leaves into a disconnect flow; each event shows the queue and agent as
    the contact has them then, with their moments. (The clock starts at the current second:
    moto's SQS drops messages older than the queue's retention period.)"""
    t0 = datetime.now(timezone.utc).replace(microsecond=0)

    def at(seconds: int, millis: str = ".000") -> str:
        return (t0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S") + millis + "Z"

    with freeze_time(t0) as clock:
        session = seed_chat_session(iid, contact_id="Q1")
        clock.tick(timedelta(seconds=30))
        session.enqueue("billing")
        clock.tick(timedelta(seconds=60))
        session.connect_agent("agent-7")
        clock.tick(timedelta(seconds=60))
        session.disconnect_agent(disconnect_flow=True, contact_id="Q2").end()

    events = rule.events()
    assert [(e["detail"]["eventType"], e["detail"]["contactId"]) for e in events] == [
        ("INITIATED", "Q1"),
        ("CONNECTED_TO_SYSTEM", "Q1"),
        ("QUEUED", "Q1"),
        ("CONNECTED_TO_AGENT", "Q1"),
        ("INITIATED", "Q2"),
        ("CONNECTED_TO_SYSTEM", "Q2"),
        ("DISCONNECTED", "Q1"),
        ("DISCONNECTED", "Q2"),
    ]
    instance_arn = connect.describe_instance(InstanceId=iid)["Instance"]["Arn"]
    queue = {
        "queueArn": f"{instance_arn}/queue/billing",
        "queueType": "STANDARD",
        "enqueueTimestamp": at(30),
    }
    agent = {
        "agentArn": f"{instance_arn}/agent/agent-7",
        "connectedToAgentTimestamp": at(90),
    }
    queued, connected, disconnected = events[2]["detail"], events[3]["detail"], events[6]
    assert queued["queueInfo"] == queue
    assert "agentInfo" not in queued
    assert (connected["queueInfo"], connected["agentInfo"]) == (queue, agent)
    assert disconnected["detail"]["agentInfo"] == agent
    assert disconnected["detail"]["disconnectTimestamp"] == at(150)
    assert events[2]["time"] == at(30, "")


def test_a_transfer_to_a_queue_queues_the_new_segment(connect: Any, iid: str, rule: Rule) -> None:
    """A transfer to a queue: the new segment is QUEUED after it starts."""
    seed_chat_session(iid, contact_id="X1").transfer(contact_id="X2", queue_id="vip")

    assert rule.seen()[-2:] == [("DISCONNECTED", "X1"), ("QUEUED", "X2")]


def test_an_api_started_persistent_chat_names_its_related_contact(
    connect: Any, iid: str, rule: Rule
) -> None:
    """A persistent chat started with StartChatContact: its events carry the contact it
    continues (RelatedContactId, as DescribeContact shows it) from INITIATED on;
    UpdateContactAttributes is a CONTACT_DATA_UPDATED ("user-defined attributes ... were
    updated on a ... chat" [doc]); StopContact a DISCONNECTED."""
    seed_chat_session(iid, contact_id="P1").transfer(contact_id="P2").end()
    rule.events()
    contact_id = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Jane"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "P1"},
    )["ContactId"]
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId=contact_id, Attributes={"tier": "gold"}
    )
    connect.stop_contact(InstanceId=iid, ContactId=contact_id)

    events = rule.events()
    assert [e["detail"]["eventType"] for e in events] == [
        "INITIATED",
        "CONNECTED_TO_SYSTEM",
        "CONTACT_DATA_UPDATED",
        "DISCONNECTED",
    ]
    assert {e["detail"]["contactId"] for e in events} == {contact_id}
    assert {e["detail"]["relatedContactId"] for e in events} == {"P2"}
    assert {e["detail"]["initialContactId"] for e in events} == {contact_id}
    assert {e["detail"]["initiationMethod"] for e in events} == {"API"}
    assert events[2]["detail"]["updatedProperties"] == ["Attributes"]
    assert "disconnectTimestamp" in events[3]["detail"]
    assert "disconnectTimestamp" not in events[0]["detail"]


def test_related_contact_id_is_in_every_event(connect: Any, iid: str, rule: Rule) -> None:
    """StartChatContact's RelatedContactId is the contact's from its first event on."""
    seed_chat_session(iid, contact_id="R1")
    contact_id = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Jane"},
        RelatedContactId="R1",
    )["ContactId"]

    mine = [e for e in rule.events() if e["detail"]["contactId"] == contact_id]
    assert [e["detail"]["relatedContactId"] for e in mine] == ["R1", "R1"]


def test_an_event_pattern_on_the_detail_selects_as_eventbridge_does(connect: Any, iid: str) -> None:
    """A post-chat rule matches ``detail.eventType`` DISCONNECTED only: the detail is JSON
    EventBridge patterns read."""
    only_ends = make_rule(
        boto3.client("events", region_name=REGION),
        boto3.client("sqs", region_name=REGION),
        "post-chat",
        {**PATTERN, "detail": {"eventType": ["DISCONNECTED"], "channel": ["CHAT"]}},
    )
    seed_chat_session(iid, contact_id="E1").transfer(contact_id="E2").end()

    assert only_ends.seen() == [("DISCONNECTED", "E1"), ("DISCONNECTED", "E2")]


def test_other_channels_and_other_accounts_get_no_chat_events(connect: Any, iid: str) -> None:
    """Events go to the default bus of the contact's own account and region only; a VOICE
    contact seeded for the CHAT-only rules makes none."""
    other = make_rule(
        boto3.client("events", region_name="us-west-2"),
        boto3.client("sqs", region_name="us-west-2"),
    )
    here = make_rule(
        boto3.client("events", region_name=REGION), boto3.client("sqs", region_name=REGION)
    )
    from moto_connect_persistent import seed_contact

    seed_contact(iid, channel="VOICE", ended=False)
    seed_chat_session(iid, contact_id="A1")

    assert other.events() == []
    assert here.seen() == [("INITIATED", "A1"), ("CONNECTED_TO_SYSTEM", "A1")]


def test_a_failing_put_is_logged_and_fails_no_call(
    connect: Any, iid: str, rule: Rule, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """ "Events are emitted on a best effort basis" [doc]: EventBridge failing fails no
    Connect call, and the next events go through again."""
    from moto_connect_persistent import contact_events

    def broken(bus: Any, events: Any) -> Any:
        raise RuntimeError("EventBridge is down")

    monkeypatch.setattr(contact_events, "put_events", broken)
    with caplog.at_level(logging.WARNING, logger="moto_connect_persistent.contact_events"):
        contact_id = connect.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Jane"}
        )["ContactId"]
    assert "INITIATED, CONNECTED_TO_SYSTEM" in caplog.text
    monkeypatch.undo()
    connect.stop_contact(InstanceId=iid, ContactId=contact_id)

    assert rule.seen() == [("DISCONNECTED", contact_id)]


def test_without_a_rule_nothing_is_built(
    connect: Any, iid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No rule on the default bus: no detail is built (the chat calls cost what they did)."""
    from moto_connect_persistent import contact_events

    built: list[str] = []
    real = contact_events.contact_detail

    def counting(event_type: str, contact: Any) -> dict[str, Any]:
        built.append(event_type)
        return real(event_type, contact)

    monkeypatch.setattr(contact_events, "contact_detail", counting)
    seed_chat_session(iid, contact_id="N1").end()
    assert built == []
    make_rule(boto3.client("events", region_name=REGION), boto3.client("sqs", region_name=REGION))
    seed_chat_session(iid, contact_id="N2")
    assert built == ["INITIATED", "CONNECTED_TO_SYSTEM"]


# ------------------------------------------------------------------------ server mode


@pytest.fixture
def server_clients(connect_server_url: str) -> Iterator[dict[str, Any]]:
    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=connect_server_url)

    yield {name: client(name) for name in ("connect", "events", "sqs")} | {
        "url": connect_server_url
    }


def test_server_mode_puts_the_events_into_the_servers_eventbridge(
    server_clients: dict[str, Any],
) -> None:
    """Over HTTP to a running server: the seeded C1 -> C2 -> C3 chat and an API-started
    persistent chat continuing it reach the rule's queue in the server process."""
    connect, url = server_clients["connect"], server_clients["url"]
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    rule = make_rule(server_clients["events"], server_clients["sqs"], "server-contact-events")
    first = seed_chat_session(iid, contact_id="S1", endpoint_url=url).enqueue("q-1")
    first.connect_agent("agent-1")
    first.transfer(contact_id="S2").disconnect_flow(contact_id="S3").end()
    started = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Jane"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "S1"},
    )["ContactId"]
    chat_session(iid, started, endpoint_url=url).end()

    events = rule.events()
    assert [(e["detail"]["eventType"], e["detail"]["contactId"]) for e in events] == [
        ("INITIATED", "S1"),
        ("CONNECTED_TO_SYSTEM", "S1"),
        ("QUEUED", "S1"),
        ("CONNECTED_TO_AGENT", "S1"),
        ("INITIATED", "S2"),
        ("CONNECTED_TO_SYSTEM", "S2"),
        ("DISCONNECTED", "S1"),
        ("INITIATED", "S3"),
        ("CONNECTED_TO_SYSTEM", "S3"),
        ("DISCONNECTED", "S2"),
        ("DISCONNECTED", "S3"),
        ("INITIATED", started),
        ("CONNECTED_TO_SYSTEM", started),
        ("DISCONNECTED", started),
    ]
    assert events[-1]["detail"]["relatedContactId"] == "S3"


def test_an_input_transformer_shapes_what_its_target_gets(connect: Any, iid: str) -> None:
    """A target with an InputTransformer gets the template filled from the event (moto's own
    transform), beside a plain target of another rule that gets the whole event."""
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    plain = make_rule(events, sqs, "plain")
    queue_url = sqs.create_queue(QueueName="shaped")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(Name="shaped", EventPattern=json.dumps(PATTERN))
    transformer = {
        "InputPathsMap": {
            "kind": "$.detail.eventType",
            "contact": "$.detail.contactId",
            "time": "$.time",  # moto 5.1's SQS target needs a time in what it sends
        },
        "InputTemplate": '{"kind": "<kind>", "contact": "<contact>", "time": <time>}',
    }
    events.put_targets(
        Rule="shaped", Targets=[{"Id": "q", "Arn": queue_arn, "InputTransformer": transformer}]
    )
    seed_chat_session(iid, contact_id="T1")

    shaped = Rule(sqs, queue_url).events()
    assert [(e["kind"], e["contact"]) for e in shaped] == [
        ("INITIATED", "T1"),
        ("CONNECTED_TO_SYSTEM", "T1"),
    ]
    assert all(set(e) == {"kind", "contact", "time"} for e in shaped)
    assert plain.seen() == [("INITIATED", "T1"), ("CONNECTED_TO_SYSTEM", "T1")]


def test_the_customer_leaving_disconnects_the_chat(connect: Any, iid: str, rule: Rule) -> None:
    """Which event fires when the customer disconnects: the customer's DisconnectParticipant
    ends the chat, a DISCONNECTED with disconnectReason CUSTOMER_DISCONNECT."""
    participant = boto3.client("connectparticipant", region_name=REGION)
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Jane"}
    )
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.disconnect_participant(ConnectionToken=token)

    last = rule.events()[-1]["detail"]
    assert (last["eventType"], last["contactId"]) == ("DISCONNECTED", chat["ContactId"])
    assert last["disconnectReason"] == "CUSTOMER_DISCONNECT"


def test_a_chat_out_of_time_disconnects_at_its_deadline(connect: Any, iid: str, rule: Rule) -> None:
    """A chat past ChatDurationInMinutes ends when next read, backdated to its deadline: its
    DISCONNECTED says when (``time`` and ``disconnectTimestamp``), reason EXPIRED."""
    t0 = datetime.now(timezone.utc).replace(microsecond=0)
    with freeze_time(t0) as clock:
        contact_id = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Jane"},
            ChatDurationInMinutes=60,
        )["ContactId"]
        clock.tick(timedelta(minutes=90))
        connect.describe_contact(InstanceId=iid, ContactId=contact_id)

    last = rule.events()[-1]
    deadline = t0 + timedelta(minutes=60)
    assert last["detail"]["eventType"] == "DISCONNECTED"
    assert last["detail"]["disconnectReason"] == "EXPIRED"
    assert last["detail"]["disconnectTimestamp"] == deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert last["time"] == deadline.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_disabled_rule_gets_nothing_until_enabled(connect: Any, iid: str) -> None:
    """ "A disabled rule won't match any events" [doc: EventBridge DisableRule]; enabled
    again, it does."""
    events = boto3.client("events", region_name=REGION)
    rule = make_rule(events, boto3.client("sqs", region_name=REGION), "paused")
    events.disable_rule(Name="paused")
    seed_chat_session(iid, contact_id="D1")
    events.enable_rule(Name="paused")
    seed_chat_session(iid, contact_id="D2")

    assert rule.seen() == [("INITIATED", "D2"), ("CONNECTED_TO_SYSTEM", "D2")]


def test_concurrent_starts_lose_no_event_and_keep_each_contacts_order(
    connect: Any, iid: str, rule: Rule
) -> None:
    """Eight threads start chats at once (a barrier releases them together): every chat's
    two events arrive, INITIATED before CONNECTED_TO_SYSTEM, none twice (the events are put
    under the chat state's lock, as the happening is recorded)."""
    import threading

    threads, chats_each = 8, 5
    barrier = threading.Barrier(threads)
    started: list[str] = []
    errors: list[BaseException] = []

    # boto3's default session is not thread-safe: each thread's client is made here.
    clients = [boto3.client("connect", region_name=REGION) for _ in range(threads)]

    def starter(client: Any) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(chats_each):
                started.append(
                    client.start_chat_contact(
                        InstanceId=iid,
                        ContactFlowId="flow",
                        ParticipantDetails={"DisplayName": "Jane"},
                    )["ContactId"]
                )
        except BaseException as err:  # noqa: BLE001 - reported by the test below
            errors.append(err)

    workers = [threading.Thread(target=starter, args=(client,)) for client in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    seen = rule.seen()
    assert len(seen) == 2 * threads * chats_each
    for contact_id in started:
        assert [kind for kind, cid in seen if cid == contact_id] == [
            "INITIATED",
            "CONNECTED_TO_SYSTEM",
        ]


def test_the_agent_leaving_through_its_ccp_disconnects_the_chat(
    connect: Any, iid: str, rule: Rule
) -> None:
    """The agent's DisconnectParticipant (its contact control panel's token) ends the chat:
    a DISCONNECTED with disconnectReason AGENT_DISCONNECT, the agent in agentInfo."""
    participant = boto3.client("connectparticipant", region_name=REGION)
    agent_token = seed_chat_session(iid, contact_id="AG1").connect_agent("agent-3")
    connection = participant.create_participant_connection(
        ParticipantToken=agent_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.disconnect_participant(ConnectionToken=connection)

    seen = rule.events()
    assert [e["detail"]["eventType"] for e in seen] == [
        "INITIATED",
        "CONNECTED_TO_SYSTEM",
        "CONNECTED_TO_AGENT",
        "DISCONNECTED",
    ]
    assert seen[-1]["detail"]["disconnectReason"] == "AGENT_DISCONNECT"
    assert seen[-1]["detail"]["agentInfo"]["agentArn"].endswith("/agent/agent-3")
