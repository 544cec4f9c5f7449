"""Contact records (CTRs) streamed to moto's Kinesis and Firehose, and the ChatMetrics
DescribeContact and the records carry, read as a team's consumer reads them.

Docs quoted: Amazon Connect Administrator Guide, "Contact records data model", "Enable data
streaming for your instance"; API reference DescribeContact (ChatMetrics),
AssociateInstanceStorageConfig.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ACCOUNT, REGION, make_instance

from moto_connect_persistent import mock_connect_persistent, seed_chat_session

T0 = datetime(2026, 3, 2, 12, 0, 0, tzinfo=timezone.utc)


def make_stream(kinesis: Any, name: str = "ctr-stream") -> str:
    kinesis.create_stream(StreamName=name, ShardCount=1)
    arn: str = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    return arn


def stream_records(connect: Any, iid: str, stream_arn: str) -> None:
    connect.associate_instance_storage_config(
        InstanceId=iid,
        ResourceType="CONTACT_TRACE_RECORDS",
        StorageConfig={
            "StorageType": "KINESIS_STREAM",
            "KinesisStreamConfig": {"StreamArn": stream_arn},
        },
    )


def read_stream(kinesis: Any, name: str = "ctr-stream") -> list[dict[str, Any]]:
    """Every record of the stream's one shard, oldest first: a consumer's first read."""
    shard = kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=100)["Records"]
    return [json.loads(r["Data"]) | {"_PartitionKey": r["PartitionKey"]} for r in records]


@pytest.fixture
def kinesis(connect: Any) -> Any:
    return boto3.client("kinesis", region_name=REGION)


def test_a_kinesis_consumer_reads_each_ended_segments_record(
    connect: Any, iid: str, kinesis: Any
) -> None:
    """With a CONTACT_TRACE_RECORDS storage config of type KINESIS_STREAM, every chat contact
    that ends puts its record, partitioned by ContactId: the documented members, as they
    apply to chat."""
    stream_records(connect, iid, make_stream(kinesis))
    session = seed_chat_session(iid, contact_id="K1", agent_id="agent-1")
    session.message("CUSTOMER", "Hello")
    connect.update_contact_attributes(
        InstanceId=iid, InitialContactId="K1", Attributes={"orderId": "42"}
    )
    session.transfer(contact_id="K2", queue_id="billing").disconnect_flow(contact_id="K3").end()

    records = read_stream(kinesis)
    assert [r["ContactId"] for r in records] == ["K1", "K2", "K3"]
    assert [r["_PartitionKey"] for r in records] == ["K1", "K2", "K3"]
    k1, k2, k3 = records
    instance_arn = connect.describe_instance(InstanceId=iid)["Instance"]["Arn"]
    assert k1["AWSContactTraceRecordFormatVersion"] == "2017-03-10"
    assert k1["AWSAccountId"] == ACCOUNT
    assert k1["InstanceARN"] == instance_arn
    assert k1["Channel"] == "CHAT"
    assert k1["InitiationMethod"] == "API"
    assert k1["Attributes"] == {"orderId": "42"}
    assert k1["Agent"]["ARN"] == f"{instance_arn}/agent/agent-1"
    assert k1["Queue"] is None
    assert (k1["PreviousContactId"], k1["NextContactId"]) == (None, "K2")
    assert (k2["PreviousContactId"], k2["NextContactId"]) == ("K1", "K3")
    assert k2["Queue"]["ARN"] == f"{instance_arn}/queue/billing"
    assert k2["InitiationMethod"] == "TRANSFER"
    assert k3["InitiationMethod"] == "DISCONNECT"
    assert {r["InitialContactId"] for r in records} == {"K1"}
    assert k1["MediaStreams"] == [{"Type": "CHAT"}]
    assert k1["ChatMetrics"]["CustomerMetrics"]["MessagesSent"] == 1
    for record in records:
        assert record["DisconnectTimestamp"].endswith("Z")
        assert record["InitiationTimestamp"] <= record["DisconnectTimestamp"]


def test_the_record_has_the_queue_and_agent_times(connect: Any, iid: str, kinesis: Any) -> None:
    """The record's Queue (EnqueueTimestamp, DequeueTimestamp, Duration) and Agent
    (ConnectedToAgentTimestamp, AgentInteractionDuration) [doc: contact records data model]:
    30 s after the start the chat is queued, 60 s later an agent takes it, 60 s later the
    agent leaves and the chat ends."""
    stream_records(connect, iid, make_stream(kinesis))
    with freeze_time(T0) as clock:
        session = seed_chat_session(iid, contact_id="QA1")
        clock.tick(timedelta(seconds=30))
        session.enqueue("billing")
        clock.tick(timedelta(seconds=60))
        session.connect_agent("agent-7")
        clock.tick(timedelta(seconds=60))
        session.disconnect_agent()

    (record,) = read_stream(kinesis)
    instance_arn = connect.describe_instance(InstanceId=iid)["Instance"]["Arn"]
    assert record["Queue"] == {
        "ARN": f"{instance_arn}/queue/billing",
        "EnqueueTimestamp": "2026-03-02T12:00:30Z",
        "DequeueTimestamp": "2026-03-02T12:01:30Z",
        "Duration": 60,
        "Name": None,
    }
    agent = record["Agent"]
    assert agent["ARN"] == f"{instance_arn}/agent/agent-7"
    assert agent["ConnectedToAgentTimestamp"] == "2026-03-02T12:01:30Z"
    assert agent["AgentInteractionDuration"] == 60
    assert record["AgentConnectionAttempts"] == 1
    assert record["DisconnectReason"] == "AGENT_DISCONNECT"
    assert record["DisconnectTimestamp"] == "2026-03-02T12:02:30Z"


def test_a_chat_that_ends_waiting_leaves_its_queue_when_it_ends(
    connect: Any, iid: str, kinesis: Any
) -> None:
    """No agent took it: it was dequeued when it ended, and the record has no Agent."""
    stream_records(connect, iid, make_stream(kinesis))
    with freeze_time(T0) as clock:
        session = seed_chat_session(iid, contact_id="QW1").enqueue("billing")
        clock.tick(timedelta(seconds=45))
        session.end()

    (record,) = read_stream(kinesis)
    assert record["Queue"]["DequeueTimestamp"] == "2026-03-02T12:00:45Z"
    assert record["Queue"]["Duration"] == 45
    assert (record["Agent"], record["AgentConnectionAttempts"]) == (None, 0)


def test_updating_an_ended_contacts_attributes_delivers_its_record_again(
    connect: Any, iid: str, kinesis: Any
) -> None:
    """ "when you use update-contact-attributes to update a contact record, Amazon Connect
    delivers a new contact record" ... "Use the LastUpdateTimestamp property to determine if
    a copy contains new data" [doc: contact records data model]."""
    stream_records(connect, iid, make_stream(kinesis))
    with freeze_time(T0) as clock:
        seed_chat_session(iid, contact_id="U1").end()
        clock.tick(timedelta(minutes=5))
        connect.update_contact_attributes(
            InstanceId=iid, InitialContactId="U1", Attributes={"survey": "5"}
        )

    first, again = read_stream(kinesis)
    assert first["ContactId"] == again["ContactId"] == "U1"
    assert first["Attributes"] == {}
    assert again["Attributes"] == {"survey": "5"}
    assert first["LastUpdateTimestamp"] == "2026-03-02T12:00:00Z"
    assert again["LastUpdateTimestamp"] == "2026-03-02T12:05:00Z"


