"""Plugging the routes into moto's own ``connect`` service.

moto picks the first route of a service whose regex matches, and re-reads
``moto.connect.urls.url_paths`` on every in-process call, but server mode builds its Flask
app once, on the first request: so this runs on import of the package, before any request.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import moto.backend_index as backend_index
import moto.connect.urls as connect_urls
import moto.iot.urls as iot_urls

from . import urls
from .participant import urls as participant_urls

_lock = threading.Lock()

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


def register_participant_routes() -> None:
    """Route ``participant.connect.<region>.amazonaws.com`` and server-mode participant calls.

    In-process, moto's stubber picks a service by matching the URL against
    ``backend_index.backend_url_patterns``, then that service's ``url_bases`` x ``url_paths``;
    the server picks iot's app (see PARTICIPANT_HOST_SERVICE) and matches paths only.
    Idempotent.
    """
    with _lock:
        patterns = backend_index.backend_url_patterns
        for base in participant_urls.url_bases:
            if not any(p.pattern == base for _, p in patterns):
                patterns.insert(0, (PARTICIPANT_HOST_SERVICE, re.compile(base)))
            if base not in iot_urls.url_bases:
                iot_urls.url_bases.append(base)
        _put_first(iot_urls.url_paths, participant_urls.url_paths)


def register_routes() -> None:
    """Put this plugin's routes first in moto's connect routes; calling it again is a no-op."""
    register_participant_routes()
    with _lock:
        _put_first(connect_urls.url_paths, urls.url_paths)
