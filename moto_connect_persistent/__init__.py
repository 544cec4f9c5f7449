"""moto-connect-persistent: Amazon Connect persistent chat for moto.

Importing the package registers its routes in moto's ``connect`` service, so plain
``mock_aws`` and moto's server serve them too.
"""

from .controls import clear_faults, inject_fault, set_settle_time
from .exceptions import SeedingError
from .mock import mock_connect_persistent
from .models import ConnectPersistentBackend, connect_persistent_backends
from .moto_api import register_moto_api_routes
from .registration import register_routes
from .seeding import ChatSession, chat_session, seed_chat_session, seed_contact
from .sinks import add_sink
from .streaming import SNS_STREAMING
from .websocket import install as install_websockets

register_routes()
register_moto_api_routes()
add_sink(SNS_STREAMING)
install_websockets()

__all__ = [
    "ChatSession",
    "ConnectPersistentBackend",
    "SeedingError",
    "chat_session",
    "clear_faults",
    "inject_fault",
    "set_settle_time",
    "connect_persistent_backends",
    "mock_connect_persistent",
    "seed_chat_session",
    "seed_contact",
]
