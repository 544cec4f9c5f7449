"""The Amazon Connect Flow language as data, and the checks a flow document must pass.

A flow is a JSON document: a ``Version``, a ``StartAction`` and a list of ``Actions``, each with
an ``Identifier``, a ``Type``, ``Parameters`` and ``Transitions`` [doc: Flow language,
Actions]. What each action type accepts is a row of :data:`ACTIONS`, read from its page of the
Flow language reference: its parameters and their shapes, whether it supports conditions and
with which operators, the errors its ``Transitions`` may name, how the chat channel treats it,
and whether this mock's engine runs it. :func:`problems` checks a document against the table
(CreateContactFlow and UpdateContactFlowContent refuse what it finds with
``InvalidContactFlowException``), and ``docs/flow-actions.md`` is generated from it
(``scripts/generate_flow_actions.py``; a test checks it is fresh).

A row whose ``parameters`` is ``None`` describes an action whose page the table does not
transcribe yet: any ``Parameters`` object and any transitions are accepted for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: "Currently the only supported version is 2019-10-30." [doc: Example flow]
VERSION = "2019-10-30"

#: "A single Flow may have no more than 250 Actions defined." [doc: Example flow]
MAX_ACTIONS = 250
#: "This Identifier can be up to 50 characters long" [doc: Actions, Identifier].
MAX_IDENTIFIER = 50
#: "The following characters are not allowed in the Identifier field" [doc].
IDENTIFIER_FORBIDDEN = frozenset("%:(\\/)=$,;[]{}")
#: "The following strings are not allowed in the Identifier field" [doc].
IDENTIFIER_RESERVED = frozenset(
    {
        "__proto__",
        "constructor",
        "__defineGetter__",
        "__defineSetter__",
        "toString",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "valueOf",
    }
)
#: InvalidContactFlowException's ``problems``: 1 to 50 items, each message 1 to 256 characters
#: (botocore's ``Problems`` and ``ProblemMessageString``).
MAX_PROBLEMS = 50
MAX_PROBLEM_MESSAGE = 256

#: The operators of a Condition [doc: Actions, List of Operators]; each takes one string operand.
OPERATORS = (
    "Equals",
    "TextStartsWith",
    "TextEndsWith",
    "TextContains",
    "NumberGreaterThan",
    "NumberGreaterOrEqualTo",
    "NumberLessThan",
    "NumberLessOrEqualTo",
)
#: "the following commonly supported errors: NoMatchingError [...] NoMatchingCondition" [doc].
COMMON_ERRORS = ("NoMatchingError", "NoMatchingCondition")

#: One step of a JSONPath identifier: ``.name``, ``['a key']`` or, as the Admin Guide writes a
#: name with special characters, ``.['a key']`` ("place brackets and single quotations around
#: the attribute name. For example: $.Attributes.['user attribute name']" [doc: How to
#: reference contact attributes]); the name is its first group that matched.
JSONPATH_STEP = re.compile(r"\.?\[(?:'([^']*)'|\"([^\"]*)\"|(\d+))\]|\.([A-Za-z_][\w-]*)")
#: A single JSONPath identifier into the flow's data: ``$.Attributes.x``, ``$.External.y``,
#: ``$.Lex.IntentName``, ``$.Attributes['a key']``, ``$.Attributes.['a key']``,
#: ``$['AwsRegion']``.
JSONPATH = re.compile(r"\$(?:" + JSONPATH_STEP.pattern + ")+")


def jsonpath_names(reference: str) -> list[str] | None:
    """The names a JSONPath identifier steps through (``$.Attributes.['a b']``: Attributes,
    a b), or None if ``reference`` is not one."""
    if JSONPATH.fullmatch(reference) is None:
        return None
    return [
        next(name for name in step.groups() if name is not None)
        for step in JSONPATH_STEP.finditer(reference, 1)
    ]


# -- the shapes of a parameter -----------------------------------------------------------------

#: A string, static or with JSONPath references in it ("May be specified statically or
#: dynamically").
TEXT = "text"
#: A string that is "either fully static or a single valid JSONPath identifier".
REFERENCE = "reference"
#: A string that "must be defined statically".
STATIC = "static"
#: A whole number (a JSON number, or a string of digits as the console exports it), or a single
#: JSONPath identifier where ``dynamic`` allows.
INTEGER = "integer"
#: An object of string keys and string values (static or dynamic).
STRING_MAP = "string map"
#: An object whose members are described by ``members``.
OBJECT = "object"
#: A list of static strings.
STRING_LIST = "string list"
#: Any JSON value: a member the table names but does not describe further.
ANY = "any"

SHAPE_WORDS = {
    TEXT: "a string",
    REFERENCE: "a static string or a single JSONPath identifier",
    STATIC: "a static string",
    INTEGER: "a whole number",
    STRING_MAP: "an object of string values",
    OBJECT: "an object",
    STRING_LIST: "a list of strings",
    ANY: "any value",
}


@dataclass(frozen=True)
class Parameter:
    """One member of an action's ``Parameters`` object."""

    shape: str
    required: bool = False
    #: The values a static member may take (empty: any).
    values: tuple[str, ...] = ()
    #: An INTEGER's bounds, inclusive.
    minimum: int | None = None
    maximum: int | None = None
    #: An INTEGER that may also be a single JSONPath identifier.
    dynamic: bool = False
    #: An OBJECT's members.
    members: Mapping[str, Parameter] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionType:
    """One action type of the Flow language, as its reference page describes it."""

    name: str
    #: The reference's group: contact, flow control, interaction or participant action.
    group: str
    #: The block of the flow designer that exports it.
    block: str
    #: Its parameters by name; ``None``: not transcribed yet, any object is accepted.
    parameters: Mapping[str, Parameter] | None
    #: Operators its conditions may use; empty: "Conditions are not supported".
    operators: tuple[str, ...] = ()
    #: The ErrorTypes its Transitions may name, besides COMMON_ERRORS (unless ``no_errors``).
    errors: tuple[str, ...] = ()
    #: "Errors: None." on its page: no Errors transitions at all.
    no_errors: bool = False
    #: It ends the flow: "Transitions must be defined as an empty object".
    terminal: bool = False
    #: Pairs of parameters of which at most one may be given ("May not be specified if ...").
    exclusive: tuple[tuple[str, str], ...] = ()
    #: Operands its Conditions must hold, and the parameter whose listed values must be
    #: operands too (Wait: "WaitCompleted" and each of its Events).
    required_operands: tuple[str, ...] = ()
    operands_from: str | None = None
    #: How the chat channel treats it, from its page or its block's "Supported channels".
    chat: str = "Yes"
    #: Whether this mock's flow engine runs it; a flow holding an action it does not run is
    #: refused by name when it starts.
    runs: bool = False

    @property
    def transcribed(self) -> bool:
        return self.parameters is not None


