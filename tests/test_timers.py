"""Timers that fire by themselves: a chat's duration and its participants' idle timers
(UpdateParticipantRoleConfig), driven by the mock's clock (``advance_clock``), by
freezegun, or by real time; seen as users see them: an open websocket, an SNS subscriber
(an SQS queue on the streaming topic), GetTranscript and DescribeContact. In-process and
against a server.

Docs quoted: Admin Guide, "Set up chat timeouts for chat participants" (setup-chat-timeouts);
API reference UpdateParticipantRoleConfig, ParticipantTimerConfiguration, StartChatContact.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from freezegun import freeze_time
from support import REGION, client_at, expect_error, make_instance
from test_streaming import Subscriber, subscribe
from websocket_client import ChatSocket

from moto_connect_persistent import (
    advance_clock,
    chat_session,
    mock_connect_persistent,
    read_transcript,
)
from moto_connect_persistent.chat.scheduler import SCHEDULER, THREAD_NAME, Scheduler

EVENT = "application/vnd.amazonaws.connect.event."
START = datetime(2026, 5, 4, 10, 0, tzinfo=timezone.utc)
CUSTOMER_IDLE_MINUTES = 5
CUSTOMER_DISCONNECT_MINUTES = 3
AGENT_IDLE_MINUTES = 9


def scheduler_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


@dataclass
class Mock:
    """The clients of one mode, and how that mode moves the clock."""

    connect: Any
    participant: Any
    sns: Any
    sqs: Any
    advance: Callable[[float], str]
    endpoint_url: str | None = None
    #: An EventBridge client, where a test reads contact events.
    events: Any = None


@pytest.fixture
def in_process() -> Iterator[Mock]:
    with mock_connect_persistent():
        yield Mock(
            boto3.client("connect", region_name=REGION),
            boto3.client("connectparticipant", region_name=REGION),
            boto3.client("sns", region_name=REGION),
            boto3.client("sqs", region_name=REGION),
            advance_clock,
        )


@pytest.fixture
def over_http(connect_server_url: str) -> Mock:
    url = connect_server_url
    return Mock(
        client_at(url),
        client_at(url, service="connectparticipant"),
        client_at(url, service="sns"),
        client_at(url, service="sqs"),
        lambda seconds: advance_clock(seconds, endpoint_url=url),
        url,
    )


@pytest.fixture(params=["in_process", "over_http"])
def mock(request: pytest.FixtureRequest) -> Mock:
    chosen: Mock = request.getfixturevalue(request.param)
    return chosen


@dataclass
class Watched:
    """A chat with every way of watching it open: the customer's websocket, an SNS
    subscriber on its stream, the customer's ConnectionToken."""

    contact_id: str
    iid: str
    socket: ChatSocket
    subscriber: Subscriber
    token: str

    def streamed(self) -> list[dict[str, Any]]:
        return self.subscriber.bodies()


def watched_chat(mock: Mock, **start: Any) -> Watched:
    iid = make_instance(mock.connect)
    topic = mock.sns.create_topic(Name="chat-stream")["TopicArn"]
    subscriber = subscribe(mock.sns, mock.sqs, topic, "bridge")
    chat = mock.connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ChatStreamingConfiguration={"StreamingEndpointArn": topic},
        **start,
    )
    answer = mock.participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"]
    )
    socket = ChatSocket(answer["Websocket"]["Url"])
    subscriber.receive()  # what the start wrote: the stories below start from here
    return Watched(
        chat["ContactId"],
        iid,
        socket,
        subscriber,
        answer["ConnectionCredentials"]["ConnectionToken"],
    )


def kind(item: dict[str, Any]) -> tuple[str, str]:
    return item["ParticipantRole"], item["ContentType"].removeprefix(EVENT)


def past_items(mock: Mock, iid: str, contact_id: str) -> list[dict[str, Any]]:
    """An ended chat's items, oldest first, read as a persistent chat continuing it."""
    chat = mock.connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": contact_id},
    )
    token = mock.participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    items = read_transcript(mock.participant, token, sort_order="ASCENDING")
    return [item for item in items if item.get("RelatedContactId") == contact_id]


