"""What Amazon Connect sends a Lambda function from a flow, and what it takes back.

The flow engine's ``InvokeLambdaFunction`` step (:meth:`.flow_engine.FlowEngine.
invoke_lambda_function`) calls the handler a test registered for the function's ARN
(:mod:`.flow_handlers`) as Lambda calls a Python function: ``handler(event, context)``.
This module holds the rules of both ends, and nothing of the engine:

- :func:`lambda_event`: the JSON request the Admin Guide documents ("Invoke AWS Lambda
  functions"): ``Details.ContactData`` (the contact, its attributes), ``Details.Parameters``
  (the block's ``LambdaInvocationAttributes``, resolved) and ``Name: "ContactFlowEvent"``.
- :class:`LambdaContext`: what a Python Lambda's context object gives (``function_name``,
  ``invoked_function_arn``, ``aws_request_id``, ``get_remaining_time_in_millis()``, ...), its
  remaining time counted down from the block's time limit.
- :func:`read_answer`: what the flow takes back as ``$.External``, or why it takes the Error
  branch ("the response is not understood"): not an object, a nested value under
  ``STRING_MAP``, more than 32 KB.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .chat.session import Contact

#: [doc: InvokeLambdaFunction] InvocationTimeLimitSeconds: "Must be greater than 0, no larger
#: than 8, and an integer."
MAX_TIME_LIMIT_SECONDS = 8
#: A block without InvocationTimeLimitSeconds waits the documented maximum (AWS names no
#: default; docs/fidelity.md).
DEFAULT_TIME_LIMIT_SECONDS = MAX_TIME_LIMIT_SECONDS
#: [doc: Invoke AWS Lambda functions] "The Lambda response can be up to 32kb"; "The size of the
#: returned data must be less than 32 KB of UTF-8 data." Counted on the answer's JSON text.
MAX_ANSWER_BYTES = 32 * 1024
#: [doc] ResponseValidation.ResponseType: a flat string map (the default here) or any JSON.
STRING_MAP = "STRING_MAP"
JSON = "JSON"
#: The event's ``Name``.
EVENT_NAME = "ContactFlowEvent"

#: arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]
FUNCTION_ARN = re.compile(
    r"arn:(?P<partition>[\w-]+):lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":function:(?P<name>[A-Za-z0-9_-]{1,140})(?::(?P<qualifier>[A-Za-z0-9_$-]+))?"
)


class AnswerRefused(Exception):
    """An answer the flow cannot take: the block takes its Error branch."""


class NoHandler(Exception):
    """No handler is registered for the function: on AWS, an invocation that fails."""


def function_name(function_arn: str) -> str:
    """The function's name (the ARN itself if it is no Lambda function ARN)."""
    match = FUNCTION_ARN.fullmatch(function_arn)
    return match.group("name") if match else function_arn


def unqualified(function_arn: str) -> str:
    """The function's ARN without its version or alias."""
    match = FUNCTION_ARN.fullmatch(function_arn)
    if match is None or match.group("qualifier") is None:
        return function_arn
    return function_arn.rsplit(":", 1)[0]


def time_limit(parameters: dict[str, Any]) -> int:
    """The block's InvocationTimeLimitSeconds (a whole number, or digits as the console
    exports it; the flow's check keeps it within 1 to 8), else the default."""
    given = parameters.get("InvocationTimeLimitSeconds")
    return int(given) if given is not None else DEFAULT_TIME_LIMIT_SECONDS


def response_type(parameters: dict[str, Any]) -> str:
    validation = parameters.get("ResponseValidation") or {}
    kind: str = validation.get("ResponseType", STRING_MAP)
    return kind


# ---------------------------------------------------------------------- the request


