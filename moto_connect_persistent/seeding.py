"""Seeding API: build the chat history a test needs in one line.

Only Amazon Connect itself creates transfers and disconnect-flow segments, so tests need a
way to write them. Every verb here calls the same backend methods the wire operations use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from moto.core import DEFAULT_ACCOUNT_ID

from .exceptions import ConnectError, SeedingError
from .mock import mock_is_active
from .models import ConnectPersistentBackend, connect_persistent_backends


def default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def default_account() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


def backend_for(region_name: str | None, account_id: str | None) -> ConnectPersistentBackend:
    """The backend a seeding call writes to; refuses to write when no mock is active."""
    if not mock_is_active():
        raise SeedingError(
            "No moto mock is active: seed inside @mock_connect_persistent (or mock_aws), "
            "or pass endpoint_url= to seed a running server."
        )
    region = region_name or default_region()
    try:
        return connect_persistent_backends[account_id or default_account()][region]
    except KeyError:
        raise SeedingError(
            f"Region '{region}' has no Amazon Connect in moto; use a Connect region "
            "(e.g. us-east-1) or set MOTO_ALLOW_NONEXISTENT_REGION=true."
        ) from None


@contextmanager
def _as_seeding_error() -> Iterator[None]:
    try:
        yield
    except ConnectError as err:
        raise SeedingError(f"{err.error_type}: {err.message}") from None


class ChatSession:
    """A handle on one chat session of the mock: read its segments, add to it.

    The handle holds only ids; every read goes to the backend, so it never goes stale when
    the same session is also changed through boto3.
    """

    def __init__(
        self, backend: ConnectPersistentBackend, instance_id: str, contact_id: str
    ) -> None:
        self._backend = backend
        self.instance_id = instance_id
        self._contact_id = contact_id

    def __repr__(self) -> str:
        return f"ChatSession(instance_id={self.instance_id!r}, contact_ids={self.contact_ids!r})"

    @property
    def contact_ids(self) -> list[str]:
        """Every segment's contact id, oldest first."""
        with _as_seeding_error():
            return self._backend.session_contact_ids(self.instance_id, self._contact_id)

    @property
    def initial_contact_id(self) -> str:
        return self.contact_ids[0]

    @property
    def current_contact_id(self) -> str:
        """The latest segment: the running contact, until the session ends."""
        return self.contact_ids[-1]

    def _continue(
        self,
        initiation_method: str,
        contact_id: str | None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> ChatSession:
        with _as_seeding_error():
            self._backend.continue_session(
                self.instance_id,
                self._contact_id,
                initiation_method=initiation_method,
                new_contact_id=contact_id,
                agent_id=agent_id,
                queue_id=queue_id,
            )
        return self

    def transfer(
        self,
        *,
        contact_id: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> ChatSession:
        """End the running segment and add a TRANSFER segment (to another agent or queue)."""
        return self._continue("TRANSFER", contact_id, agent_id, queue_id)

    def disconnect_flow(self, *, contact_id: str | None = None) -> ChatSession:
        """End the running segment and add a DISCONNECT segment, e.g. a post-chat survey."""
        return self._continue("DISCONNECT", contact_id)

    def end(self) -> ChatSession:
        """End the latest segment: the session is over and can be rehydrated."""
        with _as_seeding_error():
            self._backend.stop_contact(self.instance_id, self.current_contact_id)
        return self


def seed_chat_session(
    instance_id: str,
    *,
    contact_id: str | None = None,
    region_name: str | None = None,
    account_id: str | None = None,
    agent_id: str | None = None,
) -> ChatSession:
    """Start a chat session: a running CHAT root contact (InitiationMethod API)."""
    backend = backend_for(region_name, account_id)
    with _as_seeding_error():
        root = backend.seed_chat_session(instance_id, contact_id=contact_id, agent_id=agent_id)
    return ChatSession(backend, instance_id, root.id)


def chat_session(
    instance_id: str,
    contact_id: str,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
) -> ChatSession:
    """A handle on the session of an existing contact, e.g. one made by start_chat_contact."""
    backend = backend_for(region_name, account_id)
    session = ChatSession(backend, instance_id, contact_id)
    session.contact_ids  # noqa: B018 - raises SeedingError now if the contact is unknown
    return session


def seed_contact(
    instance_id: str,
    *,
    channel: str = "VOICE",
    ended: bool = True,
    contact_id: str | None = None,
    region_name: str | None = None,
    account_id: str | None = None,
) -> str:
    """Seed one contact of any channel (VOICE, TASK, ...) to exercise the CHAT-only rules."""
    backend = backend_for(region_name, account_id)
    with _as_seeding_error():
        return backend.seed_contact(
            instance_id, channel=channel, ended=ended, contact_id=contact_id
        ).id