_MESSAGE_MEDIA = Parameter(
    OBJECT,
    members={
        "Uri": Parameter(TEXT),
        "SourceType": Parameter(STATIC, values=("S3",)),
        "MediaType": Parameter(STATIC, values=("Audio",)),
    },
)

_ROWS = (
    # ---------------------------------------------------------------- participant actions
    ActionType(
        "MessageParticipant",
        "participant",
        "Play prompt",
        {
            "PromptId": Parameter(REFERENCE),
            "Text": Parameter(TEXT),
            "SSML": Parameter(TEXT),
            "Media": _MESSAGE_MEDIA,
        },
        exclusive=(("Text", "PromptId"), ("Text", "SSML"), ("PromptId", "SSML")),
        chat='Yes ("Text" only: "PromptId" and "SSML" are only supported for the voice channel)',
        runs=True,
    ),
    ActionType(
        "DisconnectParticipant",
        "participant",
        "Disconnect / hang up",
        {},
        no_errors=True,
        terminal=True,
        runs=True,
    ),
    ActionType(
        "ConnectParticipantWithLexBot",
        "participant",
        "Get customer input (Amazon Lex)",
        {
            "PromptId": Parameter(REFERENCE),
            "Text": Parameter(TEXT),
            "SSML": Parameter(TEXT),
            "Media": _MESSAGE_MEDIA,
            "LexV2Bot": Parameter(OBJECT, members={"AliasArn": Parameter(REFERENCE)}),
            "LexBot": Parameter(
                OBJECT,
                members={
                    "Name": Parameter(STATIC),
                    "Region": Parameter(STATIC),
                    "Alias": Parameter(STATIC),
                },
            ),
            "LexSessionAttributes": Parameter(STRING_MAP),
            # The reference spells it "LexInitilizationData"; the console exports both.
            "LexInitilizationData": Parameter(OBJECT, members={"InitialMessage": Parameter(TEXT)}),
            "LexInitializationData": Parameter(OBJECT, members={"InitialMessage": Parameter(TEXT)}),
            "LexTimeoutSeconds": Parameter(
                OBJECT, members={"Text": Parameter(INTEGER, minimum=1, dynamic=True)}
            ),
        },
        operators=("Equals",),
        errors=("InputTimeLimitExceeded",),
        exclusive=(("Text", "PromptId"), ("Text", "SSML"), ("PromptId", "SSML")),
        runs=True,
    ),
    ActionType(
        "GetParticipantInput",
        "participant",
        "Get customer input",
        {
            "PromptId": Parameter(REFERENCE),
            "Text": Parameter(TEXT),
            "SSML": Parameter(TEXT),
            "Media": _MESSAGE_MEDIA,
            "InputTimeLimitSeconds": Parameter(INTEGER, minimum=1, dynamic=True),
            "StoreInput": Parameter(STATIC, values=("True", "False")),
            "InputValidation": Parameter(ANY),
            "InputEncryption": Parameter(ANY),
            "DTMFConfiguration": Parameter(ANY),
        },
        operators=("Equals",),
        errors=("InputTimeLimitExceeded", "InvalidPhoneNumber"),
        exclusive=(("Text", "PromptId"), ("Text", "SSML"), ("PromptId", "SSML")),
        chat=(
            'Yes, when Amazon Lex is used, otherwise it takes the Error branch [doc: block "Get '
            'customer input"]'
        ),
        runs=True,
    ),
    ActionType(
        "MessageParticipantIteratively",
        "participant",
        "Loop prompts",
        None,
        chat="No: it immediately takes the error branch on the chat channel",
        runs=True,
    ),
    ActionType("ShowView", "participant", "Show view", None),
    ActionType(
        "TransferParticipantToThirdParty",
        "participant",
        "Transfer to phone number",
        None,
        chat='No: "If this block is triggered during a chat conversation, the contact is routed '
        'down the Error branch" [doc: block "Transfer to phone number"]',
    ),
    # ---------------------------------------------------------------- flow control actions
    ActionType(
        "Compare",
        "flow control",
        "Check contact attributes",
        {"ComparisonValue": Parameter(REFERENCE, required=True)},
        operators=OPERATORS,
        runs=True,
    ),
    ActionType(
        "EndFlowExecution",
        "flow control",
        "End flow / Resume",
        {},
        no_errors=True,
        terminal=True,
        runs=True,
    ),
    ActionType(
        "TransferToFlow",
        "flow control",
        "Transfer to flow",
        {"ContactFlowId": Parameter(REFERENCE, required=True)},
        runs=True,
    ),
    ActionType(
        "Wait",
        "flow control",
        "Wait",
        {
            "TimeoutSeconds": Parameter(INTEGER, minimum=1, maximum=604800, dynamic=True),
            # What the console exports beside the reference's TimeoutSeconds.
            "TimeLimitSeconds": Parameter(INTEGER, minimum=1, maximum=604800, dynamic=True),
            "Events": Parameter(
                STRING_LIST, values=("CustomerReturned", "BotParticipantDisconnected")
            ),
        },
        operators=("Equals",),
        errors=("ParticipantNotFound",),
        exclusive=(("TimeoutSeconds", "TimeLimitSeconds"),),
        required_operands=("WaitCompleted",),
        operands_from="Events",
        runs=True,
    ),
    ActionType(
        "UpdateFlowLoggingBehavior",
        "flow control",
        "Set logging behavior",
        {"FlowLoggingBehavior": Parameter(STATIC, required=True, values=("Enabled", "Disabled"))},
        no_errors=True,
        runs=True,
    ),
    ActionType("CheckHoursOfOperation", "flow control", "Check hours of operation", None),
    ActionType("CheckMetricData", "flow control", "Check queue status / Check staffing", None),
    ActionType("CheckOutboundCallStatus", "flow control", "Check call progress", None, chat="No"),
    ActionType("CheckVoiceId", "flow control", "Check Voice ID", None, chat="No"),
    ActionType(
        "DistributeByPercentage",
        "flow control",
        "Distribute by percentage",
        {},
        # "they must be a chain of NumericLessThan comparisons" (the operator is NumberLessThan)
        operators=("NumberLessThan",),
        runs=True,
    ),
    ActionType("GetMetricData", "flow control", "Get queue metrics", None),
    ActionType("Loop", "flow control", "Loop", None, runs=True),
    ActionType(
        "StartVoiceIdStream",
        "flow control",
        "Set Voice ID",
        None,
        chat="No: the Error branch on chat",
        runs=True,
    ),
    ActionType("UpdateFlowAttributes", "flow control", "Set flow attributes", None, runs=True),
    ActionType("UpdateRoutingCriteria", "flow control", "Set routing criteria", None),
    # ---------------------------------------------------------------- interactions
    ActionType(
        "InvokeLambdaFunction",
        "interaction",
        "AWS Lambda function",
        {
            "LambdaFunctionARN": Parameter(TEXT, required=True),
            "InvocationTimeLimitSeconds": Parameter(INTEGER, minimum=1, maximum=8),
            "InvocationType": Parameter(STATIC, values=("SYNCHRONOUS", "ASYNCHRONOUS")),
            "LambdaInvocationAttributes": Parameter(STRING_MAP),
            "ResponseValidation": Parameter(
                OBJECT,
                members={"ResponseType": Parameter(STATIC, values=("STRING_MAP", "JSON"))},
            ),
        },
        chat="Yes (SYNCHRONOUS; ASYNCHRONOUS is refused by name: its result is loaded by a Wait)",
        runs=True,
    ),
    ActionType("AssociateContactToCustomerProfile", "interaction", "Customer profiles", None),
    ActionType(
        "CreateCallbackContact", "interaction", "Transfer to queue (callback)", None, chat="No"
    ),
    ActionType("CreateCustomerProfile", "interaction", "Customer profiles", None),
    ActionType("GetCustomerProfile", "interaction", "Customer profiles", None),
    ActionType("GetCustomerProfileObject", "interaction", "Customer profiles", None),
    ActionType(
        "GetCalculatedAttributesForCustomerProfile", "interaction", "Customer profiles", None
    ),
    ActionType("UpdateCustomerProfile", "interaction", "Customer profiles", None),
    # ---------------------------------------------------------------- contact actions
    ActionType(
        "UpdateContactAttributes",
        "contact",
        "Set contact attributes",
        {
            "Attributes": Parameter(STRING_MAP, required=True),
            "TargetContact": Parameter(STATIC, values=("Current", "Related")),
        },
        runs=True,
    ),
    ActionType(
        "UpdateContactTargetQueue",
        "contact",
        "Set working queue",
        {"QueueId": Parameter(REFERENCE), "AgentId": Parameter(REFERENCE)},
        exclusive=(("QueueId", "AgentId"),),
        runs=True,
    ),
    ActionType(
        "TransferContactToQueue",
        "contact",
        "Transfer to queue",
        {},
        errors=("QueueAtCapacity",),
        runs=True,
    ),
    ActionType(
        "UpdateContactEventHooks",
        "contact",
        "Set event flow / Set customer queue flow / Set hold flow / Set whisper flow",
        {
            "EventHooks": Parameter(
                OBJECT,
                required=True,
                members={
                    hook: Parameter(REFERENCE)
                    for hook in (
                        "AgentHold",
                        "AgentWhisper",
                        "CustomerHold",
                        "CustomerQueue",
                        "CustomerRemaining",
                        "CustomerWhisper",
                        "DefaultAgentUI",
                        "DisconnectAgentUI",
                        "PauseContact",
                        "ResumeContact",
                    )
                },
            )
        },
        runs=True,
    ),
    ActionType(
        "UpdateContactRecordingBehavior",
        "contact",
        "Set recording and analytics behavior",
        None,
        runs=True,
    ),
    ActionType(
        "UpdateContactRecordingAndAnalyticsBehavior",
        "contact",
        "Set recording and analytics behavior",
        None,
        runs=True,
    ),
    ActionType(
        "CompleteOutboundCall",
        "contact",
        "Call phone number",
        None,
        chat="No: the Error branch on chat",
        runs=True,
    ),
    ActionType("CreateCase", "contact", "Cases", None),
    ActionType("CreateTask", "contact", "Create task", None),
    ActionType("CreateWisdomSession", "contact", "Amazon Q in Connect", None),
    ActionType(
        "DequeueContactAndTransferToQueue",
        "contact",
        "Transfer to queue (queue flow)",
        {"QueueId": Parameter(REFERENCE), "AgentId": Parameter(REFERENCE)},
        errors=("QueueAtCapacity",),
        exclusive=(("QueueId", "AgentId"),),
        runs=True,
    ),
    ActionType("EndFlowModuleExecution", "contact", "Return (flow modules)", None),
    ActionType("GetCase", "contact", "Cases", None),
    ActionType("InvokeFlowModule", "contact", "Invoke module", None),
    ActionType("ResumeContact", "contact", "Resume contact", None),
    ActionType("StartOutboundChatContact", "contact", "Start outbound chat", None),
    ActionType(
        "TagContact",
        "contact",
        "Contact tags",
        {"Tags": Parameter(STRING_MAP, required=True)},
        runs=True,
    ),
    ActionType("TransferContactToAgent", "contact", "Transfer to agent", None),
    ActionType(
        "UnTagContact",
        "contact",
        "Contact tags",
        {"TagKeys": Parameter(STRING_LIST, required=True)},
        runs=True,
    ),
    ActionType("UpdateCase", "contact", "Cases", None),
    ActionType("UpdateContactCallbackNumber", "contact", "Set callback number", None, chat="No"),
    ActionType(
        "UpdateContactData",
        "contact",
        "Set contact data",
        {
            "Name": Parameter(TEXT),
            "Description": Parameter(TEXT),
            "LanguageCode": Parameter(TEXT),
            "CustomerId": Parameter(TEXT),
            "References": Parameter(STRING_MAP),
            **{
                switch: Parameter(STATIC, values=("TRUE", "FALSE"))
                for switch in (
                    "IsVoiceIdStreamingEnabled",
                    "IsVoiceAuthenticationEnabled",
                    "IsFraudDetectionEnabled",
                )
            },
            "VoiceAuthenticationThreshold": Parameter(TEXT),
            "VoiceAuthenticationResponseTime": Parameter(TEXT),
            "FraudDetectionThreshold": Parameter(TEXT),
            "WatchlistId": Parameter(TEXT),
            "WisdomSessionArn": Parameter(TEXT),
            "TargetContact": Parameter(STATIC, values=("Current", "Related")),
        },
        runs=True,
    ),
    ActionType("UpdateContactMediaProcessing", "contact", "Set media processing", None),
    ActionType(
        "UpdateContactMediaStreamingBehavior",
        "contact",
        "Start / Stop media streaming",
        None,
        chat="No: the Error branch on chat",
        runs=True,
    ),
    ActionType(
        "UpdateContactRoutingBehavior",
        "contact",
        "Change routing priority / age",
        {
            # "Range of valid values: 1 (highest) - 9223372036854775807 (lowest)" [doc: block]
            "QueuePriority": Parameter(INTEGER, minimum=1, maximum=9223372036854775807),
            "QueueTimeAdjustmentSeconds": Parameter(INTEGER),
        },
        exclusive=(("QueuePriority", "QueueTimeAdjustmentSeconds"),),
        no_errors=True,
        runs=True,
    ),
    ActionType("UpdateContactTextToSpeechVoice", "contact", "Set voice", None, runs=True),
    ActionType("UpdatePreviousContactParticipantState", "contact", "Previous contact state", None),
)

