"""A live websocket behind every ``Websocket.Url``: Amazon Connect's chat push, on loopback.

Three parts, one way round (wire -> backend -> chat core -> here):

- :class:`ChatHub` listens to every chat core's happenings (:mod:`.chat.happenings`): each
  :class:`~.chat.happenings.ItemWritten` reaches it under the backend's lock; the hub only
  looks up the chat's sockets
  and appends the item's frame to each socket's bounded outbox. It never blocks and never
  writes to the network, so a slow or dead client cannot slow a boto3 call or another chat.
- :class:`WebsocketServer`: an asyncio loop on a daemon thread serving websockets (the
  ``websockets`` package) on one address, port chosen by the OS. The hub is also the backend's
  :class:`~moto_connect_persistent.websocket_url.WebsocketUrlProvider`: the first URL asked
  for an address starts that address's server. Every server stops on moto's reset (the end of
  the outermost mock, ``/moto-api/reset``), with moto's ``ThreadedMotoServer.stop()`` (hooked
  by :mod:`.registration`) and at exit.
- The protocol amazon-connect-chatjs speaks: ``aws/subscribe`` (to ``aws/chat``),
  ``aws/unsubscribe``, ``aws/heartbeat`` and ``aws/ping`` answered; then every item of the chat
  pushed as ``{"topic": "aws/chat", "contentType": "application/json", "content": "<item>"}``.

The rules (which URL opens which chat, until when, what a new socket is pushed first) are the
Participant backend's and the core's:
:meth:`~.participant.models.ParticipantBackend.websocket_connection` and
:meth:`~.chat.core.ChatCore.websocket_backlog`.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from . import cors, websocket_url
from .chat.content import CHAT_ENDED
from .chat.core import ChatCore
from .chat.happenings import EVERY_CHAT, BackendReset, ItemWritten
from .chat.items import TranscriptItem
from .chat.session import Contact
from .chat.views import pushed_item

# The package imports this module on import to register the hub: it loads nothing heavy (no
# moto, asyncio or websockets) before the first websocket URL is asked for.
if TYPE_CHECKING:
    import asyncio

    from websockets.asyncio.server import ServerConnection
    from websockets.http11 import Request, Response

    from .participant.models import ParticipantBackend

log = logging.getLogger(__name__)

#: Where sockets are served when the client reached the mock by an AWS host name (in-process)
#: or by ``localhost``: amazon-connect-chatjs takes ``ws://`` URLs only for 127.0.0.1.
LOOPBACK = "127.0.0.1"
#: Frames a socket may have waiting; past that the client is too far behind and is closed
#: (code 1013, try again later): it reconnects and reads what it missed with GetTranscript.
OUTBOX_LIMIT = 512
#: Clients only send small control messages.
MAX_CLIENT_MESSAGE = 64 * 1024
#: Seconds to wait for a server thread to start or stop.
THREAD_TIMEOUT = 10.0

CHAT_TOPIC = "aws/chat"

CLOSE_NORMAL = 1000
CLOSE_TRY_AGAIN_LATER = 1013
HTTP_FORBIDDEN = 403
HTTP_NOT_FOUND = 404

ChatKey = tuple[str, str, str, str]  # account, region, instance id, root contact id


def chat_frame(item: TranscriptItem, initial_contact_id: str) -> str:
    return json.dumps(
        {
            "topic": CHAT_TOPIC,
            "contentType": "application/json",
            "content": json.dumps(pushed_item(item, initial_contact_id)),
        }
    )


#: How a socket closes after its last frame: (code, reason).
Close = tuple[int, str]
CHAT_OVER: Close = (CLOSE_NORMAL, "The chat has ended.")
TOO_FAR_BEHIND: Close = (CLOSE_TRY_AGAIN_LATER, "Too far behind: read GetTranscript.")


class Batch(NamedTuple):
    """What the pump sends in one go: frames in order, then the close that follows them."""

    frames: list[str]
    close: Close | None


class ChatSocket:
    """One subscribed websocket's outbox: filled from any thread, drained by its server loop.

    The close travels in the outbox with the frames: :meth:`offer` decides it under the same
    lock that appends the last frame, and :meth:`take` hands the frames and the close over
    together. So a frame offered while the pump is sending the previous batch is never left
    behind by a close decided in between: whatever was offered before the close is sent first.
    """

    def __init__(self, key: ChatKey, loop: asyncio.AbstractEventLoop) -> None:
        import asyncio

        self.key = key
        self.wake = asyncio.Event()
        self._loop = loop
        self._lock = threading.Lock()
        self._outbox: deque[str] = deque()
        self._scheduled = False
        #: Set with the chat's last frame, or when the outbox overflows: nothing comes after.
        self._close: Close | None = None

    @property
    def overflowed(self) -> bool:
        return self._close == TOO_FAR_BEHIND

    def offer(self, frame: str, last: bool) -> None:
        """Queue a frame without ever blocking; a full outbox closes the socket 1013."""
        with self._lock:
            if self._close is not None:
                return
            if len(self._outbox) >= OUTBOX_LIMIT:
                self._close = TOO_FAR_BEHIND
            else:
                self._outbox.append(frame)
                if last:
                    self._close = CHAT_OVER
            if self._scheduled:
                return
            self._scheduled = True
        try:
            self._loop.call_soon_threadsafe(self.wake.set)
        except RuntimeError:  # the loop has closed: the server is stopping
            pass

    def take(self) -> Batch:
        """Every frame queued so far and, if it is decided, the close that follows them."""
        with self._lock:
            frames = list(self._outbox)
            self._outbox.clear()
            self._scheduled = False
            return Batch(frames, self._close)


class WebsocketServer:
    """A websockets server on one address, running its own asyncio loop on a daemon thread."""

    def __init__(self, hub: ChatHub, address: str) -> None:
        self.hub = hub
        self.address = address
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Future[None] | None = None
        self._ready = threading.Event()
        self._error: OSError | None = None
        import asyncio

        self._thread = threading.Thread(
            target=asyncio.run,
            args=(self._main(),),
            name=f"moto-connect-persistent-websocket-{address}",
            daemon=True,
        )

    @property
    def base(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"ws://{host}:{self.port}"

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(THREAD_TIMEOUT):
            raise RuntimeError(f"websocket server on {self.address} did not start")
        if self._error is not None:
            self._thread.join(THREAD_TIMEOUT)
            raise self._error

    def stop(self) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:

            def release() -> None:
                if not stopping.done():
                    stopping.set_result(None)

            try:
                loop.call_soon_threadsafe(release)
            except RuntimeError:  # already closed
                pass
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(THREAD_TIMEOUT)

    async def _main(self) -> None:
        import asyncio

        from websockets.asyncio.server import serve

        self._loop = asyncio.get_running_loop()
        self._stopping = self._loop.create_future()
        try:
            server = await serve(
                self._serve,
                self.address,
                0,
                process_request=self._check_url,
                max_size=MAX_CLIENT_MESSAGE,
            )
        except OSError as err:
            self._error = err
            self._ready.set()
            return
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stopping
        finally:
            server.close()  # closes every socket with 1001 (going away)
            await server.wait_closed()

    # -- one socket -------------------------------------------------------------------

    async def _check_url(self, connection: ServerConnection, request: Request) -> Response | None:
        """The handshake: a URL that is unknown or expired is refused 403, as a presigned one;
        so is a page of an origin the server does not allow (``--cors-origins``)."""
        import asyncio

        from .exceptions import ConnectError

        if not cors.origin_allowed(request.headers.get("Origin")):
            return connection.respond(HTTP_FORBIDDEN, "Origin not allowed.\n")
        target = _parse_path(request.path)
        if target is None:
            return connection.respond(HTTP_NOT_FOUND, "Not a chat websocket URL.\n")
        try:
            backend = _backend(target[0], target[1])
            await asyncio.to_thread(backend.websocket_connection, target[2])
        except ConnectError as err:
            return connection.respond(HTTP_FORBIDDEN, f"{err.message}\n")
        return None

    async def _serve(self, websocket: ServerConnection) -> None:
        import asyncio

        target = _parse_path(websocket.request.path if websocket.request else "")
        assert target is not None  # _check_url let only chat URLs through
        backend, ticket_id = _backend(target[0], target[1]), target[2]
        socket: ChatSocket | None = None
        pump: asyncio.Task[None] | None = None
        try:
            async for raw in websocket:
                reply, subscribe, unsubscribe = _answer(raw)
                if subscribe and socket is None:
                    loop = asyncio.get_running_loop()
                    socket = await asyncio.to_thread(self.hub.attach, backend.core, ticket_id, loop)
                if unsubscribe and socket is not None:
                    self.hub.detach(socket)
                    socket = None
                    if pump is not None:
                        pump.cancel()
                        pump = None
                await websocket.send(json.dumps(reply))
                if socket is not None and pump is None:
                    # After the subscription answer: the client's first push is the backlog.
                    pump = asyncio.create_task(_pump(websocket, socket))
        except Exception as err:  # noqa: BLE001 - one socket's failure is that socket's only
            if not _is_closed(err):
                log.warning("chat websocket failed: %r", err)
        finally:
            if socket is not None:
                self.hub.detach(socket)
            if pump is not None:
                pump.cancel()


async def _pump(websocket: ServerConnection, socket: ChatSocket) -> None:
    """Send a socket's frames in order; close it once a batch carries the close."""
    while True:
        await socket.wake.wait()
        socket.wake.clear()
        batch = socket.take()
        for frame in batch.frames:
            await websocket.send(frame)
        if batch.close is not None:
            await websocket.close(*batch.close)
            return


