"""The chat websocket behind ``Websocket.Url``, driven by a Python websocket client.

Every test runs in-process (``mock_connect_persistent``) unless it says server; the server
tests use the plugin's ``connect_server_url`` fixture and seed over HTTP. Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from support import REGION, make_instance
from websocket_client import WAIT, ChatSocket
from websockets.exceptions import InvalidStatus

from moto_connect_persistent import (
    SeedingError,
    chat_session,
    mock_connect_persistent,
    seed_chat_session,
    websocket,
)
from moto_connect_persistent.websocket import HUB

EVENT = "application/vnd.amazonaws.connect.event."
THREAD_PREFIX = "moto-connect-persistent-websocket"


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


def start_chat(connect: Any, iid: str, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}, **extra
    )
    return answer


def open_connection(participant: Any, chat: dict[str, Any]) -> tuple[str, str]:
    """(websocket URL, ConnectionToken) of a new participant connection."""
    answer = participant.create_participant_connection(ParticipantToken=chat["ParticipantToken"])
    return answer["Websocket"]["Url"], answer["ConnectionCredentials"]["ConnectionToken"]


def newest(participant: Any, token: str) -> dict[str, Any]:
    item: dict[str, Any] = participant.get_transcript(ConnectionToken=token, MaxResults=1)[
        "Transcript"
    ][0]
    return item


def websocket_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)]


# ------------------------------------------------------------------------------ the protocol


def test_url_is_a_loopback_websocket_chat_clients_accept(
    connect: Any, iid: str, participant: Any
) -> None:
    """amazon-connect-chatjs takes only ``wss://`` or ``ws://127.0.0.1:<port>`` URLs; the
    ConnectionExpiry is 100 s away: 'The response URL for has a connect expiry timeout of
    100s' [CreateParticipantConnection]."""
    url, _ = open_connection(participant, start_chat(connect, iid))
    assert url.startswith("ws://127.0.0.1:")
    assert int(url.split(":")[2].split("/")[0]) > 0


def test_start_chat_contact_connection_types_give_a_live_websocket(connect: Any, iid: str) -> None:
    """StartChatContact's ``ConnectionTypes`` answers a ``Websocket`` as
    CreateParticipantConnection does: the same kind of live URL."""
    chat = start_chat(connect, iid, ConnectionTypes=["WEBSOCKET", "CONNECTION_CREDENTIALS"])
    assert chat["Websocket"]["Url"].startswith("ws://127.0.0.1:")
    with ChatSocket(chat["Websocket"]["Url"]) as socket:
        chat_session(iid, chat["ContactId"]).message("AGENT", "hello")
        assert socket.item()["Content"] == "hello"


def test_subscribe_heartbeat_and_ping_are_answered(
    connect: Any, iid: str, participant: Any
) -> None:
    """'For chat, you need to publish the following on the established websocket connection:
    {"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}' [CreateParticipantConnection];
    heartbeats and deep pings are answered as amazon-connect-chatjs expects."""
    url, _ = open_connection(participant, start_chat(connect, iid))
    with ChatSocket(url) as socket:  # asserts the subscription's success answer
        socket.send({"topic": "aws/heartbeat"})
        assert socket.frame() == {"topic": "aws/heartbeat"}
        socket.send({"topic": "aws/ping"})
        assert socket.frame() == {"topic": "aws/ping", "statusCode": 200}
        socket.send({"topic": "aws/nonsense"})
        assert "topic" in socket.frame()["message"]
        socket.send({"topic": "aws/subscribe", "content": {"topics": ["aws/other"]}})
        assert socket.frame()["content"]["status"] == "failure"


def test_nothing_is_pushed_before_the_client_subscribes(
    connect: Any, iid: str, participant: Any
) -> None:
    """Clients 'must ... subscribe to the desired topic' [CreateParticipantConnection]; what
    the chat writes meanwhile is pushed on subscription (see the backlog test)."""
    chat = start_chat(connect, iid)
    url, _ = open_connection(participant, chat)
    with ChatSocket(url, subscribe=False) as socket:
        chat_session(iid, chat["ContactId"]).message("AGENT", "early")
        socket.send({"topic": "aws/heartbeat"})
        assert socket.frame() == {"topic": "aws/heartbeat"}