#: Every action type of the Flow language, by name.
ACTIONS: dict[str, ActionType] = {row.name: row for row in _ROWS}

#: The action types each version of the language knows.
VERSIONS: dict[str, frozenset[str]] = {VERSION: frozenset(ACTIONS)}


# -- checking a document -----------------------------------------------------------------------


class _Problems:
    """The problems found so far, each message cut to what ``ProblemDetail`` holds."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        if len(message) > MAX_PROBLEM_MESSAGE:
            message = message[: MAX_PROBLEM_MESSAGE - 1] + "…"
        if message not in self.messages:
            self.messages.append(message)


def _quote(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse(content: str) -> dict[str, Any] | str:
    """The flow document ``content`` holds, or why it holds none."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as err:
        return f"Content is not valid JSON: {err}."
    if not isinstance(document, dict):
        return "Content must be a JSON object with Version, StartAction and Actions."
    return document


def problems(content: str) -> list[str]:
    """What makes ``content`` no valid flow: empty for a flow that can be published."""
    document = parse(content)
    if isinstance(document, str):
        return [document]
    found = _Problems()
    version = document.get("Version")
    known: frozenset[str] = frozenset()
    if version is None:
        found.add("Version is required.")
    elif version not in VERSIONS:
        found.add(
            f"Version {_quote(version)} is not a Flow language version; the only supported "
            f"version is {VERSION}."
        )
    else:
        known = VERSIONS[version]
    if "Metadata" in document and not isinstance(document["Metadata"], dict):
        found.add("Metadata must be an object.")
    actions = document.get("Actions")
    if not isinstance(actions, list):
        found.add("Actions must be a list of actions.")
        actions = []
    elif len(actions) > MAX_ACTIONS:
        found.add(
            f"A flow may have no more than {MAX_ACTIONS} Actions; this one has {len(actions)}."
        )
    identifiers = _identifiers(actions, found)
    start = document.get("StartAction")
    if not isinstance(start, str):
        found.add("StartAction is required: the Identifier of the first action to run.")
    elif start not in identifiers:
        found.add(f"StartAction {_quote(start)} names no action of the flow.")
    for index, action in enumerate(actions):
        if isinstance(action, dict):
            _check_action(action, _where(index, action), known, version, identifiers, found)
    return found.messages[:MAX_PROBLEMS]


