"""Errors Amazon Connect answers, shaped the way boto3's rest-json parser reads them.

moto's ``JsonRESTError`` writes only a lower-case ``message``; the Connect model names the
member ``Message``, so both are written. We stay on ``JsonRESTError`` (not moto's newer
``ServiceException``) because moto resolves a ``ServiceException``'s botocore model from the
module path, which breaks for a package whose name merely starts with "moto".
"""

from __future__ import annotations

import json

from moto.core.exceptions import JsonRESTError
from werkzeug.exceptions import HTTPException


class ConnectError(JsonRESTError):
    """An AWS-shaped error: ``x-amzn-ErrorType`` header, status, and a JSON body."""

    error_code = "InternalServiceException"
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__(self.error_code, message)
        self.description = json.dumps(
            {"__type": self.error_code, "Message": message, "message": message}
        )


class InvalidParameterException(ConnectError):
    error_code = "InvalidParameterException"
    code = 400


class InvalidRequestException(ConnectError):
    error_code = "InvalidRequestException"
    code = 400


class ValidationException(ConnectError):
    """The Participant Service's input error: it names it differently from Connect's
    ``InvalidParameterException``."""

    error_code = "ValidationException"
    code = 400


class UnknownRegion(InvalidRequestException):
    """A door named an account and region for which moto has no Connect backend."""

    def __init__(self, region_name: str) -> None:
        super().__init__(
            f"Region '{region_name}' has no Amazon Connect in moto; use a Connect region "
            "(e.g. us-east-1) or set MOTO_ALLOW_NONEXISTENT_REGION=true."
        )


class ResourceNotFoundException(ConnectError):
    error_code = "ResourceNotFoundException"
    code = 404


class LimitExceededException(ConnectError):
    error_code = "LimitExceededException"
    code = 429


class ResourceConflictException(ConnectError):
    error_code = "ResourceConflictException"
    code = 409


class ConflictException(ConnectError):
    """Connect's and the Participant Service's ConflictException, 409 in both models."""

    error_code = "ConflictException"
    code = 409


class ServiceQuotaExceededException(ConnectError):
    """The Participant Service's "The number of attachments per contact exceeds the quota"."""

    error_code = "ServiceQuotaExceededException"
    code = 402


class AccessDeniedException(ConnectError):
    error_code = "AccessDeniedException"
    code = 403


class UnknownOperationException(ConnectError):
    """No Connect operation matches the method and path (e.g. GET on a POST-only route)."""

    error_code = "UnknownOperationException"
    code = 404


class DuplicateResourceException(ConnectError):
    """CreateContactFlow's "A resource with the specified name already exists"."""

    error_code = "DuplicateResourceException"
    code = 409


class ContactFlowNotPublishedException(ConnectError):
    """DescribeContactFlow's "The flow has not been published"."""

    error_code = "ContactFlowNotPublishedException"
    code = 404


class InvalidContactFlowException(ConnectError):
    """Connect's "The flow is not valid": the model's only member is ``problems``, a list of
    ``{"message": ...}`` (1 to 50), which boto3 hands over as ``response["problems"]``."""

    error_code = "InvalidContactFlowException"
    code = 400

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"The flow is not valid: {problems[0]}")
        self.problems = problems
        self.description = json.dumps(
            {
                "__type": self.error_code,
                "Message": self.message,
                "message": self.message,
                "problems": [{"message": problem} for problem in problems],
            }
        )


class ModeledError(ConnectError):
    """Any error an operation's model lists, with the model's status: what a fault sends.

    Built from the botocore model rather than from the classes above, so an injected fault
    answers exactly what the real operation may answer, in either service.
    """

    def __init__(self, error_code: str, status: int, message: str) -> None:
        self.error_code = error_code
        self.code = status
        super().__init__(message)


class SeedingError(Exception):
    """A seeding call that cannot be carried out (no active mock, unknown instance, ...)."""


#: moto's IAM refusals (query-protocol codes) -> what a rest-json service such as Connect sends.
AUTH_ERROR_CODES = {
    "AccessDenied": "AccessDeniedException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
}


def auth_error(refusal: HTTPException) -> ConnectError:
    """moto's XML authentication/authorization refusal as Connect's JSON error, same status."""
    moto_code = str(getattr(refusal, "error_type", "AccessDenied"))
    message = str(getattr(refusal, "message", "") or refusal.description or "Access denied.")
    return ModeledError(AUTH_ERROR_CODES.get(moto_code, moto_code), refusal.code or 403, message)