def test_without_the_storage_config_nothing_is_streamed(
    connect: Any, iid: str, kinesis: Any
) -> None:
    """Contact records are streamed only once data streaming is enabled for the instance."""
    make_stream(kinesis)
    seed_chat_session(iid, contact_id="N1").end()

    assert read_stream(kinesis) == []


def test_a_missing_stream_is_logged_and_fails_no_call(connect: Any, iid: str, caplog: Any) -> None:
    """Records are best effort: a stream deleted since the association fails no call."""
    stream_records(connect, iid, f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/gone")
    with caplog.at_level(logging.WARNING, logger="moto_connect_persistent.contact_records"):
        seed_chat_session(iid, contact_id="M1").end()

    assert "contact M1" in caplog.text
    assert connect.describe_contact(InstanceId=iid, ContactId="M1")["Contact"]["Id"] == "M1"


def test_a_firehose_delivery_stream_writes_the_records_to_its_bucket(
    connect: Any, iid: str
) -> None:
    """KINESIS_FIREHOSE: the record goes to the delivery stream, which writes it to its S3
    destination in moto's S3 (as Firehose delivers, one JSON record after another)."""
    s3 = boto3.client("s3", region_name=REGION)
    firehose = boto3.client("firehose", region_name=REGION)
    s3.create_bucket(Bucket="ctr-archive")
    arn = firehose.create_delivery_stream(
        DeliveryStreamName="ctr-firehose",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose",
            "BucketARN": "arn:aws:s3:::ctr-archive",
            "Prefix": "ctr/",
        },
    )["DeliveryStreamARN"]
    connect.associate_instance_storage_config(
        InstanceId=iid,
        ResourceType="CONTACT_TRACE_RECORDS",
        StorageConfig={
            "StorageType": "KINESIS_FIREHOSE",
            "KinesisFirehoseConfig": {"FirehoseArn": arn},
        },
    )
    seed_chat_session(iid, contact_id="F1").message("CUSTOMER", "Hi").end()

    objects = s3.list_objects_v2(Bucket="ctr-archive", Prefix="ctr/")["Contents"]
    assert len(objects) == 1
    body = s3.get_object(Bucket="ctr-archive", Key=objects[0]["Key"])["Body"].read()
    record = json.loads(body)
    assert record["ContactId"] == "F1"
    assert record["ChatMetrics"]["ChatContactMetrics"]["TotalMessages"] == 1