def _where(index: int, action: dict[str, Any]) -> str:
    identifier = action.get("Identifier")
    if isinstance(identifier, str):
        return f"Actions[{index}] ({_quote(identifier)})"
    return f"Actions[{index}]"


def _identifiers(actions: list[Any], found: _Problems) -> set[str]:
    """The actions' Identifiers, each checked once: present, unique and well formed."""
    seen: set[str] = set()
    for index, action in enumerate(actions):
        if not isinstance(action, dict):
            found.add(f"Actions[{index}] must be an object.")
            continue
        identifier = action.get("Identifier")
        where = f"Actions[{index}]"
        if not isinstance(identifier, str) or not identifier:
            found.add(f"{where}.Identifier is required: a string of 1 to 50 characters.")
            continue
        if identifier in seen:
            found.add(f"{where}.Identifier {_quote(identifier)} is not unique in the flow.")
        seen.add(identifier)
        if len(identifier) > MAX_IDENTIFIER:
            found.add(f"{where}.Identifier is longer than {MAX_IDENTIFIER} characters.")
        bad = sorted(IDENTIFIER_FORBIDDEN.intersection(identifier))
        if bad:
            found.add(
                f"{where}.Identifier {_quote(identifier)} holds {''.join(bad)!r}, characters "
                "not allowed in an Identifier."
            )
        if identifier in IDENTIFIER_RESERVED:
            found.add(f"{where}.Identifier {_quote(identifier)} is a reserved string.")
    return seen


