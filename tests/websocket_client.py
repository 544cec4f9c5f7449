"""A small chat websocket client for the tests: what a Python receive loop does."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

from websockets.sync.client import ClientConnection, connect

SUBSCRIBE = {"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}}
#: Seconds a test waits for one frame: generous, on a loaded 2-core machine.
WAIT = 10.0


class ChatSocket:
    """Opens a ``Websocket.Url``, subscribes to ``aws/chat`` and reads pushed items."""

    def __init__(self, url: str, subscribe: bool = True, close_timeout: float = WAIT) -> None:
        self._stack = ExitStack()
        self.connection: ClientConnection = self._stack.enter_context(
            connect(url, open_timeout=WAIT, close_timeout=close_timeout)
        )
        if subscribe:
            self.send(SUBSCRIBE)
            answer = self.frame()
            assert answer == {
                "topic": "aws/subscribe",
                "content": {"status": "success", "topics": ["aws/chat"]},
            }, answer

    def __enter__(self) -> ChatSocket:
        return self

    def __exit__(self, *_: Any) -> None:
        self._stack.close()

    def send(self, message: dict[str, Any]) -> None:
        self.connection.send(json.dumps(message))

    def frame(self, timeout: float = WAIT) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(self.connection.recv(timeout=timeout))
        return frame

    def item(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next pushed chat item, checked to be in the ``aws/chat`` envelope."""
        frame = self.frame(timeout)
        assert frame["topic"] == "aws/chat", frame
        assert frame["contentType"] == "application/json", frame
        item: dict[str, Any] = json.loads(frame["content"])
        return item

    def items(self, count: int) -> list[dict[str, Any]]:
        return [self.item() for _ in range(count)]

    def closed(self, timeout: float = WAIT) -> tuple[int | None, str | None]:
        """Wait for the server to close the socket: (code, reason), nothing else pushed."""
        from websockets.exceptions import ConnectionClosed

        try:
            extra = self.connection.recv(timeout=timeout)
        except ConnectionClosed as closed:
            received = closed.rcvd
            return (received.code, received.reason) if received else (None, None)
        raise AssertionError(f"expected the socket to close, got {extra!r}")