# ------------------------------------------------------------------------------ the pushes


def test_items_are_pushed_in_order_exactly_as_get_transcript_shows_them(
    connect: Any, iid: str, participant: Any
) -> None:
    """Every transcript item -- the agent's seeded message, the customer's own message -- is
    pushed as GetTranscript returns it, plus the chat's InitialContactId."""
    chat = start_chat(connect, iid)
    url, token = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        chat_session(iid, chat["ContactId"]).message("AGENT", "how can I help?")
        agent = socket.item()
        assert agent == {**newest(participant, token), "InitialContactId": chat["ContactId"]}
        assert agent["ParticipantRole"] == "AGENT"
        participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
        mine = socket.item()
        assert mine == {**newest(participant, token), "InitialContactId": chat["ContactId"]}
        assert (mine["Content"], mine["ContactId"]) == ("hi", chat["ContactId"])


def test_typing_is_pushed_but_not_kept(connect: Any, iid: str, participant: Any) -> None:
    """Typing events are pushed to the chat's clients; GetTranscript lists the event types a
    transcript contains, and typing is not one of them [GetTranscript]."""
    chat = start_chat(connect, iid)
    url, token = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        chat_session(iid, chat["ContactId"]).typing()
        typing = socket.item()
        assert (typing["Type"], typing["ContentType"]) == ("EVENT", EVENT + "typing")
        assert typing["ParticipantRole"] == "AGENT"
        participant.send_event(ConnectionToken=token, ContentType=EVENT + "typing")
        assert socket.item()["ParticipantRole"] == "CUSTOMER"
        items = participant.get_transcript(ConnectionToken=token)["Transcript"]
        assert EVENT + "typing" not in {item["ContentType"] for item in items}


def test_receipts_are_pushed_as_message_metadata(connect: Any, iid: str, participant: Any) -> None:
    """Receipts: SendEvent 'application/vnd.amazonaws.connect.event.message.delivered' /
    '...message.read' [SendEvent ContentType]. They reach a chat client as the message's
    metadata (``Type`` MESSAGEMETADATA, the form amazon-connect-chatjs reads), and stay in
    the message's MessageMetadata for GetTranscript."""
    chat = start_chat(connect, iid)
    url, token = open_connection(participant, chat)
    sent = participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="?")
    with ChatSocket(url) as socket:
        socket.item()  # the customer's own message, written after the URL was made
        seeded = chat_session(iid, chat["ContactId"])
        seeded.delivered(sent["Id"]).read(sent["Id"])
        delivered, read = socket.items(2)
        for pushed, field in ((delivered, "DeliveredTimestamp"), (read, "ReadTimestamp")):
            assert pushed["Type"] == "MESSAGEMETADATA"
            assert pushed["ContentType"] == EVENT + "message.metadata"
            assert pushed["MessageMetadata"]["MessageId"] == sent["Id"]
            (receipt,) = pushed["MessageMetadata"]["Receipts"]
            assert set(receipt) == {field, "RecipientParticipantId"}
        message = newest(participant, token)
        (kept,) = message["MessageMetadata"]["Receipts"]
        assert kept["ReadTimestamp"] == read["MessageMetadata"]["Receipts"][0]["ReadTimestamp"]
        assert kept["RecipientParticipantId"] != chat["ParticipantId"]  # the agent read it


def test_seeded_events_are_refused_as_send_event_refuses_them(connect: Any, iid: str) -> None:
    """The seeding API's agent events follow SendEvent's rules: a receipt names a message of
    the chat; only typing, delivered and read are events a seeded participant sends."""
    chat = start_chat(connect, iid)
    seeded = chat_session(iid, chat["ContactId"])
    with pytest.raises(SeedingError, match="No message 'nope'"):
        seeded.read("nope")
    with pytest.raises(SeedingError, match="role must be one of"):
        seeded.typing(role="ROBOT")
    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
    with pytest.raises(SeedingError, match="has ended"):
        seeded.typing()


