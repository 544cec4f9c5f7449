"""Where a chat's websocket is served: the one question the backend asks about websockets.

The backend builds every ``Websocket.Url`` (CreateParticipantConnection) but knows no
websocket server: it asks the provider registered here for the base of the URL, and the
websocket module (:mod:`moto_connect_persistent.websocket`) registers itself as that provider
on package import, starting its server only when a base is first asked for. Without a
provider (the websocket module not installed) the base is a placeholder on a reserved domain
that never resolves, so a URL is still well formed.
"""

from __future__ import annotations

import threading
from typing import Protocol

#: The base of every URL when no websocket server is installed (RFC 2606 reserves .invalid).
PLACEHOLDER_BASE = "wss://websocket.moto-connect-persistent.invalid"


class WebsocketUrlProvider(Protocol):
    def websocket_base(self, host: str | None) -> str:
        """``ws://<address>:<port>`` of a server answering the chats' websockets, started if
        needed; ``host`` is the host name the client reached the mock by (None: unknown)."""


_provider: WebsocketUrlProvider | None = None
_lock = threading.Lock()


def set_provider(provider: WebsocketUrlProvider | None) -> None:
    global _provider
    with _lock:
        _provider = provider


def websocket_base(host: str | None) -> str:
    """The URL base for a websocket of a client that reached the mock at ``host``."""
    with _lock:
        provider = _provider
    return PLACEHOLDER_BASE if provider is None else provider.websocket_base(host)