# ---------------------------------------------------------------------- the chat's duration


def test_only_the_clock_moves_and_every_watcher_sees_the_chat_end(mock: Mock) -> None:
    """StartChatContact: "The total duration of the newly started chat session" --
    ChatDurationInMinutes. Once it is up the chat ends with nothing but the clock moving:
    the websocket, the SNS subscriber and GetTranscript see the same ``chat.ended``."""
    chat = watched_chat(mock, ChatDurationInMinutes=60)
    with chat.socket:
        started = mock.connect.describe_contact(InstanceId=chat.iid, ContactId=chat.contact_id)[
            "Contact"
        ]["InitiationTimestamp"]
        mock.advance(59 * 60)
        assert mock.participant.get_transcript(ConnectionToken=chat.token)["Transcript"]
        assert chat.streamed() == []
        mock.advance(60)
        pushed = chat.socket.item()
        assert chat.socket.closed()[0] == 1000
    streamed = chat.streamed()
    stored = past_items(mock, chat.iid, chat.contact_id)
    assert kind(pushed) == ("SYSTEM", "chat.ended")
    assert [body["Id"] for body in streamed] == [pushed["Id"]]
    assert stored[-1]["Id"] == pushed["Id"]
    assert stored[-1]["AbsoluteTime"] == pushed["AbsoluteTime"] == streamed[0]["AbsoluteTime"]
    ended = mock.connect.describe_contact(InstanceId=chat.iid, ContactId=chat.contact_id)["Contact"]
    assert ended["DisconnectTimestamp"] == started + timedelta(minutes=60)
    assert ended["DisconnectReason"] == "EXPIRED"


def test_freezegun_moving_the_clock_fires_the_timer_by_itself(in_process: Mock) -> None:
    """Without advance_clock the timers fire at the clock's time, whatever moves it: here
    freezegun, and no call at all after the tick -- the websocket hears the end."""
    with freeze_time(START) as frozen:
        chat = watched_chat(in_process, ChatDurationInMinutes=60)
        with chat.socket:
            frozen.tick(timedelta(minutes=60))
            pushed = chat.socket.item()
        assert kind(pushed) == ("SYSTEM", "chat.ended")
        assert pushed["AbsoluteTime"] == "2026-05-04T11:00:00.000Z"


def test_timers_fire_in_due_order_and_timestamps_follow_the_clock(in_process: Mock) -> None:
    """advance_clock fires every due timer, oldest due first, before it returns; every
    timestamp the mock writes afterwards is the moved clock's."""
    mock = in_process
    with freeze_time(START):
        iid = make_instance(mock.connect)
        late = mock.connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "A"},
            ChatDurationInMinutes=90,
        )["ContactId"]
        early = mock.connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "B"},
            ChatDurationInMinutes=60,
        )["ContactId"]
        assert mock.advance(2 * 3600) == "2026-05-04T12:00:00.000Z"
        ends = {
            contact_id: mock.connect.describe_contact(InstanceId=iid, ContactId=contact_id)[
                "Contact"
            ]["DisconnectTimestamp"]
            for contact_id in (early, late)
        }
        assert ends == {early: START + timedelta(minutes=60), late: START + timedelta(minutes=90)}
        endings = [past_items(mock, iid, contact_id)[-1] for contact_id in (early, late)]
        assert [item["AbsoluteTime"] for item in endings] == [
            "2026-05-04T11:00:00.000Z",
            "2026-05-04T11:30:00.000Z",
        ]
        fresh = mock.connect.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "C"}
        )["ContactId"]
        described = mock.connect.describe_contact(InstanceId=iid, ContactId=fresh)["Contact"]
        assert described["InitiationTimestamp"] == START + timedelta(hours=2)