def test_every_socket_of_the_chat_gets_the_items_and_no_other_chat_does(
    connect: Any, iid: str, participant: Any
) -> None:
    """Two connections of one chat both get its items; a socket of another chat gets none."""
    first, other = start_chat(connect, iid), start_chat(connect, iid)
    url_a, _ = open_connection(participant, first)
    url_b, _ = open_connection(participant, first)
    url_other, _ = open_connection(participant, other)
    with ChatSocket(url_a) as a, ChatSocket(url_b) as b, ChatSocket(url_other) as c:
        chat_session(iid, first["ContactId"]).message("AGENT", "for the first chat")
        assert a.item()["Content"] == b.item()["Content"] == "for the first chat"
        chat_session(iid, other["ContactId"]).message("AGENT", "for the other chat")
        assert c.item()["Content"] == "for the other chat"
        c.send({"topic": "aws/heartbeat"})
        assert c.frame() == {"topic": "aws/heartbeat"}  # nothing of the first chat came first


def test_unsubscribed_socket_gets_nothing_more(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    url, _ = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        socket.send({"topic": "aws/unsubscribe", "content": {"topics": ["aws/chat"]}})
        assert socket.frame()["content"]["status"] == "success"
        chat_session(iid, chat["ContactId"]).message("AGENT", "unseen")
        socket.send({"topic": "aws/heartbeat"})
        assert socket.frame() == {"topic": "aws/heartbeat"}


def test_a_transfer_is_pushed_with_the_new_contact(
    connect: Any, iid: str, participant: Any
) -> None:
    """After a transfer, items carry the new segment's ContactId and the same
    InitialContactId, so the client keeps showing them."""
    chat = start_chat(connect, iid)
    url, _ = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        chat_session(iid, chat["ContactId"]).transfer(contact_id="C2").message("AGENT", "Bo here")
        transferred, message = socket.items(2)
        assert transferred["ContentType"] == EVENT + "transfer.succeeded"
        assert (message["ContactId"], message["InitialContactId"]) == ("C2", chat["ContactId"])


def test_a_persistent_chat_tells_its_participant_of_the_rehydration_first(
    connect: Any, iid: str, participant: Any
) -> None:
    """A chat started persistent was rehydrated before any socket existed: the participant's
    first socket is pushed the chat's ``chat.rehydrated`` event first (amazon-connect-chatjs
    loads the past on it), and only once per participant [chosen]."""
    seed = seed_chat_session(iid, contact_id="C1").message("AGENT", "old news").end()
    chat = start_chat(
        connect,
        iid,
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )
    url, token = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        rehydrated = socket.item()
        assert rehydrated["ContentType"] == EVENT + "chat.rehydrated"
        assert rehydrated["InitialContactId"] == chat["ContactId"]
        kept = [i for i in participant.get_transcript(ConnectionToken=token)["Transcript"]]
        assert rehydrated["Id"] in {i["Id"] for i in kept}
    again, _ = open_connection(participant, chat)
    with ChatSocket(again) as socket:
        chat_session(iid, chat["ContactId"]).message("AGENT", "welcome back")
        assert socket.item()["Content"] == "welcome back"
    assert seed.contact_ids == ["C1"]


# ------------------------------------------------------------------------------ lifetimes


def test_the_end_of_the_chat_is_pushed_then_the_socket_closes(
    connect: Any, iid: str, participant: Any
) -> None:
    """StopContact ends the chat: its clients get ``chat.ended`` [GetTranscript's event list]
    and the socket is closed normally (1000) [chosen]."""
    chat = start_chat(connect, iid)
    url, _ = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
        assert socket.item()["ContentType"] == EVENT + "chat.ended"
        assert socket.closed()[0] == 1000


def test_disconnect_pushes_participant_left_and_chat_ended(
    connect: Any, iid: str, participant: Any
) -> None:
    """DisconnectParticipant: 'Disconnects a participant' -- its clients see
    ``participant.left`` then (the customer leaving ends the chat) ``chat.ended``."""
    chat = start_chat(connect, iid)
    url, token = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        participant.disconnect_participant(ConnectionToken=token)
        left, ended = socket.items(2)
        assert (left["ContentType"], left["ParticipantRole"]) == (
            EVENT + "participant.left",
            "CUSTOMER",
        )
        assert ended["ContentType"] == EVENT + "chat.ended"
        assert socket.closed()[0] == 1000


def test_an_item_offered_while_the_pump_sends_is_sent_before_the_close() -> None:
    """The hand-over between the backend's thread and the socket's loop: the pump takes a
    batch and, while it is still sending it, the chat's last item is offered. That item is
    sent, after the batch, and only then the socket closes 1000 (README: "``chat.ended``
    pushed, then close code 1000"). The interleaving is forced: the send of the first frame
    waits until the last one has been offered from another thread."""
    loop = asyncio.new_event_loop()
    try:
        socket = websocket.ChatSocket(("a", "r", "i", "c"), loop)

        class PausingConnection:
            sent: list[str] = []
            closed: tuple[int, str] | None = None

            async def send(self, frame: str) -> None:
                if frame == "participant.left":  # the chat ends while this one is sent
                    await asyncio.to_thread(socket.offer, "chat.ended", True)
                self.sent.append(frame)

            async def close(self, code: int, reason: str) -> None:
                self.closed = (code, reason)

        connection = PausingConnection()
        socket.offer("participant.left", last=False)
        loop.run_until_complete(asyncio.wait_for(websocket._pump(connection, socket), 5))  # type: ignore[arg-type]
        assert connection.sent == ["participant.left", "chat.ended"]
        assert connection.closed == (1000, "The chat has ended.")
    finally:
        loop.close()


def test_a_customer_disconnect_racing_the_pump_still_pushes_chat_ended(
    connect: Any, iid: str, participant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a loaded machine hits, forced through a real socket: DisconnectParticipant
    writes ``participant.left`` then ``chat.ended``; the socket's pump takes the first alone
    and is still sending it when the second is offered. The client still reads both, in
    order, then close 1000 -- a widget's "chat over" screen waits for exactly that event."""
    from websockets.asyncio.server import ServerConnection

    taken_left = threading.Event()
    ended_offered = threading.Event()
    take, offer, send = websocket.ChatSocket.take, websocket.ChatSocket.offer, ServerConnection.send

    def take_then_tell(self: websocket.ChatSocket) -> websocket.Batch:
        batch = take(self)
        if any("participant.left" in frame for frame in batch.frames):
            taken_left.set()
        return batch

    def offer_after_the_take(self: websocket.ChatSocket, frame: str, last: bool) -> None:
        if last:  # chat.ended waits until the pump holds a batch without it
            assert taken_left.wait(WAIT)
        offer(self, frame, last)
        if last:
            ended_offered.set()

    async def send_slowly(self: ServerConnection, message: Any, *args: Any) -> None:
        await send(self, message, *args)
        if isinstance(message, str) and "participant.left" in message:
            assert await asyncio.to_thread(ended_offered.wait, WAIT)

    monkeypatch.setattr(websocket.ChatSocket, "take", take_then_tell)
    monkeypatch.setattr(websocket.ChatSocket, "offer", offer_after_the_take)
    monkeypatch.setattr(ServerConnection, "send", send_slowly)
    chat = start_chat(connect, iid)
    url, token = open_connection(participant, chat)
    with ChatSocket(url) as socket:
        participant.disconnect_participant(ConnectionToken=token)
        left, ended = socket.items(2)
        assert left["ContentType"] == EVENT + "participant.left"
        assert ended["ContentType"] == EVENT + "chat.ended"
        assert socket.closed() == (1000, "The chat has ended.")
    assert taken_left.is_set() and ended_offered.is_set()


def test_an_expired_url_is_refused_and_a_fresh_one_works(
    connect: Any, iid: str, participant: Any
) -> None:
    """'Upon websocket URL expiry, as specified in the response ConnectionExpiry parameter,
    clients need to call this API again to obtain a new websocket URL'
    [CreateParticipantConnection]."""
    chat = start_chat(connect, iid)
    open_connection(participant, chat)  # the server runs before the clock is moved
    past = datetime.now(timezone.utc) - timedelta(seconds=101)
    with freeze_time(past, ignore=["asyncio", "websockets", "concurrent", "threading"]):
        stale, _ = open_connection(participant, chat)
    with pytest.raises(InvalidStatus) as refused:
        ChatSocket(stale)
    assert refused.value.response.status_code == 403
    assert b"ConnectionExpiry" in refused.value.response.body
    fresh, _ = open_connection(participant, chat)
    with ChatSocket(fresh) as socket:
        chat_session(iid, chat["ContactId"]).message("AGENT", "still here")
        assert socket.item()["Content"] == "still here"


def test_unknown_url_and_ended_chat_are_refused(connect: Any, iid: str, participant: Any) -> None:
    chat = start_chat(connect, iid)
    url, _ = open_connection(participant, chat)
    base = url.rsplit("/", 1)[0]
    with pytest.raises(InvalidStatus) as unknown:
        ChatSocket(base + "/not-a-ticket")
    assert unknown.value.response.status_code == 403
    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
    with pytest.raises(InvalidStatus) as ended:
        ChatSocket(url)
    assert ended.value.response.status_code == 403


def test_a_late_client_gets_what_came_after_its_url_and_reads_the_rest(
    connect: Any, iid: str, participant: Any
) -> None:
    """What the chat wrote between CreateParticipantConnection and the subscription is
    pushed first [chosen: nothing falls in that gap]; what came before is GetTranscript's."""
    chat = start_chat(connect, iid)
    seeded = chat_session(iid, chat["ContactId"])
    seeded.message("AGENT", "before the URL")
    url, token = open_connection(participant, chat)
    seeded.message("AGENT", "between URL and subscription")
    with ChatSocket(url) as socket:
        seeded.message("AGENT", "live")
        assert [i["Content"] for i in socket.items(2)] == ["between URL and subscription", "live"]
    contents = [
        i.get("Content") for i in participant.get_transcript(ConnectionToken=token)["Transcript"]
    ]
    assert "before the URL" in contents


def test_the_end_of_the_mock_closes_sockets_and_stops_the_server() -> None:
    """No websocket thread or port survives the outermost mock."""
    with mock_connect_persistent():
        connect = boto3.client("connect", region_name=REGION)
        iid = make_instance(connect)
        participant = boto3.client("connectparticipant", region_name=REGION)
        url, _ = open_connection(participant, start_chat(connect, iid))
        socket = ChatSocket(url)
        assert HUB.running and websocket_threads()
    assert socket.closed()[0] == 1001  # going away
    assert HUB.running == [] and websocket_threads() == []
    with pytest.raises(OSError):
        ChatSocket(url)


# ------------------------------------------------------------------------------ no blocking


def test_many_chats_and_sockets_at_once_each_get_their_own_items_in_order(
    connect: Any, iid: str, participant: Any
) -> None:
    """12 chats x 2 sockets, 4 threads sending 8 messages into each chat at once."""
    chats = [start_chat(connect, iid) for _ in range(12)]
    connections = [[open_connection(participant, chat) for _ in range(2)] for chat in chats]
    sockets = [[ChatSocket(url) for url, _ in pair] for pair in connections]
    try:

        def send_all(index: int) -> None:
            client = boto3.client("connectparticipant", region_name=REGION)
            token = connections[index][0][1]
            for n in range(8):
                client.send_message(ConnectionToken=token, ContentType="text/plain", Content=f"{n}")

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(send_all, range(len(chats))))
        for index, pair in enumerate(sockets):
            for socket in pair:
                items = socket.items(8)
                assert [i["Content"] for i in items] == [str(n) for n in range(8)]
                assert {i["ContactId"] for i in items} == {chats[index]["ContactId"]}
    finally:
        for pair in sockets:
            for socket in pair:
                socket.connection.close()


def test_a_client_that_never_reads_holds_up_no_call_and_no_other_chat(
    connect: Any, iid: str, participant: Any
) -> None:
    """A dead client's socket takes megabytes it never reads; calls on its chat still return
    and another chat's socket still gets its items at once."""
    stuck_chat, live_chat = start_chat(connect, iid), start_chat(connect, iid)
    stuck_url, stuck_token = open_connection(participant, stuck_chat)
    live_url, _ = open_connection(participant, live_chat)
    big = json.dumps({"text": "x" * 11000})
    # The stuck client never answers a close either: give up on it quickly at the end.
    with ChatSocket(stuck_url, close_timeout=0.5), ChatSocket(live_url) as live:
        for n in range(60):  # ~0.7 MB into a socket that is never read
            participant.send_message(
                ConnectionToken=stuck_token, ContentType="application/json", Content=big
            )
            if n % 20 == 0:
                chat_session(iid, live_chat["ContactId"]).message("AGENT", f"live {n}")
                assert live.item()["Content"] == f"live {n}"


def test_an_outbox_past_its_bound_closes_the_socket_try_again_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A socket's outbox is bounded: a client too far behind is closed with 1013 (try again
    later) and reads what it missed with GetTranscript [chosen]; offering never blocks."""
    monkeypatch.setattr(websocket, "OUTBOX_LIMIT", 3)
    loop = asyncio.new_event_loop()
    try:
        socket = websocket.ChatSocket(("a", "r", "i", "c"), loop)
        for n in range(10):
            socket.offer(f"frame {n}", last=False)
        assert socket.overflowed
        assert socket.take() == websocket.Batch(
            ["frame 0", "frame 1", "frame 2"], websocket.TOO_FAR_BEHIND
        )

        class Closing:
            sent: list[str] = []
            code: int | None = None

            async def send(self, frame: str) -> None:
                self.sent.append(frame)

            async def close(self, code: int, reason: str) -> None:
                self.code = code

        fake = Closing()
        socket.offer("ignored", last=False)
        socket.wake.set()
        loop.run_until_complete(asyncio.wait_for(websocket._pump(fake, socket), 5))  # type: ignore[arg-type]
        assert fake.code == 1013
    finally:
        loop.close()


# ------------------------------------------------------------------------------ server mode


@pytest.fixture
def server_chat(connect_server_url: str) -> Iterator[dict[str, Any]]:
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    iid = make_instance(connect)
    participant = boto3.client(
        "connectparticipant", region_name=REGION, endpoint_url=connect_server_url
    )
    yield {
        "connect": connect,
        "participant": participant,
        "iid": iid,
        "chat": start_chat(connect, iid),
        "url": connect_server_url,
    }


def test_server_pushes_seeded_agent_items_and_the_end(server_chat: dict[str, Any]) -> None:
    """Against moto's server: the URL is on the server's host; the agent is played over the
    seeding HTTP endpoints (message, typing, read receipt), the chat ends through boto3."""
    participant, chat, iid = server_chat["participant"], server_chat["chat"], server_chat["iid"]
    url, token = open_connection(participant, chat)
    assert url.startswith("ws://127.0.0.1:")
    assert url.split(":")[2] != server_chat["url"].split(":")[2]  # its own port
    agent = chat_session(iid, chat["ContactId"], endpoint_url=server_chat["url"])
    with ChatSocket(url) as socket:
        agent.message("AGENT", "hello from the agent").typing()
        message, typing = socket.items(2)
        assert message["Content"] == "hello from the agent"
        assert typing["ContentType"] == EVENT + "typing"
        sent = participant.send_message(
            ConnectionToken=token, ContentType="text/plain", Content="hi"
        )
        assert socket.item()["Id"] == sent["Id"]
        agent.read(sent["Id"])
        assert socket.item()["MessageMetadata"]["MessageId"] == sent["Id"]
        server_chat["connect"].stop_contact(InstanceId=iid, ContactId=chat["ContactId"])
        assert socket.item()["ContentType"] == EVENT + "chat.ended"
        assert socket.closed()[0] == 1000


def test_server_reset_closes_sockets(server_chat: dict[str, Any]) -> None:
    """``/moto-api/reset`` drops every chat: their sockets close and the server stops until
    the next URL is asked for."""
    import requests

    url, _ = open_connection(server_chat["participant"], server_chat["chat"])
    socket = ChatSocket(url)
    requests.post(server_chat["url"] + "/moto-api/reset", timeout=30).raise_for_status()
    assert socket.closed()[0] == 1001
    assert HUB.running == []


def test_stopping_a_threaded_moto_server_stops_its_websockets() -> None:
    """No websocket thread or port survives ``ThreadedMotoServer.stop()``."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        connect = boto3.client(
            "connect",
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        participant = boto3.client("connectparticipant", region_name=REGION, endpoint_url=endpoint)
        iid = make_instance(connect)
        url, _ = open_connection(participant, start_chat(connect, iid))
        socket = ChatSocket(url)
    finally:
        server.stop()
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_PREFIX):
            thread.join(timeout=10)  # its end is the event; 10 s only bounds a hang
    assert socket.closed()[0] == 1001
    assert HUB.running == [] and websocket_threads() == []
