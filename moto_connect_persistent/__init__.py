"""moto-connect-persistent: Amazon Connect persistent chat for moto.

Importing the package arranges for its routes to be in moto's ``connect`` service (and the
Participant Service's host) as soon as moto loads them, so plain ``mock_aws`` and moto's
server serve them too (see :mod:`.registration`). The import itself is cheap: it loads no
moto, no botocore model and no Flask. The names below are imported on first use, and so is
``__version__`` (read from the installed package's metadata, so it is the version pip
installed and never a second copy of the one in ``pyproject.toml``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import contact_events, streaming, websocket
from .registration import install_import_hooks

if TYPE_CHECKING:
    from .controls import (
        advance_clock,
        clear_faults,
        inject_fault,
        register_lambda,
        register_lex_bot,
        require_stored_transcripts,
        set_settle_time,
    )
    from .exceptions import SeedingError
    from .flow_engine import FlowStep
    from .mock import mock_connect_persistent
    from .models import ConnectPersistentBackend, connect_persistent_backends
    from .seeding import ChatSession, chat_session, flow_log, seed_chat_session, seed_contact
    from .transcript_reader import read_transcript

    __version__: str

#: Public name (``__all__``) -> the module that defines it.
_EXPORTS = {
    "ChatSession": ".seeding",
    "advance_clock": ".controls",
    "ConnectPersistentBackend": ".models",
    "SeedingError": ".exceptions",
    "FlowStep": ".flow_engine",
    "flow_log": ".seeding",
    "chat_session": ".seeding",
    "clear_faults": ".controls",
    "inject_fault": ".controls",
    "register_lambda": ".controls",
    "set_settle_time": ".controls",
    "require_stored_transcripts": ".controls",
    "connect_persistent_backends": ".models",
    "mock_connect_persistent": ".mock",
    "read_transcript": ".transcript_reader",
    "register_lex_bot": ".controls",
    "seed_chat_session": ".seeding",
    "seed_contact": ".seeding",
}

__all__ = [
    "__version__",
    "ChatSession",
    "ConnectPersistentBackend",
    "SeedingError",
    "FlowStep",
    "advance_clock",
    "chat_session",
    "clear_faults",
    "inject_fault",
    "register_lambda",
    "set_settle_time",
    "require_stored_transcripts",
    "connect_persistent_backends",
    "flow_log",
    "mock_connect_persistent",
    "read_transcript",
    "register_lex_bot",
    "seed_chat_session",
    "seed_contact",
]


def __getattr__(name: str) -> Any:
    """PEP 562: a public name is imported (with moto) when first asked for."""
    if name == "__version__":
        from .version import package_version

        globals()[name] = value = package_version()
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | {"__version__"})


install_import_hooks()
# The ways out of every chat, in delivery order (chat/happenings.py): SNS, then websockets;
# item sinks (sinks.py) subscribe when the first is added.
streaming.install()
websocket.install()
contact_events.install()