def _check_action(
    action: dict[str, Any],
    where: str,
    known: frozenset[str],
    version: Any,
    identifiers: set[str],
    found: _Problems,
) -> None:
    kind = action.get("Type")
    row = None
    if not isinstance(kind, str):
        found.add(f"{where}.Type is required: the action type, as a string.")
    elif known and kind not in known:
        found.add(
            f"{where}.Type {_quote(kind)} is not an action type of Flow language version {version}."
        )
    else:
        row = ACTIONS.get(kind)
    # Absent Parameters or Transitions read as empty objects: flows deployed with
    # CreateContactFlow omit them on actions that take none (a DisconnectParticipant with only
    # an Identifier and a Type).
    parameters = action.get("Parameters", {})
    if not isinstance(parameters, dict):
        found.add(f"{where}.Parameters must be an object (empty when the action takes none).")
    elif row is not None and row.parameters is not None:
        _check_members(row.parameters, parameters, f"{where}.Parameters", found)
        for first, second in row.exclusive:
            if first in parameters and second in parameters:
                found.add(f"{where}.Parameters: {first} may not be specified if {second} is.")
    transitions = action.get("Transitions", {})
    if not isinstance(transitions, dict):
        found.add(f"{where}.Transitions must be an object (empty for a terminal action).")
        return
    _check_transitions(transitions, f"{where}.Transitions", row, identifiers, found)
    if row is not None and (row.required_operands or row.operands_from):
        _check_required_operands(row, parameters, transitions, f"{where}.Transitions", found)


