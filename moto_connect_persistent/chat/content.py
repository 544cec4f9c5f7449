"""What a chat's items carry: roles, content types and the events Connect writes itself.

One table per fact, used by the rules (which item is allowed), the core (which item a
happening writes) and the views (how an item is shown).
"""

from __future__ import annotations

PARTICIPANT_ROLES = ("CUSTOMER", "AGENT", "SYSTEM", "CUSTOM_BOT", "SUPERVISOR")

#: DisplayName of a role's items when nobody names one.
DEFAULT_DISPLAY_NAMES = {
    "CUSTOMER": "Customer",
    "AGENT": "Agent",
    "SYSTEM": "SYSTEM_MESSAGE",
    "CUSTOM_BOT": "BOT",
    "SUPERVISOR": "Supervisor",
}

#: A chat lasts ChatDurationInMinutes, 25 hours when not given [doc: StartChatContact].
DEFAULT_CHAT_MINUTES = 1500

#: SendMessage content types [doc: SendMessage].
MESSAGE_CONTENT_TYPES = (
    "text/plain",
    "text/markdown",
    "application/json",
    "application/vnd.amazonaws.connect.message.interactive.response",
)
#: "Maximum of 16,384 bytes for all content types" [doc: SendMessage]: bytes of UTF-8.
MAX_MESSAGE_BYTES = 16384

EVENT_PREFIX = "application/vnd.amazonaws.connect.event."

#: SendEvent content types -> the receipt field they set on a message, or None when the
#: event is accepted but never written to the transcript (typing, connection ack) [doc].
EVENT_RECEIPTS: dict[str, str | None] = {
    EVENT_PREFIX + "typing": None,
    EVENT_PREFIX + "connection.acknowledged": None,
    EVENT_PREFIX + "message.delivered": "DeliveredTimestamp",
    EVENT_PREFIX + "message.read": "ReadTimestamp",
}

#: Events Connect itself writes when a chat's segments change [doc: GetTranscript].
PARTICIPANT_JOINED = EVENT_PREFIX + "participant.joined"
PARTICIPANT_LEFT = EVENT_PREFIX + "participant.left"
CHAT_ENDED = EVENT_PREFIX + "chat.ended"
TRANSFER_SUCCEEDED = EVENT_PREFIX + "transfer.succeeded"
#: Written when a chat becomes persistent; chat clients (amazon-connect-chatjs's
#: ``onChatRehydrated``) take it as their cue to load the past through ``NextToken``.
CHAT_REHYDRATED = EVENT_PREFIX + "chat.rehydrated"

#: The chat timeouts' events (UpdateParticipantRoleConfig), as amazon-connect-chatjs names
#: them (``onParticipantIdle``, ``onParticipantReturned``, ``onAutoDisconnection``): pushed
#: and streamed, "not persisted to the transcripts" [doc: Admin Guide, chat timeouts].
PARTICIPANT_IDLE = EVENT_PREFIX + "participant.idle"
PARTICIPANT_RETURNED = EVENT_PREFIX + "participant.returned"
AUTO_DISCONNECTION = EVENT_PREFIX + "participant.autodisconnection"
#: UpdateParticipantRoleConfig's timer types, and the roles they apply to [doc].
IDLE = "IDLE"
DISCONNECT_NONCUSTOMER = "DISCONNECT_NONCUSTOMER"
TIMER_ROLES = ("CUSTOMER", "AGENT")

#: Roles whose DisconnectParticipant ends the chat, and the DisconnectReason it ends with. A
#: role not here only leaves: a custom bot that disconnects is ``participant.left`` and the
#: chat runs on, as the Flow language's Wait action ("BotParticipantDisconnected") expects.
DEPARTURES_ENDING_THE_CHAT: dict[str, str] = {
    "CUSTOMER": "CUSTOMER_DISCONNECT",
    "AGENT": "AGENT_DISCONNECT",
}

#: The event hook of the disconnect flow: the flow that runs when the agent leaves and the
#: customer remains [doc: block "Set disconnect flow"]; set by a flow's UpdateContactEventHooks.
CUSTOMER_REMAINING = "CustomerRemaining"

#: The event written into a new segment, by its InitiationMethod (None: no event); then the
#: previous segment's agent (if any) leaves and the new segment's agent (if named) joins.
SEGMENT_START_EVENTS: dict[str, str | None] = {
    "TRANSFER": TRANSFER_SUCCEEDED,
    "QUEUE_TRANSFER": TRANSFER_SUCCEEDED,
    "DISCONNECT": None,
}
