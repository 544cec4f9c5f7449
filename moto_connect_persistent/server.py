"""``moto-connect-persistent-server``: moto's own server, with this plugin loaded first.

moto's server builds each service's app on that service's first request and reads routes only
then, so the plugin's routes (Connect operations and the ``/moto-api`` seeding endpoints) must
be in place before it serves anything: importing this package registers them, then moto runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .moto_api import register_moto_api_routes
from .registration import register_routes


def main(argv: Sequence[str] | None = None) -> None:
    """Run moto's server with moto_server's options (-H/--host 127.0.0.1, -p/--port 5000, ...)."""
    register_routes()
    register_moto_api_routes()
    try:
        from moto.server import main as moto_server_main
    except ImportError as err:
        raise SystemExit(
            f"moto's server needs its extras ({err}): pip install 'moto-connect-persistent[server]'"
        ) from None
    args = list(sys.argv[1:] if argv is None else argv)
    # moto reads sys.argv itself when handed an empty list: give it an explicit default.
    moto_server_main(args or ["--host", "127.0.0.1"])