def _check_required_operands(
    row: ActionType, parameters: Any, transitions: dict[str, Any], where: str, found: _Problems
) -> None:
    """[doc: Wait] '"WaitCompleted" is always required operand, and every specified event is
    also required to be present as a condition operand.'"""
    required = list(row.required_operands)
    if row.operands_from and isinstance(parameters, dict):
        listed = parameters.get(row.operands_from)
        if isinstance(listed, list):
            required += [item for item in listed if isinstance(item, str)]
    conditions = transitions.get("Conditions")
    present: set[str] = set()
    for condition in conditions if isinstance(conditions, list) else ():
        test = condition.get("Condition") if isinstance(condition, dict) else None
        operands = test.get("Operands") if isinstance(test, dict) else None
        if isinstance(operands, list):
            present.update(op for op in operands if isinstance(op, str))
    for operand in required:
        if operand not in present:
            found.add(f"{where}.Conditions: {row.name} needs a condition on {operand!r}.")


def _check_members(
    spec: Mapping[str, Parameter], given: dict[str, Any], where: str, found: _Problems
) -> None:
    for name, parameter in spec.items():
        if parameter.required and name not in given:
            found.add(f"{where}.{name} is required.")
    for name, value in given.items():
        member = spec.get(name)
        if member is None:
            found.add(f"{where}.{name} is not a parameter of this action.")
        else:
            _check_value(member, value, f"{where}.{name}", found)