def test_advance_clock_refuses_a_backwards_move(in_process: Mock, over_http: Mock) -> None:
    from moto_connect_persistent import SeedingError

    for mock in (in_process, over_http):
        with pytest.raises(SeedingError, match="seconds must be a number from 0"):
            mock.advance(-1)


# ---------------------------------------------------------------------- participant timers


def timers(connect: Any, iid: str, contact_id: str, *entries: tuple[str, str, Any]) -> None:
    config = []
    for role, timer_type, minutes in entries:
        value = (
            {"ParticipantTimerAction": "Unset"}
            if minutes == "Unset"
            else {"ParticipantTimerDurationInMinutes": minutes}
        )
        config.append({"ParticipantRole": role, "TimerType": timer_type, "TimerValue": value})
    connect.update_participant_role_config(
        InstanceId=iid,
        ContactId=contact_id,
        ChannelConfiguration={"Chat": {"ParticipantTimerConfigList": config}},
    )


def test_idle_returned_and_auto_disconnection(mock: Mock) -> None:
    """Admin Guide, chat timeouts: "Customer idle timeout: Mark the customer as idle";
    "Customer auto-disconnect timeout: Automatically disconnect the agent from the chat due
    to customer idleness"; "Idle timers run before auto-disconnect timers, if both are
    configured for a role"; "Whenever a participant sends a message, that participant's
    timers reset"; the events (participant.idle, participant.returned,
    participant.autodisconnection, what amazon-connect-chatjs's onParticipantIdle,
    onParticipantReturned and onAutoDisconnection take) are "not persisted to the
    transcripts". Pushed and streamed with only the clock moving."""
    chat = watched_chat(mock)
    with chat.socket:
        session = chat_session(chat.iid, chat.contact_id, endpoint_url=mock.endpoint_url)
        session.connect_agent("agent-1")
        assert kind(chat.socket.item()) == ("AGENT", "participant.joined")
        timers(
            mock.connect,
            chat.iid,
            chat.contact_id,
            ("CUSTOMER", "IDLE", CUSTOMER_IDLE_MINUTES),
            ("CUSTOMER", "DISCONNECT_NONCUSTOMER", CUSTOMER_DISCONNECT_MINUTES),
            ("AGENT", "IDLE", AGENT_IDLE_MINUTES),
        )
        mock.advance(CUSTOMER_IDLE_MINUTES * 60 - 1)
        mock.advance(1)
        idle = chat.socket.item()
        assert kind(idle) == ("CUSTOMER", "participant.idle")
        assert idle["Type"] == "EVENT" and idle["DisplayName"] == "Ann"
        # The customer writes: no longer idle, its timers start over.
        mock.participant.send_message(
            ConnectionToken=chat.token, ContentType="text/plain", Content="still here"
        )
        assert kind(chat.socket.item()) == ("CUSTOMER", "text/plain")
        assert kind(chat.socket.item()) == ("CUSTOMER", "participant.returned")
        # The agent's idle timer ran from its joining (9 min), the customer's anew (5 min).
        mock.advance((AGENT_IDLE_MINUTES - CUSTOMER_IDLE_MINUTES) * 60)
        assert kind(chat.socket.item()) == ("AGENT", "participant.idle")
        mock.advance(CUSTOMER_IDLE_MINUTES * 60 - (AGENT_IDLE_MINUTES - CUSTOMER_IDLE_MINUTES) * 60)
        assert kind(chat.socket.item()) == ("CUSTOMER", "participant.idle")
        visible = mock.participant.get_transcript(
            ConnectionToken=chat.token, SortOrder="ASCENDING", MaxResults=100
        )["Transcript"]
        assert [kind(item) for item in visible] == [
            ("CUSTOMER", "participant.joined"),
            ("AGENT", "participant.joined"),
            ("CUSTOMER", "text/plain"),
        ]
        # The customer's auto-disconnect timer starts once it is idle: the agent goes.
        mock.advance(CUSTOMER_DISCONNECT_MINUTES * 60)
        rest = [kind(item) for item in chat.socket.items(3)]
        assert chat.socket.closed()[0] == 1000
    assert rest == [
        ("AGENT", "participant.autodisconnection"),
        ("AGENT", "participant.left"),
        ("SYSTEM", "chat.ended"),
    ]
    streamed = [kind(body) for body in chat.streamed()]
    assert streamed == [
        ("AGENT", "participant.joined"),
        ("CUSTOMER", "participant.idle"),
        ("CUSTOMER", "text/plain"),
        ("CUSTOMER", "participant.returned"),
        ("AGENT", "participant.idle"),
        ("CUSTOMER", "participant.idle"),
        *rest,
    ]
    stored = [kind(item) for item in past_items(mock, chat.iid, chat.contact_id)]
    assert stored == [
        ("CUSTOMER", "participant.joined"),
        ("AGENT", "participant.joined"),
        ("CUSTOMER", "text/plain"),
        ("AGENT", "participant.left"),
        ("SYSTEM", "chat.ended"),
    ]
    ended = mock.connect.describe_contact(InstanceId=chat.iid, ContactId=chat.contact_id)["Contact"]
    assert ended["DisconnectReason"] == "AGENT_DISCONNECT"


