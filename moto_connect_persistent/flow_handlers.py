"""The Python stand-ins a flow calls out to: Lambda functions and Lex V2 bot aliases,
registered by the test that owns them.

Where they live: a handler is state of the account and region its ARN names, as a function is
in moto's Lambda backend, so each :class:`~.models.ConnectPersistentBackend` owns one
:class:`FlowHandlers` and moto's reset forgets it with the rest of that backend. The flow
engine of any account and region finds a handler through the ARN it invokes (a flow may call
a function of another region, as Connect allows), so a handler is registered once for every
instance. Register inside the mock: the mock's start resets the backends.

A handler is any callable; the engine calls it outside every state lock, on a worker thread
of its own (:mod:`.flow_engine`, "Calling out"). Kinds are plain names (:data:`LAMBDA`): a
new kind of stand-in is a new name, its rules in a module of its own (:mod:`.flow_lambda`).

Server mode: a test process cannot hand a Python callable to a server in another process, so
it serves its handler on a loopback port (:mod:`.flow_callbacks`) and registers the URL
(``register_lambda_callback`` of the seeding API); the server's handler is then a
:class:`LoopbackHandler`, which POSTs each call there. Loopback only: a callback URL names
127.0.0.1, localhost or [::1], never another host.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import requests

#: Handlers of Lambda functions, keyed by function ARN: ``handler(event, context)``.
LAMBDA = "lambda"
#: Handlers of Lex V2 bots, keyed by bot alias ARN: ``handler(request) -> answer``
#: (:mod:`.lex_bots`).
LEX_BOT = "lex-bot"
#: How long a bot behind a callback may take to answer one turn.
LEX_CALLBACK_SECONDS = 30.0

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


# ---------------------------------------------------------------------- handlers over HTTP

#: The hosts a callback may name: the machine itself, never the network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class HandlerFailed(Exception):
    """The handler behind a callback raised (its type and message) or could not be reached."""


def check_loopback_url(url: str) -> str | None:
    """Why ``url`` may not be a callback (None: it may): ``http://`` on a loopback host with
    a port, the only address a server calls back."""
    parsed = urlparse(url)
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme != "http" or parsed.hostname not in LOOPBACK_HOSTS or port is None:
        return (
            f"callback_url {url!r} must be http://127.0.0.1:<port>/... (or localhost, [::1]): "
            "the server calls back on this machine only."
        )
    return None


class LoopbackHandler:
    """A handler that lives in another process (the test's, in server mode): each call POSTs
    ``{"event", "context"}`` to its callback URL and returns the ``answer`` sent back, or
    raises :class:`HandlerFailed` with the ``error`` the handler raised there."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        remaining = context.get_remaining_time_in_millis()
        body = {
            "event": event,
            "context": {
                "function_name": context.function_name,
                "function_version": context.function_version,
                "invoked_function_arn": context.invoked_function_arn,
                "aws_request_id": context.aws_request_id,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "log_group_name": context.log_group_name,
                "log_stream_name": context.log_stream_name,
                "remaining_time_in_millis": remaining,
            },
        }
        # A little past the block's limit: the engine has stopped waiting by then anyway.
        return post_callback(self.url, body, remaining / 1000 + 1)


class LoopbackLexBot:
    """A Lex bot that lives in another process (the test's, in server mode): each turn POSTs
    ``{"request"}`` to its callback URL and returns the ``answer`` sent back."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, request: dict[str, Any]) -> Any:
        return post_callback(self.url, {"request": request}, LEX_CALLBACK_SECONDS)


def post_callback(url: str, body: dict[str, Any], timeout: float) -> Any:
    """POST one call to a handler behind ``url``: the ``answer`` it sent back, or
    :class:`HandlerFailed` with the ``error`` it raised there (or why it was not reached)."""
    try:
        response = requests.post(url, json=body, timeout=timeout)
        reply = response.json()
    except (requests.RequestException, ValueError) as err:
        raise HandlerFailed(f"the callback at {url} did not answer: {err}") from None
    if not isinstance(reply, dict) or not ("answer" in reply or "error" in reply):
        raise HandlerFailed(f"the callback at {url} answered {reply!r}")
    if "error" in reply:
        error = reply["error"]
        raise HandlerFailed(f"{error.get('type')}: {error.get('message')}")
    return reply["answer"]
