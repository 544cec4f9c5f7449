"""Seeding API: build the chat history a test needs in one line.

Only Amazon Connect itself creates transfers and disconnect-flow segments, so tests need a
way to write them. Every verb here calls the same backend methods the wire operations use.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

import requests
from moto.core.models import DEFAULT_ACCOUNT_ID

from .chat.scheduler import after_call
from .exceptions import ConnectError, SeedingError, UnknownRegion
from .flow_engine import FlowStep
from .mock import mock_is_active, test_server_endpoint
from .models import ConnectPersistentBackend, backend_of, connect_persistent_backends

#: Where a running server answers the seeding methods: ``POST <endpoint><ENDPOINT_PATH><method>``.
ENDPOINT_PATH = "/moto-api/connect-persistent/"
#: ContentType prefix of Connect's chat events.
EVENT_PREFIX = "application/vnd.amazonaws.connect.event."
#: Request headers choosing the backend over HTTP (moto's own header for the account).
ACCOUNT_HEADER = "x-moto-account-id"
REGION_HEADER = "x-moto-region"
#: Seeding calls are local to a test machine; a stuck server should fail the test, not hang it.
REMOTE_TIMEOUT_SECONDS = 30.0


def default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def default_account() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


#: The backend methods a seeder may call, in-process or over HTTP: the one list of what
#: seeding and the test controls can do. Each takes and returns JSON-able values only.
SEEDING_METHODS = frozenset(
    {
        "seed_chat_session",
        "seed_contact",
        "continue_session",
        "end_session",
        "session_contact_ids",
        "inject_fault",
        "clear_faults",
        "set_settle_time",
        "add_message",
        "add_event",
        "add_attachment",
        "set_transcript_storage_strict",
        "enqueue",
        "connect_agent",
        "disconnect_agent",
        "advance_clock",
        "flow_log",
        "register_lambda_callback",
        "register_lex_bot_callback",
    }
)


class Seeder(Protocol):
    """What the seeding verbs need: one call per backend method named in SEEDING_METHODS."""

    def call(self, method: str, **kwargs: Any) -> Any: ...


def backend_for(region_name: str, account_id: str) -> ConnectPersistentBackend:
    """The backend of one account and region, shared by in-process and HTTP seeding."""
    try:
        return backend_of(connect_persistent_backends, account_id, region_name)
    except UnknownRegion as err:
        raise SeedingError(err.message) from None


class LocalSeeder:
    """Calls the backend of this process; only while a moto mock is active."""

    def __init__(self, region_name: str | None, account_id: str | None) -> None:
        if not mock_is_active():
            raise SeedingError(
                "No moto mock is active: seed inside @mock_connect_persistent (or mock_aws), "
                "or pass endpoint_url= to seed a running server."
            )
        self.backend = backend_for(region_name or default_region(), account_id or default_account())

    def call(self, method: str, **kwargs: Any) -> Any:
        assert method in SEEDING_METHODS, method
        try:
            return getattr(self.backend, method)(**kwargs)
        except ConnectError as err:
            raise SeedingError(f"{err.error_type}: {err.message}") from None
        finally:
            after_call()  # outside every lock, as the wire does


class RemoteSeeder:
    """Calls the same backend methods in a running server, over its /moto-api endpoints.

    The region defaults as boto3's does on this side (``AWS_DEFAULT_REGION``, else us-east-1);
    without ``account_id`` the server picks the account exactly as for its boto3 callers.
    """

    def __init__(self, endpoint_url: str, region_name: str | None, account_id: str | None) -> None:
        self.url = endpoint_url.rstrip("/") + ENDPOINT_PATH
        self.headers = {REGION_HEADER: region_name or default_region()}
        if account_id:
            self.headers[ACCOUNT_HEADER] = account_id

    def call(self, method: str, **kwargs: Any) -> Any:
        assert method in SEEDING_METHODS, method
        url = self.url + method
        try:
            response = requests.post(
                url, json=kwargs, headers=self.headers, timeout=REMOTE_TIMEOUT_SECONDS
            )
        except requests.RequestException as err:
            raise SeedingError(f"Cannot reach the server at {url}: {err}") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise SeedingError(
                f"{url} answered HTTP {response.status_code} without a JSON object: is it a "
                f"moto server with moto-connect-persistent loaded? {response.text[:200]!r}"
            )
        if response.status_code != 200 or "result" not in payload:
            error = payload.get("error") or {}
            raise SeedingError(f"{error.get('code', response.status_code)}: {error.get('message')}")
        return payload["result"]


def seeder_for(
    region_name: str | None, account_id: str | None, endpoint_url: str | None = None
) -> Seeder:
    """The seeder for an in-process mock, or (with ``endpoint_url``) for a running server.

    Under moto's ``TEST_SERVER_MODE=true`` the mocks run in the server, not here: without an
    ``endpoint_url`` the seeds go to ``TEST_SERVER_MODE_ENDPOINT``, where boto3 clients go.
    """
    endpoint_url = endpoint_url or test_server_endpoint()
    if endpoint_url:
        return RemoteSeeder(endpoint_url, region_name, account_id)
    return LocalSeeder(region_name, account_id)


class ChatSession:
    """A handle on one chat session of the mock: read its segments, add to it.

    The handle holds only ids; every read goes to the backend, so it never goes stale when
    the same session is also changed through boto3.
    """

    def __init__(self, seeder: Seeder, instance_id: str, contact_id: str) -> None:
        self._seeder = seeder
        self.instance_id = instance_id
        self._contact_id = contact_id

    def __repr__(self) -> str:
        return f"ChatSession(instance_id={self.instance_id!r}, contact_ids={self.contact_ids!r})"

    @property
    def contact_ids(self) -> list[str]:
        """Every segment's contact id, oldest first."""
        ids: list[str] = self._seeder.call(
            "session_contact_ids", instance_id=self.instance_id, contact_id=self._contact_id
        )
        return ids

    @property
    def initial_contact_id(self) -> str:
        return self.contact_ids[0]

    @property
    def current_contact_id(self) -> str:
        """The latest segment: the running contact, until the session ends."""
        return self.contact_ids[-1]

    def _continue(self, initiation_method: str, **kwargs: Any) -> ChatSession:
        self._seeder.call(
            "continue_session",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            initiation_method=initiation_method,
            **kwargs,
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
        return self._continue(
            "TRANSFER", new_contact_id=contact_id, agent_id=agent_id, queue_id=queue_id
        )

    def disconnect_flow(self, *, contact_id: str | None = None) -> ChatSession:
        """End the running segment and add a DISCONNECT segment, e.g. a post-chat survey."""
        return self._continue("DISCONNECT", new_contact_id=contact_id)

    def enqueue(self, queue_id: str) -> ChatSession:
        """The running segment waits in ``queue_id``'s queue, as a flow's Transfer to queue
        puts it: DescribeContact shows ``QueueInfo`` (``Id``, ``EnqueueTimestamp``)."""
        self._seeder.call(
            "enqueue", instance_id=self.instance_id, contact_id=self._contact_id, queue_id=queue_id
        )
        return self

    def connect_agent(self, agent_id: str) -> str:
        """Agent ``agent_id`` accepts the running segment: ``AgentInfo`` (``Id``,
        ``ConnectedToAgentTimestamp``) and an ``AGENT`` participant joins
        (``participant.joined``). Returns the agent's ParticipantToken: play the agent
        through ``connectparticipant`` with it, as the agent's contact control panel does."""
        token: str = self._seeder.call(
            "connect_agent",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            agent_id=agent_id,
        )
        return token

    def disconnect_agent(
        self, *, disconnect_flow: bool | None = None, contact_id: str | None = None
    ) -> ChatSession:
        """The running segment's agent leaves (``participant.left``); then the chat ends
        (DisconnectReason ``AGENT_DISCONNECT``) or goes on in a DISCONNECT segment
        (``contact_id`` names it), as ``disconnect_flow()`` adds one: with
        ``disconnect_flow=True``, or, left None, when the chat's flow set a disconnect flow
        (which that segment then runs); ``False`` ends the chat either way."""
        self._seeder.call(
            "disconnect_agent",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            disconnect_flow=disconnect_flow,
            new_contact_id=contact_id,
        )
        return self

    def end(self) -> ChatSession:
        """End the latest segment: the session is over and can be rehydrated."""
        self._seeder.call("end_session", instance_id=self.instance_id, contact_id=self._contact_id)
        return self

    def message(
        self,
        role: str,
        content: str,
        *,
        content_type: str = "text/plain",
        display_name: str | None = None,
    ) -> ChatSession:
        """Put a message from ``role`` (CUSTOMER, AGENT, SYSTEM, CUSTOM_BOT, SUPERVISOR) into
        the running segment, so transcripts read through connectparticipant have content."""
        self._seeder.call(
            "add_message",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            role=role,
            content=content,
            content_type=content_type,
            display_name=display_name,
        )
        return self

    def _event(self, role: str, event: str, message_id: str | None = None) -> ChatSession:
        self._seeder.call(
            "add_event",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            role=role,
            content_type=EVENT_PREFIX + event,
            message_id=message_id,
        )
        return self

    def typing(self, role: str = "AGENT") -> ChatSession:
        """``role``'s participant is typing: pushed to the chat's websockets, never kept."""
        return self._event(role, "typing")

    def delivered(self, message_id: str, role: str = "AGENT") -> ChatSession:
        """``role``'s participant got message ``message_id``: a delivered receipt, pushed and
        kept in that message's ``MessageMetadata``, as SendEvent does."""
        return self._event(role, "message.delivered", message_id)

    def read(self, message_id: str, role: str = "AGENT") -> ChatSession:
        """``role``'s participant read message ``message_id``: a read receipt (see delivered)."""
        return self._event(role, "message.read", message_id)

    def attachment(
        self,
        role: str,
        name: str,
        content: str,
        *,
        content_type: str = "text/plain",
        display_name: str | None = None,
    ) -> ChatSession:
        """Share a file from ``role`` (an agent, say) in the running segment: its text
        ``content`` is written to the instance's ATTACHMENTS bucket and an APPROVED
        ``ATTACHMENT`` item to the transcript, as a completed upload would."""
        self._seeder.call(
            "add_attachment",
            instance_id=self.instance_id,
            contact_id=self._contact_id,
            role=role,
            name=name,
            content=content,
            content_type=content_type,
            display_name=display_name,
        )
        return self


def seed_chat_session(
    instance_id: str,
    *,
    contact_id: str | None = None,
    region_name: str | None = None,
    account_id: str | None = None,
    agent_id: str | None = None,
    endpoint_url: str | None = None,
) -> ChatSession:
    """Start a chat session: a running CHAT root contact (InitiationMethod API)."""
    seeder = seeder_for(region_name, account_id, endpoint_url)
    root_id: str = seeder.call(
        "seed_chat_session", instance_id=instance_id, contact_id=contact_id, agent_id=agent_id
    )
    return ChatSession(seeder, instance_id, root_id)


def chat_session(
    instance_id: str,
    contact_id: str,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> ChatSession:
    """A handle on the session of an existing contact, e.g. one made by start_chat_contact."""
    seeder = seeder_for(region_name, account_id, endpoint_url)
    session = ChatSession(seeder, instance_id, contact_id)
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
    endpoint_url: str | None = None,
) -> str:
    """Seed one contact of any channel (VOICE, TASK, ...) to exercise the CHAT-only rules."""
    contact: str = seeder_for(region_name, account_id, endpoint_url).call(
        "seed_contact",
        instance_id=instance_id,
        channel=channel,
        ended=ended,
        contact_id=contact_id,
    )
    return contact


def flow_log(
    contact_id: str,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> list[FlowStep]:
    """What the flows of contact ``contact_id`` ran, oldest first: one :class:`FlowStep` per
    block (which flow, which block and type, what it did, which branch, where it went).

    Every block the engine ran is here, whatever the flow logging: the CloudWatch flow logs
    (docs/contact-flows.md) hold only what Connect would write. ``SeedingError`` if no
    instance of the account and region has the contact.
    """
    steps = seeder_for(region_name, account_id, endpoint_url).call(
        "flow_log", contact_id=contact_id
    )
    return [FlowStep(**step) for step in steps]