def test_timers_run_only_with_an_agent_and_unset_deletes_them(in_process: Mock) -> None:
    """ "Timers run when both an agent and a customer are connected to the chat"; "Timers are
    first started when an agent ... joins the chat, and are stopped if the agent ... leaves";
    ParticipantTimerAction "Unset": "It deletes a timer". A role with only an
    auto-disconnect timer starts it at once."""
    mock = in_process
    with freeze_time(START):
        chat = watched_chat(mock)
        with chat.socket:
            timers(mock.connect, chat.iid, chat.contact_id, ("AGENT", "IDLE", 2))
            mock.advance(3600)  # no agent yet: nothing is timed
            session = chat_session(chat.iid, chat.contact_id)
            session.connect_agent("agent-1")
            assert kind(chat.socket.item()) == ("AGENT", "participant.joined")
            timers(mock.connect, chat.iid, chat.contact_id, ("AGENT", "IDLE", "Unset"))
            mock.advance(3600)
            assert SCHEDULER.pending >= 1  # the chat's duration still waits
            timers(mock.connect, chat.iid, chat.contact_id, ("AGENT", "DISCONNECT_NONCUSTOMER", 4))
            mock.advance(4 * 60)
            pushed = [kind(item) for item in chat.socket.items(3)]
            assert pushed[0] == ("AGENT", "participant.autodisconnection")
            assert pushed[1:] == [("AGENT", "participant.left"), ("SYSTEM", "chat.ended")]
            auto = chat.socket  # the close follows
            assert auto.closed()[0] == 1000
        assert [kind(body) for body in chat.streamed()] == [
            ("AGENT", "participant.joined"),
            *pushed,
        ]


def test_transfers_keep_the_timers(in_process: Mock) -> None:
    """ParticipantTimerConfiguration: "It persists across new contacts in the chain, for
    example, transfer contacts"; the timers apply to the new agent/customer interaction."""
    mock = in_process
    chat = watched_chat(mock)
    with chat.socket:
        session = chat_session(chat.iid, chat.contact_id)
        session.connect_agent("agent-1")
        timers(mock.connect, chat.iid, chat.contact_id, ("CUSTOMER", "IDLE", 2))
        mock.advance(60)
        session.transfer(contact_id="C2", agent_id="agent-2")
        mock.advance(90)  # 2.5 min after the first agent joined, 1.5 after the second
        assert ("CUSTOMER", "participant.idle") not in [kind(b) for b in chat.streamed()]
        mock.advance(30)
        pushed = [kind(item) for item in chat.socket.items(4)]
    assert pushed == [
        ("AGENT", "participant.joined"),
        ("SYSTEM", "transfer.succeeded"),
        ("AGENT", "participant.left"),
        ("AGENT", "participant.joined"),
    ]
    assert [kind(b) for b in chat.streamed()][-1] == ("CUSTOMER", "participant.idle")


