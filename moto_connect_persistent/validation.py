"""docs/persistent-chat.md, rule 1: input checks taken from the botocore service model, not written
by hand.

Each operation's input shape already states which members are required, their types,
lengths, ranges and enums. Reading them from the model keeps the mock in step with the SDK
and answers every violation (raw HTTP, or boto3 with ``parameter_validation=False``) with an
``InvalidParameterException`` that names the field, before any state is touched.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from botocore.model import OperationModel, ServiceModel, Shape

from .exceptions import ConnectError, InvalidParameterException, InvalidRequestException

#: One parsed model per botocore service, for the life of the process.
_service_models: dict[str, ServiceModel] = {}
_service_models_lock = threading.Lock()
_own_loader: Any = None


def _loader() -> Any:
    """The botocore loader to read a model with: boto3's default session's when there is one.

    A boto3 client made with ``boto3.client(...)`` has loaded its service model through that
    loader, which keeps what it parsed; asking it the same question returns the
    same dict instead of parsing the JSON again (the client asks with these very arguments:
    the cache is keyed on how they are passed). Without a default session (server mode, or
    clients of explicit sessions) the package keeps a loader of its own, made once.
    """
    global _own_loader
    import boto3

    default_session = boto3.DEFAULT_SESSION
    if default_session is not None:
        return default_session._session.get_component("data_loader")
    if _own_loader is None:
        from botocore.loaders import create_loader

        _own_loader = create_loader()
    return _own_loader


def service_model(service: str) -> ServiceModel:
    """The botocore model of ``service``, loaded on its first use, once per process."""
    model = _service_models.get(service)
    if model is None:
        with _service_models_lock:
            model = _service_models.get(service)
            if model is None:
                data = _loader().load_service_model(service, "service-2", api_version=None)
                model = _service_models[service] = ServiceModel(data, service_name=service)
    return model


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@cache
def modeled_errors(service: str, operation: str) -> dict[str, int]:
    """The error codes an operation's model lists, each with its modeled HTTP status.

    A shape without ``httpStatusCode`` falls back as the protocol does: 500 for a server
    fault, 400 otherwise.
    """
    errors = {}
    for shape in operation_model(service, operation).error_shapes:
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        if status is None:
            status = 500 if shape.metadata.get("fault") else 400
        errors[shape.name] = int(status)
    return errors


def invalid_input(service: str, operation: str, message: str) -> ConnectError:
    """The error for input the model refuses: ``InvalidParameterException`` where the
    operation models it, else ``InvalidRequestException`` (GetContactAttributes)."""
    if "InvalidParameterException" in modeled_errors(service, operation):
        return InvalidParameterException(message)
    return InvalidRequestException(message)


#: AWS's common errors, which any operation may answer [doc: API Reference, Common Errors],
#: with the page's status; a service's own shape of the same name overrides it (Connect
#: models ThrottlingException as 429, AccessDeniedException as 403).
COMMON_ERRORS = {
    "ThrottlingException": 400,
    "ServiceUnavailable": 503,
    "InternalFailure": 500,
    "AccessDeniedException": 400,
    "IncompleteSignature": 400,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "ValidationError": 400,
}


@cache
def answerable_errors(service: str, operation: str) -> dict[str, int]:
    """Every error code an operation can answer, with its status: AWS's common errors (at
    the service's modeled status where it models the shape), then the operation's own."""
    model = service_model(service)
    errors = {}
    for code, status in COMMON_ERRORS.items():
        if code in model.shape_names:
            metadata = model.shape_for(code).metadata
            status = metadata.get("error", {}).get("httpStatusCode", status)
        errors[code] = int(status)
    errors.update(modeled_errors(service, operation))
    return errors


#: The NextTokens a Connect list operation of the mock hands out: a page's offset, ASCII digits.
_OFFSET_TOKEN = re.compile(r"[0-9]{1,19}")


def page_start(next_token: str | None, size: int, field_name: str) -> int:
    """Where the page a ``NextToken`` of ours asks for starts (0 without one), up to ``size``.

    Anything else is InvalidParameterException naming the field, never a crash: ``isdigit()``
    admits "¹" (which ``int()`` refuses) and "٣" (which it reads as 3), and ``int()`` refuses
    more than 4,300 digits.
    """
    if next_token is None:
        return 0
    if not _OFFSET_TOKEN.fullmatch(next_token) or int(next_token) > size:
        raise InvalidParameterException(f"{field_name} is not valid.")
    return int(next_token)


def parse_json_body(body: str | bytes | None) -> dict[str, Any]:
    """A rest-json request body: empty means no members; anything but an object is refused."""
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidParameterException(f"The request body is not valid JSON: {err}.") from None
    if not isinstance(parsed, dict):
        raise InvalidParameterException("The request body must be a JSON object.")
    return parsed


def collect_input(
    service: str,
    operation: str,
    path_params: dict[str, str],
    query: dict[str, list[str]],
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Gather an operation's members from path, query string, headers and body, then validate.

    Query-string members arrive as text and are converted to the modeled type here, so the
    same checks apply to every location. ``headers`` holds the header members the caller
    read (the Participant Service's ``X-Amz-Bearer`` token), by wire name.
    """
    shape = operation_model(service, operation).input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            if wire_name in path_params:
                params[name] = path_params[wire_name]
        elif location == "querystring":
            if wire_name in query and member.type_name == "list":
                # A list member repeats its key (?contactFlowTypes=A&contactFlowTypes=B).
                params[name] = [_from_text(name, member.member, v) for v in query[wire_name]]
            elif wire_name in query:
                params[name] = _from_text(name, member, query[wire_name][0])
        elif location == "header":
            if headers and wire_name in headers:
                params[name] = headers[wire_name]
        elif location is None and name in body:
            params[name] = body[name]
    validate(shape, params, "")
    return params