# ------------------------------------------------------------------------ ChatMetrics


def scripted_chat(iid: str, contact_id: str) -> None:
    """A bot greets, the customer asks, the agent answers, the customer writes twice, the
    agent answers again, the chat ends; every moment set by the clock."""
    with freeze_time(T0) as clock:
        session = seed_chat_session(iid, contact_id=contact_id, agent_id="agent-1")
        for seconds, role, text in (
            (1, "CUSTOM_BOT", "Welcome!"),  # 8 characters
            (5, "CUSTOMER", "Hi, my order is late"),  # 20
            (12, "AGENT", "Sorry! Let me check."),  # 20
            (20, "CUSTOMER", "Thanks"),  # 6
            (22, "CUSTOMER", "Order 42"),  # 8
            (40, "AGENT", "It ships today."),  # 15
        ):
            clock.move_to(T0 + timedelta(seconds=seconds))
            session.message(role, text)
        clock.move_to(T0 + timedelta(seconds=50))
        session.end()


def test_chat_metrics_of_a_scripted_conversation_checked_by_hand(connect: Any, iid: str) -> None:
    """DescribeContact's ChatMetrics: "The number of chat messages on the contact", "The
    total number of bot and automated messages", "The number of conversation turns ...
    back-and-forth exchanges between customer and other participants", "The time it took for
    a contact to end after the last customer message", "The time for an agent to respond
    after obtaining a chat contact" [doc: ChatContactMetrics]; per participant "Number of
    chat messages sent", "Number of chat characters sent", "Total chat response time",
    "Maximum chat response time", "Timestamp of last chat message" [doc: ParticipantMetrics].
    The numbers below are counted by hand from :func:`scripted_chat`."""
    scripted_chat(iid, "M1")

    metrics = connect.describe_contact(InstanceId=iid, ContactId="M1")["Contact"]["ChatMetrics"]
    at = {s: T0 + timedelta(seconds=s) for s in (12, 22, 40)}
    assert metrics["ChatContactMetrics"] == {
        "MultiParty": False,
        "TotalMessages": 6,
        "TotalBotMessages": 1,
        "TotalBotMessageLengthInChars": 8,
        "ConversationCloseTimeInMillis": 28_000,  # last customer message at 22 s, end at 50 s
        "ConversationTurnCount": 2,  # customer -> agent twice
        "AgentFirstResponseTimestamp": at[12],
        "AgentFirstResponseTimeInMillis": 12_000,  # the agent joined at 0 s
    }
    agent = metrics["AgentMetrics"]
    assert {k: v for k, v in agent.items() if k != "ParticipantId"} == {
        "ParticipantType": "AGENT",
        "ConversationAbandon": False,
        "MessagesSent": 2,
        "NumResponses": 2,
        "MessageLengthInChars": 35,
        "TotalResponseTimeInMillis": 27_000,  # 5 s -> 12 s, then 20 s -> 40 s
        "MaxResponseTimeInMillis": 20_000,
        "LastMessageTimestamp": at[40],
    }
    customer = metrics["CustomerMetrics"]
    assert {k: v for k, v in customer.items() if k != "ParticipantId"} == {
        "ParticipantType": "CUSTOMER",
        "ConversationAbandon": False,
        "MessagesSent": 3,
        "NumResponses": 2,  # to the bot (1 s -> 5 s) and to the agent (12 s -> 20 s)
        "MessageLengthInChars": 34,
        "TotalResponseTimeInMillis": 12_000,
        "MaxResponseTimeInMillis": 8_000,
        "LastMessageTimestamp": at[22],
    }
    assert agent["ParticipantId"] != customer["ParticipantId"]


