"""Who takes part in a chat and how they are connected to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .session import Contact


@dataclass
class Participant:
    participant_id: str
    role: str
    display_name: str


@dataclass
class Connection:
    """What a ConnectionToken stands for: one participant of one chat session."""

    token: str
    root: Contact
    participant: Participant
    expires_at: datetime


@dataclass
class WebsocketTicket:
    """What a ``Websocket.Url`` stands for: sockets of one connection, opened before expiry."""

    connection_token: str
    expires_at: datetime
    #: The newest item when the URL was made: a socket's first pushes are what came after.
    after_seq: int
