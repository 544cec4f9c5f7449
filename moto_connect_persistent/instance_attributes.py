"""Instance attributes: the on/off settings of an instance (UpdateInstanceAttribute,
DescribeInstanceAttribute, ListInstanceAttributes).

:class:`InstanceAttributes` is owned by
:class:`~moto_connect_persistent.models.ConnectPersistentBackend`, so the settings live and
reset with the instance's contacts. Every ``AttributeType`` of the model can be set,
described and listed; ``CONTACTFLOW_LOGS`` ("Enable flow logs" on the console) drives
behaviour: the flow logs (:mod:`.flow_logs`) are written only while it is ``true``, and
turning it on creates the instance's log group, ``/aws/connect/<instance alias>``, in moto's
CloudWatch Logs [doc: Admin Guide, "Flow logs stored in an Amazon CloudWatch log group":
"This log group is created automatically when Enable flow logging is enabled for your
instance"].

``INBOUND_CALLS`` and ``OUTBOUND_CALLS`` are moto's own instance's ``InboundCallsEnabled`` and
``OutboundCallsEnabled`` (CreateInstance sets them; DescribeInstance shows them), read and
written there so both answers agree. Every other attribute starts ``false`` (docs/fidelity.md).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from moto.connect.models import connect_backends

from .chat.happenings import Origin
from .exceptions import InvalidParameterException
from .instances import check_instance
from .validation import offset_page, operation_model

log = logging.getLogger(__name__)

CONTACTFLOW_LOGS = "CONTACTFLOW_LOGS"
#: The attributes moto's own instance holds: attribute type -> its Instance field.
MOTO_FIELDS = {
    "INBOUND_CALLS": "inbound_calls_enabled",
    "OUTBOUND_CALLS": "outbound_calls_enabled",
}
#: ListInstanceAttributes' page size when MaxResults is not given (its model's maximum).
DEFAULT_PAGE_SIZE = 7
#: Every attribute is a switch: "true" or "false".
VALUES = ("true", "false")
#: The value of an attribute never set.
DEFAULT_VALUE = "false"
#: Where an instance's flow logs go [doc: Admin Guide, "Flow logs stored in an Amazon
#: CloudWatch log group": the console shows ``/aws/connect/<instance alias>``].
LOG_GROUP_PREFIX = "/aws/connect/"


def flow_log_group(origin: Origin, instance_id: str) -> str:
    """The instance's flow log group: ``/aws/connect/<alias>``; an instance made without an
    alias (moto allows it) uses its id in the alias's place."""
    instances = connect_backends[origin.account_id][origin.region_name].instances
    instance = instances.get(instance_id)
    alias = instance.instance_alias if instance is not None else None
    return LOG_GROUP_PREFIX + (alias or instance_id)


def attribute_types() -> list[str]:
    """Every ``AttributeType`` of the installed botocore model, in its order: what
    ListInstanceAttributes lists (a newer model's new types included)."""
    shape = operation_model("connect", "DescribeInstanceAttribute").input_shape
    types: list[str] = shape.members["AttributeType"].enum
    return types


class InstanceAttributes:
    """The instance attributes of one account and region."""

    def __init__(self, origin: Origin, lock: threading.RLock) -> None:
        self.origin = origin
        self.lock = lock
        #: Attribute values set by UpdateInstanceAttribute, by instance id then type.
        self.values: dict[str, dict[str, str]] = {}

    def _moto_instance(self, instance_id: str) -> Any:
        return connect_backends[self.origin.account_id][self.origin.region_name].instances[
            instance_id
        ]

    def value(self, instance_id: str, attribute_type: str) -> str:
        """An attribute's value ("true" or "false"); call under the lock."""
        moto_field = MOTO_FIELDS.get(attribute_type)
        if moto_field is not None:
            instance = self._moto_instance(instance_id)
            return "true" if getattr(instance, moto_field) else "false"
        return self.values.get(instance_id, {}).get(attribute_type, DEFAULT_VALUE)

    def flow_logs_enabled(self, instance_id: str) -> bool:
        """Whether the instance writes flow logs ("Enable flow logs"); call under the lock."""
        return self.value(instance_id, CONTACTFLOW_LOGS) == "true"

    # ------------------------------------------------------------------ operations

    def update_instance_attribute(self, instance_id: str, attribute_type: str, value: str) -> None:
        """UpdateInstanceAttribute: "Updates the value for the specified attribute type"
        [doc]. Turning CONTACTFLOW_LOGS on creates the instance's flow log group, after the
        lock is left (moto's CloudWatch Logs is another service's state)."""
        if value not in VALUES:
            raise InvalidParameterException(
                f"Value must be true or false for AttributeType {attribute_type}, not {value!r}."
            )
        with self.lock:
            check_instance(self.origin, instance_id)
            moto_field = MOTO_FIELDS.get(attribute_type)
            if moto_field is not None:
                setattr(self._moto_instance(instance_id), moto_field, value == "true")
            else:
                self.values.setdefault(instance_id, {})[attribute_type] = value
            group = flow_log_group(self.origin, instance_id)
        if attribute_type == CONTACTFLOW_LOGS and value == "true":
            create_log_group(self.origin, group)

    def describe_instance_attribute(self, instance_id: str, attribute_type: str) -> dict[str, Any]:
        """DescribeInstanceAttribute: "Describes the specified instance attribute" [doc]."""
        with self.lock:
            check_instance(self.origin, instance_id)
            value = self.value(instance_id, attribute_type)
        return {"Attribute": {"AttributeType": attribute_type, "Value": value}}

    def list_instance_attributes(
        self, instance_id: str, max_results: int | None, next_token: str | None
    ) -> dict[str, Any]:
        """ListInstanceAttributes: "Returns a paginated list of all attribute types for the
        given instance" [doc], in the model's order."""
        with self.lock:
            check_instance(self.origin, instance_id)
            page, following = offset_page(
                attribute_types(), max_results or DEFAULT_PAGE_SIZE, next_token
            )
            response: dict[str, Any] = {
                "Attributes": [
                    {"AttributeType": kind, "Value": self.value(instance_id, kind)} for kind in page
                ]
            }
        if following is not None:
            response["NextToken"] = following
        return response


def create_log_group(origin: Origin, group: str) -> None:
    """The flow log group in moto's CloudWatch Logs of the same account and region, if it is
    not there yet; a failure is logged and fails no call (the instance setting is kept)."""
    try:
        from moto.logs.models import logs_backends

        logs = logs_backends[origin.account_id][origin.region_name]
        if group not in logs.groups:
            logs.create_log_group(group, {})
    except Exception:  # noqa: BLE001 - the setting stands; the logs simply have no group
        log.warning("flow logs: creating log group %s failed", group, exc_info=True)
