"""CORS for the Participant Service: web pages call it, so browsers must be let through.

A chat widget (amazon-connect-chatjs in a page) calls the Participant Service from the page's
origin; the browser first sends a preflight ``OPTIONS`` request, then the call, and reads the
answer only when it carries the CORS headers. Connect's own API is not called from pages and
gets none. Any origin is allowed by default; ``moto-connect-persistent-server
--cors-origins URL[,URL...]`` (or the ``MOTO_CONNECT_PERSISTENT_CORS_ORIGINS`` environment
variable, read on each request) limits them.
"""

from __future__ import annotations

import os
import threading

#: The environment variable holding the allowed origins, comma separated ("*": any).
ORIGINS_VARIABLE = "MOTO_CONNECT_PERSISTENT_CORS_ORIGINS"
ANY_ORIGIN = "*"
#: The methods the Participant Service's routes use.
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
#: Response headers a page's SDK reads: the error type and the request id.
EXPOSED_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
#: Seconds a browser may reuse a preflight answer.
MAX_AGE = "600"

_origins: tuple[str, ...] | None = None
_lock = threading.Lock()


def set_allowed_origins(origins: list[str] | None) -> None:
    """Allow only these origins (``None``: back to the environment variable, else any)."""
    global _origins
    with _lock:
        _origins = None if origins is None else tuple(o.strip().rstrip("/") for o in origins)


def allowed_origins() -> tuple[str, ...]:
    with _lock:
        if _origins is not None:
            return _origins
    configured = os.environ.get(ORIGINS_VARIABLE, ANY_ORIGIN)
    return tuple(o.strip().rstrip("/") for o in configured.split(",") if o.strip())


def origin_allowed(origin: str | None) -> bool:
    """A request without an Origin (not from a page) is never a CORS matter."""
    if origin is None:
        return True
    allowed = allowed_origins()
    return ANY_ORIGIN in allowed or origin.rstrip("/") in allowed


def response_headers(origin: str | None) -> dict[str, str]:
    """The CORS headers of an answer to a page at ``origin`` (none for a refused origin)."""
    if origin is None or not origin_allowed(origin):
        return {}
    if ANY_ORIGIN in allowed_origins():
        return {
            "Access-Control-Allow-Origin": ANY_ORIGIN,
            "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        }
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        "Vary": "Origin",
    }


def preflight(origin: str | None, requested_headers: str | None) -> tuple[int, dict[str, str], str]:
    """The answer to a browser's ``OPTIONS`` preflight: 200 with what may be sent, or 403."""
    if origin is None or not origin_allowed(origin):
        return 403, {"Content-Type": "text/plain"}, f"Origin {origin} is not allowed.\n"
    headers = response_headers(origin)
    headers.update(
        {
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": requested_headers or "*",
            "Access-Control-Max-Age": MAX_AGE,
            "Content-Length": "0",
        }
    )
    return 200, headers, ""
