"""The wire: turns Connect rest-json requests into backend calls and answers back.

No rule of the service lives here: this layer finds the operation, reads and shape-checks
its input (the model's constraints, docs/persistent-chat.md, rule 1), applies injected faults, and
hands over
to :class:`~moto_connect_persistent.models.ConnectPersistentBackend`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

from moto.connect.responses import ConnectResponse
from werkzeug.exceptions import HTTPException

from .exceptions import ConnectError, InvalidParameterException, auth_error
from .models import ChatStart
from .routing import routes
from .validation import collect_input, invalid_input, parse_json_body
from .wire import PluginResponse

#: (method, operation, path regex) of every Connect operation of the operations table.
ROUTES = routes("connect")


class ConnectPersistentResponse(PluginResponse, ConnectResponse):
    """moto's ConnectResponse, extended with the persistent-chat operations.

    Subclassing keeps moto's account/region resolution, SigV4 and IAM checks
    (``connect:<Action>``) and the request recorder.
    """

    path_params: dict[str, str]
    #: The JSON body, parsed once per call (the IAM resource, the fault check and the input
    #: all read it); the refusal of a body that is no JSON object, kept for the input step.
    _body: dict[str, Any] | InvalidParameterException | None = None

    def _json_body(self) -> dict[str, Any]:
        if self._body is None:
            try:
                self._body = parse_json_body(self.body)
            except InvalidParameterException as err:
                self._body = err
        if isinstance(self._body, InvalidParameterException):
            raise self._body
        return self._body

    def _resolve_operation(self) -> str | None:
        self.path_params = {}
        for method, name, regex in ROUTES:
            match = regex.match(self.path)
            if match and method == self.method:
                # moto hands the path over percent-encoded on some versions and decoded on
                # others; self.path is the URL as sent, so decode exactly once here.
                self.path_params = {k: unquote(v) for k, v in match.groupdict().items()}
                return name
        return None

    def _instance_id_hint(self) -> str | None:
        """The instance a request names, read leniently: before its input is validated."""
        instance_id = self.path_params.get("InstanceId")
        if instance_id is None:
            try:
                instance_id = self._json_body().get("InstanceId")
            except ConnectError:
                instance_id = None
        return instance_id if isinstance(instance_id, str) else None

    def _determine_resource(self) -> str:
        """IAM resource for resource-level policies: the instance ARN the call acts on."""
        instance_id = self._instance_id_hint()
        if instance_id is None:
            return "*"
        return f"arn:aws:connect:{self.region}:{self.current_account}:instance/{instance_id}"

    def _authenticate_and_authorize_normal_action(self, resource: str = "*") -> None:
        """moto's IAM check, with two fixes so boto3 sees what AWS sends (notes, pitfall 7).

        moto falls back to the query string or the headers for ``self.data`` when a request
        has no body and then signs that as the body, so every GET failed its signature check;
        and moto answers a refusal in XML, which boto3's rest-json parser reads as code
        "403". The check runs on an empty ``data`` for bodyless requests, and a refusal goes
        out as Connect's JSON ``AccessDeniedException`` (or the refusal's own code).
        """
        data = self.data
        if not self.raw_body:
            self.data = {}
        try:
            super()._authenticate_and_authorize_normal_action(resource)
        except HTTPException as refusal:
            error = auth_error(refusal)
            # call_action sends only the description and status of an auth refusal, with
            # these response headers: the error type header has to ride along here.
            self.response_headers.update(dict(error.get_headers()))
            raise error from None
        finally:
            self.data = data

    # -- shared steps ---------------------------------------------------------------

    def _input(self) -> dict[str, Any]:
        assert self.operation is not None
        # Faults first, as AWS throttles before reading a request (docs/failure-paths.md).
        self.persistent_backend.faults.raise_injected(self.operation, self._instance_id_hint())
        try:
            return collect_input(
                "connect",
                self.operation,
                self.path_params,
                parse_qs(self.parsed_url.query, keep_blank_values=True),
                self._json_body(),
            )
        except InvalidParameterException as err:
            # The code the operation models for bad input (docs/persistent-chat.md: Rules and
            # errors).
            raise invalid_input("connect", self.operation, err.message) from None

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
        request = ChatStart(
            instance_id=params["InstanceId"],
            contact_flow_id=params["ContactFlowId"],
            display_name=params["ParticipantDetails"]["DisplayName"],
            attributes=params.get("Attributes"),
            chat_duration_minutes=params.get("ChatDurationInMinutes"),
            persistent_chat=params.get("PersistentChat"),
            related_contact_id=params.get("RelatedContactId"),
            customer_id=params.get("CustomerId"),
            initial_message=params.get("InitialMessage"),
            supported_messaging_content_types=params.get("SupportedMessagingContentTypes"),
            segment_attributes=params.get("SegmentAttributes"),
            connection_types=params.get("ConnectionTypes"),
            disconnect_on_customer_exit=params.get("DisconnectOnCustomerExit"),
            participant_configuration=params.get("ParticipantConfiguration"),
            streaming_endpoint_arn=(params.get("ChatStreamingConfiguration") or {}).get(
                "StreamingEndpointArn"
            ),
        )
        return self._json(
            self.persistent_backend.start_chat_contact(
                request, params.get("ClientToken"), self.endpoint_host
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

    def update_participant_role_config(self) -> str:
        params = self._input()
        self.persistent_backend.update_participant_role_config(
            params["InstanceId"], params["ContactId"], params["ChannelConfiguration"]
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

    def tag_contact(self) -> str:
        params = self._input()
        self.persistent_backend.tag_contact(
            params["InstanceId"], params["ContactId"], params["Tags"]
        )
        return self._json(None)

    def untag_contact(self) -> str:
        params = self._input()
        self.persistent_backend.untag_contact(
            params["InstanceId"], params["ContactId"], params["TagKeys"]
        )
        return self._json(None)

    def update_contact(self) -> str:
        params = self._input()
        handled = {"InstanceId", "ContactId", "Name", "Description", "References"}
        self.persistent_backend.update_contact(
            params["InstanceId"],
            params["ContactId"],
            params.get("Name"),
            params.get("Description"),
            params.get("References"),
            sorted(name for name, value in params.items() if name not in handled and value),
        )
        return self._json(None)

    def update_contact_routing_data(self) -> str:
        params = self._input()
        self.persistent_backend.update_contact_routing_data(
            params["InstanceId"],
            params["ContactId"],
            params.get("QueuePriority"),
            params.get("QueueTimeAdjustmentSeconds"),
            bool(params.get("RoutingCriteria")),
        )
        return self._json(None)

    def start_contact_streaming(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.start_contact_streaming(
                instance_id=params["InstanceId"],
                contact_id=params["ContactId"],
                endpoint_arn=params["ChatStreamingConfiguration"]["StreamingEndpointArn"],
                client_token=params.get("ClientToken"),
            )
        )

    def stop_contact_streaming(self) -> str:
        params = self._input()
        self.persistent_backend.stop_contact_streaming(
            params["InstanceId"], params["ContactId"], params["StreamingId"]
        )
        return self._json(None)

    def create_participant(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.create_participant(
                instance_id=params["InstanceId"],
                contact_id=params["ContactId"],
                participant_details=params["ParticipantDetails"],
                client_token=params.get("ClientToken"),
            )
        )

    # -- instance storage -------------------------------------------------------------

    def associate_instance_storage_config(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.storage.associate_instance_storage_config(
                params["InstanceId"],
                params["ResourceType"],
                params["StorageConfig"],
                params.get("ClientToken"),
            )
        )

    def describe_instance_storage_config(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.storage.describe_instance_storage_config(
                params["InstanceId"], params["AssociationId"], params["ResourceType"]
            )
        )

    def list_instance_storage_configs(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.storage.list_instance_storage_configs(
                params["InstanceId"],
                params["ResourceType"],
                params.get("MaxResults"),
                params.get("NextToken"),
            )
        )

    def update_instance_storage_config(self) -> str:
        params = self._input()
        self.persistent_backend.storage.update_instance_storage_config(
            params["InstanceId"],
            params["AssociationId"],
            params["ResourceType"],
            params["StorageConfig"],
        )
        return self._json(None)

    def disassociate_instance_storage_config(self) -> str:
        params = self._input()
        self.persistent_backend.storage.disassociate_instance_storage_config(
            params["InstanceId"],
            params["AssociationId"],
            params["ResourceType"],
            params.get("ClientToken"),
        )
        return self._json(None)

    # -- instance attributes ----------------------------------------------------------

    def update_instance_attribute(self) -> str:
        params = self._input()
        self.persistent_backend.instance_attributes.update_instance_attribute(
            params["InstanceId"], params["AttributeType"], params["Value"]
        )
        return self._json(None)

    def describe_instance_attribute(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.instance_attributes.describe_instance_attribute(
                params["InstanceId"], params["AttributeType"]
            )
        )

    def list_instance_attributes(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.instance_attributes.list_instance_attributes(
                params["InstanceId"], params.get("MaxResults"), params.get("NextToken")
            )
        )

    # -- contact flows ----------------------------------------------------------------

    def create_contact_flow(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.flows.create_contact_flow(
                instance_id=params["InstanceId"],
                name=params["Name"],
                flow_type=params["Type"],
                content=params["Content"],
                description=params.get("Description"),
                status=params.get("Status"),
                tags=params.get("Tags"),
            )
        )

    def describe_contact_flow(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.flows.describe_contact_flow(
                params["InstanceId"], params["ContactFlowId"]
            )
        )

    def list_contact_flows(self) -> str:
        params = self._input()
        return self._json(
            self.persistent_backend.flows.list_contact_flows(
                params["InstanceId"],
                params.get("ContactFlowTypes"),
                params.get("MaxResults"),
                params.get("NextToken"),
            )
        )

    def update_contact_flow_content(self) -> str:
        params = self._input()
        self.persistent_backend.flows.update_contact_flow_content(
            params["InstanceId"], params["ContactFlowId"], params["Content"]
        )
        return self._json(None)

    def update_contact_flow_name(self) -> str:
        params = self._input()
        self.persistent_backend.flows.update_contact_flow_name(
            params["InstanceId"],
            params["ContactFlowId"],
            params.get("Name"),
            params.get("Description"),
        )
        return self._json(None)

    def update_contact_flow_metadata(self) -> str:
        params = self._input()
        self.persistent_backend.flows.update_contact_flow_metadata(
            params["InstanceId"],
            params["ContactFlowId"],
            params.get("Name"),
            params.get("Description"),
            params.get("ContactFlowState"),
        )
        return self._json(None)

    def delete_contact_flow(self) -> str:
        params = self._input()
        self.persistent_backend.flows.delete_contact_flow(
            params["InstanceId"], params["ContactFlowId"]
        )
        return self._json(None)
