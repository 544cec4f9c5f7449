"""The test process's half of flow handlers in server mode: its handlers, served on loopback.

A server in another process cannot call a Python function of the test's, so
``register_lambda(..., endpoint_url=...)`` and ``register_lex_bot(..., endpoint_url=...)``
(and either under moto's ``TEST_SERVER_MODE``) serve the handler here, on
``http://127.0.0.1:<port>/<token>``, and register that URL with the server
(``register_lambda_callback``, ``register_lex_bot_callback``). The server's flow engine
POSTs ``{"event": ..., "context": {...}}`` to it for each invocation (a bot's turn:
``{"request": ...}``); the handler runs here, on
a thread of this server, with a context rebuilt from what was sent (its remaining time counted
down from the server's), and its answer goes back as ``{"answer": ...}``, an exception it
raised as ``{"error": {"type", "message"}}``.

One callback server per process, started on the first registration and bound to 127.0.0.1
only; it stops with the process (its threads are daemons). A registration lives as long as
the server's state: moto's reset there forgets it, as it forgets an in-process handler.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .flow_lambda import LambdaContext

Handler = Callable[..., Any]

#: Guards the handlers and tokens (no I/O, no thread start under it).
_lock = threading.Lock()
#: Keeps one callback server: held while it starts, guarding no state.
_start_lock = threading.Lock()
_server: ThreadingHTTPServer | None = None
_handlers: dict[str, Handler] = {}
#: One token per (server, function): registering again replaces the handler behind it.
_tokens: dict[tuple[str, str], str] = {}


def _context(sent: dict[str, Any]) -> LambdaContext:
    remaining = float(sent.get("remaining_time_in_millis", 0)) / 1000
    return LambdaContext(
        function_name=str(sent.get("function_name", "")),
        invoked_function_arn=str(sent.get("invoked_function_arn", "")),
        deadline=time.monotonic() + remaining,
        function_version=str(sent.get("function_version", "$LATEST")),
        memory_limit_in_mb=str(sent.get("memory_limit_in_mb", "128")),
        aws_request_id=str(sent.get("aws_request_id", "")),
        log_group_name=str(sent.get("log_group_name", "")),
        log_stream_name=str(sent.get("log_stream_name", "")),
    )


def _reply(handler: Handler, body: bytes) -> dict[str, Any]:
    """Call ``handler`` with the request in ``body``; what to answer the server."""
    try:
        request = json.loads(body)
        if "request" in request:  # a Lex bot's turn (flow_handlers.LoopbackLexBot)
            call: Callable[[], Any] = lambda: handler(request["request"])  # noqa: E731
        else:
            event, sent = request["event"], request["context"]
            call = lambda: handler(event, _context(sent))  # noqa: E731
    except (ValueError, KeyError, TypeError) as err:
        return {"error": {"type": "BadCallback", "message": f"not a flow's call: {err}"}}
    try:
        answer = call()
    except Exception as err:  # the handler's failure is its answer, as Lambda reports it
        return {"error": {"type": type(err).__name__, "message": str(err)}}
    try:
        json.dumps(answer)
    except (TypeError, ValueError) as err:
        return {"error": {"type": type(err).__name__, "message": f"the answer is not JSON: {err}"}}
    return {"answer": answer}


class _Callbacks(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with _lock:
            handler = _handlers.get(self.path.strip("/"))
        if handler is None:
            status, reply = 404, {"error": {"type": "NotFound", "message": "no such handler"}}
        else:
            status, reply = 200, _reply(handler, body)
        data = json.dumps(reply).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is not the place for each callback."""


def _callback_server() -> ThreadingHTTPServer:
    global _server
    with _start_lock:
        if _server is None:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _Callbacks)
            server.daemon_threads = True
            thread = threading.Thread(
                target=server.serve_forever, name="flow handler callbacks", daemon=True
            )
            thread.start()
            _server = server
        return _server


def serve(endpoint_url: str, function_arn: str, handler: Handler) -> str:
    """The loopback URL at which ``handler`` answers the calls of ``function_arn`` from the
    server at ``endpoint_url``; the callback server is started on first use."""
    server = _callback_server()
    with _lock:
        token = _tokens.setdefault((endpoint_url, function_arn), uuid.uuid4().hex)
        _handlers[token] = handler
    return f"http://127.0.0.1:{server.server_port}/{token}"
