"""Amazon Lex V2 bots as Python: the rules of what a flow's ConnectParticipantWithLexBot
says to one and reads back.

``register_lex_bot(bot_alias_arn, handler)`` (:mod:`.controls`; kept as the other flow
handlers are, :mod:`.flow_handlers`) makes the flow engine call ``handler(request) -> answer``
for each thing the customer says to that bot alias, where ``request`` and ``answer`` have the
shapes of Lex V2's ``RecognizeText`` (botocore's ``lexv2-runtime`` model: its request's
members, its response's ``messages``, ``sessionState`` and ``interpretations``), so a team's
bot logic, or a stand-in for it, answers as the real bot would. The engine calls a handler
outside every lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .exceptions import InvalidParameterException

#: A bot: ``handler(request) -> answer``, shaped as Lex V2 RecognizeText's.
LexBotHandler = Callable[[dict[str, Any]], Mapping[str, Any]]

#: [doc: Lex V2 API, bot alias ARN] arn:<partition>:lex:<region>:<account>:bot-alias/<bot>/<alias>.
_ALIAS_ARN_PARTS = 6

#: The Lex V2 message content types a chat shows, as the chat content type they become:
#: text, and a custom payload (how a Lex bot sends Connect's interactive messages). SSML and
#: image response cards are for other clients and are not written to the chat.
MESSAGE_CONTENT_TYPES = {
    "PlainText": "text/plain",
    "CustomPayload": "application/vnd.amazonaws.connect.message.interactive",
}
INTERACTIVE = MESSAGE_CONTENT_TYPES["CustomPayload"]


def check_interactive(content: str) -> None:
    """[doc: Admin Guide, interactive messages] "When an interactive message is sent via chat,
    the flow validates that the message format follows one of these templates": a JSON
    object with a ``templateType`` and its ``data`` object (the templates' own fields are
    the client's to enforce: "The string field limits [...] are expected to be enforced by
    the client")."""
    try:
        payload = json.loads(content)
    except ValueError:
        raise BadAnswer("a CustomPayload message is not JSON: no interactive template") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("templateType"), str):
        raise BadAnswer("a CustomPayload message has no templateType: no interactive template")
    if not isinstance(payload.get("data"), dict):
        raise BadAnswer(f"the {payload['templateType']} template has no data object")


#: The intent states that end the bot's conversation and hand the chat back to the flow
#: [doc: Lex V2 Intent, state]: anything else (InProgress, Waiting) waits for the customer.
CONVERSATION_OVER = frozenset({"Fulfilled", "ReadyForFulfillment", "Failed"})
#: The dialog action that ends it the same way [doc: Lex V2 DialogAction, type "Close"].
CLOSE = "Close"


def alias_parts(bot_alias_arn: str) -> tuple[str, str]:
    """(bot id, alias id) of a Lex V2 bot alias ARN; refuses anything else by name."""
    parts = bot_alias_arn.split(":", 5)
    resource = parts[5].split("/") if len(parts) == _ALIAS_ARN_PARTS else []
    if (
        parts[:1] != ["arn"]
        or parts[2:3] != ["lex"]
        or len(resource) != 3
        or (resource[0] != "bot-alias" or not all(resource[1:]))
    ):
        raise InvalidParameterException(
            "bot_alias_arn must be a Lex V2 bot alias ARN (arn:aws:lex:<region>:<account>:"
            f"bot-alias/<bot id>/<alias id>), got {bot_alias_arn!r}."
        )
    return resource[1], resource[2]