def _is_closed(err: Exception) -> bool:
    import asyncio

    from websockets.exceptions import ConnectionClosed

    return isinstance(err, (ConnectionClosed, asyncio.CancelledError))


def _parse_path(path: str) -> tuple[str, str, str] | None:
    """``/<account>/<region>/<ticket id>`` (how the backend builds the URL), or None."""
    parts = path.split("?", 1)[0].strip("/").split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _backend(account_id: str, region: str) -> ParticipantBackend:
    """The backend a URL names (an unknown region refuses the handshake, 403)."""
    from .models import backend_of
    from .participant.models import participant_backends

    return backend_of(participant_backends, account_id, region)


#: Control topics a client sends -> (answer, subscribes, unsubscribes).
def _subscription(topic: str) -> Callable[[dict[str, Any]], tuple[dict[str, Any], bool, bool]]:
    def answer(message: dict[str, Any]) -> tuple[dict[str, Any], bool, bool]:
        content = message.get("content")
        topics = content.get("topics") if isinstance(content, dict) else None
        ok = isinstance(topics, list) and CHAT_TOPIC in topics
        status = "success" if ok else "failure"
        reply = {"topic": topic, "content": {"status": status, "topics": topics or []}}
        return reply, ok and topic == "aws/subscribe", ok and topic == "aws/unsubscribe"

    return answer


