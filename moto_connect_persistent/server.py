"""``moto-connect-persistent-server``: moto's own server, with this plugin loaded first.

moto's server builds each service's app on that service's first request, from route tables
it imports then. Importing this package installed the hooks that put the plugin's routes
(Connect and Participant Service operations, the ``/moto-api`` seeding endpoints) into each
table as moto imports it (:mod:`.registration`), so every route is in place before the first
request of its service, and an idle server has loaded nothing of ours it does not need.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import cors
from .registration import install_import_hooks

#: What to run when moto's server extras (Flask) are missing: the package is not on PyPI, so
#: name moto's own extra, which is, with the range pyproject.toml's ``server`` extra pins.
SERVER_EXTRA_HINT = (
    'pip install "moto[server]>=5.1.21,<6" (or, in a clone of this repository, '
    "pip install -e '.[server]')"
)


def main(argv: Sequence[str] | None = None) -> None:
    """Run moto's server with moto_server's options (-H/--host 127.0.0.1, -p/--port 5000, ...)
    and this plugin's own: ``--cors-origins URL[,URL...]``, the page origins allowed to call
    the Participant Service (any by default)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--cors-origins", default=None)
    ours, rest = options.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if ours.cors_origins is not None:
        cors.set_allowed_origins(ours.cors_origins.split(","))
    install_import_hooks()
    try:
        from moto.server import main as moto_server_main
    except ImportError as err:
        raise SystemExit(f"moto's server needs its extras ({err}): {SERVER_EXTRA_HINT}") from None
    args = rest
    # moto reads sys.argv itself when handed an empty list: give it an explicit default.
    moto_server_main(args or ["--host", "127.0.0.1"])
