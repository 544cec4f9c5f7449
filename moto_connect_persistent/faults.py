"""Test-only failure paths: injected faults and the settle time of rehydration sources.

Neither has an AWS equivalent (docs/failure-paths.md). :class:`Faults` is owned by
the Connect backend of an account and region; both services' wires ask it, before reading a
request's input, whether the call must fail.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from .chat.clock import utcnow
from .exceptions import InvalidParameterException, InvalidRequestException, ModeledError
from .operations import OPERATIONS
from .validation import COMMON_ERRORS, answerable_errors, modeled_errors


@cache
def answered_operations() -> dict[str, str]:
    """Operation -> botocore service, for every operation this mock answers on the wire.

    A fault can only be armed for these, since no other operation ever consults the fault list.
    """
    return {name: service for service, table in OPERATIONS.items() for name in table}


#: Settle time of every backend without its own (``set_settle_time``), while a
#: ``mock_connect_persistent(settle_seconds=N)`` is started; innermost mock last.
_settle_defaults: list[float] = []
_settle_lock = threading.Lock()


def check_settle_seconds(seconds: float) -> float:
    """A settle time is a number of seconds, 0 (off) or more."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise InvalidParameterException(
            f"settle time must be a number of seconds >= 0, got {seconds!r}."
        )
    return float(seconds)


def push_settle_default(seconds: float) -> None:
    """A mock with its own settle time starts."""
    with _settle_lock:
        _settle_defaults.append(check_settle_seconds(seconds))


def pop_settle_default() -> None:
    """That mock stops: the enclosing mock's setting (or none) applies again."""
    with _settle_lock:
        if _settle_defaults:
            _settle_defaults.pop()


@dataclass
class Fault:
    """A test-only failure: the next ``remaining`` calls of ``operation`` answer ``error_code``."""

    operation: str
    error_code: str
    status: int
    message: str
    remaining: int
    instance_id: str | None = None

    def matches(self, operation: str, instance_id: str | None) -> bool:
        return self.operation == operation and (
            self.instance_id is None or self.instance_id == instance_id
        )


class Faults:
    """The armed faults and the settle time of one account and region."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.armed: list[Fault] = []
        #: docs/persistent-chat.md, rule 8, set for this account and region; None follows the
        #: mock's setting.
        self.settle_seconds: float | None = None

    def inject(
        self,
        operation: str,
        error_code: str,
        count: int = 1,
        instance_id: str | None = None,
        message: str | None = None,
    ) -> None:
        """Arm a fault; only errors the operation's model lists or AWS's common errors (any
        call can be throttled), so a test never relies on an answer AWS cannot give."""
        service = answered_operations().get(operation)
        if service is None:
            raise InvalidParameterException(
                f"operation '{operation}' is not answered by this mock; use one of "
                f"{', '.join(sorted(answered_operations()))}."
            )
        errors = answerable_errors(service, operation)
        if error_code not in errors:
            raise InvalidParameterException(
                f"{operation} cannot answer error '{error_code}'; it models "
                f"{', '.join(sorted(modeled_errors(service, operation)))} and AWS's common "
                f"errors are {', '.join(COMMON_ERRORS)}."
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidParameterException("count must be an integer of at least 1.")
        if instance_id is not None and service != "connect":
            raise InvalidParameterException(
                f"{operation} carries no instance id: its faults cannot be scoped to one."
            )
        text = message or f"{error_code} injected by moto-connect-persistent into {operation}."
        with self._lock:
            self.armed.append(
                Fault(operation, error_code, errors[error_code], text, count, instance_id)
            )

    def clear(self) -> None:
        with self._lock:
            self.armed.clear()

    def raise_injected(self, operation: str, instance_id: str | None) -> None:
        """Fail this call if a fault is armed for it, oldest fault first.

        The wire calls this after authentication and before input validation, as AWS
        throttles a request before reading it; so a faulted call touches no state.
        """
        if not self.armed:
            return
        with self._lock:
            for fault in self.armed:
                if fault.matches(operation, instance_id):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.armed.remove(fault)
                    raise ModeledError(fault.error_code, fault.status, fault.message)

    def set_settle_time(self, seconds: float) -> None:
        self.settle_seconds = check_settle_seconds(seconds)

    def check_settled(self, last_ended: datetime | None, last_id: str) -> None:
        """docs/persistent-chat.md, rule 8: a past session rehydrates only ``settle_seconds`` after
        it ended."""
        settle_seconds = self.settle_seconds
        if settle_seconds is None:
            settle_seconds = _settle_defaults[-1] if _settle_defaults else 0.0
        if not settle_seconds or last_ended is None:
            return
        if utcnow() < last_ended + timedelta(seconds=settle_seconds):
            raise InvalidRequestException(
                f"SourceContactId: its chat session ended (contact '{last_id}') less than "
                f"{settle_seconds:g} seconds ago; wait until it has settled."
            )