TOPICS: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], bool, bool]]] = {
    "aws/subscribe": _subscription("aws/subscribe"),
    "aws/unsubscribe": _subscription("aws/unsubscribe"),
    "aws/heartbeat": lambda _: ({"topic": "aws/heartbeat"}, False, False),
    "aws/ping": lambda _: ({"topic": "aws/ping", "statusCode": 200}, False, False),
}


def _answer(raw: str | bytes) -> tuple[dict[str, Any], bool, bool]:
    try:
        message = json.loads(raw)
    except ValueError:
        message = None
    topic = message.get("topic") if isinstance(message, dict) else None
    handler = TOPICS.get(topic) if isinstance(topic, str) else None
    if handler is None or not isinstance(message, dict):
        known = ", ".join(TOPICS)
        return {"message": f"Send a JSON object whose topic is one of {known}."}, False, False
    return handler(message)


class ChatHub:
    """The sink that feeds chat websockets, and the provider of their URLs."""

    def __init__(self) -> None:
        #: Guards the sockets; held only for dictionary work, never while starting a server.
        self._lock = threading.Lock()
        self._sockets: dict[ChatKey, set[ChatSocket]] = {}
        self._servers_lock = threading.Lock()
        self._servers: dict[str, WebsocketServer] = {}
        self._exit_hook = False

    # -- the provider the backend asks ------------------------------------------------

    def websocket_base(self, host: str | None) -> str:
        """Serve sockets on the address the client reached the mock by; loopback for an
        AWS host name (in-process), ``localhost`` or an address that cannot be bound."""
        address = host if host and not _is_loopback_name(host) else LOOPBACK
        with self._servers_lock:
            server = self._servers.get(address)
            if server is None:
                server = self._start(address)
            return server.base

    def _start(self, address: str) -> WebsocketServer:
        server = WebsocketServer(self, address)
        try:
            server.start()
        except OSError as err:
            if address == LOOPBACK:
                raise
            log.warning("cannot serve websockets on %s (%s); using %s", address, err, LOOPBACK)
            return self._servers.get(LOOPBACK) or self._start(LOOPBACK)
        self._servers[address] = server
        if not self._exit_hook:
            atexit.register(self.stop_all)
            self._exit_hook = True
        return server

    def stop_all(self) -> None:
        """Close every socket and stop every server (moto's reset, a server's stop, exit)."""
        with self._servers_lock:
            servers = list(self._servers.values())
            self._servers.clear()
        with self._lock:
            self._sockets.clear()
        for server in servers:
            server.stop()

    @property
    def running(self) -> list[str]:
        """Base URLs of the servers running now (for tests and diagnostics)."""
        with self._servers_lock:
            return [server.base for server in self._servers.values()]

    # -- sockets ----------------------------------------------------------------------

    def attach(self, core: ChatCore, ticket_id: str, loop: asyncio.AbstractEventLoop) -> ChatSocket:
        """Subscribe a socket: its backlog and its registration happen under the core's
        lock, so no item falls between them or comes twice."""
        origin = core.origin
        with core.lock:
            root, backlog = core.websocket_backlog(ticket_id)
            socket = ChatSocket((origin.account_id, origin.region_name, *_chat(root)), loop)
            for item in backlog:
                socket.offer(chat_frame(item, root.id), item.content_type == CHAT_ENDED)
            with self._lock:
                self._sockets.setdefault(socket.key, set()).add(socket)
        return socket

    def detach(self, socket: ChatSocket) -> None:
        with self._lock:
            sockets = self._sockets.get(socket.key)
            if sockets is not None:
                sockets.discard(socket)
                if not sockets:
                    del self._sockets[socket.key]

    # -- the listener -----------------------------------------------------------------

    def item_written(self, happening: ItemWritten) -> None:
        origin, item = happening.origin, happening.item
        root = happening.contact.session.root
        key = (origin.account_id, origin.region_name, *_chat(root))
        with self._lock:
            sockets = tuple(self._sockets.get(key, ()))
        if not sockets:
            return
        frame = chat_frame(item, root.id)
        last = item.content_type == CHAT_ENDED
        for socket in sockets:
            socket.offer(frame, last)

    def backend_reset(self, happening: BackendReset) -> None:
        """moto resets every backend at once: every socket and server goes with the state."""
        self.stop_all()


def _chat(root: Contact) -> tuple[str, str]:
    return root.instance_id, root.id


def _is_loopback_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".amazonaws.com")


#: The process's one hub.
HUB = ChatHub()


def install() -> None:
    """Feed websockets from every chat and build real URLs; called on package import."""
    EVERY_CHAT.on(ItemWritten, HUB.item_written)
    EVERY_CHAT.on(BackendReset, HUB.backend_reset)
    websocket_url.set_provider(HUB)