def _is_reference(text: str) -> bool:
    return JSONPATH.fullmatch(text) is not None


def _check_value(parameter: Parameter, value: Any, where: str, found: _Problems) -> None:
    shape = parameter.shape
    wrong = f"{where} must be {SHAPE_WORDS[shape]}"
    if shape in (TEXT, REFERENCE, STATIC):
        if not isinstance(value, str):
            found.add(wrong + ".")
        elif shape == REFERENCE and "$" in value and not _is_reference(value):
            found.add(wrong + f"; {_quote(value)} is neither.")
        elif shape == STATIC and "$." in value:
            found.add(f"{where} must be defined statically, not {_quote(value)}.")
        elif parameter.values and value not in parameter.values:
            found.add(f"{where} must be one of {', '.join(parameter.values)}, not {_quote(value)}.")
    elif shape == ANY:
        return
    elif shape == INTEGER:
        _check_integer(parameter, value, where, found)
    elif shape == STRING_MAP:
        if not isinstance(value, dict):
            found.add(wrong + ".")
        else:
            for key, item in value.items():
                if not isinstance(item, str):
                    found.add(f"{where}.{key} must be a string.")
    elif shape == OBJECT:
        if not isinstance(value, dict):
            found.add(wrong + ".")
        else:
            _check_members(parameter.members, value, where, found)
    elif shape == STRING_LIST:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            found.add(wrong + ".")
        else:
            for item in value:
                if parameter.values and item not in parameter.values:
                    found.add(
                        f"{where}: {_quote(item)} is not one of {', '.join(parameter.values)}."
                    )


