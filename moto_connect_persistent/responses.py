"""The wire: turns Connect rest-json requests into backend calls and answers back.

No rule of the service lives here: this layer finds the operation, reads and shape-checks
its input (the model's constraints, spec rule 1), applies injected faults, and hands over
to :class:`~moto_connect_persistent.models.ConnectPersistentBackend`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.connect.responses import ConnectResponse

from .exceptions import ConnectError, InvalidRequestException, UnknownOperationException
from .models import ConnectPersistentBackend, connect_persistent_backends
from .validation import collect_input, operation_model, parse_json_body

#: The Connect operations this plugin answers. Routes and path parameters come from the
#: botocore model's ``requestUri``, so they cannot drift from what boto3 sends.
OPERATIONS = (
    "CreatePersistentContactAssociation",
    "StartChatContact",
    "DescribeContact",
    "StopContact",
    "ListAssociatedContacts",
    "GetContactAttributes",
    "UpdateContactAttributes",
)


def _path_regex(request_uri: str) -> str:
    """``/contacts/{InstanceId}/{ContactId}`` -> a regex with one named group per label."""
    path = request_uri.split("?")[0]
    return re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]+)", path) + "$"


def _routes() -> list[tuple[str, str, re.Pattern[str]]]:
    routes = []
    for name in OPERATIONS:
        http = operation_model("connect", name).http
        routes.append((http["method"], name, re.compile("^" + _path_regex(http["requestUri"]))))
    return routes


ROUTES = _routes()

#: Path patterns for moto's ``url_paths`` (``{0}`` is moto's URL base), one per distinct path.
URL_PATTERNS = sorted({"{0}" + regex.pattern[1:] for _, _, regex in ROUTES})


class ConnectPersistentResponse(ConnectResponse):
    """moto's ConnectResponse, extended with the persistent-chat operations.

    Subclassing keeps moto's account/region resolution, SigV4 and IAM checks
    (``connect:<Action>``) and the request recorder.
    """

    operation: str | None = None
    path_params: dict[str, str]

    @property
    def persistent_backend(self) -> ConnectPersistentBackend:
        try:
            return connect_persistent_backends[self.current_account][self.region]
        except KeyError:
            raise InvalidRequestException(
                f"Region '{self.region}' is not an Amazon Connect region known to moto; "
                "set MOTO_ALLOW_NONEXISTENT_REGION=true to allow it."
            ) from None

    # -- routing ------------------------------------------------------------------

    def _resolve_operation(self) -> None:
        self.path_params = {}
        for method, name, regex in ROUTES:
            match = regex.match(self.path)
            if match and method == self.method:
                self.operation = name
                # moto hands the path over percent-encoded on some versions and decoded on
                # others; self.path is the URL as sent, so decode exactly once here.
                self.path_params = {k: unquote(v) for k, v in match.groupdict().items()}
                return
        self.operation = None

    def _get_action(self) -> str:
        if self.operation is None:
            self._resolve_operation()
        return self.operation or ""

    def call_action(self) -> Any:
        self._resolve_operation()
        if self.operation is None:
            error = UnknownOperationException(
                f"No Connect operation answers {self.method} {self.path}."
            )
            return error.code, dict(error.get_headers()), error.get_body()
        return super().call_action()

    def _determine_resource(self) -> str:
        """IAM resource for resource-level policies: the instance ARN the call acts on."""
        instance_id = self.path_params.get("InstanceId")
        if instance_id is None:
            try:
                instance_id = parse_json_body(self.body).get("InstanceId")
            except ConnectError:
                instance_id = None
        if not isinstance(instance_id, str):
            return "*"
        return f"arn:aws:connect:{self.region}:{self.current_account}:instance/{instance_id}"

    # -- shared steps ---------------------------------------------------------------

    def _input(self) -> dict[str, Any]:
        assert self.operation is not None
        params = collect_input(
            "connect",
            self.operation,
            self.path_params,
            parse_qs(self.parsed_url.query, keep_blank_values=True),
            parse_json_body(self.body),
        )
        self.persistent_backend.raise_injected_fault(self.operation, params.get("InstanceId"))
        return params

    @staticmethod
    def _json(result: dict[str, Any] | None) -> str:
        return json.dumps(result or {})

    # -- operations -----------------------------------------------------------------

    def create_persistent_contact_association(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.create_persistent_contact_association(
                instance_id=params["InstanceId"],
                initial_contact_id=params["InitialContactId"],
                rehydration_type=params["RehydrationType"],
                source_contact_id=params["SourceContactId"],
                client_token=params.get("ClientToken"),
            )
        )

    def start_chat_contact(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.start_chat_contact(
                instance_id=params["InstanceId"],
                contact_flow_id=params["ContactFlowId"],
                display_name=params["ParticipantDetails"]["DisplayName"],
                attributes=params.get("Attributes"),
                client_token=params.get("ClientToken"),
                chat_duration_minutes=params.get("ChatDurationInMinutes"),
                persistent_chat=params.get("PersistentChat"),
                related_contact_id=params.get("RelatedContactId"),
                customer_id=params.get("CustomerId"),
            )
        )

    def describe_contact(self) -> str:
        params = self._input()
        contact = self.persistent_backend.describe_contact(
            params["InstanceId"], params["ContactId"]
        )
        return self._json({"Contact": contact})

    def stop_contact(self) -> str:
        params = self._input()
        reason = params.get("DisconnectReason") or {}
        self.persistent_backend.stop_contact(
            params["InstanceId"], params["ContactId"], reason.get("Code")
        )
        return self._json(None)

    def list_associated_contacts(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.list_associated_contacts(
                params["InstanceId"],
                params["ContactId"],
                params.get("MaxResults"),
                params.get("NextToken"),
            )
        )

    def get_contact_attributes(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.get_contact_attributes(
                params["InstanceId"], params["InitialContactId"]
            )
        )

    def update_contact_attributes(self) -> str:
        params = self._input()
        self.persistent_backend.update_contact_attributes(
            params["InstanceId"], params["InitialContactId"], params["Attributes"]
        )
        return self._json(None)
