"""Seeding over HTTP: ``POST /moto-api/connect-persistent/<method>`` on a running server.

One table-driven handler: ``<method>`` is a name in :data:`~.seeding.SEEDING_METHODS` (the
backend methods the in-process seeder calls), the JSON object body holds its keyword
arguments, and the answer is ``{"result": <return value>}``. So a seed made over HTTP is,
call for call, the seed made in-process, and no service rule lives here.

The routes go into moto's ``/moto-api`` table, a semi-private dict wrapped in
:func:`register_moto_api_routes` only. moto's server builds its ``/moto-api`` app on the first
such request and never re-reads the table, so this runs on package import.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import threading
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import unquote, urlparse

from moto.core.models import DEFAULT_ACCOUNT_ID

from .chat.scheduler import after_call
from .exceptions import ConnectError, SeedingError
from .models import ConnectPersistentBackend
from .seeding import ACCOUNT_HEADER, ENDPOINT_PATH, REGION_HEADER, SEEDING_METHODS, backend_for

#: Region of a request that names none (no header, no SigV4 credential scope), as moto does.
DEFAULT_REGION = "us-east-1"

#: The route, in moto's ``url_paths`` form (``{0}`` is the moto-api URL base).
URL_PATTERN = "{0}" + ENDPOINT_PATH + "(?P<method>[^/]*)$"

JSON_HEADERS = {"Content-Type": "application/json"}

Response = tuple[int, dict[str, str], str]

# "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/connect/aws4_request, ..."
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")

_lock = threading.Lock()


class HttpSeedingError(Exception):
    """A request this endpoint refuses: the status and code it answers with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def register_moto_api_routes() -> None:
    """Add the seeding route to moto's ``/moto-api`` routes; calling it again is a no-op."""
    import moto.moto_api._internal.urls as moto_api_urls

    with _lock:
        if moto_api_urls.url_paths.get(URL_PATTERN) is not handle_seeding_request:
            moto_api_urls.url_paths[URL_PATTERN] = handle_seeding_request


# ---------------------------------------------------------------------- the request


def request_body(request: Any) -> bytes:
    """The raw body, whatever object moto handed over.

    Server mode passes a Flask/werkzeug request (``get_data``; on moto 5.2.5 every mode
    does); in-process, older moto passes botocore's ``AWSPreparedRequest`` (``body``).
    """
    get_data = getattr(request, "get_data", None)
    body = get_data() if callable(get_data) else getattr(request, "body", None)
    if body is None:
        return b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


def _credential(headers: dict[str, str]) -> tuple[str, str] | None:
    """Access key id and region from a SigV4 ``Authorization`` header, if there is one."""
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    return (match.group(1), match.group(2)) if match else None


def request_account(headers: dict[str, str]) -> str:
    """The account moto's own responses would pick for this request, in moto's order."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if headers.get(ACCOUNT_HEADER):
        return headers[ACCOUNT_HEADER]
    credential = _credential(headers)
    if credential is not None:
        from moto.iam.models import get_account_id_from

        account: str = get_account_id_from(credential[0])
        return account
    return DEFAULT_ACCOUNT_ID


def request_region(headers: dict[str, str]) -> str:
    """``x-moto-region``, else the SigV4 credential scope's region, else us-east-1."""
    if headers.get(REGION_HEADER):
        return headers[REGION_HEADER]
    credential = _credential(headers)
    return credential[1] if credential is not None else DEFAULT_REGION


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        kwargs = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise HttpSeedingError(400, "InvalidJson", "The body is not valid JSON.") from None
    if not isinstance(kwargs, dict):
        raise HttpSeedingError(
            400, "InvalidJson", "The body must be a JSON object of keyword arguments."
        )
    return kwargs


# ---------------------------------------------------------------------- the arguments


def _is_instance(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a parameter's annotation; hints it cannot read pass."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_instance(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if hint in (int, float) and isinstance(value, bool):
        return False
    if hint is float:
        return isinstance(value, (int, float))
    if origin is list:
        return isinstance(value, list) and all(_is_instance(v, args[0]) for v in value if args)
    if origin is dict:
        return isinstance(value, dict) and all(
            _is_instance(k, args[0]) and _is_instance(v, args[1]) for k, v in value.items() if args
        )
    if hint is None or hint is type(None):
        return value is None
    try:
        return isinstance(value, hint) if isinstance(hint, type) else True
    except TypeError:  # e.g. a TypedDict: the backend checks the value itself
        return True


@cache
def _signature(method: str) -> tuple[inspect.Signature, dict[str, Any]]:
    function = getattr(ConnectPersistentBackend, method)
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError):  # annotations naming TYPE_CHECKING-only types
        hints = {}
    return inspect.signature(function), hints


def _check_arguments(method: str, kwargs: dict[str, Any]) -> None:
    """Refuse missing, unknown or ill-typed arguments before the backend sees them."""
    signature, hints = _signature(method)
    try:
        signature.bind(None, **kwargs)  # None stands for self
    except TypeError as err:
        raise HttpSeedingError(400, "InvalidArguments", f"{method}: {err}.") from None
    for name, value in kwargs.items():
        hint = hints.get(name, Any)
        if not _is_instance(value, hint):
            expected = getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
            raise HttpSeedingError(
                400,
                "InvalidArguments",
                f"{method}: argument '{name}' must be {expected}, got {json.dumps(value)}.",
            )


# ---------------------------------------------------------------------- the handler


def _answer(status: int, payload: dict[str, Any]) -> Response:
    return status, dict(JSON_HEADERS), json.dumps(payload)


def _error(status: int, code: str, message: str) -> Response:
    return _answer(status, {"error": {"code": code, "message": message}})


def _method_of(full_url: str) -> str:
    path = unquote(urlparse(full_url).path)
    method = path.split(ENDPOINT_PATH, 1)[-1].strip("/")
    if method not in SEEDING_METHODS:
        raise HttpSeedingError(
            400,
            "UnknownMethod",
            f"'{method}' is not a seeding method; use one of {', '.join(sorted(SEEDING_METHODS))}.",
        )
    return method


def _call(request: Any, full_url: str, headers: dict[str, str]) -> Any:
    if request.method != "POST":
        raise HttpSeedingError(405, "MethodNotAllowed", "Seeding endpoints take POST only.")
    method = _method_of(full_url)
    kwargs = _json_object(request_body(request))
    _check_arguments(method, kwargs)
    try:
        backend = backend_for(request_region(headers), request_account(headers))
    except SeedingError as err:
        raise HttpSeedingError(400, "InvalidRegion", str(err)) from None
    bound: Callable[..., Any] = getattr(backend, method)
    try:
        return bound(**kwargs)
    finally:
        after_call()  # outside every lock, as the wire does


def handle_seeding_request(request: Any, full_url: str, headers: Any) -> Response:
    """moto-api handler: JSON in, ``{"result": ...}`` or ``{"error": {code, message}}`` out."""
    lowered = {str(k).lower(): str(v) for k, v in dict(headers or {}).items()}
    try:
        result = _call(request, full_url, lowered)
    except HttpSeedingError as err:
        return _error(err.status, err.code, err.message)
    except ConnectError as err:
        # The backend's own refusal: the same status and code its wire operations send.
        return _error(err.code, err.error_type, err.message)
    return _answer(200, {"result": result})