def _check_integer(parameter: Parameter, value: Any, where: str, found: _Problems) -> None:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value):
        number = int(value)
    elif isinstance(value, str) and parameter.dynamic and _is_reference(value):
        return
    if number is None:
        dynamic = " or a single JSONPath identifier" if parameter.dynamic else ""
        found.add(f"{where} must be a whole number{dynamic}, not {_quote(value)}.")
        return
    if parameter.minimum is not None and number < parameter.minimum:
        found.add(f"{where} must be at least {parameter.minimum}, not {number}.")
    if parameter.maximum is not None and number > parameter.maximum:
        found.add(f"{where} must be at most {parameter.maximum}, not {number}.")


def _check_transitions(
    transitions: dict[str, Any],
    where: str,
    row: ActionType | None,
    identifiers: set[str],
    found: _Problems,
) -> None:
    def target(value: Any, at: str) -> None:
        if not isinstance(value, str):
            found.add(f"{at} must be the Identifier of an action.")
        elif value not in identifiers:
            found.add(f"{at} {_quote(value)} names no action of the flow.")

    if row is not None and row.terminal and transitions:
        found.add(f"{where} must be an empty object: {row.name} ends the flow.")
        return
    for name in transitions:
        if name not in ("NextAction", "Errors", "Conditions"):
            found.add(f"{where}.{name} is not a member of Transitions.")
    if "NextAction" in transitions:
        target(transitions["NextAction"], f"{where}.NextAction")
    errors = transitions.get("Errors", [])
    if not isinstance(errors, list):
        found.add(f"{where}.Errors must be a list.")
        errors = []
    for index, error in enumerate(errors):
        at = f"{where}.Errors[{index}]"
        if not isinstance(error, dict):
            found.add(f"{at} must be an object with ErrorType and NextAction.")
            continue
        target(error.get("NextAction"), f"{at}.NextAction")
        kind = error.get("ErrorType")
        if not isinstance(kind, str):
            found.add(f"{at}.ErrorType is required.")
        elif row is not None and row.transcribed:
            allowed = () if row.no_errors else COMMON_ERRORS + row.errors
            if kind not in allowed:
                found.add(
                    f"{at}.ErrorType {_quote(kind)} is not an error of {row.name}"
                    + (f"; it has {', '.join(allowed)}." if allowed else ": it has none.")
                )
    conditions = transitions.get("Conditions", [])
    if not isinstance(conditions, list):
        found.add(f"{where}.Conditions must be a list.")
        conditions = []
    if conditions and row is not None and row.transcribed and not row.operators:
        found.add(f"{where}.Conditions: {row.name} does not support conditions.")
        return
    for index, condition in enumerate(conditions):
        at = f"{where}.Conditions[{index}]"
        if not isinstance(condition, dict):
            found.add(f"{at} must be an object with NextAction and Condition.")
            continue
        target(condition.get("NextAction"), f"{at}.NextAction")
        _check_condition(condition.get("Condition"), f"{at}.Condition", row, found)


def _check_condition(condition: Any, where: str, row: ActionType | None, found: _Problems) -> None:
    if not isinstance(condition, dict):
        found.add(f"{where} must be an object with Operator and Operands.")
        return
    operator = condition.get("Operator")
    operators = row.operators if row is not None and row.transcribed else OPERATORS
    if operator not in OPERATORS:
        found.add(f"{where}.Operator {_quote(operator)} is not one of {', '.join(OPERATORS)}.")
    elif operator not in operators:
        assert row is not None
        found.add(
            f"{where}.Operator {operator} is not supported by {row.name}; "
            f"it supports {', '.join(operators)}."
        )
    operands = condition.get("Operands")
    if not isinstance(operands, list) or len(operands) != 1 or not isinstance(operands[0], str):
        found.add(f"{where}.Operands must be a list of one string.")


def action_rows() -> list[ActionType]:
    """Every action type, by group then name: the order of the generated docs page."""
    order = {"participant": 0, "flow control": 1, "interaction": 2, "contact": 3}
    return sorted(ACTIONS.values(), key=lambda row: (order[row.group], row.name))