def test_the_record_carries_describe_contacts_metrics(connect: Any, iid: str, kinesis: Any) -> None:
    """The contact record's ChatMetrics are DescribeContact's numbers, ISO 8601 moments."""
    stream_records(connect, iid, make_stream(kinesis))
    scripted_chat(iid, "M2")

    (record,) = read_stream(kinesis)
    described = connect.describe_contact(InstanceId=iid, ContactId="M2")["Contact"]["ChatMetrics"]
    streamed = record["ChatMetrics"]
    assert streamed["ChatContactMetrics"]["AgentFirstResponseTimestamp"] == "2026-03-02T12:00:12Z"
    assert streamed["AgentMetrics"]["LastMessageTimestamp"] == "2026-03-02T12:00:40Z"

    def numbers(metrics: dict[str, Any]) -> dict[str, Any]:
        return {
            part: {k: v for k, v in members.items() if not k.endswith("Timestamp")}
            for part, members in metrics.items()
        }

    assert numbers(streamed) == numbers(described)


def test_an_unanswered_customer_abandons_and_running_chats_have_no_close_time(
    connect: Any, iid: str
) -> None:
    """ "A boolean flag indicating whether the chat conversation was abandoned by a
    Participant" [doc]: a customer who wrote and got no agent message abandoned [chosen];
    while the chat runs, nothing is abandoned and there is no close time yet."""
    session = seed_chat_session(iid, contact_id="A1").message("CUSTOMER", "Anyone there?")

    running = connect.describe_contact(InstanceId=iid, ContactId="A1")["Contact"]["ChatMetrics"]
    assert "ConversationAbandon" not in running["CustomerMetrics"]
    assert "ConversationCloseTimeInMillis" not in running["ChatContactMetrics"]
    assert "AgentMetrics" not in running
    session.end()

    ended = connect.describe_contact(InstanceId=iid, ContactId="A1")["Contact"]["ChatMetrics"]
    assert ended["CustomerMetrics"]["ConversationAbandon"] is True
    assert ended["ChatContactMetrics"]["TotalMessages"] == 1


def test_two_agents_make_a_multi_party_chat(connect: Any, iid: str) -> None:
    """ "whether multiparty chat or supervisor barge were enabled on this contact" [doc]."""
    seed_chat_session(iid, contact_id="P1", agent_id="agent-1").message("AGENT", "Hi").message(
        "SUPERVISOR", "Joining"
    )

    metrics = connect.describe_contact(InstanceId=iid, ContactId="P1")["Contact"]["ChatMetrics"]
    assert metrics["ChatContactMetrics"]["MultiParty"] is True


# ------------------------------------------------------------------------ server mode


@pytest.fixture
def server_clients(connect_server_url: str) -> Iterator[dict[str, Any]]:
    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=connect_server_url)

    yield {name: client(name) for name in ("connect", "kinesis")} | {"url": connect_server_url}


def test_server_mode_streams_records_to_the_servers_kinesis(
    server_clients: dict[str, Any],
) -> None:
    """Over HTTP: the server process's Kinesis gets the records; DescribeContact's metrics
    match them."""
    connect, kinesis, url = (
        server_clients["connect"],
        server_clients["kinesis"],
        server_clients["url"],
    )
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    stream_records(connect, iid, make_stream(kinesis, "server-ctr"))
    seed_chat_session(iid, contact_id="SK1", agent_id="a-1", endpoint_url=url).message(
        "CUSTOMER", "Hi"
    ).message("AGENT", "Hello!").transfer(contact_id="SK2").end()

    records = read_stream(kinesis, "server-ctr")
    assert [r["ContactId"] for r in records] == ["SK1", "SK2"]
    described = connect.describe_contact(InstanceId=iid, ContactId="SK1")["Contact"]
    metrics = described["ChatMetrics"]["ChatContactMetrics"]
    assert (
        metrics["TotalMessages"]
        == records[0]["ChatMetrics"]["ChatContactMetrics"]["TotalMessages"]
        == 2
    )
    assert metrics["ConversationTurnCount"] == 1


def test_the_agents_first_response_time_runs_from_accepting_the_chat(
    connect: Any, iid: str
) -> None:
    """ "The time for an agent to respond after obtaining a chat contact" [doc]: from the
    agent accepting it (ConnectedToAgentTimestamp), not from the chat's start; the agent's
    response time runs from the customer's waiting message."""
    with freeze_time(T0) as clock:
        session = seed_chat_session(iid, contact_id="FR1")
        clock.tick(timedelta(seconds=5))
        session.message("CUSTOMER", "Hello?")
        clock.tick(timedelta(seconds=15))
        session.connect_agent("agent-7")
        clock.tick(timedelta(seconds=6))
        session.message("AGENT", "Hi, I'm Sam.")

    metrics = connect.describe_contact(InstanceId=iid, ContactId="FR1")["Contact"]["ChatMetrics"]
    assert metrics["ChatContactMetrics"]["AgentFirstResponseTimeInMillis"] == 6_000
    assert metrics["AgentMetrics"]["TotalResponseTimeInMillis"] == 21_000
    assert metrics["ChatContactMetrics"]["ConversationTurnCount"] == 1