@dataclass
class LexResult:
    """What a finished conversation leaves the flow: ``$.Lex`` [doc: contact attributes,
    "Amazon Lex contact attributes": IntentName, Slots, SessionAttributes, IntentConfidence]."""

    intent_name: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    session_attributes: dict[str, str] = field(default_factory=dict)
    confidence: str | None = None
    dialog_state: str | None = None

    def value(self, path: list[str]) -> str | None:
        """The value of ``$.Lex.<path>``, or None."""
        if path == ["IntentName"]:
            return self.intent_name
        if path == ["IntentConfidence", "Score"]:
            return self.confidence
        if path == ["DialogState"]:
            return self.dialog_state
        if len(path) == 2 and path[0] == "Slots":
            return self.slots.get(path[1])
        if len(path) == 2 and path[0] == "SessionAttributes":
            return self.session_attributes.get(path[1])
        return None


def recognize_text_request(
    bot_alias_arn: str, session_id: str, text: str, session_attributes: Mapping[str, str]
) -> dict[str, Any]:
    """RecognizeText's request for one thing the customer said [doc: Lex V2 RecognizeText:
    botId, botAliasId, localeId, sessionId, text, sessionState]."""
    bot_id, alias_id = alias_parts(bot_alias_arn)
    return {
        "botId": bot_id,
        "botAliasId": alias_id,
        "localeId": LOCALE_ID,
        "sessionId": session_id,
        "text": text,
        "sessionState": {"sessionAttributes": dict(session_attributes)},
        "requestAttributes": {},
    }


#: The locale a chat's bot is asked in (the mock has no contact language setting).
LOCALE_ID = "en_US"


class BadAnswer(ValueError):
    """A bot answer RecognizeText could not have given."""


@dataclass
class LexTurn:
    """One answer of the bot, read: what to write, whether the conversation is over."""

    messages: list[tuple[str, str]]
    over: bool
    result: LexResult


def read_answer(answer: Any) -> LexTurn:
    """Read a handler's answer as RecognizeText's response; :class:`BadAnswer` names what is
    wrong with one no bot could give."""
    if not isinstance(answer, Mapping):
        raise BadAnswer(f"the answer is a {type(answer).__name__}, not a RecognizeText response")
    state = _member(answer, "sessionState", Mapping, {})
    intent = _member(state, "intent", Mapping, {})
    dialog = _member(state, "dialogAction", Mapping, {})
    attributes = _member(state, "sessionAttributes", Mapping, {})
    messages = []
    for message in _member(answer, "messages", list, []):
        if not isinstance(message, Mapping) or not isinstance(message.get("content", ""), str):
            raise BadAnswer(f"messages holds {message!r}, not a message")
        content_type = MESSAGE_CONTENT_TYPES.get(str(message.get("contentType", "PlainText")))
        if content_type is not None and message.get("content"):
            if content_type == INTERACTIVE:
                check_interactive(message["content"])
            messages.append((content_type, message["content"]))
    slots = {}
    for name, slot in _member(intent, "slots", Mapping, {}).items():
        value = slot.get("value", {}) if isinstance(slot, Mapping) else {}
        if isinstance(value, Mapping) and value.get("interpretedValue") is not None:
            slots[str(name)] = str(value["interpretedValue"])
    confidence = None
    for interpretation in _member(answer, "interpretations", list, []):
        if isinstance(interpretation, Mapping):
            if _member(interpretation, "intent", Mapping, {}).get("name") == intent.get("name"):
                score = _member(interpretation, "nluConfidence", Mapping, {}).get("score")
                confidence = None if score is None else str(score)
                break
    over = dialog.get("type") == CLOSE or intent.get("state") in CONVERSATION_OVER
    result = LexResult(
        intent_name=None if intent.get("name") is None else str(intent["name"]),
        slots=slots,
        session_attributes={str(k): str(v) for k, v in attributes.items()},
        confidence=confidence,
        dialog_state=None if intent.get("state") is None else str(intent["state"]),
    )
    return LexTurn(messages, over, result)


def _member(container: Mapping[str, Any], name: str, kind: type, default: Any) -> Any:
    value = container.get(name, default)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise BadAnswer(f"{name} is {value!r}, not {'an object' if kind is Mapping else 'a list'}")
    return value