@pytest.fixture
def unvalidated(in_process: Mock) -> Any:
    return boto3.client("connect", region_name=REGION, config=Config(parameter_validation=False))


def entry(role: str = "CUSTOMER", timer_type: str = "IDLE", **value: Any) -> dict[str, Any]:
    return {
        "ParticipantRole": role,
        "TimerType": timer_type,
        "TimerValue": value or {"ParticipantTimerDurationInMinutes": 5},
    }


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ([entry(ParticipantTimerDurationInMinutes=1)], "ParticipantTimerDurationInMinutes"),
        ([entry(ParticipantTimerDurationInMinutes=481)], "ParticipantTimerDurationInMinutes"),
        ([entry(role="SUPERVISOR")], "ParticipantRole"),
        ([entry(timer_type="DISCONNECT")], "TimerType"),
        ([entry(), entry()], "once"),
        (
            [entry(ParticipantTimerDurationInMinutes=5, ParticipantTimerAction="Unset")],
            "exactly one",
        ),
        ([entry(ParticipantTimerAction="Delete")], "ParticipantTimerAction"),
        ([], "ParticipantTimerConfigList"),
        ([entry()] * 7, "ParticipantTimerConfigList"),
    ],
)
def test_update_participant_role_config_input(
    unvalidated: Any, entries: list[dict[str, Any]], words: str
) -> None:
    """The model's constraints (ParticipantTimerDurationInMinutes 2 to 480, the enums, 1 to 6
    entries); "Duplicate entries error out the request with a 400"; TimerValue is a union:
    "Only one value can be set". Nothing changes on a refusal."""
    iid = make_instance(unvalidated)
    chat = unvalidated.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "A"}
    )
    expect_error(
        lambda: unvalidated.update_participant_role_config(
            InstanceId=iid,
            ContactId=chat["ContactId"],
            ChannelConfiguration={"Chat": {"ParticipantTimerConfigList": entries}},
        ),
        "InvalidParameterException",
        400,
        words,
    )


def test_update_participant_role_config_state_errors(in_process: Mock) -> None:
    connect = in_process.connect
    iid = make_instance(connect)
    config = {"Chat": {"ParticipantTimerConfigList": [entry()]}}
    expect_error(
        lambda: connect.update_participant_role_config(
            InstanceId=iid, ContactId="nope", ChannelConfiguration=config
        ),
        "ResourceNotFoundException",
        404,
        "nope",
    )
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "A"}
    )
    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
    expect_error(
        lambda: connect.update_participant_role_config(
            InstanceId=iid, ContactId=chat["ContactId"], ChannelConfiguration=config
        ),
        "InvalidRequestException",
        400,
        "ended",
    )


# ---------------------------------------------------------------------- the one thread


def test_one_thread_for_every_chat_and_none_after_the_mock() -> None:
    """One scheduler for the process, no thread per chat, nothing left once the mock ends."""
    with mock_connect_persistent():
        connect = boto3.client("connect", region_name=REGION)
        iid = make_instance(connect)
        for name in "ABCDEFGHIJ":
            connect.start_chat_contact(
                InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": name}
            )
        assert len(scheduler_threads()) == 1
    assert scheduler_threads() == []
    assert SCHEDULER.pending == 0


def test_no_thread_survives_a_threaded_server_stop() -> None:
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        connect = client_at(f"http://{host}:{port}")
        iid = make_instance(connect)
        connect.start_chat_contact(
            InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "A"}
        )
        assert len(scheduler_threads()) == 1
    finally:
        server.stop()
    assert scheduler_threads() == []


