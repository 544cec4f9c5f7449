"""Instance storage configuration: which bucket an instance keeps its chat files in.

:class:`InstanceStorage` is owned by
:class:`~moto_connect_persistent.models.ConnectPersistentBackend`, so associations live and
reset with the instance's contacts. Every resource type of the model can be associated,
described, listed, updated and disassociated; ``CHAT_TRANSCRIPTS`` and ``ATTACHMENTS``
drive behaviour (stored transcripts, attachments) through :meth:`storage_location`,
``CONTACT_TRACE_RECORDS`` (contact records) through :meth:`storage_config`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from moto.moto_api._internal import mock_random

from . import s3_store
from .chat.happenings import Origin
from .exceptions import (
    InvalidParameterException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from .idempotency import Replies
from .instances import check_instance
from .validation import offset_page

CHAT_TRANSCRIPTS = "CHAT_TRANSCRIPTS"
ATTACHMENTS = "ATTACHMENTS"
#: Contact records (CTRs) go to a Kinesis data stream or a Firehose delivery stream.
CONTACT_TRACE_RECORDS = "CONTACT_TRACE_RECORDS"

#: The member of ``StorageConfig`` that carries each storage type's settings.
CONFIG_MEMBERS = {
    "S3": "S3Config",
    "KINESIS_VIDEO_STREAM": "KinesisVideoStreamConfig",
    "KINESIS_STREAM": "KinesisStreamConfig",
    "KINESIS_FIREHOSE": "KinesisFirehoseConfig",
}

#: Resource types limited to some storage types: chat files are objects in a bucket.
#: Types not listed accept any storage type (they are stored and listed, nothing more).
ALLOWED_STORAGE_TYPES = {CHAT_TRANSCRIPTS: ("S3",), ATTACHMENTS: ("S3",)}

#: ListInstanceStorageConfigs' page size when MaxResults is not given (its model's maximum).
DEFAULT_PAGE_SIZE = 10


@dataclass(frozen=True)
class StorageLocation:
    """Where a resource type's files go: a bucket and a key prefix without trailing slash."""

    bucket: str
    prefix: str


@dataclass
class StorageAssociation:
    association_id: str
    resource_type: str
    #: ``StorageConfig`` as given, without its AssociationId.
    config: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"AssociationId": self.association_id, **self.config}


