"""The Participant Service wire: rest-json requests in, backend calls, JSON answers out.

Routes come from the operations table (``..operations``), copied from the model. The token in
``X-Amz-Bearer`` is checked first (a bad token is a 403 whatever else is wrong), then the
input against the model, then the backend applies the rules.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import parse_qs

from moto.core.responses import BaseResponse

from .. import cors
from ..chat.participants import Connection, Participant
from ..chat.session import Contact
from ..exceptions import InvalidParameterException, ValidationException
from ..operations import OPERATIONS
from ..validation import collect_input, operation_model, parse_json_body
from ..wire import PluginResponse

SERVICE = "connectparticipant"

BEARER_HEADER = "X-Amz-Bearer"

#: (method, path) -> operation. Every Participant Service operation has a fixed path.
ROUTES = {(method, uri.split("?")[0]): name for name, (method, uri) in OPERATIONS[SERVICE].items()}


@cache
def bearer_member(operation: str) -> str:
    """The input member the operation's token travels in (``X-Amz-Bearer``), from its model:
    ``ParticipantToken`` for CreateParticipantConnection, ``ConnectionToken`` for the rest."""
    members = operation_model(SERVICE, operation).input_shape.members
    return next(
        str(name)
        for name, member in members.items()
        if member.serialization.get("name") == BEARER_HEADER
    )


class ParticipantResponse(PluginResponse, BaseResponse):
    """Participant Service requests; authentication is the bearer token, not SigV4/IAM."""

    service_label = "Participant Service"

    def __init__(self) -> None:
        super().__init__(service_name=SERVICE)

    def _authenticate_and_authorize_normal_action(self, resource: str = "*") -> None:
        """The real service ignores SigV4 and IAM: the bearer token is the only check."""

    def call_action(self) -> Any:
        """Pages call this service: a browser's preflight is answered here, before any
        operation, and every answer carries the CORS headers (see :mod:`..cors`)."""
        origin = self.headers.get("Origin")
        if self.method == "OPTIONS":
            return cors.preflight(origin, self.headers.get("Access-Control-Request-Headers"))
        status, headers, body = super().call_action()
        return status, {**headers, **cors.response_headers(origin)}, body

    def _resolve_operation(self) -> str | None:
        return ROUTES.get((self.method, self.parsed_url.path))

    #: Whom the call's token stands for, looked up once by :meth:`_input`: a connection
    #: (ConnectionToken), or a chat and participant (ParticipantToken).
    connection: Connection
    holder: tuple[Contact, Participant]

    def _input(self) -> dict[str, Any]:
        operation = self.operation
        assert operation is not None
        token = self.headers.get(BEARER_HEADER)
        backend = self.participant_backend
        try:
            body = parse_json_body(self.body)
        except InvalidParameterException:
            body = None  # refused below, once the token has been checked
        if bearer_member(operation) == "ParticipantToken":
            self.holder = backend.participant_token(token)
        else:
            client_token = (body or {}).get("ClientToken")
            self.connection = backend.connection(
                token, operation, client_token if isinstance(client_token, str) else None
            )
        backend.connect.faults.raise_injected(operation, None)
        try:
            return collect_input(
                SERVICE,
                operation,
                {},
                parse_qs(self.parsed_url.query, keep_blank_values=True),
                parse_json_body(self.body) if body is None else body,
                headers={BEARER_HEADER: token} if token else {},
            )
        except InvalidParameterException as err:
            raise ValidationException(err.message) from None

    # -- operations -----------------------------------------------------------------

    def create_participant_connection(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.create_participant_connection(
                self.holder, params.get("Type"), self.endpoint_host
            )
        )

    def send_message(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.send_message(
                self.connection,
                params["ContentType"],
                params["Content"],
                params.get("ClientToken"),
            )
        )

    def send_event(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.send_event(
                self.connection,
                params["ContentType"],
                params.get("Content"),
                params.get("ClientToken"),
            )
        )

    def get_transcript(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.get_transcript(
                self.connection,
                contact_id=params.get("ContactId"),
                max_results=params.get("MaxResults"),
                next_token=params.get("NextToken"),
                scan_direction=params.get("ScanDirection"),
                sort_order=params.get("SortOrder"),
                start_position=params.get("StartPosition"),
            )
        )

    def disconnect_participant(self) -> str:
        params = self._input()
        self.participant_backend.disconnect_participant(self.connection, params.get("ClientToken"))
        return self._json(None)

    # -- attachments ----------------------------------------------------------------

    def _s3_endpoint(self) -> str | None:
        """Where the pre-signed S3 URLs point: None (AWS's own S3 address, which moto's mock
        intercepts) when the request came to an AWS host, else this server's own address --
        moto's server answers S3 for an unsigned request with query-string auth."""
        host = self.parsed_url.hostname or ""
        if host.endswith(".amazonaws.com"):
            return None
        return f"{self.parsed_url.scheme}://{self.parsed_url.netloc}"

    def start_attachment_upload(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.start_attachment_upload(
                self.connection,
                params["ContentType"],
                params["AttachmentSizeInBytes"],
                params["AttachmentName"],
                params.get("ClientToken"),
                endpoint_url=self._s3_endpoint(),
            )
        )

    def complete_attachment_upload(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.complete_attachment_upload(
                self.connection, params["AttachmentIds"], params.get("ClientToken")
            )
        )

    def get_attachment(self) -> str:
        params = self._input()
        return self._json(
            self.participant_backend.get_attachment(
                self.connection,
                params["AttachmentId"],
                params.get("UrlExpiryInSeconds"),
                params.get("UrlContentDisposition"),
                endpoint_url=self._s3_endpoint(),
            )
        )