def test_a_streamed_item_names_its_type(mock: Mock) -> None:
    """The idle event reaches the subscriber as an EVENT item, the shape chat.ended has."""
    chat = watched_chat(mock)
    with chat.socket:
        chat_session(chat.iid, chat.contact_id, endpoint_url=mock.endpoint_url).connect_agent("a")
        timers(mock.connect, chat.iid, chat.contact_id, ("CUSTOMER", "IDLE", 2))
        mock.advance(120)
        chat.socket.items(2)
    bodies = chat.streamed()
    idle = json.loads(json.dumps(bodies[-1]))
    assert idle["Type"] == "EVENT" and idle["ContentType"] == EVENT + "participant.idle"
    assert idle["ParticipantRole"] == "CUSTOMER"


def test_a_timer_fires_under_the_chat_lock_after_the_call_holding_it(in_process: Mock) -> None:
    """Timers go through the chat core like any call: one due while a call holds the chat's
    lock waits for it, and its event comes after what that call wrote (the interleaving is
    forced: the test holds the lock while another thread moves the clock)."""
    from moto_connect_persistent import connect_persistent_backends
    from moto_connect_persistent.chat import clock

    mock = in_process
    chat = watched_chat(mock)
    backend = connect_persistent_backends["123456789012"][REGION]
    session = chat_session(chat.iid, chat.contact_id)
    with chat.socket:
        session.connect_agent("agent-1")
        timers(mock.connect, chat.iid, chat.contact_id, ("CUSTOMER", "IDLE", 2))
        due = clock.utcnow() + timedelta(minutes=2)
        mover = threading.Thread(target=mock.advance, args=(120,))
        with backend.lock:
            mover.start()
            while clock.utcnow() < due:  # the clock moved: the idle timer is due now
                threading.Event().wait(0.01)
            # Due, yet it cannot fire while this call holds the lock: the call still writes.
            session.message("AGENT", "are you there?")
        mover.join(10)
        assert not mover.is_alive()
        pushed = [kind(item) for item in chat.socket.items(3)]
    assert pushed == [
        ("AGENT", "participant.joined"),
        ("AGENT", "text/plain"),
        ("CUSTOMER", "participant.idle"),
    ]


def test_a_server_fires_a_timer_in_real_time(over_http: Mock) -> None:
    """Without advance_clock a timer fires at its time by itself (the scheduler's thread):
    the clock is moved to a second before the chat's end, then nothing but real time
    passes, and the open websocket hears ``chat.ended``."""
    mock = over_http
    chat = watched_chat(mock, ChatDurationInMinutes=60)
    with chat.socket:
        mock.advance(60 * 60 - 1)
        pushed = chat.socket.item()
    assert kind(pushed) == ("SYSTEM", "chat.ended")
    assert [kind(body) for body in chat.streamed()] == [("SYSTEM", "chat.ended")]


def test_the_scheduler_thread_starts_with_its_state_lock_free() -> None:
    """No thread starts under a state lock: while the one thread is being started, another
    door can still arm a timer (arming takes the scheduler's state lock), and a second door
    finishing at the same moment starts no second thread."""
    scheduler = Scheduler()

    def nothing(owner: Any, subject: Any, due: datetime) -> None:
        pass

    owner = threading.RLock()
    holder = type("Owner", (), {"lock": owner})()
    far = datetime.now(timezone.utc) + timedelta(days=1)
    scheduler.arm(holder, far, nothing, None)
    armed_meanwhile = threading.Event()
    started: list[threading.Thread] = []
    doors: list[threading.Thread] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        if thread.name == THREAD_NAME:
            started.append(thread)
            other = threading.Thread(target=lambda: scheduler.arm(holder, far, nothing, None))
            real_start(other)
            other.join(5)
            if not other.is_alive():
                armed_meanwhile.set()
            second = threading.Thread(target=scheduler.ensure_running)
            doors.append(second)
            real_start(second)  # it waits for this start to finish, then must start none
        real_start(thread)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(threading.Thread, "start", start)
            scheduler.ensure_running()
            for door in doors:
                door.join(5)
        assert armed_meanwhile.is_set()
        assert len(started) == 1
        assert scheduler.pending == 2
    finally:
        scheduler.stop()
    assert not scheduler.running
