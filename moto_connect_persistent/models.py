"""State and rules of Amazon Connect persistent chat, one backend per account and region.

:class:`ConnectPersistentBackend` holds the Connect operations' rules (contacts and their
sessions, persistent chat, attributes, message streaming, custom participants) and owns the
account and region's chat core and components: instance storage, the transcript archive,
attachments, faults and settle time, ClientToken replays. The Participant Service's own
backend (:mod:`.participant.models`) reads this one, never the other way round.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend
from moto.moto_api._internal import mock_random

from .attachments import Attachments, check_seeded_file
from .chat.clock import iso8601, utcnow
from .chat.content import EVENT_PREFIX, PARTICIPANT_ROLES
from .chat.core import ChatCore
from .chat.deferred import run_deferred
from .chat.happenings import AttributesUpdated, Origin, SegmentEnded
from .chat.metrics import described_metrics
from .chat.participants import Participant
from .chat.scheduler import advance_clock
from .chat.session import ChatSession, Contact, Rehydration
from .contact_attributes import (
    ATTRIBUTE_KEY,
    check_attribute_keys,
    check_attribute_size,
    check_contact_tags,
    merged_references,
    merged_tags,
)
from .contact_flows import ContactFlows
from .contact_records import ContactRecords
from .exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceConflictException,
    ResourceNotFoundException,
    UnknownRegion,
    ValidationException,
)
from .faults import Faults
from .flow_engine import FlowEngine
from .flow_handlers import (
    LAMBDA,
    LEX_BOT,
    FlowHandlers,
    Handler,
    LoopbackHandler,
    LoopbackLexBot,
    arn_account_region,
    check_loopback_url,
)
from .flow_lambda import FUNCTION_ARN
from .flow_logs import FlowLogs
from .idempotency import Replies
from .instance_attributes import InstanceAttributes
from .instance_storage import InstanceStorage
from .instances import check_instance
from .lex_bots import alias_parts
from .messages import check_message, write_event
from .stored_transcripts import TranscriptArchive
from .streams import check_streamable, check_streaming_endpoint, start_stream, stop_stream
from .validation import offset_page
from .websocket_url import websocket_base

ENTIRE_PAST_SESSION = "ENTIRE_PAST_SESSION"
FROM_SEGMENT = "FROM_SEGMENT"
REHYDRATION_TYPES = (ENTIRE_PAST_SESSION, FROM_SEGMENT)

#: InitiationMethod of a segment that continues a session, by the seeding verb that adds it.
SEGMENT_METHODS = ("TRANSFER", "QUEUE_TRANSFER", "DISCONNECT")

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")

#: ParticipantTimerValue is a union: one of these [doc].
TIMER_VALUE_MEMBERS = ("ParticipantTimerAction", "ParticipantTimerDurationInMinutes")
#: The furthest advance_clock moves the clock in one call: ten years.
MAX_ADVANCE_SECONDS = 10 * 365 * 86400.0
#: QueueId and AgentResourceId: 1 to 256 characters, as the model's shapes allow.
MAX_RESOURCE_ID = 256


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

#: Events a seeder may write for a participant (the agent's typing and receipts), as SendEvent.
SEEDED_EVENTS = tuple(
    EVENT_PREFIX + name for name in ("typing", "message.delivered", "message.read")
)


@dataclass
class ChatStart:
    """One StartChatContact request, as its members came (checked by the wire's model)."""

    instance_id: str
    contact_flow_id: str
    display_name: str
    attributes: dict[str, str] | None = None
    chat_duration_minutes: int | None = None
    persistent_chat: dict[str, str] | None = None
    related_contact_id: str | None = None
    customer_id: str | None = None
    initial_message: dict[str, str] | None = None
    supported_messaging_content_types: list[str] | None = None
    segment_attributes: dict[str, dict[str, Any]] | None = None
    connection_types: list[str] | None = None
    disconnect_on_customer_exit: list[str] | None = None
    participant_configuration: dict[str, Any] | None = None
    streaming_endpoint_arn: str | None = None

    def fingerprint(self) -> tuple[Any, ...]:
        """What a retry with the same ClientToken must repeat (docs/persistent-chat.md, rule 2)."""
        return (json.dumps(self.__dict__, sort_keys=True),)


class ConnectPersistentBackend(BaseBackend):
    """Contacts, chat sessions and persistent-chat links of one account and region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        origin = Origin(account_id, region_name)
        self.origin = origin
        self.core = ChatCore(origin, lambda: str(mock_random.uuid4()), self.partition)
        #: The one lock of the account and region's state, shared by both services.
        self.lock = self.core.lock
        self.contacts = self.core.contacts
        self.replies = Replies(self.lock)
        self.faults = Faults(self.lock)
        self.storage = InstanceStorage(origin, self.lock, self.replies)
        self.archive = TranscriptArchive(origin, self.lock, self.storage, self.core.transcripts)
        self.core.listeners.on(SegmentEnded, self.archive.segment_ended)
        self.attachments = Attachments(origin, self.lock, self.core, self.storage)
        self.records = ContactRecords(origin, self.storage, self.core.transcripts)
        self.core.listeners.on(SegmentEnded, self.records.segment_ended)
        self.core.listeners.on(AttributesUpdated, self.records.attributes_updated)
        self.flows = ContactFlows(origin, self.lock, self.partition)
        #: The flow handlers (Lambda functions) whose ARNs name this account and region.
        self.handlers = FlowHandlers()
        self.engine = FlowEngine(self.lock, self.core, self.flows, find_flow_handler)
        self.instance_attributes = InstanceAttributes(origin, self.lock)
        self.flow_logs = FlowLogs(origin, self.engine, self.flows, self.instance_attributes)

    def reset(self) -> None:
        """moto's reset: listeners drop what they hold (sockets), then the state goes."""
        self.core.reset()
        super().reset()

    # ------------------------------------------------------------------ lookups

    def get_contact(self, instance_id: str, contact_id: str, field_name: str) -> Contact:
        """The contact, its chat brought up to date first: every read path comes here."""
        contact = self.contacts.get((instance_id, contact_id))
        if contact is None:
            raise ResourceNotFoundException(
                f"Contact not found: {field_name} '{contact_id}' in instance '{instance_id}'."
            )
        self.core.expire(contact.session)
        return contact

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

    def _running_chat(self, instance_id: str, contact_id: str, what: str) -> ChatSession:
        """The running session of the contact, for a seeder adding ``what``."""
        check_instance(self.origin, instance_id)
        session = self.get_contact(instance_id, contact_id, "ContactId").session
        if session.ended:
            raise InvalidRequestException(
                f"The chat session of '{contact_id}' has ended: no more {what}."
            )
        return session

    # ------------------------------------------------------------------ test controls

    def inject_fault(
        self,
        operation: str,
        error_code: str,
        count: int = 1,
        instance_id: str | None = None,
        message: str | None = None,
    ) -> None:
        self.faults.inject(operation, error_code, count, instance_id, message)

    def clear_faults(self) -> None:
        self.faults.clear()

    def set_settle_time(self, seconds: float) -> None:
        self.faults.set_settle_time(seconds)

    def set_transcript_storage_strict(self, strict: bool) -> None:
        self.archive.set_strict(strict)

    def register_lambda_callback(self, function_arn: str, callback_url: str) -> None:
        """Server mode's ``register_lambda`` (flow_handlers.py): the function's handler lives
        behind ``callback_url``, a loopback URL the flow engine POSTs each call to. The ARN
        must name this backend's account and region."""
        match = FUNCTION_ARN.fullmatch(function_arn)
        if match is None or (match.group("account"), match.group("region")) != (
            self.account_id,
            self.region_name,
        ):
            raise InvalidParameterException(
                f"function_arn {function_arn!r} must be a Lambda function ARN of account "
                f"{self.account_id} and region {self.region_name}."
            )
        refused = check_loopback_url(callback_url)
        if refused is not None:
            raise InvalidParameterException(refused)
        self.handlers.register(LAMBDA, function_arn, LoopbackHandler(callback_url))

    def register_lex_bot_callback(self, bot_alias_arn: str, callback_url: str) -> None:
        """Server mode's ``register_lex_bot``: the bot's handler lives behind
        ``callback_url``, a loopback URL the flow engine POSTs each turn to. The ARN must be a
        Lex V2 bot alias ARN of this backend's account and region."""
        alias_parts(bot_alias_arn)
        if arn_account_region(bot_alias_arn) != (self.account_id, self.region_name):
            raise InvalidParameterException(
                f"bot_alias_arn {bot_alias_arn!r} must name account {self.account_id} and "
                f"region {self.region_name}."
            )
        refused = check_loopback_url(callback_url)
        if refused is not None:
            raise InvalidParameterException(refused)
        self.handlers.register(LEX_BOT, bot_alias_arn, LoopbackLexBot(callback_url))

    def flow_log(self, contact_id: str) -> list[dict[str, Any]]:
        """The steps the flows of ``contact_id`` took, oldest first, as JSON objects (the
        fields of :class:`~.flow_engine.FlowStep`); a contact of no instance here is refused,
        so a wrong region or account never reads as "no flow ran"."""
        with self.lock:
            if not any(key[1] == contact_id for key in self.contacts):
                raise ResourceNotFoundException(
                    f"Contact not found: ContactId '{contact_id}' in account "
                    f"{self.account_id}, region {self.region_name}."
                )
            return [asdict(step) for step in self.engine.log(contact_id)]

    # ------------------------------------------------------------------ seeding

    def _seed_root(
        self, instance_id: str, contact_id: str | None, channel: str, agent_id: str | None = None
    ) -> Contact:
        if channel not in CHANNELS:
            raise InvalidParameterException(f"Channel must be one of {', '.join(CHANNELS)}.")
        check_instance(self.origin, instance_id)
        return self.core.add_segment(
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
            self.core.chat_started(root)
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
            check_instance(self.origin, instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            current = session.current
            if current.ended:
                raise InvalidRequestException(
                    f"Contact '{current.id}' has ended: its session cannot be continued."
                )
            new_id = self._new_contact_id(instance_id, new_contact_id)
            return self.core.continue_session(
                session, initiation_method, new_id, agent_id=agent_id, queue_id=queue_id
            ).id

    def enqueue(self, instance_id: str, contact_id: str, queue_id: str) -> str:
        """The running segment of the contact's chat waits in ``queue_id``'s queue, as a
        flow's Transfer to queue puts it (QueueInfo.Id and EnqueueTimestamp); returns the
        segment's id. A segment an agent has accepted moves queues by ``transfer``."""
        check_resource_id(queue_id, "queue_id")
        with self.lock:
            current = self._running_chat(instance_id, contact_id, "queueing").current
            if current.agent_id is not None:
                raise InvalidRequestException(
                    f"Contact '{current.id}' is connected to agent '{current.agent_id}': "
                    "transfer it to move it to another queue."
                )
            self.core.enqueue(current, queue_id)
            return current.id

    def connect_agent(self, instance_id: str, contact_id: str, agent_id: str) -> str:
        """An agent accepts the running segment of the contact's chat (AgentInfo.Id and
        ConnectedToAgentTimestamp; an AGENT participant joins). Returns the agent's
        ParticipantToken, for CreateParticipantConnection as the agent's CCP uses it."""
        check_resource_id(agent_id, "agent_id")
        with self.lock:
            current = self._running_chat(instance_id, contact_id, "agents").current
            if current.channel != "CHAT":
                raise InvalidRequestException(
                    f"Contact '{current.id}' is a {current.channel} contact; agents join "
                    "CHAT contacts only."
                )
            if current.agent_id is not None:
                raise InvalidRequestException(
                    f"Contact '{current.id}' is connected to agent '{current.agent_id}' "
                    "already: transfer it to hand it to another agent."
                )
            return self.core.connect_agent(current, agent_id)

    def disconnect_agent(
        self,
        instance_id: str,
        contact_id: str,
        disconnect_flow: bool | None = None,
        new_contact_id: str | None = None,
    ) -> str:
        """The agent of the running segment leaves (``participant.left``); then the chat
        ends (DisconnectReason AGENT_DISCONNECT) or the customer goes on in a DISCONNECT
        segment (``new_contact_id``): with ``disconnect_flow=True``, or, left None, when the
        chat's flow set a disconnect flow (UpdateContactEventHooks ``CustomerRemaining``),
        which that segment runs. Returns the id of the segment running afterwards, or of the
        ended one."""
        with self.lock:
            current = self._running_chat(instance_id, contact_id, "agents").current
            if current.agent_id is None:
                raise InvalidRequestException(
                    f"Contact '{current.id}' has no agent: connect_agent first."
                )
            new_id = None
            if new_contact_id is not None:
                new_id = self._new_contact_id(instance_id, new_contact_id)
            self.core.agent_leaves(current, current.agent_id)
            gone = self.core.agent_gone
            return gone(current.session, disconnect_flow=disconnect_flow, contact_id=new_id).id

    def participant_left(self, session: ChatSession, participant: Participant) -> None:
        """Under the lock, for the Participant Service's DisconnectParticipant: the participant
        leaves (:meth:`ChatCore.disconnect`), and an agent's departure is any agent's
        (:meth:`ChatCore.agent_gone`): the disconnect flow, when the chat's flow set one."""
        current = session.current
        if participant.role != "AGENT" or current.agent_id is None:
            self.core.disconnect(session, participant)
            return
        self.core.agent_leaves(current, current.agent_id)
        self.core.agent_gone(session)

    def advance_clock(self, seconds: float) -> str:
        """Move the mock's clock ``seconds`` ahead (the whole process's, every account and
        region) and fire every timer that fell due, in due order, before returning the new
        time (ISO 8601). Takes no lock itself: each timer fires under its chat's."""
        if isinstance(seconds, bool) or not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise InvalidParameterException(
                f"seconds must be a number from 0 to {MAX_ADVANCE_SECONDS:.0f}, got {seconds!r}."
            )
        return iso8601(advance_clock(seconds))

    def end_session(self, instance_id: str, contact_id: str) -> str:
        """End the latest segment of the contact's session; returns that segment's id."""
        with self.lock:
            check_instance(self.origin, instance_id)
            latest = self.get_contact(instance_id, contact_id, "ContactId").session.current
            self.stop_contact(instance_id, latest.id)
            return latest.id

    def add_message(
        self,
        instance_id: str,
        contact_id: str,
        role: str,
        content: str,
        content_type: str = "text/plain",
        display_name: str | None = None,
    ) -> str:
        """Seed a message into the current segment of the contact's session; returns its Id."""
        check_role(role)
        check_message(content_type, content)
        with self.lock:
            session = self._running_chat(instance_id, contact_id, "messages")
            participant = self.core.participant(session, role, display_name)
            item = self.core.write(session.current, "MESSAGE", content_type, participant, content)
            return item.id

    def add_event(
        self,
        instance_id: str,
        contact_id: str,
        role: str,
        content_type: str,
        message_id: str | None = None,
    ) -> str:
        """Seed what ``role``'s participant would send with SendEvent: typing (pushed, never
        kept) or a delivered/read receipt of ``message_id`` (kept in its MessageMetadata).
        Returns the event's Id."""
        check_role(role)
        if content_type not in SEEDED_EVENTS:
            raise InvalidParameterException(
                f"content_type must be one of {', '.join(SEEDED_EVENTS)}, got '{content_type}'."
            )
        content = None if message_id is None else json.dumps({"messageId": message_id})
        with self.lock:
            session = self._running_chat(instance_id, contact_id, "events")
            participant = self.core.participant(session, role)
            try:
                return write_event(self.core, session.root, participant, content_type, content).id
            except ValidationException as err:
                raise InvalidParameterException(err.message) from None

    def add_attachment(
        self,
        instance_id: str,
        contact_id: str,
        role: str,
        name: str,
        content: str,
        content_type: str = "text/plain",
        display_name: str | None = None,
    ) -> str:
        """Seed a file someone (an agent, say) shared; ``content`` is the file's text (UTF-8).
        Returns the AttachmentId."""
        check_role(role)
        check_seeded_file(content_type, name)
        with self.lock:
            try:
                session = self._running_chat(instance_id, contact_id, "attachments")
            except InvalidRequestException as err:
                raise InvalidParameterException(err.message) from None
            participant = self.core.participant(session, role, display_name)
            return self.attachments.seed(session, participant, name, content, content_type)

    # ------------------------------------------------------------------ the rules

    def _resolve_source(
        self,
        instance_id: str,
        current_session: ChatSession | None,
        source_contact_id: str,
        rehydration_type: str,
    ) -> Contact:
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
        last = source.session.latest_ended
        if last is not None:
            self.faults.check_settled(last.disconnect_timestamp, last.id)
        return result

    def _link(self, current: Contact, result: Contact, attributes: dict[str, str]) -> None:
        """Record the rehydration; ``attributes`` are the new session's, already merged."""
        current.session.rehydration = Rehydration(result)
        current.session.attributes = attributes
        current.related_contact_id = result.id
        current.last_update_timestamp = utcnow()
        self.core.chat_rehydrated(current.session)

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
            check_instance(self.origin, instance_id)
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
            result = self._resolve_source(
                instance_id, current.session, source_contact_id, rehydration_type
            )
            # Context carried forward; attributes set on the new session before win.
            attributes = {**result.session.attributes, **current.session.attributes}
            check_attribute_size(
                attributes, "the carried-forward Attributes", InvalidRequestException
            )
            self._link(current, result, attributes)
            return {"ContinuedFromContactId": result.id}

        fingerprint = (instance_id, initial_contact_id, rehydration_type, source_contact_id)
        return self.replies.once(
            "CreatePersistentContactAssociation", client_token, fingerprint, associate
        )

    def start_chat_contact(
        self, request: ChatStart, client_token: str | None = None, endpoint_host: str | None = None
    ) -> dict[str, Any]:
        """docs/persistent-chat.md, Operations: a running CHAT root, optionally a persistent chat
        from the start.

        ``endpoint_host``: where the client reached the mock, for a ``ConnectionTypes``
        websocket (see :mod:`.websocket_url`); its server is found (or started) before the
        lock is taken. Checks on the input come first (:func:`check_chat_start`), then
        idempotency, then the checks against state (docs/persistent-chat.md: Rules and errors).
        """
        declared = check_chat_start(request)
        base = None
        if "WEBSOCKET" in (request.connection_types or ()):
            base = websocket_base(endpoint_host)
        started = self.replies.once(
            "StartChatContact",
            client_token,
            request.fingerprint() if client_token is not None else (),
            lambda: self._start_chat(request, declared, base),
        )
        # The chat's flow runs now that the call has left the lock (docs/contact-flows.md),
        # before the call answers, whichever door it came by.
        run_deferred()
        return started

    def _start_chat(
        self, request: ChatStart, declared: tuple[str, ...] | None, websocket: str | None
    ) -> dict[str, Any]:
        """StartChatContact against state (under the lock): the past or related contact it
        names, then the new chat, its first items, its connection and its stream.
        ``ChatStreamingConfiguration`` streams the chat from its first item on."""
        instance_id = request.instance_id
        check_instance(self.origin, instance_id)
        self.engine.check_runnable(instance_id, request.contact_flow_id)
        carried: dict[str, str] = {}
        if request.related_contact_id is not None:
            related = self.get_contact(instance_id, request.related_contact_id, "RelatedContactId")
            carried = related.session.attributes
        persistent = request.persistent_chat
        if persistent is not None:
            # Resolved before the contact exists, so a refused source creates nothing.
            result = self._resolve_source(
                instance_id, None, persistent["SourceContactId"], persistent["RehydrationType"]
            )
            carried = result.session.attributes
        # The past's context is carried forward; the call's own Attributes win [doc].
        merged = {**carried, **(request.attributes or {})}
        check_attribute_size(merged, "Attributes (with those carried forward)")
        if request.streaming_endpoint_arn is not None:
            check_streaming_endpoint(self.origin, self.partition, request.streaming_endpoint_arn)
        contact = self.core.add_segment(
            instance_id,
            ChatSession(attributes=merged),
            channel="CHAT",
            initiation_method="API",
            contact_id=None,
        )
        streaming_id = None
        if request.streaming_endpoint_arn is not None:
            streaming_id = start_stream(self.core, contact.session, request.streaming_endpoint_arn)
        contact.display_name = request.display_name
        contact.customer_id = request.customer_id
        contact.chat_duration_minutes = request.chat_duration_minutes
        contact.supported_content_types = declared
        if request.segment_attributes:
            contact.segment_attributes = dict(request.segment_attributes)
        contact.disconnect_on_customer_exit = request.disconnect_on_customer_exit
        contact.participant_configuration = request.participant_configuration
        contact.contact_flow_id = request.contact_flow_id
        contact.participant_id = str(mock_random.uuid4())
        contact.participant_token = str(mock_random.uuid4())
        # Known as the chat starts, so that its first contact events name it.
        contact.related_contact_id = result.id if persistent else request.related_contact_id
        self.core.chat_started(contact)
        message = request.initial_message
        if message is not None:
            customer = self.core.participant(contact.session, "CUSTOMER")
            self.core.write(
                contact, "MESSAGE", message["ContentType"], customer, message["Content"]
            )
        response = {
            "ContactId": contact.id,
            "ParticipantId": contact.participant_id,
            "ParticipantToken": contact.participant_token,
        }
        if persistent is not None:
            self._link(contact, result, merged)
            response["ContinuedFromContactId"] = result.id
        if request.connection_types:
            response.update(self.core.open_connection(contact, request.connection_types, websocket))
        if streaming_id is not None:
            response["StreamingId"] = streaming_id
        return response

    def describe_contact(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        check_instance(self.origin, instance_id)
        contact = self.get_contact(instance_id, contact_id, "ContactId")
        described = contact.to_dict()
        if contact.channel == "CHAT":
            described["ChatMetrics"] = described_metrics(
                contact, self.core.transcripts.segment_log(contact)
            )
        return described

    def stop_contact(
        self, instance_id: str, contact_id: str, disconnect_reason: str | None = None
    ) -> None:
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            if contact.ended:
                raise InvalidRequestException(f"ContactId '{contact_id}' has already ended.")
            self.core.end(contact, utcnow(), disconnect_reason)

    def update_participant_role_config(
        self, instance_id: str, contact_id: str, channel_configuration: dict[str, Any]
    ) -> None:
        """Set or unset the chat's participant timers (docs: Admin Guide, chat timeouts).
        The shape (roles, types, 2 to 480 minutes, 1 to 6 entries) was checked by the wire
        against the model; here: one value per entry, no duplicate, a running CHAT."""
        entries = (channel_configuration.get("Chat") or {}).get("ParticipantTimerConfigList")
        if not entries:
            raise InvalidParameterException(
                "ChannelConfiguration.Chat.ParticipantTimerConfigList is required."
            )
        changes: dict[tuple[str, str], int | None] = {}
        for index, entry in enumerate(entries):
            where = f"ParticipantTimerConfigList[{index}]"
            key = (entry["ParticipantRole"], entry["TimerType"])
            if key in changes:
                raise InvalidParameterException(
                    f"{where}: a second timer for {key[0]} {key[1]}; each role and timer "
                    "type may be given once."
                )
            value = entry["TimerValue"]
            given = [member for member in TIMER_VALUE_MEMBERS if value.get(member) is not None]
            if len(given) != 1:
                raise InvalidParameterException(
                    f"{where}.TimerValue must set exactly one of {', '.join(TIMER_VALUE_MEMBERS)}."
                )
            minutes = value.get("ParticipantTimerDurationInMinutes")
            changes[key] = None if minutes is None else int(minutes)
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            if contact.channel != "CHAT":
                raise InvalidRequestException(
                    f"ContactId '{contact_id}' is a {contact.channel} contact; participant "
                    "timers are for CHAT contacts."
                )
            if contact.session.ended:
                raise InvalidRequestException(f"ContactId '{contact_id}': the chat has ended.")
            self.core.configure_role_timers(contact.session, changes)

    def list_associated_contacts(
        self, instance_id: str, contact_id: str, max_results: int | None, next_token: str | None
    ) -> dict[str, Any]:
        check_instance(self.origin, instance_id)
        session = self.get_contact(instance_id, contact_id, "contactId").session
        page, following = offset_page(session.segments, max_results or 100, next_token, "nextToken")
        response: dict[str, Any] = {"ContactSummaryList": [c.to_summary() for c in page]}
        if following is not None:
            response["NextToken"] = following
        return response

    def get_contact_attributes(self, instance_id: str, initial_contact_id: str) -> dict[str, Any]:
        check_instance(self.origin, instance_id)
        contact = self.get_contact(instance_id, initial_contact_id, "InitialContactId")
        return {"Attributes": dict(contact.session.attributes)}

    def update_contact_attributes(
        self, instance_id: str, initial_contact_id: str, attributes: dict[str, str]
    ) -> None:
        """Merge, checked as a whole before anything changes: a refused update changes nothing."""
        check_attribute_keys(attributes, "Attributes")
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, initial_contact_id, "InitialContactId")
            merged = {**contact.session.attributes, **attributes}
            check_attribute_size(merged, "Attributes (merged with the contact's)")
            contact.session.attributes = merged
            contact.last_update_timestamp = utcnow()
            self.core.record(AttributesUpdated, contact)

    def tag_contact(self, instance_id: str, contact_id: str, tags: dict[str, str]) -> None:
        """[doc: TagContact] "Adds the specified tags to the contact resource": the contact's
        user-defined tags, the ones a flow's TagContact action sets and DescribeContact shows.
        Checked as the model checks them (key pattern included), and the contact keeps 6 at
        most (docs/fidelity.md); a refused call changes nothing."""
        check_contact_tags(tags, "Tags")
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            contact.tags = merged_tags(contact.tags, tags)

    def untag_contact(self, instance_id: str, contact_id: str, tag_keys: list[str]) -> None:
        """[doc: UntagContact] "Existing tags on the contact whose keys are members of this
        list will be removed": a key the contact has no tag of is no error."""
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            removed = set(tag_keys)
            contact.tags = {key: value for key, value in contact.tags.items() if key not in removed}

    def update_contact(
        self,
        instance_id: str,
        contact_id: str,
        name: str | None,
        description: str | None,
        references: dict[str, dict[str, str]] | None,
        unemulated: list[str],
    ) -> None:
        """[doc: UpdateContact] "Adds or updates user-defined contact information associated
        with the specified contact. At least one field to be updated must be present in the
        request"; "for both ongoing and completed contacts". Name and Description are
        DescribeContact's; References merge by name (a flow's Lambda functions see them),
        4,096 UTF-8 bytes at most across a contact's. Members the mock does not emulate
        (routing, endpoints, email recipients, segment attributes) are refused by name."""
        if unemulated:
            raise InvalidRequestException(
                f"UpdateContact: {', '.join(unemulated)} not emulated by the mock "
                "(docs/fidelity.md); Name, Description and References are."
            )
        if name is None and description is None and not references:
            raise InvalidParameterException(
                "UpdateContact: at least one field to be updated must be present "
                "(Name, Description or References)."
            )
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            given = {
                key: {"Type": ref["Type"], "Value": ref.get("Value", "")}
                for key, ref in (references or {}).items()
            }
            merged = merged_references(contact.references, given)
            if name is not None:
                contact.name = name
            if description is not None:
                contact.description = description
            contact.references = merged
            contact.last_update_timestamp = utcnow()

    def update_contact_routing_data(
        self,
        instance_id: str,
        contact_id: str,
        queue_priority: int | None,
        queue_time_adjustment_seconds: int | None,
        routing_criteria: bool,
    ) -> None:
        """[doc: UpdateContactRoutingData] "Updates routing priority and age on the contact
        (QueuePriority and QueueTimeAdjustmentInSeconds). These properties can be used to
        change a customer's position in the queue"; "Either QueuePriority or
        QueueTimeAdjustmentInSeconds should be provided within the request body, but not
        both." A contact not waiting in a queue (no queue, an agent connected, ended) is a
        ResourceConflictException (docs/fidelity.md); RoutingCriteria is not emulated."""
        if routing_criteria:
            raise InvalidParameterException(
                "RoutingCriteria is not emulated by the mock (docs/fidelity.md)."
            )
        given = [queue_priority is not None, queue_time_adjustment_seconds is not None]
        if given.count(True) != 1:
            raise InvalidParameterException(
                "Either QueuePriority or QueueTimeAdjustmentSeconds must be provided, but not both."
            )
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            if contact.ended or contact.queue_id is None or contact.agent_id is not None:
                raise ResourceConflictException(
                    f"ContactId '{contact_id}' is not waiting in a queue: its routing data "
                    "cannot change."
                )
            if queue_priority is not None:
                contact.queue_priority = queue_priority
            if queue_time_adjustment_seconds is not None:
                contact.queue_time_adjustment_seconds = queue_time_adjustment_seconds
            contact.last_update_timestamp = utcnow()

    # ------------------------------------------------------------------ message streaming

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
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            check_streamable(contact)
            check_streaming_endpoint(self.origin, self.partition, endpoint_arn)
            return {"StreamingId": start_stream(self.core, contact.session, endpoint_arn)}

        fingerprint = (instance_id, contact_id, endpoint_arn)
        return self.replies.once("StartContactStreaming", client_token, fingerprint, start)

    def stop_contact_streaming(self, instance_id: str, contact_id: str, streaming_id: str) -> None:
        """Stop one stream of the contact's chat: nothing more is published to its topic.

        Stopping a stopped stream, or a stream of a chat that has ended, succeeds and changes
        nothing: the operation takes no ClientToken, so an SDK retry after a lost answer must
        not fail.
        """
        with self.lock:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            stop_stream(contact, streaming_id)

    # ------------------------------------------------------------------ custom participants

    def create_participant(
        self,
        instance_id: str,
        contact_id: str,
        participant_details: dict[str, Any],
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """Connect's CreateParticipant: a CUSTOM_BOT joins a running chat with its own token
        [doc: the only valid value for ParticipantRole is CUSTOM_BOT for chat contact]."""
        role = participant_details.get("ParticipantRole")

        def create() -> dict[str, Any]:
            check_instance(self.origin, instance_id)
            contact = self.get_contact(instance_id, contact_id, "ContactId")
            if contact.channel != "CHAT":
                raise InvalidRequestException(
                    f"ContactId '{contact_id}' is a {contact.channel} contact; this mock adds "
                    "participants to CHAT contacts only."
                )
            if role != "CUSTOM_BOT":
                raise InvalidRequestException(
                    "ParticipantDetails.ParticipantRole must be CUSTOM_BOT for a chat contact."
                )
            session = contact.session
            if session.ended:
                raise InvalidRequestException(
                    f"ContactId '{contact_id}': the chat has ended; participants join running "
                    "chats only."
                )
            token, bot = self.core.add_bot(session, participant_details.get("DisplayName"))
            return {
                "ParticipantCredentials": {
                    "ParticipantToken": token,
                    "Expiry": iso8601(session.deadline),
                },
                "ParticipantId": bot.participant_id,
            }

        fingerprint = (instance_id, contact_id, json.dumps(participant_details, sort_keys=True))
        return self.replies.once("CreateParticipant", client_token, fingerprint, create)

    # ------------------------------------------------------------------ reading

    def session_contact_ids(self, instance_id: str, contact_id: str) -> list[str]:
        """Ids of every segment of the contact's session, oldest first."""
        check_instance(self.origin, instance_id)
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


def check_resource_id(value: str, field_name: str) -> None:
    """A queue or agent id: 1 to 256 characters (the model's AgentResourceId)."""
    if not 1 <= len(value) <= MAX_RESOURCE_ID:
        raise InvalidParameterException(
            f"{field_name} must be 1 to {MAX_RESOURCE_ID} characters long."
        )


def check_role(role: str) -> None:
    if role not in PARTICIPANT_ROLES:
        raise InvalidParameterException(
            f"role must be one of {', '.join(PARTICIPANT_ROLES)}, got '{role}'."
        )


def check_chat_start(request: ChatStart) -> tuple[str, ...] | None:
    """StartChatContact's checks on its input alone, before idempotency and state; returns
    the SupportedMessagingContentTypes declared (None: not declared)."""
    if not request.contact_flow_id:
        # The model sets no minimum; moto has no flows to look up, so any id but "" goes.
        raise InvalidParameterException("ContactFlowId must not be empty.")
    persistent_chat = request.persistent_chat
    if persistent_chat is not None:
        if persistent_chat.get("RehydrationType") not in REHYDRATION_TYPES:
            raise InvalidParameterException(
                "PersistentChat.RehydrationType is required and must be one of "
                f"{', '.join(REHYDRATION_TYPES)}."
            )
        if not persistent_chat.get("SourceContactId"):
            raise InvalidParameterException("PersistentChat.SourceContactId is required.")
        if request.related_contact_id is not None:
            raise InvalidRequestException(
                "PersistentChat and RelatedContactId cannot be used together."
            )
    own_attributes = request.attributes or {}
    check_attribute_keys(own_attributes, "Attributes")
    check_attribute_size(own_attributes, "Attributes")
    types = request.supported_messaging_content_types
    declared = check_content_types(types) if types is not None else None
    check_segment_attributes(request.segment_attributes or {}, declared)
    if request.initial_message is not None:
        check_initial_message(request.initial_message, declared)
    return declared


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
        check_message(content_type, message["Content"])
    except ValidationException as err:
        raise InvalidParameterException(f"InitialMessage: {err.message}") from None
    if declared is not None and content_type not in declared:
        raise InvalidParameterException(
            f"InitialMessage.ContentType {content_type} is not among "
            f"SupportedMessagingContentTypes ({', '.join(declared)})."
        )


connect_persistent_backends = BackendDict(ConnectPersistentBackend, "connect")


def find_flow_handler(kind: str, *arns: str) -> Handler | None:
    """The handler registered for the first of ``arns`` that has one, in the backend of the
    account and region the ARN names (flow_handlers.py); a backend not made yet has none, and
    none is made here."""
    parts = arn_account_region(arns[0]) if arns else None
    if parts is None:
        return None
    account, region = parts
    accounts = dict.get(connect_persistent_backends, account)
    backend = dict.get(accounts, region) if accounts is not None else None
    return backend.handlers.find(kind, *arns) if backend is not None else None


B = TypeVar("B", bound=BaseBackend)


def backend_of(backends: BackendDict[B], account_id: str, region_name: str) -> B:
    """The one look-up of a backend of ours by account and region, for every door (the wire,
    seeding, the websocket handshake): an unknown region is :class:`UnknownRegion`."""
    try:
        return backends[account_id][region_name]
    except KeyError:
        raise UnknownRegion(region_name) from None
