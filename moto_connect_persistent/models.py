"""State and rules of Amazon Connect persistent chat, one backend per account and region.

Every door into the mock (boto3 over the wire, the seeding API, the server's helper
endpoints) calls the methods of :class:`ConnectPersistentBackend`; the rules the documentation
states (docs/persistent-chat.md "Rules and errors", docs/fidelity.md) live here and nowhere else.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from moto.connect.models import connect_backends
from moto.core.base_backend import BackendDict, BaseBackend
from moto.moto_api._internal import mock_random

from . import sinks
from .chat.clock import utcnow
from .chat.session import ChatSession, Contact, Rehydration, Stream
from .exceptions import (
    ConnectError,
    InvalidParameterException,
    InvalidRequestException,
    LimitExceededException,
    ModeledError,
    ResourceNotFoundException,
)
from .instance_storage import InstanceStorageBackend, StorageState
from .operations import OPERATIONS
from .participant.attachments import Attachment, AttachmentBackend
from .participant.exceptions import ValidationException
from .participant.models import ParticipantBackend, TranscriptState, _check_message
from .stored_transcripts import StoredTranscript, TranscriptStorageBackend
from .validation import COMMON_ERRORS, answerable_errors, modeled_errors, page_start

ENTIRE_PAST_SESSION = "ENTIRE_PAST_SESSION"
FROM_SEGMENT = "FROM_SEGMENT"
REHYDRATION_TYPES = (ENTIRE_PAST_SESSION, FROM_SEGMENT)

#: InitiationMethod of a segment that continues a session, by the seeding verb that adds it.
SEGMENT_METHODS = ("TRANSFER", "QUEUE_TRANSFER", "DISCONNECT")

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")

#: DisconnectReason of a chat that ended because its duration ran out [chosen].
EXPIRED = "EXPIRED"

#: "Attribute keys can include only alphanumeric, dash, and underscore characters" [doc].
ATTRIBUTE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
#: "up to 32,768 UTF-8 bytes across all attributes for a contact" [doc].
MAX_ATTRIBUTE_BYTES = 32768

#: SupportedMessagingContentTypes: the documented types; text/plain must be among them [doc].
TEXT_PLAIN = "text/plain"
INTERACTIVE = "application/vnd.amazonaws.connect.message.interactive"
INTERACTIVE_RESPONSE = INTERACTIVE + ".response"
MESSAGING_CONTENT_TYPES = (
    TEXT_PLAIN,
    "text/markdown",
    "application/json",
    INTERACTIVE,
    INTERACTIVE_RESPONSE,
)

#: Segment attribute keys Connect defines itself; only they may carry ValueList / ValueArn [doc].
SYSTEM_ATTRIBUTE_PREFIX = "connect:"
SEGMENT_VALUE_MEMBERS = ("ValueString", "ValueMap", "ValueInteger", "ValueList", "ValueArn")
SYSTEM_ONLY_VALUE_MEMBERS = ("ValueList", "ValueArn")
#: Segment attributes that need content types declared: (key, ValueString) -> types [doc].
SEGMENT_ATTRIBUTE_NEEDS = {
    ("connect:Subtype", "connect:Guide"): (INTERACTIVE, INTERACTIVE_RESPONSE),
}

#: "You can subscribe to up to two SNS topics per contact" [doc: chat-message-streaming].
MAX_STREAMS_PER_CHAT = 2

#: An SNS topic ARN. Topic names are letters, digits, ``-`` and ``_``; a FIFO topic's name ends
#: in ``.fifo`` (SNS's own naming rule), so the ARN alone tells a FIFO topic.
SNS_TOPIC_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):sns:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":(?P<name>[A-Za-z0-9_-]{1,256}(?P<fifo>\.fifo)?)"
)


@cache
def answered_operations() -> dict[str, str]:
    """Operation -> botocore service, for every operation this mock answers on the wire.

    A fault can only be armed for these, since no other operation ever consults the fault list.
    """
    return {name: service for service, table in OPERATIONS.items() for name in table}


#: Settle time of every backend without its own (``set_settle_time``), while a
#: ``mock_connect_persistent(settle_seconds=N)`` is started; innermost mock last.
_settle_defaults: list[float] = []
_settle_lock = threading.Lock()


def check_settle_seconds(seconds: float) -> float:
    """A settle time is a number of seconds, 0 (off) or more."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise InvalidParameterException(
            f"settle time must be a number of seconds >= 0, got {seconds!r}."
        )
    return float(seconds)


def push_settle_default(seconds: float) -> None:
    """A mock with its own settle time starts."""
    with _settle_lock:
        _settle_defaults.append(check_settle_seconds(seconds))


