"""Errors of the Participant Service, which names its input error differently from Connect.

Input errors are ``ValidationException`` (not Connect's ``InvalidParameterException``);
``AccessDeniedException`` shares Connect's code and status. Injected faults use
:class:`~moto_connect_persistent.exceptions.ModeledError`, built from the model.
"""

from __future__ import annotations

from ..exceptions import ConnectError


class ValidationException(ConnectError):
    error_code = "ValidationException"
    code = 400
