"""Transcripts and participant connections: the rules of the Participant Service.

:class:`ParticipantBackend` is mixed into
:class:`~moto_connect_persistent.models.ConnectPersistentBackend`, so a transcript lives in
the same backend (account, region, lock, reset) as the contacts it belongs to, and the
persistent-chat rules decide what a chat can see (``Rehydration.visible_past``).

Items are stored per contact segment. A chat's transcript is computed when read: the items
of its own session's segments (``ContactId``), then, reached only by paging backwards, the
items of the visible past (``RelatedContactId``).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from moto.moto_api._internal import mock_random

from .. import sinks
from ..chat.clock import iso8601, to_millis, utcnow
from ..chat.content import (
    CHAT_ENDED,
    CHAT_REHYDRATED,
    DEFAULT_DISPLAY_NAMES,
    EVENT_PREFIX,
    EVENT_RECEIPTS,
    MAX_MESSAGE_BYTES,
    MESSAGE_CONTENT_TYPES,
    PARTICIPANT_JOINED,
    PARTICIPANT_LEFT,
    PARTICIPANT_ROLES,
    SEGMENT_START_EVENTS,
)
from ..chat.items import ItemLog, TranscriptItem
from ..chat.paging import (
    AFTER_ALL,
    BACKWARD,
    FORWARD,
    Cursor,
    TokenTable,
    backward_page,
    forward_page,
    past_items,
    start_key,
)
from ..chat.participants import Connection, Participant, WebsocketTicket
from ..chat.session import ChatSession, Contact, past_segments
from ..chat.views import transcript_item
from ..exceptions import (
    AccessDeniedException,
    InvalidParameterException,
    InvalidRequestException,
)
from ..websocket_url import websocket_base
from .exceptions import ValidationException

#: A ConnectionToken lives one day [doc: CreateParticipantConnection].
CONNECTION_TOKEN_LIFETIME = timedelta(days=1)
#: The websocket URL must be used within 100 s [doc].
WEBSOCKET_LIFETIME = timedelta(seconds=100)
#: Events a seeder may write for a participant (the agent's typing and receipts), as SendEvent.
SEEDED_EVENTS = tuple(
    EVENT_PREFIX + name for name in ("typing", "message.delivered", "message.read")
)
CONNECTION_TYPES = ("WEBSOCKET", "CONNECTION_CREDENTIALS")

#: StartPosition's members: a request sets one of them, or none.
START_FIELDS = ("Id", "AbsoluteTime", "MostRecent")
DESCENDING = "DESCENDING"
ASCENDING = "ASCENDING"
DEFAULT_MAX_RESULTS = 10


def parse_iso8601(text: str, field_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationException(
            f"{field_name} must be an ISO 8601 time such as 2019-11-08T02:41:28.172Z."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class TranscriptState:
    """Transcript items and tokens of one backend; owned by it, reset with it."""

    def __init__(self) -> None:
        #: items by (instance id, contact id) of their segment, oldest first.
        self.items: dict[tuple[str, str], ItemLog] = {}
        #: items by (instance id, root contact id) of their chat session, oldest first.
        self.sessions: dict[tuple[str, str], ItemLog] = {}
        #: items by (instance id, item id): StartPosition.Id and receipts find theirs here.
        self.by_id: dict[tuple[str, str], TranscriptItem] = {}
        #: NextTokens handed out, and the cursors they stand for.
        self.next_tokens = TokenTable(lambda: str(mock_random.uuid4()))
        #: ParticipantToken -> the root contact StartChatContact made for it.
        self.participant_tokens: dict[str, Contact] = {}
        #: ParticipantToken -> its participant, for tokens of CreateParticipant (custom bots);
        #: a token not in here is the chat's customer.
        self.token_participants: dict[str, Participant] = {}
        self.connections: dict[str, Connection] = {}
        #: Participants of a session by (instance id, root contact id, role, agent id or "").
        self.participants: dict[tuple[str, str, str, str], Participant] = {}
        #: Participant ids that left their chat (DisconnectParticipant).
        self.departed: set[str] = set()
        #: (participant id, operation, ClientToken) -> the first answer.
        self.replies: dict[tuple[str, str, str], dict[str, Any]] = {}
        #: The id in a Websocket.Url -> what the URL opens.
        self.websocket_tickets: dict[str, WebsocketTicket] = {}
        #: Participants whose websocket was told of the chat's rehydration already.
        self.rehydration_told: set[str] = set()
        #: The newest item's ``seq`` (items are made under the backend's lock).
        self.last_seq = 0

    def next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq


class ParticipantBackend:
    """Participant Service operations, mixed into the persistent-chat backend."""

    if TYPE_CHECKING:
        region_name: str
        account_id: str
        transcripts: TranscriptState
        lock: threading.RLock
        contacts: dict[tuple[str, str], Contact]

        def get_contact(self, instance_id: str, contact_id: str, field_name: str) -> Contact: ...

        def session_ended(self, session: ChatSession) -> bool: ...

        def _check_instance(self, instance_id: str) -> None: ...

        def stop_contact(
            self, instance_id: str, contact_id: str, disconnect_reason: str | None = None
        ) -> None: ...

        def _segment_closed(self, contact: Contact) -> None: ...

        def _past_is_stored(self, segment: Contact) -> bool: ...

        def idempotent(
            self,
            operation: str,
            client_token: str | None,
            fingerprint: tuple[Any, ...],
            call: Callable[[], dict[str, Any]],
        ) -> dict[str, Any]: ...

    # ------------------------------------------------------------------ writing items

    def _participant(
        self,
        session: ChatSession,
        role: str,
        display_name: str | None = None,
        agent_id: str | None = None,
    ) -> Participant:
        """The session's participant of a role. A StartChatContact customer keeps its id; each
        agent is its own participant (the running segment's agent unless ``agent_id`` is given),
        whose DisplayName is its agent id (the mock has no users to take a name from)."""
        root = session.root
        if role == "AGENT" and agent_id is None:
            agent_id = session.current.agent_id
        agent = (agent_id or "") if role == "AGENT" else ""
        key = (root.instance_id, root.id, role, agent)
        participant = self.transcripts.participants.get(key)
        if participant is None:
            if role == "CUSTOMER" and root.participant_id:
                participant = Participant(
                    root.participant_id, role, root.display_name or DEFAULT_DISPLAY_NAMES[role]
                )
            else:
                name = agent or DEFAULT_DISPLAY_NAMES[role]
                participant = Participant(str(mock_random.uuid4()), role, name)
            self.transcripts.participants[key] = participant
        if display_name is not None:
            participant = Participant(participant.participant_id, role, display_name)
        return participant

    def _write(
        self,
        contact: Contact,
        item_type: str,
        content_type: str,
        participant: Participant | None,
        content: str | None = None,
        stored: bool = True,
        at: datetime | None = None,
        attachments: list[dict[str, str]] | None = None,
    ) -> TranscriptItem:
        """Make an item on ``contact``, keep it unless ``stored`` is False, hand it to the sinks.

        ``at`` backdates an item Connect wrote at a moment already past (a chat that ran out
        of time is seen ended only when next read)."""
        item = TranscriptItem(
            seq=self.transcripts.next_seq(),
            id=str(mock_random.uuid4()),
            type=item_type,
            content_type=content_type,
            at=to_millis(at or utcnow()),
            contact_id=contact.id,
            participant_role=participant.role if participant else "SYSTEM",
            display_name=participant.display_name
            if participant
            else DEFAULT_DISPLAY_NAMES["SYSTEM"],
            participant_id=participant.participant_id if participant else None,
            content=content,
            stored=stored,
            attachments=attachments,
        )
        if stored:
            transcripts = self.transcripts
            instance_id = contact.instance_id
            transcripts.items.setdefault((instance_id, contact.id), ItemLog()).append(item)
            root_key = (instance_id, contact.session.root.id)
            transcripts.sessions.setdefault(root_key, ItemLog()).append(item)
            transcripts.by_id[(instance_id, item.id)] = item
        sinks.deliver(self, contact, item)  # type: ignore[arg-type]
        return item

    # Hooks the contact lifecycle calls when a chat's segments change.

    def _chat_started(self, root: Contact) -> None:
        """A CHAT root began: its customer joined; its ParticipantToken (if any) now works."""
        if root.channel != "CHAT":
            return
        if root.participant_token:
            self.transcripts.participant_tokens[root.participant_token] = root
        customer = self._participant(root.session, "CUSTOMER")
        self._write(root, "EVENT", PARTICIPANT_JOINED, customer)
        if root.agent_id:
            agent = self._participant(root.session, "AGENT", agent_id=root.agent_id)
            self._write(root, "EVENT", PARTICIPANT_JOINED, agent)

    def _segment_continued(self, new: Contact) -> None:
        """A transfer or disconnect flow: its event, the previous agent leaves, the new joins."""
        if new.channel != "CHAT":
            return
        session = new.session
        self._segment_closed(session.segments[new.index - 1])
        event = SEGMENT_START_EVENTS.get(new.initiation_method)
        if event is not None:
            self._write(new, "EVENT", event, None)
        previous = session.segments[new.index - 1]
        if previous.agent_id:
            leaving = self._participant(session, "AGENT", agent_id=previous.agent_id)
            self._write(new, "EVENT", PARTICIPANT_LEFT, leaving)
        if new.agent_id:
            joining = self._participant(session, "AGENT", agent_id=new.agent_id)
            self._write(new, "EVENT", PARTICIPANT_JOINED, joining)

    def _chat_rehydrated(self, session: ChatSession) -> None:
        """The chat just became persistent: Connect tells its clients so with an event."""
        self._write(
            session.current,
            "EVENT",
            CHAT_REHYDRATED,
            None,
        )

    def _contact_stopped(self, contact: Contact) -> None:
        """The session's latest segment ended: the chat is over."""
        if contact.channel == "CHAT" and contact.session.current is contact:
            self._write(contact, "EVENT", CHAT_ENDED, None, at=contact.disconnect_timestamp)
            self._segment_closed(contact)

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
            self._check_instance(instance_id)
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
            root = session.root
            bot = Participant(
                str(mock_random.uuid4()),
                "CUSTOM_BOT",
                participant_details.get("DisplayName") or DEFAULT_DISPLAY_NAMES["CUSTOM_BOT"],
            )
            token = str(mock_random.uuid4())
            self.transcripts.participant_tokens[token] = root
            self.transcripts.token_participants[token] = bot
            self._write(session.current, "EVENT", PARTICIPANT_JOINED, bot)
            return {
                "ParticipantCredentials": {
                    "ParticipantToken": token,
                    "Expiry": iso8601(session.deadline),
                },
                "ParticipantId": bot.participant_id,
            }

        fingerprint = (instance_id, contact_id, json.dumps(participant_details, sort_keys=True))
        return self.idempotent("CreateParticipant", client_token, fingerprint, create)

    # ------------------------------------------------------------------ seeding

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
        if role not in PARTICIPANT_ROLES:
            raise InvalidParameterException(
                f"role must be one of {', '.join(PARTICIPANT_ROLES)}, got '{role}'."
            )
        _check_message(content_type, content)
        with self.lock:
            self._check_instance(instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            if session.ended:
                raise InvalidRequestException(
                    f"The chat session of '{contact_id}' has ended: no more messages."
                )
            participant = self._participant(session, role, display_name)
            return self._write(session.current, "MESSAGE", content_type, participant, content).id

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
        if role not in PARTICIPANT_ROLES:
            raise InvalidParameterException(
                f"role must be one of {', '.join(PARTICIPANT_ROLES)}, got '{role}'."
            )
        if content_type not in SEEDED_EVENTS:
            raise InvalidParameterException(
                f"content_type must be one of {', '.join(SEEDED_EVENTS)}, got '{content_type}'."
            )
        content = None if message_id is None else json.dumps({"messageId": message_id})
        with self.lock:
            self._check_instance(instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            if session.ended:
                raise InvalidRequestException(
                    f"The chat session of '{contact_id}' has ended: no more events."
                )
            participant = self._participant(session, role)
            try:
                return self._event(session.root, participant, content_type, content).id
            except ValidationException as err:
                raise InvalidParameterException(err.message) from None

    # ------------------------------------------------------------------ tokens

    def _check_participant(self, root: Contact, participant: Participant) -> None:
        """docs/transcripts.md, Tokens: tokens of an ended chat (stopped or out of time) or a
        departed participant
        fail."""
        if self.session_ended(root.session):
            raise AccessDeniedException(
                "The chat has ended (stopped, or its ChatDurationInMinutes expired): its "
                "tokens no longer work."
            )
        if participant.participant_id in self.transcripts.departed:
            raise AccessDeniedException("The participant has left the chat.")

    def _connection(self, token: str | None) -> Connection:
        connection = self.transcripts.connections.get(token or "")
        if connection is None:
            raise AccessDeniedException("The ConnectionToken is missing or not valid.")
        if utcnow() >= connection.expires_at:
            raise AccessDeniedException("The ConnectionToken has expired.")
        self._check_participant(connection.root, connection.participant)
        return connection

    def check_connection_token(
        self, token: str | None, operation: str | None = None, client_token: str | None = None
    ) -> None:
        """Token first, as AWS does: a bad token answers 403 whatever else is wrong -- unless
        the call replays an answered ``operation`` with the same ``client_token``."""
        with self.lock:
            if operation is None or self._replayed(token, operation, client_token) is None:
                self._connection(token)

    def check_participant_token(self, token: str | None) -> None:
        with self.lock:
            self._participant_token_root(token)

    def _participant_token_root(self, token: str | None) -> Contact:
        root = self.transcripts.participant_tokens.get(token or "")
        if root is None:
            raise AccessDeniedException("The ParticipantToken is missing or not valid.")
        self._check_participant(root, self._token_participant(root, token or ""))
        return root

    def _token_participant(self, root: Contact, token: str) -> Participant:
        """Whom a ParticipantToken stands for: a custom bot's own, else the customer."""
        participant = self.transcripts.token_participants.get(token)
        return participant or self._participant(root.session, "CUSTOMER")

    # ------------------------------------------------------------------ operations

    def create_participant_connection(
        self,
        participant_token: str | None,
        connection_types: list[str] | None = None,
        endpoint_host: str | None = None,
    ) -> dict[str, Any]:
        """A new ConnectionToken for the participant and/or a websocket URL for it (both
        types when none is named); ``endpoint_host`` as for :meth:`open_connection`."""
        with self.lock:
            root = self._participant_token_root(participant_token)
            wanted = connection_types or list(CONNECTION_TYPES)
            unsupported = sorted(set(wanted) - set(CONNECTION_TYPES))
            if unsupported:
                raise ValidationException(
                    f"Type {', '.join(unsupported)} is not available for a chat participant."
                )
            return self.open_connection(
                root,
                wanted,
                self._token_participant(root, participant_token or ""),
                endpoint_host=endpoint_host,
            )

    def open_connection(
        self,
        root: Contact,
        connection_types: list[str],
        participant: Participant | None = None,
        endpoint_host: str | None = None,
    ) -> dict[str, Any]:
        """Connect a participant of the chat (its customer unless ``participant`` is given):
        ``ConnectionCredentials`` and/or ``Websocket``, by type.

        The one place a connection is made, for CreateParticipantConnection and for
        StartChatContact's ``ConnectionTypes``. ``endpoint_host`` is the host name the client
        reached the mock by: the websocket is served there (see
        :mod:`~moto_connect_persistent.websocket_url`). Types other than the two above add
        nothing.
        """
        with self.lock:
            now = utcnow()
            connection = Connection(
                token=str(mock_random.uuid4()),
                root=root,
                participant=participant or self._participant(root.session, "CUSTOMER"),
                expires_at=now + CONNECTION_TOKEN_LIFETIME,
            )
            self.transcripts.connections[connection.token] = connection
            response: dict[str, Any] = {}
            if "WEBSOCKET" in connection_types:
                response["Websocket"] = self._websocket(connection, now, endpoint_host)
            if "CONNECTION_CREDENTIALS" in connection_types:
                response["ConnectionCredentials"] = {
                    "ConnectionToken": connection.token,
                    "Expiry": iso8601(connection.expires_at),
                }
            return response

    def _websocket(
        self, connection: Connection, now: datetime, endpoint_host: str | None
    ) -> dict[str, str]:
        """A fresh ``Websocket`` answer: a URL that opens sockets of ``connection`` until
        ``ConnectionExpiry`` [doc: 100 s]; the one place a websocket URL is built."""
        ticket_id = str(mock_random.uuid4())
        ticket = WebsocketTicket(
            connection.token, now + WEBSOCKET_LIFETIME, self.transcripts.last_seq
        )
        self.transcripts.websocket_tickets[ticket_id] = ticket
        base = websocket_base(endpoint_host)
        return {
            "Url": f"{base}/{self.account_id}/{self.region_name}/{ticket_id}",
            "ConnectionExpiry": iso8601(ticket.expires_at),
        }

    def websocket_connection(self, ticket_id: str) -> Connection:
        """The connection a websocket URL opens, checked as its handshake: an unknown or
        expired URL (past ``ConnectionExpiry``) or a connection that no longer works fails."""
        with self.lock:
            ticket = self.transcripts.websocket_tickets.get(ticket_id)
            if ticket is None:
                raise AccessDeniedException("The websocket URL is not valid.")
            if utcnow() >= ticket.expires_at:
                raise AccessDeniedException(
                    "The websocket URL has expired (ConnectionExpiry): call "
                    "CreateParticipantConnection again for a new one."
                )
            return self._connection(ticket.connection_token)

    def websocket_backlog(self, ticket_id: str) -> list[TranscriptItem]:
        """What a socket of this URL is pushed first, when it subscribes (call under the lock,
        so that nothing is written between these items and the socket's first live one).

        The chat's ``chat.rehydrated`` event, once per participant, when the chat became
        persistent before the participant's socket existed (Connect tells each participant
        that joins a rehydrated chat), then the current session's items written since the
        URL was made [chosen].
        """
        ticket = self.transcripts.websocket_tickets[ticket_id]
        connection = self.transcripts.connections[ticket.connection_token]
        root = connection.root.session.root
        log = self.transcripts.sessions.get((root.instance_id, root.id)) or ItemLog()
        backlog = log[log.first_after(ticket.after_seq) :]
        participant_id = connection.participant.participant_id
        if participant_id not in self.transcripts.rehydration_told:
            self.transcripts.rehydration_told.add(participant_id)
            told = [
                item
                for item in log
                if item.content_type == CHAT_REHYDRATED and item.seq <= ticket.after_seq
            ]
            backlog = told[-1:] + backlog
        return backlog

    def _replayed(
        self, connection_token: str | None, operation: str, client_token: str | None
    ) -> dict[str, Any] | None:
        """The first answer to this participant's call with this ClientToken, if any.

        Looked up before the token's other checks: a retry of a call whose answer was lost
        (a DisconnectParticipant that ended the chat) answers as the first call did. An
        expired ConnectionToken replays nothing.
        """
        connection = self.transcripts.connections.get(connection_token or "")
        if not client_token or connection is None or utcnow() >= connection.expires_at:
            return None
        key = (connection.participant.participant_id, operation, client_token)
        reply = self.transcripts.replies.get(key)
        return dict(reply) if reply is not None else None

    def _remember(
        self,
        connection: Connection,
        operation: str,
        client_token: str | None,
        reply: dict[str, Any],
    ) -> None:
        if client_token:
            key = (connection.participant.participant_id, operation, client_token)
            self.transcripts.replies[key] = dict(reply)

    def send_message(
        self,
        connection_token: str | None,
        content_type: str,
        content: str,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            previous = self._replayed(connection_token, "SendMessage", client_token)
            if previous is not None:
                return previous
            connection = self._connection(connection_token)
            _check_message(content_type, content)
            declared = connection.root.supported_content_types
            if declared is not None and content_type not in declared:
                raise ValidationException(
                    f"ContentType {content_type} is not among the chat's "
                    f"SupportedMessagingContentTypes ({', '.join(declared)})."
                )
            session = connection.root.session
            item = self._write(
                session.current, "MESSAGE", content_type, connection.participant, content
            )
            response = {"Id": item.id, "AbsoluteTime": iso8601(item.at)}
            self._remember(connection, "SendMessage", client_token, response)
            return response

    def send_event(
        self,
        connection_token: str | None,
        content_type: str,
        content: str | None = None,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """Typing and acknowledgements are accepted only; receipts mark the message."""
        with self.lock:
            previous = self._replayed(connection_token, "SendEvent", client_token)
            if previous is not None:
                return previous
            connection = self._connection(connection_token)
            event = self._event(connection.root, connection.participant, content_type, content)
            response = {"Id": event.id, "AbsoluteTime": iso8601(event.at)}
            self._remember(connection, "SendEvent", client_token, response)
            return response

    def _event(
        self,
        root: Contact,
        participant: Participant,
        content_type: str,
        content: str | None,
    ) -> TranscriptItem:
        """SendEvent's rule, for the customer and for seeded participants alike."""
        if content_type not in EVENT_RECEIPTS:
            raise ValidationException(f"ContentType must be one of {', '.join(EVENT_RECEIPTS)}.")
        receipt = EVENT_RECEIPTS[content_type]
        # Checked before the event is made: a refused receipt reaches no sink.
        message = self._receipt_target(root, content) if receipt is not None else None
        event = self._write(
            root.session.current, "EVENT", content_type, participant, content, stored=False
        )
        if receipt is not None and message is not None:
            recipient = participant.participant_id
            message.receipts.setdefault(recipient, {})[receipt] = iso8601(event.at)
        return event

    def _receipt_target(self, root: Contact, content: str | None) -> TranscriptItem:
        try:
            message_id = json.loads(content or "")["messageId"]
        except (ValueError, TypeError, KeyError):
            raise ValidationException(
                'Content of a receipt must be JSON such as {"messageId": "..."}.'
            ) from None
        item = self.transcripts.by_id.get((root.instance_id, message_id))
        if item is not None and item.type == "MESSAGE" and self._in_session(item, root):
            return item
        raise ValidationException(f"No message '{message_id}' in this chat.")

    def disconnect_participant(
        self, connection_token: str | None, client_token: str | None = None
    ) -> None:
        """The participant leaves and, as a customer disconnect does, the chat ends."""
        with self.lock:
            if self._replayed(connection_token, "DisconnectParticipant", client_token) is not None:
                return
            connection = self._connection(connection_token)
            session = connection.root.session
            self._write(session.current, "EVENT", PARTICIPANT_LEFT, connection.participant)
            self.transcripts.departed.add(connection.participant.participant_id)
            self.stop_contact(
                session.current.instance_id, session.current.id, "CUSTOMER_DISCONNECT"
            )
            self._remember(connection, "DisconnectParticipant", client_token, {})

    # ------------------------------------------------------------------ transcript

    def _in_session(self, item: TranscriptItem, root: Contact) -> bool:
        """Whether ``item`` was sent in the chat session of ``root`` (not its past)."""
        contact = self.contacts.get((root.instance_id, item.contact_id))
        return contact is not None and contact.session is root.session

    def _log(self, root: Contact, contact_id: str | None) -> ItemLog:
        """The current-session items a page reads: the whole session, or one segment."""
        key = (root.instance_id, root.id if contact_id is None else contact_id)
        logs = self.transcripts.sessions if contact_id is None else self.transcripts.items
        return logs.get(key) or ItemLog()

    def _segment_log(self, segment: Contact) -> ItemLog:
        """A past segment's items; none, under the strict setting, without its stored file."""
        if not self._past_is_stored(segment):
            return ItemLog()
        return self._contact_items(segment)

    def _contact_items(self, contact: Contact) -> ItemLog:
        return self.transcripts.items.get((contact.instance_id, contact.id)) or ItemLog()

    def get_transcript(
        self,
        connection_token: str | None,
        contact_id: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
        scan_direction: str | None = None,
        sort_order: str | None = None,
        start_position: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A page of the chat's transcript, paged as docs/transcripts.md ("Paging") describes.

        A page reads either the chat's own session or its visible past, never both: the past
        is reached only through the NextToken of the current session's last page.
        """
        with self.lock:
            connection = self._connection(connection_token)
            root = connection.root.session.root
            if next_token is not None:
                cursor = self._resume(next_token, root, scan_direction, contact_id)
            else:
                cursor = self._first_cursor(connection, contact_id, scan_direction, start_position)
            limit = DEFAULT_MAX_RESULTS if max_results is None else max_results
            if cursor.segment_id is None:
                page, following = self._current_page(root, cursor, limit)
            else:
                page, following = self._past_page(cursor, limit)
            natural = DESCENDING if cursor.direction == BACKWARD else ASCENDING
            if (sort_order or DESCENDING) != natural:
                page.reverse()
            current = cursor.segment_id is None
            response: dict[str, Any] = {
                "InitialContactId": root.id,
                "Transcript": [transcript_item(item, current) for item in page],
            }
            if following is not None:
                response["NextToken"] = self.transcripts.next_tokens.token(following)
            return response

    def _current_page(
        self, root: Contact, cursor: Cursor, limit: int
    ) -> tuple[list[TranscriptItem], Cursor | None]:
        log = self._log(root, cursor.contact_id)
        if cursor.direction == FORWARD:
            page, key = forward_page(log, cursor.key, limit)
            return page, (replace(cursor, key=key) if key is not None else None)
        page, key = backward_page(log, cursor.key, limit)
        if key is not None:
            return page, replace(cursor, key=key)
        # The session is read to its oldest item: the past follows only through a token.
        rehydration = root.session.rehydration
        if rehydration is None:
            return page, None
        oldest = next(
            past_items(past_segments(rehydration.result), AFTER_ALL, self._segment_log), None
        )
        if oldest is None:
            return page, None
        return page, replace(cursor, segment_id=oldest.contact_id, key=oldest.seq + 1)

    def _past_page(self, cursor: Cursor, limit: int) -> tuple[list[TranscriptItem], Cursor | None]:
        assert cursor.segment_id is not None
        segment = self.get_contact(cursor.instance_id, cursor.segment_id, "ContactId")
        walk = past_items(past_segments(segment), cursor.key, self._segment_log)
        page = list(itertools.islice(walk, limit + 1))
        if len(page) <= limit:
            return page, None
        following = page.pop()
        return page, replace(cursor, segment_id=following.contact_id, key=following.seq + 1)

    def _first_cursor(
        self,
        connection: Connection,
        contact_id: str | None,
        scan_direction: str | None,
        start_position: dict[str, Any] | None,
    ) -> Cursor:
        """The first page's cursor. Default direction as documented: BACKWARD, FORWARD with a
        StartPosition. A StartPosition picks an item of the current session (inclusive)."""
        session = connection.root.session
        root = session.root
        if contact_id is not None:
            contact = self.contacts.get((root.instance_id, contact_id))
            if contact is None or contact.session is not session:
                raise AccessDeniedException(
                    f"ContactId '{contact_id}' is not a contact of this chat."
                )
        given = [k for k in START_FIELDS if (start_position or {}).get(k) is not None]
        if len(given) > 1:
            raise ValidationException(
                "StartPosition must set exactly one of Id, AbsoluteTime, MostRecent."
            )
        # An empty StartPosition ({}: what amazon-connect-chatjs sends by default) is none.
        kind = given[0] if given else None
        direction = scan_direction or (FORWARD if kind is not None else BACKWARD)
        log = self._log(root, contact_id)
        value: Any = (start_position or {}).get(kind) if kind is not None else None
        if kind == "Id":
            item = self.transcripts.by_id.get((root.instance_id, value))
            if (
                item is None
                or not self._in_session(item, connection.root)
                or (contact_id is not None and item.contact_id != contact_id)
            ):
                raise ValidationException(
                    f"StartPosition.Id '{value}' is not an item of this chat."
                )
            value = item
        elif kind == "AbsoluteTime":
            value = parse_iso8601(value, "StartPosition.AbsoluteTime")
        key = start_key(log, direction, kind, value)
        return Cursor(root.instance_id, root.id, direction, contact_id, None, key)

    def _resume(
        self, next_token: str, root: Contact, scan_direction: str | None, contact_id: str | None
    ) -> Cursor:
        cursor = self.transcripts.next_tokens.cursor(next_token)
        if cursor is None:
            raise ValidationException("NextToken is not valid.")
        if (cursor.root_id, cursor.instance_id) != (root.id, root.instance_id):
            raise ValidationException("NextToken belongs to another chat.")
        if scan_direction is not None and scan_direction != cursor.direction:
            raise ValidationException("ScanDirection differs from the one NextToken continues.")
        if contact_id is not None and contact_id != cursor.contact_id:
            raise ValidationException("ContactId differs from the one NextToken continues.")
        return cursor


def _check_message(content_type: str, content: str) -> None:
    if content_type not in MESSAGE_CONTENT_TYPES:
        raise ValidationException(f"ContentType must be one of {', '.join(MESSAGE_CONTENT_TYPES)}.")
    if not content or len(content.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ValidationException(
            f"Content must be 1 to {MAX_MESSAGE_BYTES} bytes long (UTF-8), for every content type."
        )