def pop_settle_default() -> None:
    """That mock stops: the enclosing mock's setting (or none) applies again."""
    with _settle_lock:
        if _settle_defaults:
            _settle_defaults.pop()


@dataclass
class Fault:
    """A test-only failure: the next ``remaining`` calls of ``operation`` answer ``error_code``."""

    operation: str
    error_code: str
    status: int
    message: str
    remaining: int
    instance_id: str | None = None

    def matches(self, operation: str, instance_id: str | None) -> bool:
        return self.operation == operation and (
            self.instance_id is None or self.instance_id == instance_id
        )


@dataclass
class IdempotentCall:
    fingerprint: tuple[Any, ...]
    response: dict[str, Any]


class ConnectPersistentBackend(
    ParticipantBackend,
    AttachmentBackend,
    TranscriptStorageBackend,
    InstanceStorageBackend,
    BaseBackend,
):
    """Contacts, chat sessions and persistent-chat links of one account and region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        #: contacts by (instance id, contact id): ids are unique per instance only.
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.idempotent_calls: dict[tuple[str, str], IdempotentCall] = {}
        self.faults: list[Fault] = []
        #: docs/persistent-chat.md, rule 8, set for this account and region; None follows the
        #: mock's setting.
        self.settle_seconds: float | None = None
        # Server mode serves requests on many threads; every multi-step change holds this.
        self.lock = threading.RLock()
        #: Participant Service state: transcript items, participant and connection tokens.
        self.transcripts = TranscriptState()
        #: Instance storage configs: where chat transcripts and attachments go.
        self.storage = StorageState()
        #: Chat attachments by AttachmentId.
        self.attachments: dict[str, Attachment] = {}
        #: Transcript files of ended CHAT contacts, by (instance id, contact id).
        self.stored_transcripts: dict[tuple[str, str], StoredTranscript] = {}
        #: Strict persistent chat: the visible past shows only stored transcripts.
        self.require_stored_transcripts = False

    def reset(self) -> None:
        """moto's reset: the sinks drop what they hold for this backend (sockets), then the
        state goes."""
        sinks.backend_reset(self)
        super().reset()

    # ------------------------------------------------------------------ lookups

    def _instance_exists(self, instance_id: str) -> bool:
        instances = connect_backends[self.account_id][self.region_name].instances
        return instance_id in instances

    def _check_instance(self, instance_id: str) -> None:
        if not self._instance_exists(instance_id):
            # Where it looked, so a client or seeder in another region or account sees why.
            raise ResourceNotFoundException(
                f"Instance not found: InstanceId '{instance_id}' in account "
                f"{self.account_id}, region {self.region_name}."
            )

    def get_contact(self, instance_id: str, contact_id: str, field_name: str) -> Contact:
        """The contact, its chat brought up to date first: every read path comes here."""
        contact = self.contacts.get((instance_id, contact_id))
        if contact is None:
            raise ResourceNotFoundException(
                f"Contact not found: {field_name} '{contact_id}' in instance '{instance_id}'."
            )
        self._expire(contact.session)
        return contact

    def session_ended(self, session: ChatSession) -> bool:
        """Whether a chat session is over: stopped, or out of time (then ended here)."""
        self._expire(session)
        return session.ended

    def _expire(self, session: ChatSession) -> None:
        """docs/persistent-chat.md: a chat ends ChatDurationInMinutes after its first contact
        started.

        Evaluated lazily, whenever a session is read, so no timer runs and freezegun or
        time-machine move it: a chat found past its deadline ends now, backdated to it
        (DisconnectTimestamp and ``chat.ended`` at start + duration).
        """
        current = session.current
        if current.ended or current.channel != "CHAT" or utcnow() < session.deadline:
            return
        with self.lock:
            current = session.current
            if current.ended:
                return
            current.end(max(session.deadline, current.initiation_timestamp), EXPIRED)
            self._contact_stopped(current)

    def _new_contact_id(self, instance_id: str, contact_id: str | None) -> str:
        if contact_id is None:
            return str(mock_random.uuid4())
        if not 1 <= len(contact_id) <= 256:
            raise InvalidParameterException("ContactId must be 1 to 256 characters long.")
        if (instance_id, contact_id) in self.contacts:
            raise InvalidRequestException(
                f"ContactId '{contact_id}' already exists in instance '{instance_id}'."
            )
        return contact_id

    def _contact_arn(self, instance_id: str, contact_id: str) -> str:
        return (
            f"arn:{self.partition}:connect:{self.region_name}:{self.account_id}"
            f":instance/{instance_id}/contact/{contact_id}"
        )

    def _add_segment(
        self,
        instance_id: str,
        session: ChatSession,
        *,
        channel: str,
        initiation_method: str,
        contact_id: str | None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> Contact:
        """Append a segment; a given ``contact_id`` must already be checked as free."""
        new_id = contact_id or str(mock_random.uuid4())
        previous = session.current.id if session.segments else None
        contact = Contact(
            contact_id=new_id,
            arn=self._contact_arn(instance_id, new_id),
            instance_id=instance_id,
            channel=channel,
            initiation_method=initiation_method,
            session=session,
            previous_contact_id=previous,
            agent_id=agent_id,
            queue_id=queue_id,
        )
        session.segments.append(contact)
        self.contacts[(instance_id, new_id)] = contact
        return contact

    # ------------------------------------------------------------------ test controls

    def inject_fault(
        self,
        operation: str,
        error_code: str,
        count: int = 1,
        instance_id: str | None = None,
        message: str | None = None,
    ) -> None:
        """Arm a fault; only errors the operation's model lists or AWS's common errors (any
        call can be throttled), so a test never relies on an answer AWS cannot give."""
        service = answered_operations().get(operation)
        if service is None:
            raise InvalidParameterException(
                f"operation '{operation}' is not answered by this mock; use one of "
                f"{', '.join(sorted(answered_operations()))}."
            )
        errors = answerable_errors(service, operation)
        if error_code not in errors:
            raise InvalidParameterException(
                f"{operation} cannot answer error '{error_code}'; it models "
                f"{', '.join(sorted(modeled_errors(service, operation)))} and AWS's common "
                f"errors are {', '.join(COMMON_ERRORS)}."
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidParameterException("count must be an integer of at least 1.")
        if instance_id is not None and service != "connect":
            raise InvalidParameterException(
                f"{operation} carries no instance id: its faults cannot be scoped to one."
            )
        text = message or f"{error_code} injected by moto-connect-persistent into {operation}."
        with self.lock:
            self.faults.append(
                Fault(operation, error_code, errors[error_code], text, count, instance_id)
            )

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def raise_injected_fault(self, operation: str, instance_id: str | None) -> None:
        """Fail this call if a fault is armed for it, oldest fault first.

        The wire calls this after authentication and before input validation, as AWS
        throttles a request before reading it; so a faulted call touches no state.
        """
        if not self.faults:
            return
        with self.lock:
            for fault in self.faults:
                if fault.matches(operation, instance_id):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    raise ModeledError(fault.error_code, fault.status, fault.message)

    def set_settle_time(self, seconds: float) -> None:
        self.settle_seconds = check_settle_seconds(seconds)

    # ------------------------------------------------------------------ idempotency

    def idempotent(
        self,
        operation: str,
        client_token: str | None,
        fingerprint: tuple[Any, ...],
        call: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """docs/persistent-chat.md, rule 2: a repeated token replays the first answer; other
        parameters conflict."""
        with self.lock:
            if client_token is None:
                return call()
            key = (operation, client_token)
            previous = self.idempotent_calls.get(key)
            if previous is not None:
                if previous.fingerprint != fingerprint:
                    # Neither operation models IdempotencyException (docs/persistent-chat.md: Rules
                    # and errors).
                    raise InvalidRequestException(
                        f"ClientToken '{client_token}' was already used with different "
                        f"parameters for {operation}."
                    )
                return dict(previous.response)
            response = call()
            self.idempotent_calls[key] = IdempotentCall(fingerprint, dict(response))
            return response

    # ------------------------------------------------------------------ seeding

    def _seed_root(
        self, instance_id: str, contact_id: str | None, channel: str, agent_id: str | None = None
    ) -> Contact:
        if channel not in CHANNELS:
            raise InvalidParameterException(f"Channel must be one of {', '.join(CHANNELS)}.")
        self._check_instance(instance_id)
        return self._add_segment(
            instance_id,
            ChatSession(),
            channel=channel,
            initiation_method="API",
            contact_id=self._new_contact_id(instance_id, contact_id),
            agent_id=agent_id,
        )

    def seed_chat_session(
        self, instance_id: str, contact_id: str | None = None, agent_id: str | None = None
    ) -> str:
        """A running CHAT root (InitiationMethod API); returns its contact id."""
        with self.lock:
            root = self._seed_root(instance_id, contact_id, "CHAT", agent_id)
            self._chat_started(root)
            return root.id

    def seed_contact(
        self,
        instance_id: str,
        channel: str = "VOICE",
        ended: bool = True,
        contact_id: str | None = None,
    ) -> str:
        """One contact of any channel, to exercise the CHAT-only rules; returns its id."""
        with self.lock:
            contact = self._seed_root(instance_id, contact_id, channel)
            if ended:
                contact.end(utcnow())
            return contact.id

    def continue_session(
        self,
        instance_id: str,
        contact_id: str,
        initiation_method: str,
        new_contact_id: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> str:
        """Transfer or disconnect flow: end the running segment and add the next one."""
        if initiation_method not in SEGMENT_METHODS:
            raise InvalidParameterException(
                f"InitiationMethod must be one of {', '.join(SEGMENT_METHODS)}."
            )
        with self.lock:
            self._check_instance(instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            current = session.current
            if current.ended:
                raise InvalidRequestException(
                    f"Contact '{current.id}' has ended: its session cannot be continued."
                )
            new_id = self._new_contact_id(instance_id, new_contact_id)
            current.end(utcnow())
            new = self._add_segment(
                instance_id,
                session,
                channel=current.channel,
                initiation_method=initiation_method,
                contact_id=new_id,
                agent_id=agent_id,
                queue_id=queue_id,
            )
            self._segment_continued(new)
            return new.id

    def end_session(self, instance_id: str, contact_id: str) -> str:
        """End the latest segment of the contact's session; returns that segment's id."""
        with self.lock:
            self._check_instance(instance_id)
            latest = self.get_contact(instance_id, contact_id, "ContactId").session.current
            self.stop_contact(instance_id, latest.id)
            return latest.id

    # ------------------------------------------------------------------ the rules

    def _resolve_source(
        self,
        instance_id: str,
        current_session: ChatSession | None,
        source_contact_id: str,
        rehydration_type: str,
    ) -> tuple[Contact, Contact]:
        """docs/persistent-chat.md, rules 5 to 8: which past contact a persistent chat continues
        from.

        ``current_session`` is None for StartChatContact, whose new session does not exist yet.
        """
        source = self.get_contact(instance_id, source_contact_id, "SourceContactId")
        if source.channel != "CHAT":
            raise InvalidRequestException(
                f"SourceContactId '{source.id}' is a {source.channel} contact; "
                "only CHAT contacts can be rehydrated."
            )
        if source.session is current_session:
            raise InvalidRequestException(
                f"SourceContactId '{source.id}' belongs to the current contact's own chat session."
            )
        if rehydration_type == FROM_SEGMENT:
            if not source.ended:
                raise InvalidRequestException(
                    f"SourceContactId '{source.id}' has not ended; FROM_SEGMENT needs an ended "
                    "chat contact."
                )
            if not source.session.ended:
                raise InvalidRequestException(
                    f"SourceContactId '{source.id}': its chat session has not ended (contact "
                    f"'{source.session.current.id}' is still running); only ended chat "
                    "sessions rehydrate."
                )
            result = source
        else:
            if source.session.root is not source:
                raise InvalidRequestException(
                    f"SourceContactId '{source.id}' is not the initial contact of its chat "
                    f"session; ENTIRE_PAST_SESSION needs '{source.session.root.id}'."
                )
            if not source.session.ended or source.session.latest_ended is None:
                raise InvalidRequestException(
                    f"SourceContactId '{source.id}': the past chat session has not ended."
                )
            result = source.session.latest_ended
        self._check_settled(source.session)
        return source, result

    def _check_settled(self, past: ChatSession) -> None:
        """docs/persistent-chat.md, rule 8: the clock starts when the past session ended, for both
        types."""
        settle_seconds = self.settle_seconds
        if settle_seconds is None:
            settle_seconds = _settle_defaults[-1] if _settle_defaults else 0.0
        last = past.latest_ended
        if not settle_seconds or last is None or last.disconnect_timestamp is None:
            return
        ready_at = last.disconnect_timestamp + timedelta(seconds=settle_seconds)
        if utcnow() < ready_at:
            raise InvalidRequestException(
                f"SourceContactId: its chat session ended (contact '{last.id}') less than "
                f"{settle_seconds:g} seconds ago; wait until it has settled."
            )

    def _link(
        self,
        current: Contact,
        source: Contact,
        result: Contact,
        attributes: dict[str, str],
    ) -> None:
        """Record the rehydration; ``attributes`` are the new session's, already merged."""
        current.session.rehydration = Rehydration(source, result, current)
        current.session.attributes = attributes
        current.related_contact_id = result.id
        current.last_update_timestamp = utcnow()
        self._chat_rehydrated(current.session)

    def create_persistent_contact_association(
        self,
        instance_id: str,
        initial_contact_id: str,
        rehydration_type: str,
        source_contact_id: str,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """docs/persistent-chat.md: Rules and errors. Input shape (rule 1) is checked before this
        by the caller."""
        if rehydration_type not in REHYDRATION_TYPES:
            raise InvalidParameterException(
                f"RehydrationType must be one of {', '.join(REHYDRATION_TYPES)}."
            )

        def associate() -> dict[str, Any]:
            self._check_instance(instance_id)
            current = self.get_contact(instance_id, initial_contact_id, "InitialContactId")
            self.get_contact(instance_id, source_contact_id, "SourceContactId")
            if current.channel != "CHAT":
                raise InvalidRequestException(
                    f"InitialContactId '{current.id}' is a {current.channel} contact; "
                    "persistent chat needs a CHAT contact."
                )
            if current.ended:
                raise InvalidRequestException(
                    f"InitialContactId '{current.id}' has ended; persistent chat needs a "
                    "running chat contact."
                )
            if current.session.rehydration is not None:
                raise InvalidRequestException(
                    f"InitialContactId '{current.id}': its chat session is already a persistent "
                    "chat."
                )
            source, result = self._resolve_source(
                instance_id, current.session, source_contact_id, rehydration_type
            )
            # Context carried forward; attributes set on the new session before win.
            attributes = {**result.session.attributes, **current.session.attributes}
            check_attribute_size(
                attributes, "the carried-forward Attributes", InvalidRequestException
            )
            self._link(current, source, result, attributes)
            return {"ContinuedFromContactId": result.id}

        fingerprint = (instance_id, initial_contact_id, rehydration_type, source_contact_id)
        return self.idempotent(
            "CreatePersistentContactAssociation", client_token, fingerprint, associate
        )

    def start_chat_contact(
        self,
        instance_id: str,
        contact_flow_id: str,
        display_name: str,
        *,
        attributes: dict[str, str] | None = None,
        client_token: str | None = None,
        chat_duration_minutes: int | None = None,
        persistent_chat: dict[str, str] | None = None,
        related_contact_id: str | None = None,
        customer_id: str | None = None,
        initial_message: dict[str, str] | None = None,
        supported_messaging_content_types: list[str] | None = None,
        segment_attributes: dict[str, dict[str, Any]] | None = None,
        connection_types: list[str] | None = None,
        disconnect_on_customer_exit: list[str] | None = None,
        participant_configuration: dict[str, Any] | None = None,
        streaming_endpoint_arn: str | None = None,
        endpoint_host: str | None = None,
    ) -> dict[str, Any]:
        """docs/persistent-chat.md, Operations: a running CHAT root, optionally a persistent chat
        from the start.

        ``endpoint_host``: where the client reached the mock, for a ``ConnectionTypes``
        websocket (see :meth:`open_connection`).

        Every member of the input model does what its documentation says (docs/persistent-chat.md:
        Rules and errors):
        checks on the input come first, then idempotency, then the checks against state.
        ``streaming_endpoint_arn`` (ChatStreamingConfiguration) streams the chat from its
        first item, the customer's participant.joined.
        """
        if not contact_flow_id:
            # The model sets no minimum; moto has no flows to look up, so any id but "" goes.
            raise InvalidParameterException("ContactFlowId must not be empty.")
        if persistent_chat is not None:
            if persistent_chat.get("RehydrationType") not in REHYDRATION_TYPES:
                raise InvalidParameterException(
                    "PersistentChat.RehydrationType is required and must be one of "
                    f"{', '.join(REHYDRATION_TYPES)}."
                )
            if not persistent_chat.get("SourceContactId"):
                raise InvalidParameterException("PersistentChat.SourceContactId is required.")
            if related_contact_id is not None:
                raise InvalidRequestException(
                    "PersistentChat and RelatedContactId cannot be used together."
                )
        own_attributes = attributes or {}
        check_attribute_keys(own_attributes, "Attributes")
        check_attribute_size(own_attributes, "Attributes")
        declared = (
            check_content_types(supported_messaging_content_types)
            if supported_messaging_content_types is not None
            else None
        )
        check_segment_attributes(segment_attributes or {}, declared)
        if initial_message is not None:
            check_initial_message(initial_message, declared)

        def start() -> dict[str, Any]:
            self._check_instance(instance_id)
            carried: dict[str, str] = {}
            if related_contact_id is not None:
                related = self.get_contact(instance_id, related_contact_id, "RelatedContactId")
                carried = related.session.attributes
            if persistent_chat is not None:
                # Resolved before the contact exists, so a refused source creates nothing.
                source, result = self._resolve_source(
                    instance_id,
                    None,
                    persistent_chat["SourceContactId"],
                    persistent_chat["RehydrationType"],
                )
                carried = result.session.attributes
            # The past's context is carried forward; the call's own Attributes win [doc].
            merged = {**carried, **own_attributes}
            check_attribute_size(merged, "Attributes (with those carried forward)")
            if streaming_endpoint_arn is not None:
                self._check_streaming_endpoint(streaming_endpoint_arn)
            contact = self._add_segment(
                instance_id,
                ChatSession(attributes=merged),
                channel="CHAT",
                initiation_method="API",
                contact_id=None,
            )
            streaming_id = (
                self._start_stream(contact.session, streaming_endpoint_arn)
                if streaming_endpoint_arn is not None
                else None
            )
            contact.display_name = display_name
            contact.customer_id = customer_id
            contact.chat_duration_minutes = chat_duration_minutes
            contact.supported_content_types = declared
            contact.segment_attributes = dict(segment_attributes or {})
            contact.disconnect_on_customer_exit = disconnect_on_customer_exit
            contact.participant_configuration = participant_configuration
            contact.participant_id = str(mock_random.uuid4())
            contact.participant_token = str(mock_random.uuid4())
            self._chat_started(contact)
            if initial_message is not None:
                customer = self._participant(contact.session, "CUSTOMER")
                self._write(
                    contact,
                    "MESSAGE",
                    initial_message["ContentType"],
                    customer,
                    initial_message["Content"],
                )
            response = {
                "ContactId": contact.id,
                "ParticipantId": contact.participant_id,
                "ParticipantToken": contact.participant_token,
            }
            if related_contact_id is not None:
                contact.related_contact_id = related_contact_id
            if persistent_chat is not None:
                self._link(contact, source, result, merged)
                response["ContinuedFromContactId"] = result.id
            if connection_types:
                response.update(
                    self.open_connection(contact, connection_types, endpoint_host=endpoint_host)
                )
            if streaming_id is not None:
                response["StreamingId"] = streaming_id
            return response

        fingerprint = (
            instance_id,
            contact_flow_id,
            display_name,
            chat_duration_minutes,
            related_contact_id,
            customer_id,
            json.dumps(
                [
                    attributes,
                    persistent_chat,
                    initial_message,
                    supported_messaging_content_types,
                    segment_attributes,
                    connection_types,
                    disconnect_on_customer_exit,
                    participant_configuration,
                ],
                sort_keys=True,
            ),
            streaming_endpoint_arn,
        )
        return self.idempotent("StartChatContact", client_token, fingerprint, start)

    def describe_contact(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        self._check_instance(instance_id)
        return self.get_contact(instance_id, contact_id, "ContactId").to_dict()

    def stop_contact(
        self, instance_id: str, contact_id: str, disconnect_reason: str | None = None
    ) -> None:
        with self.lock:
            self._check_instance(instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            if contact.ended:
                raise InvalidRequestException(f"ContactId '{contact_id}' has already ended.")
            contact.end(utcnow(), disconnect_reason)
            self._contact_stopped(contact)

    def list_associated_contacts(
        self, instance_id: str, contact_id: str, max_results: int | None, next_token: str | None
    ) -> dict[str, Any]:
        self._check_instance(instance_id)
        session = self.get_contact(instance_id, contact_id, "contactId").session
        limit = max_results or 100
        start = page_start(next_token, len(session.segments), "nextToken")
        page = session.segments[start : start + limit]
        response: dict[str, Any] = {"ContactSummaryList": [c.to_summary() for c in page]}
        if start + limit < len(session.segments):
            response["NextToken"] = str(start + limit)
        return response

    def get_contact_attributes(self, instance_id: str, initial_contact_id: str) -> dict[str, Any]:
        self._check_instance(instance_id)
        contact = self.get_contact(instance_id, initial_contact_id, "InitialContactId")
        return {"Attributes": dict(contact.session.attributes)}

    def update_contact_attributes(
        self, instance_id: str, initial_contact_id: str, attributes: dict[str, str]
    ) -> None:
        """Merge, checked as a whole before anything changes: a refused update changes nothing."""
        check_attribute_keys(attributes, "Attributes")
        with self.lock:
            self._check_instance(instance_id)
            contact = self.get_contact(instance_id, initial_contact_id, "InitialContactId")
            merged = {**contact.session.attributes, **attributes}
            check_attribute_size(merged, "Attributes (merged with the contact's)")
            contact.session.attributes = merged
            contact.last_update_timestamp = utcnow()

    # ------------------------------------------------------------------ message streaming

    def _check_streaming_endpoint(self, endpoint_arn: str) -> None:
        """The endpoint is an existing standard SNS topic in the instance's region.

        [doc: chat-message-streaming] "the message streaming APIs only support standard SNS
        ... They don't support Amazon SNS FIFO topics"; "A single SNS topic ARN may be used
        across multiple AWS accounts, but it must be in the same Region as your Amazon Connect
        instance". So the topic is looked up in moto's SNS of the account its ARN names.
        """
        field_name = "ChatStreamingConfiguration.StreamingEndpointArn"
        match = SNS_TOPIC_ARN.fullmatch(endpoint_arn)
        if match is None or match["partition"] != self.partition:
            raise InvalidParameterException(
                f"{field_name} '{endpoint_arn}' is not an Amazon SNS topic ARN "
                f"(arn:{self.partition}:sns:<region>:<account>:<topic>)."
            )
        if match["region"] != self.region_name:
            raise InvalidParameterException(
                f"{field_name} '{endpoint_arn}' is in region {match['region']}; the topic must "
                f"be in the instance's region, {self.region_name}."
            )
        if match["fifo"]:
            raise InvalidParameterException(
                f"{field_name} '{endpoint_arn}' is a FIFO topic; message streaming publishes to "
                "standard SNS topics only."
            )
        from moto.sns.models import sns_backends  # only when a stream starts: SNS is optional

        if endpoint_arn not in sns_backends[match["account"]][self.region_name].topics:
            raise ResourceNotFoundException(
                f"{field_name} '{endpoint_arn}': no such SNS topic in account "
                f"{match['account']}, region {self.region_name}."
            )

    def _check_streamable(self, contact: Contact) -> None:
        if contact.channel != "CHAT":
            raise InvalidRequestException(
                f"ContactId '{contact.id}' is a {contact.channel} contact; message streaming "
                "needs a CHAT contact."
            )
        if contact.session.ended:
            raise InvalidRequestException(
                f"ContactId '{contact.id}': the chat has ended; message streaming needs a "
                "running chat."
            )

    def _start_stream(self, session: ChatSession, endpoint_arn: str) -> str:
        """Add a stream to the session (its endpoint already checked); returns its id."""
        active = session.active_streams
        for stream in active:
            if stream.endpoint_arn == endpoint_arn:
                raise InvalidRequestException(
                    f"ChatStreamingConfiguration.StreamingEndpointArn '{endpoint_arn}': the chat "
                    f"already streams to it (StreamingId '{stream.streaming_id}')."
                )
        if len(active) >= MAX_STREAMS_PER_CHAT:
            raise LimitExceededException(
                f"ChatStreamingConfiguration.StreamingEndpointArn '{endpoint_arn}': a chat "
                f"streams to at most {MAX_STREAMS_PER_CHAT} SNS topics at once; stop one first."
            )
        stream = Stream(
            streaming_id=str(mock_random.uuid4()),
            endpoint_arn=endpoint_arn,
            account_id=endpoint_arn.split(":")[4],
            region_name=self.region_name,
        )
        session.streams.append(stream)
        return stream.streaming_id

    def start_contact_streaming(
        self,
        instance_id: str,
        contact_id: str,
        endpoint_arn: str,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """Stream every later item of the contact's chat to an SNS topic (docs/streaming.md: message
        streaming). A ClientToken reused with other parameters is an InvalidRequestException:
        the operation models no IdempotencyException."""

        def start() -> dict[str, Any]:
            self._check_instance(instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            self._check_streamable(contact)
            self._check_streaming_endpoint(endpoint_arn)
            return {"StreamingId": self._start_stream(contact.session, endpoint_arn)}

        fingerprint = (instance_id, contact_id, endpoint_arn)
        return self.idempotent(
            "StartContactStreaming",
            client_token,
            fingerprint,
            start,
        )

    def stop_contact_streaming(self, instance_id: str, contact_id: str, streaming_id: str) -> None:
        """Stop one stream of the contact's chat: nothing more is published to its topic.

        Stopping a stopped stream, or a stream of a chat that has ended, succeeds and changes
        nothing: the operation takes no ClientToken, so an SDK retry after a lost answer must
        not fail.
        """
        with self.lock:
            self._check_instance(instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            for stream in session.streams:
                if stream.streaming_id == streaming_id:
                    stream.active = False
                    return
            raise ResourceNotFoundException(
                f"StreamingId '{streaming_id}' is not a stream of contact '{contact_id}' "
                f"in instance '{instance_id}'."
            )

    # ------------------------------------------------------------------ reading

    def session_contact_ids(self, instance_id: str, contact_id: str) -> list[str]:
        """Ids of every segment of the contact's session, oldest first."""
        self._check_instance(instance_id)
        session = self.get_contact(instance_id, contact_id, "ContactId").session
        return [c.id for c in session.segments]

    def visible_past(self, instance_id: str, contact_id: str) -> list[str]:
        """Ids of the past segments a persistent chat can see, newest first (docs/transcripts.md,
        "What a
        persistent chat sees")."""
        session = self.get_contact(instance_id, contact_id, "ContactId").session
        if session.rehydration is None:
            return []
        return [c.id for c in session.rehydration.visible_past()]


# ---------------------------------------------------------------------- input rules [doc]


def check_attribute_keys(attributes: dict[str, str], field_name: str) -> None:
    """Contact attribute keys: letters, digits, '-' and '_' only [doc]."""
    for key in attributes:
        if not ATTRIBUTE_KEY.match(key):
            raise InvalidParameterException(
                f"{field_name} key '{key}' may hold only letters, digits, '-' and '_'."
            )


def check_attribute_size(
    attributes: dict[str, str],
    what: str,
    error: type[ConnectError] = InvalidParameterException,
) -> None:
    """At most 32,768 UTF-8 bytes across all keys and values of a contact [doc]."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())
    if size > MAX_ATTRIBUTE_BYTES:
        raise error(
            f"{what}: {size} UTF-8 bytes across all attributes of the contact; at most "
            f"{MAX_ATTRIBUTE_BYTES} are allowed."
        )


def check_content_types(types: list[str]) -> tuple[str, ...]:
    """SupportedMessagingContentTypes: documented types only, text/plain always among them."""
    unknown = [t for t in types if t not in MESSAGING_CONTENT_TYPES]
    if unknown:
        raise InvalidParameterException(
            f"SupportedMessagingContentTypes: {', '.join(unknown)} is not supported; use "
            f"{', '.join(MESSAGING_CONTENT_TYPES)}."
        )
    if TEXT_PLAIN not in types:
        raise InvalidParameterException(
            f"SupportedMessagingContentTypes must contain {TEXT_PLAIN}."
        )
    return tuple(dict.fromkeys(types))


def check_segment_attributes(
    segment_attributes: dict[str, dict[str, Any]], declared: tuple[str, ...] | None
) -> None:
    """SegmentAttributes: key characters, one value each, system-only value kinds, and the
    content types some system attributes need [doc: StartChatContact]."""
    for key, value in segment_attributes.items():
        system = key.startswith(SYSTEM_ATTRIBUTE_PREFIX)
        name = key[len(SYSTEM_ATTRIBUTE_PREFIX) :] if system else key
        if not ATTRIBUTE_KEY.match(name):
            raise InvalidParameterException(
                f"SegmentAttributes key '{key}' may hold only letters, digits, '-' and '_'."
            )
        given = [member for member in SEGMENT_VALUE_MEMBERS if value.get(member) is not None]
        if len(given) != 1:
            raise InvalidParameterException(
                f"SegmentAttributes.{key} must set exactly one of "
                f"{', '.join(SEGMENT_VALUE_MEMBERS)}."
            )
        if not system and given[0] in SYSTEM_ONLY_VALUE_MEMBERS:
            raise InvalidParameterException(
                f"SegmentAttributes.{key}.{given[0]} is only for system-defined attributes "
                f"('{SYSTEM_ATTRIBUTE_PREFIX}...')."
            )
        needed = SEGMENT_ATTRIBUTE_NEEDS.get((key, str(value.get("ValueString"))))
        missing = [t for t in needed or () if t not in (declared or ())]
        if missing:
            raise InvalidParameterException(
                f"SegmentAttributes.{key} = {value['ValueString']} needs "
                f"SupportedMessagingContentTypes to include {', '.join(missing)}."
            )


def check_initial_message(message: dict[str, str], declared: tuple[str, ...] | None) -> None:
    """InitialMessage: a message SendMessage would accept, of a type the chat declared."""
    content_type = message["ContentType"]
    try:
        _check_message(content_type, message["Content"])
    except ValidationException as err:
        raise InvalidParameterException(f"InitialMessage: {err.message}") from None
    if declared is not None and content_type not in declared:
        raise InvalidParameterException(
            f"InitialMessage.ContentType {content_type} is not among "
            f"SupportedMessagingContentTypes ({', '.join(declared)})."
        )


connect_persistent_backends = BackendDict(ConnectPersistentBackend, "connect")
