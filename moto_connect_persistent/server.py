"""``moto-connect-persistent-server``: moto's own server, with this plugin loaded first.

moto's server builds each service's app on that service's first request, from route tables
it imports then. Importing this package installed the hooks that put the plugin's routes
(Connect and Participant Service operations, the ``/moto-api`` seeding endpoints) into each
table as moto imports it (:mod:`.registration`), so every route is in place before the first
request of its service, and an idle server has loaded nothing of ours it does not need.

The command line is one parser: this plugin's options and moto_server's, so ``--help`` shows
them all and a typo is refused before anything starts. moto's options are handed back to
``moto.server.main`` as written; ``tests/test_cli.py`` checks the list below against
moto's own ``--help``, so a moto release that adds an option fails the suite, not a user.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from . import cors
from .registration import install_import_hooks
from .version import DISTRIBUTION, package_version

#: ``prog`` of the console script (``python -m moto_connect_persistent`` passes its own).
SCRIPT = "moto-connect-persistent-server"

DESCRIPTION = (
    "Run moto's server with moto-connect-persistent loaded: Amazon Connect persistent chat "
    "(the connect operations of the chat contact lifecycle), the Participant Service "
    "(connectparticipant), the chat websocket and the seeding endpoints under "
    "/moto-api/connect-persistent/, beside every other service moto emulates. Point any SDK, "
    "the AWS CLI or amazon-connect-chatjs at the address it prints, with any credentials."
)
EPILOG = (
    "Python test suites can run against it unchanged with moto's server mode: "
    "TEST_SERVER_MODE=true TEST_SERVER_MODE_ENDPOINT=http://127.0.0.1:5000 pytest"
)

#: moto_server's options, as (flags, argparse keywords): the parsed values go back to moto in
#: this form. ``-p``'s default is moto's (``MOTO_PORT``, else 5000) and is read on each run.
MOTO_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("-H", "--host"),
        {"default": "127.0.0.1", "help": "address to listen on (default %(default)s)"},
    ),
    (("-p", "--port"), {"type": int, "help": "port to listen on (default $MOTO_PORT, else 5000)"}),
    (("-r", "--reload"), {"action": "store_true", "help": "restart when a source file changes"}),
    (
        ("-s", "--ssl"),
        {"action": "store_true", "help": "serve https with a self-signed certificate"},
    ),
    (("-c", "--ssl-cert"), {"metavar": "PATH", "help": "serve https with this certificate"}),
    (("-k", "--ssl-key"), {"metavar": "PATH", "help": "the private key of --ssl-cert"}),
)

#: What to run when moto's server extras (Flask) are missing: the package is not on PyPI, so
#: name moto's own extra, which is, with the range pyproject.toml's ``server`` extra pins.
SERVER_EXTRA_HINT = (
    'pip install "moto[server]>=5.1.21,<6" (or, in a clone of this repository, '
    "pip install -e '.[server]')"
)


def default_port() -> int:
    """moto_server's default port: ``MOTO_PORT``, else 5000."""
    return int(os.environ.get("MOTO_PORT") or 5000)


def build_parser(prog: str = SCRIPT) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument(
        "--version", action="version", version=f"{DISTRIBUTION} {package_version()}"
    )
    ours = parser.add_argument_group("moto-connect-persistent options")
    ours.add_argument(
        "--cors-origins",
        metavar="URL[,URL...]",
        help="page origins a browser may call the Participant Service from (default: any; "
        f"also ${cors.ORIGINS_VARIABLE})",
    )
    moto = parser.add_argument_group("moto server options")
    for flags, keywords in MOTO_OPTIONS:
        moto.add_argument(*flags, **keywords)
    return parser


def moto_arguments(options: argparse.Namespace) -> list[str]:
    """The parsed moto options as ``moto.server.main`` reads them, in MOTO_OPTIONS's order."""
    arguments: list[str] = []
    for flags, keywords in MOTO_OPTIONS:
        value = getattr(options, flags[-1].lstrip("-").replace("-", "_"))
        if keywords.get("action") == "store_true":
            arguments += [flags[-1]] if value else []
        elif value is not None:
            arguments += [flags[-1], str(value)]
    return arguments


def serving_address(options: argparse.Namespace) -> str:
    """The URL clients use; with port 0 the OS picks the port and Werkzeug's banner names it."""
    scheme = "https" if options.ssl or options.ssl_cert else "http"
    host = f"[{options.host}]" if ":" in options.host else options.host
    if options.port == 0:
        return f"{scheme}://{host} on a port the system picks"
    return f"{scheme}://{host}:{options.port}"


def main(argv: Sequence[str] | None = None, *, prog: str = SCRIPT) -> None:
    """Parse the command line, say what is served where (one line, stderr), run moto's server."""
    options = build_parser(prog).parse_args(list(sys.argv[1:] if argv is None else argv))
    if options.port is None:
        options.port = default_port()
    if options.cors_origins is not None:
        cors.set_allowed_origins(options.cors_origins.split(","))
    install_import_hooks()
    try:
        from moto import __version__ as moto_version
        from moto.server import main as moto_server_main
    except ImportError as err:
        raise SystemExit(f"moto's server needs its extras ({err}): {SERVER_EXTRA_HINT}") from None
    # With --reload, Werkzeug runs this command again in a child process: say it once.
    if os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        print(
            f"{DISTRIBUTION} {package_version()} (moto {moto_version}) serving "
            f"{serving_address(options)}",
            file=sys.stderr,
            flush=True,
        )
    moto_server_main(moto_arguments(options))