def test_server_mode_firehose_writes_records_to_the_servers_s3(connect_server_url: str) -> None:
    """Over HTTP: the server process's Firehose delivery stream writes the record to its
    S3 bucket, read back with boto3's S3 client."""

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=connect_server_url)

    connect, s3, firehose = client("connect"), client("s3"), client("firehose")
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    s3.create_bucket(Bucket="server-ctr")
    arn = firehose.create_delivery_stream(
        DeliveryStreamName="server-ctr",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose",
            "BucketARN": "arn:aws:s3:::server-ctr",
        },
    )["DeliveryStreamARN"]
    connect.associate_instance_storage_config(
        InstanceId=iid,
        ResourceType="CONTACT_TRACE_RECORDS",
        StorageConfig={
            "StorageType": "KINESIS_FIREHOSE",
            "KinesisFirehoseConfig": {"FirehoseArn": arn},
        },
    )
    seed_chat_session(iid, contact_id="SF1", endpoint_url=connect_server_url).end()

    (listed,) = s3.list_objects_v2(Bucket="server-ctr")["Contents"]
    record = json.loads(s3.get_object(Bucket="server-ctr", Key=listed["Key"])["Body"].read())
    assert (record["ContactId"], record["Channel"]) == ("SF1", "CHAT")


#: A conversation: (role, text) messages in order, between seconds apart.
CONVERSATIONS = st.lists(
    st.tuples(
        st.sampled_from(("CUSTOMER", "AGENT", "CUSTOM_BOT", "SYSTEM")),
        st.text(alphabet="ab c!", min_size=1, max_size=12),
        st.integers(min_value=0, max_value=90),
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversation=CONVERSATIONS, end_after=st.integers(min_value=0, max_value=60))
def test_chat_metrics_add_up_for_any_conversation(
    conversation: list[tuple[str, str, int]], end_after: int
) -> None:
    """Whatever the conversation, the metrics agree with each other and with the transcript:
    every message is counted once (customer, agents, bots), a side answers at most once per
    message it sends, its longest response is within its total, a turn needs a customer
    message, the close time is the time from the customer's last message to the end."""
    with mock_connect_persistent(), freeze_time(T0) as clock:
        connect = boto3.client("connect", region_name=REGION)
        iid = make_instance(connect)
        session = seed_chat_session(iid, contact_id="H1", agent_id="agent-1")
        elapsed, last_customer = 0, None
        for role, text, gap in conversation:
            clock.tick(timedelta(seconds=gap))
            elapsed += gap
            session.message(role, text)
            last_customer = elapsed if role == "CUSTOMER" else last_customer
        clock.tick(timedelta(seconds=end_after))
        session.end()
        metrics = connect.describe_contact(InstanceId=iid, ContactId="H1")["Contact"]["ChatMetrics"]

    contact, agent, customer = (
        metrics["ChatContactMetrics"],
        metrics["AgentMetrics"],
        metrics["CustomerMetrics"],
    )
    roles = [role for role, _, _ in conversation]
    assert contact["TotalMessages"] == len(conversation)
    assert contact["TotalBotMessages"] == sum(r in ("CUSTOM_BOT", "SYSTEM") for r in roles)
    assert (
        agent["MessagesSent"] + customer["MessagesSent"] + contact["TotalBotMessages"]
        == contact["TotalMessages"]
    )
    for side, role in ((agent, "AGENT"), (customer, "CUSTOMER")):
        assert side["MessageLengthInChars"] == sum(len(t) for r, t, _ in conversation if r == role)
        assert side["NumResponses"] <= side["MessagesSent"]
        assert side["MaxResponseTimeInMillis"] <= side["TotalResponseTimeInMillis"]
        if side["NumResponses"] == 0:
            assert side["TotalResponseTimeInMillis"] == 0
    assert contact["ConversationTurnCount"] <= customer["MessagesSent"]
    assert contact["ConversationTurnCount"] <= len(conversation) - customer["MessagesSent"]
    if last_customer is None:
        assert "ConversationCloseTimeInMillis" not in contact
    else:
        assert contact["ConversationCloseTimeInMillis"] == (
            (elapsed + end_after - last_customer) * 1000
        )