def _from_text(name: str, shape: Shape, text: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise InvalidParameterException(f"{name} must be an integer, got '{text}'.") from None
    return text


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "blob": (str,),
}

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "boolean": "a boolean",
    "double": "a number",
    "float": "a number",
    "timestamp": "a timestamp",
    "structure": "an object",
    "map": "an object",
    "list": "a list",
    "blob": "a base64 string",
}


def validate(shape: Shape, value: Any, path: str) -> None:
    """Raise InvalidParameterException for the first member of ``value`` that breaks ``shape``."""
    if not _has_type(value, shape.type_name):
        raise InvalidParameterException(
            f"{path or 'The request body'} must be {_TYPE_WORDS.get(shape.type_name, 'valid')}."
        )
    metadata = shape.metadata
    if shape.type_name in ("string", "list", "map"):
        size = len(value)
        if "min" in metadata and size < metadata["min"]:
            raise InvalidParameterException(
                f"{path} must be at least {metadata['min']} characters/items long."
            )
        if "max" in metadata and size > metadata["max"]:
            raise InvalidParameterException(
                f"{path} must be at most {metadata['max']} characters/items long."
            )
    if shape.type_name in ("integer", "long"):
        if "min" in metadata and value < metadata["min"]:
            raise InvalidParameterException(f"{path} must be at least {metadata['min']}.")
        if "max" in metadata and value > metadata["max"]:
            raise InvalidParameterException(f"{path} must be at most {metadata['max']}.")
    enum = getattr(shape, "enum", None)
    if shape.type_name == "string" and enum and value not in enum:
        raise InvalidParameterException(f"{path} must be one of {', '.join(enum)}.")
    if shape.type_name == "structure":
        for name in shape.required_members:
            if value.get(name) is None:
                raise InvalidParameterException(f"{_join(path, name)} is required.")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                validate(member, value[name], _join(path, name))
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            validate(shape.member, item, f"{path}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            validate(shape.key, key, f"{path} key")
            validate(shape.value, item, f"{path}.{key}")


def _has_type(value: Any, type_name: str) -> bool:
    # JSON true/false are Python ints too: only a boolean member accepts them.
    if isinstance(value, bool) and type_name != "boolean":
        return False
    return isinstance(value, _JSON_TYPES.get(type_name, (object,)))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


T = TypeVar("T")


def offset_page(
    items: Sequence[T], limit: int, next_token: str | None, field_name: str = "NextToken"
) -> tuple[Sequence[T], str | None]:
    """A page of a Connect List call whose NextToken is an offset (:func:`page_start`): the
    page, and the next page's token (None: this is the last)."""
    start = page_start(next_token, len(items), field_name)
    following = start + limit
    return items[start:following], (str(following) if following < len(items) else None)
