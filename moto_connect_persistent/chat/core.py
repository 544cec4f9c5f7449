"""The chat core of one account and region: contacts, transcripts, participants, connections.

Both backends stand on it: the Connect backend changes contacts and sessions and tells the
core what happened to them; the Participant backend writes and reads items through it. The
core writes the items Connect itself writes when a chat changes (participant joined and
left, transfers, chat ended, rehydrated) and records each happening once for its listeners
(:mod:`.happenings`). It holds the one lock of the account and region's chat state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from . import clock
from .clock import iso8601, to_millis, utcnow
from .content import (
    AUTO_DISCONNECTION,
    CHAT_ENDED,
    CHAT_REHYDRATED,
    CUSTOMER_REMAINING,
    DEFAULT_DISPLAY_NAMES,
    DEPARTURES_ENDING_THE_CHAT,
    DISCONNECT_NONCUSTOMER,
    IDLE,
    PARTICIPANT_IDLE,
    PARTICIPANT_JOINED,
    PARTICIPANT_LEFT,
    PARTICIPANT_RETURNED,
    SEGMENT_START_EVENTS,
    TIMER_ROLES,
)
from .happenings import (
    EVERY_CHAT,
    BackendReset,
    ChatEnded,
    ChatRehydrated,
    ContactQueued,
    Happening,
    ItemWritten,
    Listeners,
    Origin,
    ParticipantJoined,
    ParticipantLeft,
    SegmentEnded,
    SegmentStarted,
)
from .items import ItemLog, TranscriptItem
from .participants import Connection, Participant, WebsocketTicket
from .scheduler import SCHEDULER, Timer
from .session import ChatSession, Contact

log = logging.getLogger(__name__)

#: A ConnectionToken lives one day [doc: CreateParticipantConnection].
CONNECTION_TOKEN_LIFETIME = timedelta(days=1)
#: The websocket URL must be used within 100 s [doc].
WEBSOCKET_LIFETIME = timedelta(seconds=100)
CONNECTION_TYPES = ("WEBSOCKET", "CONNECTION_CREDENTIALS")
#: DisconnectReason of a chat that ended because its duration ran out [chosen].
EXPIRED = "EXPIRED"


class TranscriptIndex:
    """The logs GetTranscript pages, kept up to date as a listener of :class:`ItemWritten`:
    stored items by segment, by chat session and by id.

    A session's first segment has no log of its own while every item of the session is its
    own: its log is the session's (most chats never have a second segment, and a log per
    chat is a tenth of a running chat's memory, benchmarks/README.md). The first item of a
    later segment makes the first segment's log, a copy of the session's up to then; a
    segment, once the next began, gets no more items, so the copy is its whole log.
    """

    def __init__(self) -> None:
        #: items by (instance id, contact id) of their segment, oldest first; a session's
        #: first segment is here once a later segment wrote an item.
        self.segments: dict[tuple[str, str], ItemLog] = {}
        #: items by (instance id, root contact id) of their chat session, oldest first.
        self.sessions: dict[tuple[str, str], ItemLog] = {}
        #: items by (instance id, item id): StartPosition.Id and receipts find theirs here.
        self.by_id: dict[tuple[str, str], TranscriptItem] = {}

    def item_written(self, happening: ItemWritten) -> None:
        item, contact = happening.item, happening.contact
        if not item.stored:
            return
        instance_id = contact.instance_id
        root_key = (instance_id, contact.session.root.id)
        session_log = self.sessions.get(root_key)
        if session_log is None:
            session_log = self.sessions[root_key] = ItemLog()
        key = (instance_id, contact.id)
        if key != root_key:
            if root_key not in self.segments:
                self.segments[root_key] = session_log.copy()
            self.segments.setdefault(key, ItemLog()).append(item)
        session_log.append(item)
        self.by_id[(instance_id, item.id)] = item

    def log(self, instance_id: str, contact_id: str) -> ItemLog:
        """The items of segment ``contact_id`` (empty if it wrote none)."""
        key = (instance_id, contact_id)
        return self.segments.get(key) or self.sessions.get(key) or ItemLog()

    def segment_log(self, contact: Contact) -> ItemLog:
        return self.log(contact.instance_id, contact.id)

    def session_log(self, session: ChatSession) -> ItemLog:
        root = session.root
        return self.sessions.get((root.instance_id, root.id)) or ItemLog()


class ChatCore:
    """Every chat of one account and region, and the one way out of what happens in them."""

    def __init__(self, origin: Origin, new_id: Callable[[], str], partition: str = "aws") -> None:
        self.origin = origin
        self.new_id = new_id
        #: The ARN partition of the contacts' ARNs, and each instance's ARN, made once.
        self.partition = partition
        self.instance_arns: dict[str, str] = {}
        # Server mode serves requests on many threads; every multi-step change holds this.
        self.lock = threading.RLock()
        self.listeners = Listeners()
        #: contacts by (instance id, contact id): ids are unique per instance only.
        self.contacts: dict[tuple[str, str], Contact] = {}
        self.transcripts = TranscriptIndex()
        self.listeners.on(ItemWritten, self.transcripts.item_written)
        #: Participants of a session by (instance id, root contact id, role, agent id or "").
        self.participants: dict[tuple[str, str, str, str], Participant] = {}
        #: ParticipantToken -> the root contact its chat started with.
        self.participant_tokens: dict[str, Contact] = {}
        #: ParticipantToken -> its participant, for tokens of CreateParticipant (custom bots);
        #: a token not in here is the chat's customer.
        self.token_participants: dict[str, Participant] = {}
        self.connections: dict[str, Connection] = {}
        #: Participant ids that left their chat (DisconnectParticipant).
        self.departed: set[str] = set()
        #: The id in a Websocket.Url -> what the URL opens.
        self.websocket_tickets: dict[str, WebsocketTicket] = {}
        #: Participants whose websocket was told of the chat's rehydration already.
        self.rehydration_told: set[str] = set()
        #: The newest item's ``seq`` (items are made under the lock).
        self.last_seq = 0
        #: The armed participant timer of each (instance id, root contact id, role).
        self.role_timers: dict[tuple[str, str, str], Timer] = {}

    def record(self, kind: type[Happening], *facts: Any) -> None:
        """A happening of ``kind`` (made of ``facts``) reaches this core's listeners, then
        every core's; it is made only when someone listens."""
        listeners = self.listeners.of(kind) + EVERY_CHAT.of(kind)
        if not listeners:
            return
        happening = kind(self.origin, *facts)
        for listener in listeners:
            try:
                listener(happening)
            except Exception:  # noqa: BLE001 - best effort, as Connect's own streaming is
                log.exception("chat listener %r failed on %s", listener, kind.__name__)

    def reset(self) -> None:
        """moto's reset: listeners drop what they hold, the timers go, the clock is the
        Python clock again."""
        self.record(BackendReset)
        SCHEDULER.forget(self)
        clock.reset()

    # ------------------------------------------------------------------ participants

    def participant(
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
        participant = self.participants.get(key)
        if participant is None:
            if role == "CUSTOMER" and root.participant_id:
                participant = Participant(
                    root.participant_id, role, root.display_name or DEFAULT_DISPLAY_NAMES[role]
                )
            else:
                name = agent or DEFAULT_DISPLAY_NAMES[role]
                participant = Participant(self.new_id(), role, name)
            self.participants[key] = participant
        if display_name is not None:
            participant = Participant(participant.participant_id, role, display_name)
        return participant

    def token_participant(self, root: Contact, token: str) -> Participant:
        """Whom a ParticipantToken stands for: a custom bot's own, else the customer."""
        participant = self.token_participants.get(token)
        return participant or self.participant(root.session, "CUSTOMER")

    def add_bot(self, session: ChatSession, display_name: str | None) -> tuple[str, Participant]:
        """A CUSTOM_BOT joins the running chat with a ParticipantToken of its own."""
        bot = Participant(
            self.new_id(), "CUSTOM_BOT", display_name or DEFAULT_DISPLAY_NAMES["CUSTOM_BOT"]
        )
        token = self.new_id()
        self.participant_tokens[token] = session.root
        self.token_participants[token] = bot
        self.join(session.current, bot)
        return token, bot

    def join(self, contact: Contact, participant: Participant) -> None:
        self.write(contact, "EVENT", PARTICIPANT_JOINED, participant)
        self.record(ParticipantJoined, contact, participant)
        if participant.role == "AGENT":
            # A new agent/customer interaction: the role timers start over [doc].
            contact.session.idle_roles = frozenset()
            self.restart_role_timers(contact.session, utcnow())

    def leave(self, contact: Contact, participant: Participant, at: datetime | None = None) -> None:
        self.write(contact, "EVENT", PARTICIPANT_LEFT, participant, at=at)
        self.record(ParticipantLeft, contact, participant)
        if participant.role == "AGENT":
            self.stop_role_timers(contact.session)

    # ------------------------------------------------------------------ queues and agents

    def enqueue(self, contact: Contact, queue_id: str) -> None:
        """The running segment waits in ``queue_id``'s queue (QueueInfo shows it from now)."""
        now = utcnow()
        contact.queue_id = queue_id
        contact.enqueue_timestamp = now
        contact.last_update_timestamp = now
        self.record(ContactQueued, contact)

    def connect_agent(self, contact: Contact, agent_id: str) -> str:
        """An agent accepts the running segment: AgentInfo shows it, then the agent joins.
        Returns the agent's ParticipantToken (what the agent's contact control panel holds)."""
        now = utcnow()
        contact.agent_id = agent_id
        contact.connected_to_agent_timestamp = now
        contact.last_update_timestamp = now
        agent = self.participant(contact.session, "AGENT", agent_id=agent_id)
        self.departed.discard(agent.participant_id)
        token = self.new_id()
        self.participant_tokens[token] = contact.session.root
        self.token_participants[token] = agent
        self.join(contact, agent)
        return token

    def agent_leaves(
        self,
        contact: Contact,
        agent_id: str,
        on: Contact | None = None,
        at: datetime | None = None,
    ) -> None:
        """``agent_id``, the agent of ``contact``, leaves (its item on ``on``, the segment
        running then); its tokens stop working. An agent that left already leaves once."""
        agent = self.participant(contact.session, "AGENT", agent_id=agent_id)
        if agent.participant_id in self.departed:
            return
        self.departed.add(agent.participant_id)
        self.leave(on or contact, agent, at)

    # ------------------------------------------------------------------ segments

    def add_segment(
        self,
        instance_id: str,
        session: ChatSession,
        *,
        channel: str,
        initiation_method: str,
        contact_id: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> Contact:
        """Append a segment to ``session`` (a new one's first: its root); a given
        ``contact_id`` must already be checked as free in the instance."""
        new_id = contact_id or self.new_id()
        instance_arn = self.instance_arns.get(instance_id)
        if instance_arn is None:
            instance_arn = self.instance_arns[instance_id] = (
                f"arn:{self.partition}:connect:{self.origin.region_name}:"
                f"{self.origin.account_id}:instance/{instance_id}"
            )
        contact = Contact(
            contact_id=new_id,
            instance_arn=instance_arn,
            instance_id=instance_id,
            channel=channel,
            initiation_method=initiation_method,
            session=session,
            previous_contact_id=session.current.id if session.segments else None,
            agent_id=agent_id,
            queue_id=queue_id,
        )
        session.segments.append(contact)
        self.contacts[(instance_id, new_id)] = contact
        return contact

    def continue_session(
        self,
        session: ChatSession,
        initiation_method: str,
        contact_id: str | None = None,
        *,
        agent_id: str | None = None,
        queue_id: str | None = None,
        contact_flow_id: str | None = None,
        at: datetime | None = None,
    ) -> Contact:
        """The running segment ends (at ``at``, now if None) and the next one begins
        (``contact_id`` checked as free), running ``contact_flow_id``: a transfer, or the
        customer remaining in a disconnect flow."""
        current = session.current
        current.end(at or utcnow())
        new = self.add_segment(
            current.instance_id,
            session,
            channel=current.channel,
            initiation_method=initiation_method,
            contact_id=contact_id,
            agent_id=agent_id,
            queue_id=queue_id,
        )
        new.contact_flow_id = contact_flow_id
        self.segment_continued(new)
        return new

    def agent_gone(
        self,
        session: ChatSession,
        at: datetime | None = None,
        *,
        disconnect_flow: bool | None = None,
        contact_id: str | None = None,
    ) -> Contact:
        """The agent of the running segment has left (its ``participant.left`` written);
        what follows, whoever made it leave (the agent itself, a seeder, an auto-disconnect
        timer). With the chat's disconnect flow set (the ``CustomerRemaining`` hook) the
        customer remains, in a DISCONNECT segment (``contact_id``) running it [doc: block
        "Set disconnect flow"; Admin Guide, chat timeouts: an agent auto-disconnected goes
        to it too]; without, the chat ends with AGENT_DISCONNECT. ``disconnect_flow``
        True/False forces either (a seeder's choice). Returns the segment running after,
        or the ended one."""
        hook = session.event_hooks.get(CUSTOMER_REMAINING)
        remains = hook is not None if disconnect_flow is None else disconnect_flow
        current = session.current
        if not remains:
            self.end(current, at or utcnow(), DEPARTURES_ENDING_THE_CHAT["AGENT"])
            return current
        return self.continue_session(session, "DISCONNECT", contact_id, contact_flow_id=hook, at=at)

    # ------------------------------------------------------------------ timers

    def arm(
        self, due: datetime, action: Callable[[ChatCore, Any, datetime], None], subject: Any
    ) -> Timer:
        """``action(self, subject, due)`` runs under this core's lock once the mock's clock
        reaches ``due`` (:mod:`.scheduler`); arming only queues it."""
        return SCHEDULER.arm(self, due, action, subject)

    def _duration_up(self, session: ChatSession, at: datetime) -> None:
        self.expire(session)

    def _has_agent(self, session: ChatSession) -> bool:
        current = session.current
        if current.ended or current.channel != "CHAT" or not current.agent_id:
            return False
        agent = self.participant(session, "AGENT", agent_id=current.agent_id)
        return agent.participant_id not in self.departed

    def configure_role_timers(
        self, session: ChatSession, changes: dict[tuple[str, str], int | None]
    ) -> None:
        """UpdateParticipantRoleConfig: set (minutes) or unset (None) timers of the chat;
        the running ones start over from now."""
        configured = dict(session.participant_timers)
        for key, minutes in changes.items():
            if minutes is None:
                configured.pop(key, None)
            else:
                configured[key] = minutes
        session.participant_timers = configured
        self.restart_role_timers(session, utcnow())

    def stop_role_timers(self, session: ChatSession, roles: tuple[str, ...] = TIMER_ROLES) -> None:
        root = session.root
        for role in roles:
            timer = self.role_timers.pop((root.instance_id, root.id, role), None)
            if timer is not None:
                timer.cancel()

    def restart_role_timers(
        self, session: ChatSession, since: datetime, roles: tuple[str, ...] = TIMER_ROLES
    ) -> None:
        """Admin Guide, chat timeouts: timers run while an agent and the customer are both
        in the chat; a role's idle timer runs first, its auto-disconnect timer after the
        participant went idle, or at once when it is the role's only timer."""
        self.stop_role_timers(session, roles)
        if not self._has_agent(session):
            return
        root = session.root
        for role in roles:
            idle = session.participant_timers.get((role, IDLE))
            disconnect = session.participant_timers.get((role, DISCONNECT_NONCUSTOMER))
            key = (root.instance_id, root.id, role)
            if idle is not None and role not in session.idle_roles:
                due = since + timedelta(minutes=idle)
                self.role_timers[key] = self.arm(due, ChatCore._went_idle, (session, role))
            elif disconnect is not None:
                due = since + timedelta(minutes=disconnect)
                self.role_timers[key] = self.arm(due, ChatCore._auto_disconnect, session)

    def _went_idle(self, subject: tuple[ChatSession, str], at: datetime) -> None:
        session, role = subject
        if not self._has_agent(session):
            return
        session.idle_roles = session.idle_roles | {role}
        participant = self.participant(session, role)
        self.write(session.current, "EVENT", PARTICIPANT_IDLE, participant, stored=False, at=at)
        self.restart_role_timers(session, at, (role,))

    def _auto_disconnect(self, session: ChatSession, at: datetime) -> None:
        """The agent is disconnected for idleness (the customer's or its own) [doc]: the
        event, the agent leaves, and what follows is what follows any agent's departure
        (:meth:`agent_gone`): the disconnect flow, or the chat's end."""
        if not self._has_agent(session):
            return
        contact = session.current
        agent_id = contact.agent_id
        assert agent_id is not None
        agent = self.participant(session, "AGENT", agent_id=agent_id)
        self.write(contact, "EVENT", AUTO_DISCONNECTION, agent, stored=False, at=at)
        self.agent_leaves(contact, agent_id, at=at)
        self.agent_gone(session, at)

    def _participant_active(self, contact: Contact, participant: Participant) -> None:
        """A participant of a timed role wrote: its timers start over, and an idle one has
        returned (``participant.returned``) [doc: Admin Guide, chat timeouts]."""
        session = contact.session
        role = participant.role
        if not session.participant_timers or not self._has_agent(session):
            return
        if role in session.idle_roles:
            session.idle_roles = session.idle_roles - {role}
            self.write(contact, "EVENT", PARTICIPANT_RETURNED, participant, stored=False)
        self.restart_role_timers(session, utcnow(), (role,))

    def disconnect(self, session: ChatSession, participant: Participant) -> None:
        """DisconnectParticipant: the participant leaves the running segment and its tokens
        stop working; whether the chat ends with it is its role's (DEPARTURES_ENDING_THE_CHAT).

        The customer leaving ends the chat (CUSTOMER_DISCONNECT). A custom bot leaving does
        not: Admin Guide, custom participants, "To disconnect the participant, call the
        DisconnectParticipant API", and the flow goes on at the Wait action's
        "BotParticipantDisconnected" [doc: Flow language, Wait].
        """
        contact = session.current
        self.leave(contact, participant)
        self.departed.add(participant.participant_id)
        reason = DEPARTURES_ENDING_THE_CHAT.get(participant.role)
        if reason is not None:
            self.end(contact, utcnow(), reason)

    # ------------------------------------------------------------------ items

    def write(
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
        """Make an item on ``contact`` and record it (kept unless ``stored`` is False).

        ``at`` backdates an item Connect wrote at a moment already past (a chat that ran out
        of time is seen ended only when next read)."""
        self.last_seq += 1
        item = TranscriptItem(
            seq=self.last_seq,
            id=self.new_id(),
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
        self.record(ItemWritten, contact, item)
        if (
            item_type in ("MESSAGE", "ATTACHMENT")
            and participant
            and participant.role in TIMER_ROLES
        ):
            self._participant_active(contact, participant)
        return item

    # ------------------------------------------------------------------ what happens to contacts

    def chat_started(self, root: Contact) -> None:
        """A root contact began; a CHAT's customer joins and its ParticipantToken now works."""
        self.record(SegmentStarted, root)
        if root.channel != "CHAT":
            return
        session = root.session
        self.arm(session.deadline, ChatCore._duration_up, session)
        if root.participant_token:
            self.participant_tokens[root.participant_token] = root
        self.join(root, self.participant(root.session, "CUSTOMER"))
        if root.agent_id:
            self.join(root, self.participant(root.session, "AGENT", agent_id=root.agent_id))

    def segment_continued(self, new: Contact) -> None:
        """A transfer or disconnect flow: the previous segment is final; its event, the
        previous agent leaves, the new joins."""
        self.record(SegmentStarted, new)
        if new.channel != "CHAT":
            return
        session = new.session
        previous = session.segments[new.index - 1]
        self.record(SegmentEnded, previous)
        event = SEGMENT_START_EVENTS.get(new.initiation_method)
        if event is not None:
            self.write(new, "EVENT", event, None)
        if previous.agent_id:
            self.agent_leaves(previous, previous.agent_id, on=new)
        if new.queue_id:
            self.record(ContactQueued, new)
        if new.agent_id:
            agent = self.participant(session, "AGENT", agent_id=new.agent_id)
            self.departed.discard(agent.participant_id)
            self.join(new, agent)

    def chat_rehydrated(self, session: ChatSession) -> None:
        """The chat just became persistent: Connect tells its clients so with an event."""
        self.write(session.current, "EVENT", CHAT_REHYDRATED, None)
        self.record(ChatRehydrated, session)

    def end(self, contact: Contact, at: datetime, reason: str | None = None) -> None:
        """End the session's running segment: for a chat, the chat is over."""
        contact.end(at, reason)
        if contact.session.participant_timers:
            self.stop_role_timers(contact.session)
        if contact.channel == "CHAT" and contact.session.current is contact:
            self.write(contact, "EVENT", CHAT_ENDED, None, at=contact.disconnect_timestamp)
            self.record(SegmentEnded, contact)
            self.record(ChatEnded, contact)

    def expire(self, session: ChatSession) -> None:
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
            if not current.ended:
                self.end(current, max(session.deadline, current.initiation_timestamp), EXPIRED)

    # ------------------------------------------------------------------ connections

    def open_connection(
        self,
        root: Contact,
        connection_types: list[str],
        websocket_base: str | None,
        participant: Participant | None = None,
    ) -> dict[str, Any]:
        """Connect a participant of the chat (its customer unless ``participant`` is given):
        ``ConnectionCredentials`` and/or ``Websocket``, by type; other types add nothing.

        The one place a connection is made, for CreateParticipantConnection and for
        StartChatContact's ``ConnectionTypes``. ``websocket_base`` is where the websocket is
        served, found by the caller before it took the lock (it may start a server).
        """
        with self.lock:
            now = utcnow()
            connection = Connection(
                token=self.new_id(),
                root=root,
                participant=participant or self.participant(root.session, "CUSTOMER"),
                expires_at=now + CONNECTION_TOKEN_LIFETIME,
            )
            self.connections[connection.token] = connection
            response: dict[str, Any] = {}
            if "WEBSOCKET" in connection_types and websocket_base is not None:
                response["Websocket"] = self._websocket(connection, now, websocket_base)
            if "CONNECTION_CREDENTIALS" in connection_types:
                response["ConnectionCredentials"] = {
                    "ConnectionToken": connection.token,
                    "Expiry": iso8601(connection.expires_at),
                }
            return response

    def _websocket(self, connection: Connection, now: datetime, base: str) -> dict[str, str]:
        """A fresh ``Websocket`` answer: a URL that opens sockets of ``connection`` until
        ``ConnectionExpiry`` [doc: 100 s]; the one place a websocket URL is built."""
        ticket_id = self.new_id()
        ticket = WebsocketTicket(connection.token, now + WEBSOCKET_LIFETIME, self.last_seq)
        self.websocket_tickets[ticket_id] = ticket
        origin = self.origin
        return {
            "Url": f"{base}/{origin.account_id}/{origin.region_name}/{ticket_id}",
            "ConnectionExpiry": iso8601(ticket.expires_at),
        }

    def websocket_backlog(self, ticket_id: str) -> tuple[Contact, list[TranscriptItem]]:
        """The chat a socket of this URL follows, and what it is pushed first when it
        subscribes (call under the lock, so that nothing is written between these items and
        the socket's first live one).

        The chat's ``chat.rehydrated`` event, once per participant, when the chat became
        persistent before the participant's socket existed (Connect tells each participant
        that joins a rehydrated chat), then the current session's items written since the
        URL was made [chosen].
        """
        ticket = self.websocket_tickets[ticket_id]
        connection = self.connections[ticket.connection_token]
        session = connection.root.session
        log = self.transcripts.session_log(session)
        backlog = log[log.first_after(ticket.after_seq) :]
        participant_id = connection.participant.participant_id
        if participant_id not in self.rehydration_told:
            self.rehydration_told.add(participant_id)
            told = [
                item
                for item in log
                if item.content_type == CHAT_REHYDRATED and item.seq <= ticket.after_seq
            ]
            backlog = told[-1:] + backlog
        return session.root, backlog
