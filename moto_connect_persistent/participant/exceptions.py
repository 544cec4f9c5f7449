"""Errors of the Participant Service, which names some codes differently from Connect.

Input errors are ``ValidationException`` (not Connect's ``InvalidParameterException``) and
server errors ``InternalServerException``; ``AccessDeniedException`` and
``ThrottlingException`` share Connect's codes and statuses.
"""

from __future__ import annotations

from ..exceptions import AccessDeniedException, ConnectError, ThrottlingException


class ValidationException(ConnectError):
    error_code = "ValidationException"
    code = 400


class ConflictException(ConnectError):
    error_code = "ConflictException"
    code = 409


class InternalServerException(ConnectError):
    error_code = "InternalServerException"
    code = 500


class ServiceQuotaExceededException(ConnectError):
    error_code = "ServiceQuotaExceededException"
    code = 402


class ResourceNotFoundException(ConnectError):
    error_code = "ResourceNotFoundException"
    code = 404


#: Every modeled Participant Service error by wire code.
PARTICIPANT_ERRORS_BY_CODE: dict[str, type[ConnectError]] = {
    cls.error_code: cls
    for cls in (
        AccessDeniedException,
        ThrottlingException,
        ValidationException,
        ConflictException,
        InternalServerException,
        ServiceQuotaExceededException,
        ResourceNotFoundException,
    )
}
