"""Plugging the routes into moto: each table is changed the moment moto imports it.

moto keeps its routes in module-level tables (``moto.connect.urls.url_paths``,
``moto.iot.urls``, ``moto.backend_index.backend_url_patterns``, the ``/moto-api`` routes) and
imports each lazily, on a service's first request; its server builds a service's app from
those tables once, on that service's first request. So the plugin registers a post-import
hook per table (:mod:`.post_import`, the mechanism instrumentation libraries use):
importing this package (or loading its pytest plugin) imports no moto module and costs next
to nothing, and whenever moto loads a table, in-process or in its server, our routes are in
it before any request is routed with it. A table already imported is changed at once.

:func:`register_routes` does the same now, importing the tables, for callers that want it
done eagerly. Every hook is idempotent.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .post_import import when_imported

_lock = threading.Lock()
_hooks_installed = False

#: The moto service that carries the Participant Service routes. moto's server picks a
#: service from the SigV4 credential scope and maps ``execute-api`` (the Participant
#: Service's signing name) to ``iot``, so a boto3 ``connectparticipant`` client with an
#: ``endpoint_url`` lands in iot's app; in-process the host is mapped to the same service.
PARTICIPANT_HOST_SERVICE = "iot"


def _put_first(table: dict[str, Any], ours: dict[str, Callable[..., Any]]) -> None:
    """Our routes first in a moto ``url_paths`` dict, rebuilt in place (others hold it too)."""
    if list(table.items())[: len(ours)] == list(ours.items()):
        return
    others = {k: v for k, v in table.items() if k not in ours}
    table.clear()
    table.update(ours)
    table.update(others)


def _into_backend_index(backend_index: ModuleType) -> None:
    """In-process, moto's stubber picks a service by matching the URL against
    ``backend_url_patterns``; the server does too for a request's host."""
    from .participant import urls as participant_urls

    with _lock:
        patterns = backend_index.backend_url_patterns
        for base in participant_urls.url_bases:
            if not any(p.pattern == base for _, p in patterns):
                patterns.insert(0, (PARTICIPANT_HOST_SERVICE, re.compile(base)))


def _into_participant_host(host_urls: ModuleType) -> None:
    """The host service's ``url_bases`` x ``url_paths`` route participant calls to us."""
    from .participant import urls as participant_urls

    with _lock:
        for base in participant_urls.url_bases:
            if base not in host_urls.url_bases:
                host_urls.url_bases.append(base)
        _put_first(host_urls.url_paths, participant_urls.url_paths)


def _into_connect(connect_urls: ModuleType) -> None:
    """Our Connect routes first in moto's connect routes (moto takes the first match)."""
    from . import urls

    with _lock:
        _put_first(connect_urls.url_paths, urls.url_paths)


def _into_moto_api(_: ModuleType) -> None:
    """The seeding endpoints in moto's ``/moto-api`` routes."""
    from .moto_api import register_moto_api_routes

    register_moto_api_routes()


#: What moto's server reads to choose the app of a request: the scope of a SigV4 signature.
_PARTICIPANT_SCOPE = (
    "AWS4-HMAC-SHA256 Credential=unsigned/20000101/us-east-1/execute-api/aws4_request"
)
PARTICIPANT_PATH = "/participant/"


def _into_server_dispatch(werkzeug_app: ModuleType) -> None:
    """Send unsigned ``/participant/...`` requests to the app serving the Participant Service.

    moto's server picks an app from a request's SigV4 scope and sends unsigned requests to
    S3, but the Participant Service takes no signature and a browser's CORS preflight
    (``OPTIONS``) never carries one: every preflight of a chat widget was answered by S3 with
    a 403. Only the choice of app changes; the request itself is untouched.
    """
    dispatcher = werkzeug_app.DomainDispatcherApplication
    with _lock:
        if getattr(dispatcher.get_application, "_routes_participant", False):
            return
        original = dispatcher.get_application

        def get_application(self: Any, environ: dict[str, Any]) -> Any:
            if environ.get("PATH_INFO", "").startswith(PARTICIPANT_PATH) and not environ.get(
                "HTTP_AUTHORIZATION"
            ):
                environ = {**environ, "HTTP_AUTHORIZATION": _PARTICIPANT_SCOPE}
            return original(self, environ)

        get_application._routes_participant = True  # type: ignore[attr-defined]
        dispatcher.get_application = get_application


def _stop_websockets_with(threaded_server: ModuleType) -> None:
    """moto's ``ThreadedMotoServer.stop()`` stops the chat websockets it served, and the
    scheduler's thread, too."""
    from .chat.scheduler import SCHEDULER
    from .websocket import HUB

    server_class = threaded_server.ThreadedMotoServer
    with _lock:
        if getattr(server_class.stop, "_stops_websockets", False):
            return
        original = server_class.stop

        def stop(self: Any) -> None:
            original(self)
            HUB.stop_all()
            SCHEDULER.stop()

        stop._stops_websockets = True  # type: ignore[attr-defined]
        server_class.stop = stop


#: moto's server modules -> what to change in them when they are imported. Never imported by
#: the plugin itself (they load Flask): only hooked, unlike :data:`HOOKS`.
SERVER_HOOKS: dict[str, Callable[[ModuleType], None]] = {
    "moto.moto_server.werkzeug_app": _into_server_dispatch,
    "moto.moto_server.threaded_moto_server": _stop_websockets_with,
}

#: moto module -> what to add to it as soon as it is imported.
HOOKS: dict[str, Callable[[ModuleType], None]] = {
    "moto.backend_index": _into_backend_index,
    f"moto.{PARTICIPANT_HOST_SERVICE}.urls": _into_participant_host,
    "moto.connect.urls": _into_connect,
    "moto.moto_api._internal.urls": _into_moto_api,
}


def install_import_hooks() -> None:
    """Run each hook when moto imports its module (at once if it is imported already).

    Called on import of the package; imports no moto module itself. Idempotent.
    """
    global _hooks_installed
    with _lock:
        if _hooks_installed:
            return
        _hooks_installed = True
    for name, hook in {**HOOKS, **SERVER_HOOKS}.items():
        when_imported(name, hook)


def register_participant_routes() -> None:
    """Route ``participant.connect.<region>.amazonaws.com`` and server-mode participant calls
    now. Idempotent."""
    for name in ("moto.backend_index", f"moto.{PARTICIPANT_HOST_SERVICE}.urls"):
        HOOKS[name](importlib.import_module(name))


def register_routes() -> None:
    """Every route of the plugin in moto's tables now, importing them. Idempotent."""
    for name, hook in HOOKS.items():
        hook(importlib.import_module(name))
