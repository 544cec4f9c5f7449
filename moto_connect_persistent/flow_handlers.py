"""The Python stand-ins a flow calls out to: Lambda functions today (a Lex bot alias later, by
the same mechanics), registered by the test that owns them.

Where they live: a handler is state of the account and region its ARN names, as a function is
in moto's Lambda backend, so each :class:`~.models.ConnectPersistentBackend` owns one
:class:`FlowHandlers` and moto's reset forgets it with the rest of that backend. The flow
engine of any account and region finds a handler through the ARN it invokes (a flow may call
a function of another region, as Connect allows), so a handler is registered once for every
instance. Register inside the mock: the mock's start resets the backends.

A handler is any callable; the engine calls it outside every state lock, on a worker thread
of its own (:mod:`.flow_engine`, "Calling out"). Kinds are plain names (:data:`LAMBDA`): a
new kind of stand-in is a new name, its rules in a module of its own (:mod:`.flow_lambda`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

#: Handlers of Lambda functions, keyed by function ARN: ``handler(event, context)``.
LAMBDA = "lambda"

#: Any AWS ARN: ``arn:<partition>:<service>:<region>:<account>:<resource>``.
ARN = re.compile(r"arn:[\w-]+:[\w-]+:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):.+")

Handler = Callable[..., Any]


def arn_account_region(arn: str) -> tuple[str, str] | None:
    """The account and region an ARN names, or None for what is no such ARN."""
    match = ARN.fullmatch(arn)
    return (match.group("account"), match.group("region")) if match else None


class FlowHandlers:
    """The handlers registered in one account and region, by kind and ARN."""

    def __init__(self) -> None:
        # Its own small lock, never held while another is taken: a flow step of any backend
        # reads it, and registering takes no backend's lock.
        self._lock = threading.Lock()
        self._handlers: dict[tuple[str, str], Handler] = {}

    def register(self, kind: str, arn: str, handler: Handler) -> None:
        """``handler`` answers ``arn`` from now on (replacing one registered before)."""
        with self._lock:
            self._handlers[(kind, arn)] = handler

    def find(self, kind: str, *arns: str) -> Handler | None:
        """The handler of the first of ``arns`` that has one (an ARN, then its fall-backs)."""
        with self._lock:
            for arn in arns:
                handler = self._handlers.get((kind, arn))
                if handler is not None:
                    return handler
        return None
