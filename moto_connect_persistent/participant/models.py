"""The Participant Service: what a chat client does and sees, one backend per account and region.

:class:`ParticipantBackend` is moto's backend for ``connectparticipant``. It reads the Connect
backend of the same account and region one way (as moto's SNS reads SQS): its chat core, its
components, its lock; the Connect backend never calls this one. The wire resolves a call's
token once (:meth:`ParticipantBackend.connection`) and hands the connection to the operation.

Items are stored per contact segment. A chat's transcript is computed when read: the items
of its own session's segments (``ContactId``), then, reached only by paging backwards, the
items of the visible past (``RelatedContactId``).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from moto.core.base_backend import AccountSpecificBackend, BackendDict, BaseBackend
from moto.moto_api._internal import mock_random

from ..chat.clock import iso8601, utcnow
from ..chat.core import CONNECTION_TYPES, ChatCore
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
from ..chat.participants import Connection, Participant
from ..chat.session import Contact, past_segments
from ..chat.views import transcript_item
from ..exceptions import AccessDeniedException, ValidationException
from ..idempotency import Replies
from ..messages import check_message, in_session, write_event
from ..models import ConnectPersistentBackend, connect_persistent_backends
from ..websocket_url import websocket_base

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


class ParticipantBackend(BaseBackend):
    """Participant Service operations of one account and region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        #: NextTokens handed out, and the cursors they stand for.
        self.next_tokens = TokenTable(lambda: str(mock_random.uuid4()))
        #: (participant id, operation, ClientToken) -> the first answer; used under the lock.
        self.replies = Replies()

    @property
    def connect(self) -> ConnectPersistentBackend:
        """The Connect backend of this account and region: the chats this service serves."""
        return connect_persistent_backends[self.account_id][self.region_name]

    @property
    def core(self) -> ChatCore:
        return self.connect.core

    @property
    def lock(self) -> threading.RLock:
        return self.connect.lock

    # ------------------------------------------------------------------ tokens

    def _check_participant(self, root: Contact, participant: Participant) -> None:
        """docs/transcripts.md, Tokens: tokens of an ended chat (stopped or out of time) or a
        departed participant
        fail."""
        session = root.session
        self.core.expire(session)
        if session.ended:
            raise AccessDeniedException(
                "The chat has ended (stopped, or its ChatDurationInMinutes expired): its "
                "tokens no longer work."
            )
        if participant.participant_id in self.core.departed:
            raise AccessDeniedException("The participant has left the chat.")

    def _check_connection(self, connection: Connection) -> None:
        if utcnow() >= connection.expires_at:
            raise AccessDeniedException("The ConnectionToken has expired.")
        self._check_participant(connection.root, connection.participant)

    def _replayed(
        self, connection: Connection, operation: str | None, client_token: str | None
    ) -> dict[str, Any] | None:
        """The first answer to this participant's call with this ClientToken, if any (an
        expired ConnectionToken replays nothing)."""
        if not client_token or operation is None or utcnow() >= connection.expires_at:
            return None
        return self.replies.replayed(
            (connection.participant.participant_id, operation, client_token)
        )

    def _remember(
        self,
        connection: Connection,
        operation: str,
        client_token: str | None,
        reply: dict[str, Any],
    ) -> None:
        if client_token:
            self.replies.remember(
                (connection.participant.participant_id, operation, client_token), reply
            )

    def connection(
        self, token: str | None, operation: str | None = None, client_token: str | None = None
    ) -> Connection:
        """The one look-up of a call's ConnectionToken, before anything else is read (a bad
        token is a 403 whatever else is wrong) -- checked, unless the call replays an
        answered ``operation`` with the same ``client_token``: a retry of a call whose answer
        was lost (a DisconnectParticipant that ended the chat) answers as the first did."""
        with self.lock:
            connection = self.core.connections.get(token or "")
            if connection is None:
                raise AccessDeniedException("The ConnectionToken is missing or not valid.")
            if self._replayed(connection, operation, client_token) is None:
                self._check_connection(connection)
            return connection

    def participant_token(self, token: str | None) -> tuple[Contact, Participant]:
        """The one look-up of a ParticipantToken: the chat's root and whom it stands for."""
        with self.lock:
            root = self.core.participant_tokens.get(token or "")
            if root is None:
                raise AccessDeniedException("The ParticipantToken is missing or not valid.")
            participant = self.core.token_participant(root, token or "")
            self._check_participant(root, participant)
            return root, participant

    # ------------------------------------------------------------------ operations

    def create_participant_connection(
        self,
        holder: tuple[Contact, Participant],
        connection_types: list[str] | None = None,
        endpoint_host: str | None = None,
    ) -> dict[str, Any]:
        """A new ConnectionToken for the participant and/or a websocket URL for it (both
        types when none is named). The websocket's server is found (or started) for
        ``endpoint_host`` before the lock is taken."""
        root, participant = holder
        wanted = connection_types or list(CONNECTION_TYPES)
        unsupported = sorted(set(wanted) - set(CONNECTION_TYPES))
        if unsupported:
            raise ValidationException(
                f"Type {', '.join(unsupported)} is not available for a chat participant."
            )
        base = websocket_base(endpoint_host) if "WEBSOCKET" in wanted else None
        with self.lock:
            self._check_participant(root, participant)
            return self.core.open_connection(root, wanted, base, participant)

    def websocket_connection(self, ticket_id: str) -> Connection:
        """The connection a websocket URL opens, checked as its handshake: an unknown or
        expired URL (past ``ConnectionExpiry``) or a connection that no longer works fails."""
        with self.lock:
            ticket = self.core.websocket_tickets.get(ticket_id)
            if ticket is None:
                raise AccessDeniedException("The websocket URL is not valid.")
            if utcnow() >= ticket.expires_at:
                raise AccessDeniedException(
                    "The websocket URL has expired (ConnectionExpiry): call "
                    "CreateParticipantConnection again for a new one."
                )
            connection = self.core.connections[ticket.connection_token]
            self._check_connection(connection)
            return connection

    def send_message(
        self,
        connection: Connection,
        content_type: str,
        content: str,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            previous = self._replayed(connection, "SendMessage", client_token)
            if previous is not None:
                return previous
            self._check_connection(connection)
            check_message(content_type, content)
            declared = connection.root.supported_content_types
            if declared is not None and content_type not in declared:
                raise ValidationException(
                    f"ContentType {content_type} is not among the chat's "
                    f"SupportedMessagingContentTypes ({', '.join(declared)})."
                )
            session = connection.root.session
            item = self.core.write(
                session.current, "MESSAGE", content_type, connection.participant, content
            )
            response = {"Id": item.id, "AbsoluteTime": iso8601(item.at)}
            self._remember(connection, "SendMessage", client_token, response)
            return response

    def send_event(
        self,
        connection: Connection,
        content_type: str,
        content: str | None = None,
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """Typing and acknowledgements are accepted only; receipts mark the message."""
        with self.lock:
            previous = self._replayed(connection, "SendEvent", client_token)
            if previous is not None:
                return previous
            self._check_connection(connection)
            event = write_event(
                self.core, connection.root, connection.participant, content_type, content
            )
            response = {"Id": event.id, "AbsoluteTime": iso8601(event.at)}
            self._remember(connection, "SendEvent", client_token, response)
            return response

    def disconnect_participant(
        self, connection: Connection, client_token: str | None = None
    ) -> None:
        """The participant leaves; the customer leaving ends the chat, a custom bot leaving
        does not, an agent leaving runs the chat's disconnect flow if it has one
        (:meth:`ConnectPersistentBackend.participant_left`)."""
        with self.lock:
            if self._replayed(connection, "DisconnectParticipant", client_token) is not None:
                return
            self._check_connection(connection)
            self.connect.participant_left(connection.root.session, connection.participant)
            self._remember(connection, "DisconnectParticipant", client_token, {})

    # ------------------------------------------------------------------ attachments

    def start_attachment_upload(
        self,
        connection: Connection,
        content_type: str,
        size: int,
        name: str,
        client_token: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            previous = self._replayed(connection, "StartAttachmentUpload", client_token)
            if previous is not None:
                return previous
            self._check_connection(connection)
            response = self.connect.attachments.start_upload(
                connection, content_type, size, name, endpoint_url
            )
            self._remember(connection, "StartAttachmentUpload", client_token, response)
            return response

    def complete_attachment_upload(
        self,
        connection: Connection,
        attachment_ids: list[str],
        client_token: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            previous = self._replayed(connection, "CompleteAttachmentUpload", client_token)
            if previous is not None:
                return previous
            self._check_connection(connection)
            self.connect.attachments.complete_upload(connection, attachment_ids)
            self._remember(connection, "CompleteAttachmentUpload", client_token, {})
            return {}

    def get_attachment(
        self,
        connection: Connection,
        attachment_id: str,
        url_expiry_seconds: int | None = None,
        disposition: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            self._check_connection(connection)
        return self.connect.attachments.download(
            connection, attachment_id, url_expiry_seconds, disposition, endpoint_url
        )

    # ------------------------------------------------------------------ transcript

    def _log(self, root: Contact, contact_id: str | None) -> ItemLog:
        """The current-session items a page reads: the whole session, or one segment."""
        transcripts = self.core.transcripts
        if contact_id is None:
            return transcripts.session_log(root.session)
        return transcripts.log(root.instance_id, contact_id)

    def _segment_log(self, segment: Contact) -> ItemLog:
        """A past segment's items; none, under the strict setting, without its stored file."""
        if not self.connect.archive.shows(segment):
            return ItemLog()
        return self.core.transcripts.segment_log(segment)

    def get_transcript(
        self,
        connection: Connection,
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
            self._check_connection(connection)
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
                response["NextToken"] = self.next_tokens.token(following)
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
        """A page of the visible past from the cursor's segment on: the walk starts where the
        chat's past starts, so its reach (MAX_PAST_CONTACTS) counts from there."""
        assert cursor.segment_id is not None
        root = self.connect.get_contact(cursor.instance_id, cursor.root_id, "ContactId")
        rehydration = root.session.rehydration
        assert rehydration is not None  # only a persistent chat's token leads into the past
        segments = itertools.dropwhile(
            lambda segment: segment.id != cursor.segment_id, past_segments(rehydration.result)
        )
        walk = past_items(segments, cursor.key, self._segment_log)
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
            contact = self.core.contacts.get((root.instance_id, contact_id))
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
            item = self.core.transcripts.by_id.get((root.instance_id, value))
            if (
                item is None
                or not in_session(self.core, item, connection.root)
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
        cursor = self.next_tokens.cursor(next_token)
        if cursor is None:
            raise ValidationException("NextToken is not valid.")
        if (cursor.root_id, cursor.instance_id) != (root.id, root.instance_id):
            raise ValidationException("NextToken belongs to another chat.")
        if scan_direction is not None and scan_direction != cursor.direction:
            raise ValidationException("ScanDirection differs from the one NextToken continues.")
        if contact_id is not None and contact_id != cursor.contact_id:
            raise ValidationException("ContactId differs from the one NextToken continues.")
        return cursor


class ParticipantBackends(BackendDict[ParticipantBackend]):
    """moto's ``BackendDict`` of ``connectparticipant``, with Connect's regions (botocore gives
    both services the same list): taken from the Connect backends of the account, so looking
    a participant backend up parses no service model of its own."""

    def __init__(self) -> None:
        super().__init__(ParticipantBackend, "connectparticipant", use_boto3_regions=False)

    def __getitem__(self, account_id: str) -> AccountSpecificBackend[ParticipantBackend]:
        backends = super().__getitem__(account_id)
        if not backends.regions:
            backends.regions = connect_persistent_backends[account_id].regions
        return backends


participant_backends = ParticipantBackends()
