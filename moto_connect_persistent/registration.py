"""Plugging the routes into moto's own ``connect`` service.

moto picks the first route of a service whose regex matches, and re-reads
``moto.connect.urls.url_paths`` on every in-process call, but server mode builds its Flask
app once, on the first request: so this runs on import of the package, before any request.
"""

from __future__ import annotations

import threading

import moto.connect.urls as connect_urls

from . import urls

_lock = threading.Lock()


def register_routes() -> None:
    """Put this plugin's routes first in moto's connect routes; calling it again is a no-op."""
    with _lock:
        table = connect_urls.url_paths
        ours = list(urls.url_paths.items())
        if list(table.items())[: len(ours)] == ours:
            return
        others = {k: v for k, v in table.items() if k not in urls.url_paths}
        # Same dict object, rebuilt in place: moto and anyone else holding it see the change.
        table.clear()
        table.update(urls.url_paths)
        table.update(others)
