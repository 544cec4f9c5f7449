"""What every response class of this plugin shares, whichever moto service carries it.

Connect and the Participant Service are answered by two moto response classes (one extends
moto's ConnectResponse, the other moto's BaseResponse); both need the same backend lookup,
the same raw-body handling and the same answer for a path no operation owns.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar
from urllib.parse import ParseResult

from moto.core.base_backend import BackendDict, BaseBackend

from .chat.scheduler import after_call
from .exceptions import UnknownOperationException
from .models import ConnectPersistentBackend, backend_of, connect_persistent_backends
from .participant.models import ParticipantBackend, participant_backends

B = TypeVar("B", bound=BaseBackend)

JSON_CONTENT_TYPE = "application/json"


def json_content_type(headers: dict[str, Any], body: Any) -> dict[str, Any]:
    """Every answer with a body is JSON and says so, as the real services do: moto sets a
    Content-Type on errors only, and its server then sends ``text/html`` for the rest."""
    if body and not any(str(name).lower() == "content-type" for name in headers):
        headers = {**headers, "Content-Type": JSON_CONTENT_TYPE}
    return headers


class PluginResponse:
    """Mixin placed before a moto response class; subclasses set ``service_label`` and
    implement :meth:`_resolve_operation`."""

    #: How error messages name the service ("Connect", "Participant Service").
    service_label = "Connect"
    operation: str | None = None

    # Provided by moto's BaseResponse.
    current_account: str
    region: str
    method: str
    path: str
    parsed_url: ParseResult

    @property
    def persistent_backend(self) -> ConnectPersistentBackend:
        return self._backend(connect_persistent_backends)

    @property
    def participant_backend(self) -> ParticipantBackend:
        """The Participant Service's backend of the same account and region."""
        return self._backend(participant_backends)

    def _backend(self, backends: BackendDict[B]) -> B:
        return backend_of(backends, self.current_account, self.region)

    @property
    def endpoint_host(self) -> str | None:
        """The host name the client reached the mock by (an AWS name in-process, the server's
        address in server mode): where the chat's websocket is served."""
        return self.parsed_url.hostname

    def setup_class(self, request: Any, full_url: Any = None, headers: Any = None, *_: Any) -> None:
        """Keep the body as bytes: moto decodes it as UTF-8 and crashed (a 500) on any other
        bytes; :func:`~.validation.parse_json_body` refuses them with a 400 instead."""
        super().setup_class(request, full_url, headers, use_raw_body=True)  # type: ignore[misc]

    def _resolve_operation(self) -> str | None:
        """The operation the method and path name, or None; may record path parameters."""
        raise NotImplementedError

    def _get_action(self) -> str:
        """moto asks this for the IAM action and the handler name: our routing answers."""
        if self.operation is None:
            self.operation = self._resolve_operation()
        return self.operation or ""

    def call_action(self) -> Any:
        self.operation = self._resolve_operation()
        if self.operation is None:
            error = UnknownOperationException(
                f"{self.method} {self.path} is not a {self.service_label} operation "
                "moto-connect-persistent answers."
            )
            return error.code, dict(error.get_headers()), error.get_body()
        try:
            status, headers, body = super().call_action()  # type: ignore[misc]
        finally:
            # Outside every lock now: the work the call deferred (the flow its chat
            # started, resumed by a message) runs, and a timer it armed gets its thread.
            after_call()
        return status, json_content_type(headers, body), body

    @staticmethod
    def _json(result: dict[str, Any] | None) -> str:
        return json.dumps(result or {})
