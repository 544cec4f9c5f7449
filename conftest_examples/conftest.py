"""Recommended fixtures for testing Amazon Connect persistent chat code. Copy into your repo.

The moto-connect-persistent pytest plugin is loaded as soon as the package is installed and
already gives ``connect_persistent_mock``, ``connect_client``, ``connect_instance_id``,
``seed_chat``, ``connect_region``, ``connect_account_id`` and ``connect_server_url``. This file
adds the two things most persistent-chat tests need on top: an ended past session and a
running chat to continue it in.

The examples need the package's ``test`` extra (pytest) and, for server mode, its ``server``
extra (moto's Flask server): ``pip install -e ".[test,server]"`` in a clone of the repository.
"""

from __future__ import annotations

from typing import Any

import pytest

from moto_connect_persistent import ChatSession
from moto_connect_persistent.pytest_plugin import SeedChat


@pytest.fixture
def past_session(seed_chat: SeedChat) -> ChatSession:
    """An ended chat session C1 -> C2 (transfer to an agent) -> C3 (post-chat survey flow)."""
    return (
        seed_chat("C1", agent_id="agent-1")
        .transfer(contact_id="C2", agent_id="agent-2")
        .disconnect_flow(contact_id="C3")
        .end()
    )


@pytest.fixture
def new_chat(connect_client: Any, connect_instance_id: str) -> str:
    """A running chat started the way your code starts one: StartChatContact."""
    contact_id: str = connect_client.start_chat_contact(
        InstanceId=connect_instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
    )["ContactId"]
    return contact_id