class InstanceStorage:
    """The instance storage config operations of one account and region."""

    def __init__(self, origin: Origin, lock: threading.RLock, replies: Replies) -> None:
        self.origin = origin
        self.lock = lock
        self.replies = replies
        #: Associations by instance id, in the order they were made.
        self.associations: dict[str, dict[str, StorageAssociation]] = {}

    # ------------------------------------------------------------------ rules

    def _check_storage_config(self, resource_type: str, config: dict[str, Any]) -> dict[str, Any]:
        """The config to keep: its storage type's member present and valid, the bucket real."""
        storage_type = config["StorageType"]
        allowed = ALLOWED_STORAGE_TYPES.get(resource_type)
        if allowed is not None and storage_type not in allowed:
            raise InvalidParameterException(
                f"StorageConfig.StorageType must be {' or '.join(allowed)} for {resource_type}."
            )
        member = CONFIG_MEMBERS[storage_type]
        if member not in config:
            raise InvalidParameterException(
                f"StorageConfig.{member} is required when StorageType is {storage_type}."
            )
        others = sorted(m for m in CONFIG_MEMBERS.values() if m != member and m in config)
        if others:
            raise InvalidParameterException(
                f"StorageConfig.{others[0]} does not apply to StorageType {storage_type}."
            )
        if storage_type == "S3":
            bucket = config[member]["BucketName"]
            if not s3_store.bucket_exists(self.origin.account_id, self.origin.region_name, bucket):
                raise InvalidParameterException(
                    f"StorageConfig.S3Config.BucketName: bucket '{bucket}' does not exist in "
                    "this account; create it before associating it."
                )
        return {k: v for k, v in config.items() if k != "AssociationId"}

    def _association(
        self, instance_id: str, association_id: str, resource_type: str
    ) -> StorageAssociation:
        association = self.associations.get(instance_id, {}).get(association_id)
        if association is None or association.resource_type != resource_type:
            raise ResourceNotFoundException(
                f"Storage config not found: AssociationId '{association_id}' with ResourceType "
                f"{resource_type} in instance '{instance_id}'."
            )
        return association

    # ------------------------------------------------------------------ operations

    def associate_instance_storage_config(
        self,
        instance_id: str,
        resource_type: str,
        storage_config: dict[str, Any],
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """One association per resource type and instance [doc: you can't define an instance
        with multiple S3 buckets for storing chat transcripts]."""

        def associate() -> dict[str, Any]:
            check_instance(self.origin, instance_id)
            config = self._check_storage_config(resource_type, storage_config)
            existing = self.associations.setdefault(instance_id, {})
            for association in existing.values():
                if association.resource_type == resource_type:
                    raise ResourceConflictException(
                        f"ResourceType {resource_type} already has a storage config in instance "
                        f"'{instance_id}' (AssociationId '{association.association_id}'); "
                        "update or disassociate it."
                    )
            association_id = mock_random.get_random_hex(64)
            existing[association_id] = StorageAssociation(association_id, resource_type, config)
            return {"AssociationId": association_id}

        fingerprint = (instance_id, resource_type, json.dumps(storage_config, sort_keys=True))
        return self.replies.once(
            "AssociateInstanceStorageConfig", client_token, fingerprint, associate
        )

    def describe_instance_storage_config(
        self, instance_id: str, association_id: str, resource_type: str
    ) -> dict[str, Any]:
        with self.lock:
            check_instance(self.origin, instance_id)
            association = self._association(instance_id, association_id, resource_type)
            return {"StorageConfig": association.to_dict()}

    def list_instance_storage_configs(
        self,
        instance_id: str,
        resource_type: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            check_instance(self.origin, instance_id)
            matching = [
                a
                for a in self.associations.get(instance_id, {}).values()
                if a.resource_type == resource_type
            ]
            page, following = offset_page(matching, max_results or DEFAULT_PAGE_SIZE, next_token)
            response: dict[str, Any] = {"StorageConfigs": [a.to_dict() for a in page]}
            if following is not None:
                response["NextToken"] = following
            return response

    def update_instance_storage_config(
        self,
        instance_id: str,
        association_id: str,
        resource_type: str,
        storage_config: dict[str, Any],
    ) -> None:
        """Replaces the association's config; the same call twice is the same result [doc:
        This API is idempotent]."""
        with self.lock:
            check_instance(self.origin, instance_id)
            association = self._association(instance_id, association_id, resource_type)
            association.config = self._check_storage_config(resource_type, storage_config)

    def disassociate_instance_storage_config(
        self,
        instance_id: str,
        association_id: str,
        resource_type: str,
        client_token: str | None = None,
    ) -> None:
        def disassociate() -> dict[str, Any]:
            check_instance(self.origin, instance_id)
            self._association(instance_id, association_id, resource_type)
            del self.associations[instance_id][association_id]
            return {}

        self.replies.once(
            "DisassociateInstanceStorageConfig",
            client_token,
            (instance_id, association_id, resource_type),
            disassociate,
        )

    # ------------------------------------------------------------------ for the rules that use it

    def storage_location(self, instance_id: str, resource_type: str) -> StorageLocation | None:
        """The S3 bucket and prefix configured for ``resource_type``, or None."""
        for association in self.associations.get(instance_id, {}).values():
            if association.resource_type == resource_type and "S3Config" in association.config:
                s3 = association.config["S3Config"]
                return StorageLocation(s3["BucketName"], s3["BucketPrefix"].strip("/"))
        return None

    def storage_config(self, instance_id: str, resource_type: str) -> dict[str, Any] | None:
        """The ``StorageConfig`` associated for ``resource_type`` (without its AssociationId),
        or None."""
        for association in self.associations.get(instance_id, {}).values():
            if association.resource_type == resource_type:
                return association.config
        return None
