"""Replays by ClientToken: the one helper both services use (docs/persistent-chat.md, rule 2).

A call that carries a ClientToken is answered once; a retry with the same token gets the
first answer again instead of doing the work twice. Connect keys a token by operation and
refuses a reuse with other parameters; the Participant Service keys it by participant and
operation and replays whatever the first call answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .exceptions import InvalidRequestException


@dataclass
class IdempotentCall:
    fingerprint: tuple[Any, ...]
    response: dict[str, Any]


class Replies:
    """First answers by key, under the lock of the state the calls change."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        #: Held by :meth:`once`; callers of :meth:`replayed` and :meth:`remember` hold theirs.
        self.lock = lock or threading.RLock()
        self.calls: dict[tuple[str, ...], IdempotentCall] = {}

    def __len__(self) -> int:
        return len(self.calls)

    def replayed(
        self, key: tuple[str, ...], fingerprint: tuple[Any, ...] = ()
    ) -> dict[str, Any] | None:
        """The first answer under ``key``, or None; a different fingerprint conflicts.

        Neither Connect operation with a ClientToken models IdempotencyException (README:
        Rules and errors): a conflict is an InvalidRequestException naming the token.
        """
        previous = self.calls.get(key)
        if previous is None:
            return None
        if previous.fingerprint != fingerprint:
            raise InvalidRequestException(
                f"ClientToken '{key[-1]}' was already used with different parameters for {key[-2]}."
            )
        return dict(previous.response)

    def remember(
        self, key: tuple[str, ...], response: dict[str, Any], fingerprint: tuple[Any, ...] = ()
    ) -> None:
        self.calls[key] = IdempotentCall(fingerprint, dict(response))

    def once(
        self,
        operation: str,
        client_token: str | None,
        fingerprint: tuple[Any, ...],
        call: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """Connect's form: ``call`` runs under the lock unless ``(operation, client_token)``
        answered before."""
        with self.lock:
            if client_token is None:
                return call()
            key = (operation, client_token)
            previous = self.replayed(key, fingerprint)
            if previous is not None:
                return previous
            response = call()
            self.remember(key, response, fingerprint)
            return response