def contact_data(contact: Contact, queue_id: str | None) -> dict[str, Any]:
    """``Details.ContactData`` of a chat contact: "always passed by Amazon Connect for every
    contact" [doc]. A chat has no telephone endpoints (``CustomerEndpoint`` and
    ``SystemEndpoint`` are null) and no media streams; ``Queue`` is the contact's working
    queue, null until the flow sets one."""
    instance_arn = contact.arn.split("/contact/")[0]
    queue = None
    if queue_id is not None:
        # The mock knows no queue names: Name is the queue's id (docs/fidelity.md).
        queue = {"ARN": f"{instance_arn}/queue/{queue_id}", "Name": queue_id}
    return {
        "Attributes": dict(contact.session.attributes),
        "Channel": contact.channel,
        "ContactId": contact.id,
        "CustomerEndpoint": None,
        "CustomerId": contact.customer_id,
        "Description": contact.description,
        "InitialContactId": contact.session.segments[0].id,
        "InitiationMethod": contact.initiation_method,
        "InstanceARN": instance_arn,
        "LanguageCode": contact.language_code,
        "MediaStreams": {"Customer": {"Audio": None}},
        "Name": contact.name,
        # A first segment names itself, as in the documented example.
        "PreviousContactId": contact.previous_contact_id or contact.id,
        "Queue": queue,
        # Set by UpdateContact or a flow's UpdateContactData (each a STRING reference).
        "References": {name: dict(reference) for name, reference in contact.references.items()},
        "RelatedContactId": contact.related_contact_id,
        "SegmentAttributes": dict(contact.segment_attributes),
        "SystemEndpoint": None,
        "Tags": dict(contact.tags),
    }


def lambda_event(
    contact: Contact, parameters: dict[str, str], queue_id: str | None
) -> dict[str, Any]:
    """The JSON request a flow's Lambda gets [doc: Invoke AWS Lambda functions]: "a default
    set of information related to ongoing contact, as well as any additional attributes
    defined in the Function input parameters section"."""
    return {
        "Details": {"ContactData": contact_data(contact, queue_id), "Parameters": parameters},
        "Name": EVENT_NAME,
    }


@dataclass
class LambdaContext:
    """What a Python Lambda's ``context`` gives, for a handler registered in the mock."""

    function_name: str
    invoked_function_arn: str
    #: When the block stops waiting, in ``time.monotonic()`` seconds.
    deadline: float
    function_version: str = "$LATEST"
    memory_limit_in_mb: str = "128"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None
    client_context: Any = None

    @classmethod
    def for_call(cls, function_arn: str, seconds: float) -> LambdaContext:
        """The context of one invocation that may take ``seconds``."""
        match = FUNCTION_ARN.fullmatch(function_arn)
        name = match.group("name") if match else function_arn
        qualifier = match.group("qualifier") if match else None
        version = qualifier if qualifier and qualifier.isdigit() else "$LATEST"
        return cls(
            function_name=name,
            invoked_function_arn=function_arn,
            deadline=time.monotonic() + seconds,
            function_version=version,
            log_group_name=f"/aws/lambda/{name}",
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


# ---------------------------------------------------------------------- the answer


def _scalar_text(value: Any) -> str | None:
    """A flat value as the flow reads it: a string as is, a number or a boolean as its JSON
    text (docs/fidelity.md); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None


def read_answer(answer: Any, kind: str) -> dict[str, Any]:
    """What ``$.External`` becomes, or :class:`AnswerRefused` [doc: Invoke AWS Lambda
    functions]: "If response validation is set to STRING_MAP, then the Lambda function should
    return a flat object of key/value pairs of the string type. Otherwise, if response
    validation is set to JSON, the Lambda function can return any valid JSON including nested
    JSON"; "The Lambda response can be up to 32kb"."""
    try:
        text = json.dumps(answer, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise AnswerRefused(f"the answer is not JSON ({err})") from None
    size = len(text.encode("utf-8"))
    if size > MAX_ANSWER_BYTES:
        raise AnswerRefused(f"the answer is {size} bytes, over the {MAX_ANSWER_BYTES} allowed")
    if not isinstance(answer, dict):
        raise AnswerRefused(f"the answer must be a JSON object, not {type(answer).__name__}")
    if kind == JSON:
        return dict(answer)
    flat: dict[str, Any] = {}
    for key, value in answer.items():
        shown = _scalar_text(value)
        if shown is None:
            raise AnswerRefused(
                f"{key!r} is {type(value).__name__}: with STRING_MAP response validation the "
                "answer must be a flat object of string values"
            )
        flat[key] = shown
    return flat


def external_value(external: dict[str, Any], path: list[str]) -> str | None:
    """``$.External.a.b``: the value at ``path`` of the last answer, as text; None for none, an
    object or an array ("Referencing an array is not supported in a flow" [doc])."""
    value: Any = external
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return _scalar_text(value)
