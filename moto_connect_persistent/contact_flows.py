"""Contact flows: the Flow language documents an instance keeps, by id.

:class:`ContactFlows` is owned by :class:`~moto_connect_persistent.models.ConnectPersistentBackend`,
so flows live and reset with the instance's contacts. It answers CreateContactFlow,
DescribeContactFlow, ListContactFlows, UpdateContactFlowContent, UpdateContactFlowName,
UpdateContactFlowMetadata and DeleteContactFlow; what a flow document must be is
:mod:`.flow_language`'s. A flow keeps two contents, as Connect does: the published one (checked
when it is published, what runs) and the saved one (a draft, not checked)
[doc: CreateContactFlow, Status: "The PUBLISHED status will initiate validation on the content.
the SAVED status does not initiate validation of the content."].
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.connect.models import connect_backends
from moto.moto_api._internal import mock_random

from . import flow_language
from .chat.clock import utcnow
from .chat.happenings import Origin
from .exceptions import (
    ContactFlowNotPublishedException,
    DuplicateResourceException,
    InvalidContactFlowException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from .instances import check_instance
from .validation import offset_page

PUBLISHED = "PUBLISHED"
SAVED = "SAVED"
ACTIVE = "ACTIVE"
#: The alias of a flow's saved content: ``<flow id or ARN>:$SAVED`` [doc: DescribeContactFlow].
SAVED_ALIAS = ":$SAVED"
#: "Length Constraints: Minimum length of 1. Maximum length of 256000." [doc: Content]
MAX_CONTENT = 256000
#: "The default MaxResult size is 100." [doc: ListContactFlows]
DEFAULT_PAGE_SIZE = 100


@dataclass
class StoredFlow:
    """One contact flow of an instance."""

    flow_id: str
    arn: str
    name: str
    flow_type: str
    description: str | None
    #: The content that runs; None until the flow is first published.
    published: str | None
    #: The latest content saved, published or not.
    saved: str
    state: str = ACTIVE
    last_modified: datetime = field(default_factory=utcnow)

    def to_dict(self, saved: bool, region: str) -> dict[str, Any]:
        """DescribeContactFlow's ``ContactFlow``: the published content, or the saved one."""
        content = self.saved if saved or self.published is None else self.published
        flow: dict[str, Any] = {
            "Arn": self.arn,
            "Id": self.flow_id,
            "Name": self.name,
            "Type": self.flow_type,
            "State": self.state,
            "Status": SAVED if saved else PUBLISHED,
            "Content": content,
            "FlowContentSha256": sha256(content),
            "LastModifiedTime": self.last_modified.timestamp(),
            "LastModifiedRegion": region,
        }
        if self.description is not None:
            flow["Description"] = self.description
        return flow

    def summary(self) -> dict[str, Any]:
        return {
            "Id": self.flow_id,
            "Arn": self.arn,
            "Name": self.name,
            "ContactFlowType": self.flow_type,
            "ContactFlowState": self.state,
            "ContactFlowStatus": PUBLISHED if self.published is not None else SAVED,
        }


def sha256(content: str) -> str:
    """FlowContentSha256: "the checksum value of the flow content", 64 hex digits."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def check_content(content: str) -> None:
    """Content to publish: within its length, and a flow the Flow language accepts."""
    if len(content) > MAX_CONTENT:
        raise InvalidParameterException(
            f"Content must be at most {MAX_CONTENT} characters long; it has {len(content)}."
        )
    found = flow_language.problems(content)
    if found:
        raise InvalidContactFlowException(found)


def check_tags(tags: dict[str, str] | None) -> None:
    """TagKey's pattern ``^(?!aws:)...``: the ``aws:`` prefix is AWS's own."""
    for key in tags or {}:
        if key.lower().startswith("aws:"):
            raise InvalidParameterException(
                f"Tags key '{key}' may not start with 'aws:', a prefix AWS reserves."
            )


class ContactFlows:
    """The contact flow operations of one account and region."""

    def __init__(self, origin: Origin, lock: threading.RLock, partition: str) -> None:
        self.origin = origin
        self.lock = lock
        self.partition = partition
        #: Flows by instance id, then flow id, in the order they were made.
        self.flows: dict[str, dict[str, StoredFlow]] = {}

    # ------------------------------------------------------------------ rules

    def _arn(self, instance_id: str, flow_id: str) -> str:
        return (
            f"arn:{self.partition}:connect:{self.origin.region_name}:{self.origin.account_id}"
            f":instance/{instance_id}/contact-flow/{flow_id}"
        )

    def _resolve(self, instance_id: str, contact_flow_id: str) -> tuple[StoredFlow, bool]:
        """The flow an id, ARN or ``...:$SAVED`` alias names, and whether it names the saved
        content."""
        check_instance(self.origin, instance_id)
        wanted = contact_flow_id
        saved = wanted.endswith(SAVED_ALIAS)
        if saved:
            wanted = wanted[: -len(SAVED_ALIAS)]
        prefix = self._arn(instance_id, "")
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix) :]
        flow = self.flows.get(instance_id, {}).get(wanted)
        if flow is None:
            raise ResourceNotFoundException(
                f"Contact flow not found: ContactFlowId '{contact_flow_id}' in instance "
                f"'{instance_id}'."
            )
        return flow, saved

    def _check_name_free(self, instance_id: str, name: str, flow_id: str | None) -> None:
        for other in self.flows.get(instance_id, {}).values():
            if other.name == name and other.flow_id != flow_id:
                raise DuplicateResourceException(
                    f"A contact flow named '{name}' already exists in instance '{instance_id}' "
                    f"(ContactFlowId '{other.flow_id}')."
                )

    def _tagger(self) -> Any:
        """moto's own connect tags, so ListTagsForResource on a flow ARN answers its tags."""
        return connect_backends[self.origin.account_id][self.origin.region_name]

    # ------------------------------------------------------------------ operations

    def create_contact_flow(
        self,
        instance_id: str,
        name: str,
        flow_type: str,
        content: str,
        description: str | None = None,
        status: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A new flow; published (and so checked) unless ``Status`` is ``SAVED``."""
        publish = (status or PUBLISHED) == PUBLISHED
        check_tags(tags)
        with self.lock:
            check_instance(self.origin, instance_id)
            if len(content) > MAX_CONTENT:
                check_content(content)
            self._check_name_free(instance_id, name, None)
            if publish:
                check_content(content)
            flow_id = str(mock_random.uuid4())
            flow = StoredFlow(
                flow_id=flow_id,
                arn=self._arn(instance_id, flow_id),
                name=name,
                flow_type=flow_type,
                description=description,
                published=content if publish else None,
                saved=content,
            )
            self.flows.setdefault(instance_id, {})[flow_id] = flow
            if tags:
                self._tagger().tag_resource(flow.arn, tags)
            response = {"ContactFlowId": flow_id, "ContactFlowArn": flow.arn}
            if publish:
                response["FlowContentSha256"] = sha256(content)
            return response

    def describe_contact_flow(self, instance_id: str, contact_flow_id: str) -> dict[str, Any]:
        """The published content, or with ``:$SAVED`` the saved one; a flow never published
        has no published content to show [doc: ContactFlowNotPublishedException, "The flow has
        not been published"]."""
        with self.lock:
            flow, saved = self._resolve(instance_id, contact_flow_id)
            if not saved and flow.published is None:
                raise ContactFlowNotPublishedException(
                    f"Contact flow '{flow.flow_id}' has not been published; describe "
                    f"'{flow.flow_id}{SAVED_ALIAS}' for its saved content."
                )
            described = flow.to_dict(saved, self.origin.region_name)
            tags = self._tagger().list_tags_for_resource(flow.arn)
            if tags:
                described["Tags"] = tags
            return {"ContactFlow": described}

    def list_contact_flows(
        self,
        instance_id: str,
        flow_types: list[str] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            check_instance(self.origin, instance_id)
            matching = [
                flow
                for flow in self.flows.get(instance_id, {}).values()
                if not flow_types or flow.flow_type in flow_types
            ]
            page, following = offset_page(matching, max_results or DEFAULT_PAGE_SIZE, next_token)
            response: dict[str, Any] = {"ContactFlowSummaryList": [f.summary() for f in page]}
            if following is not None:
                response["NextToken"] = following
            return response

    def update_contact_flow_content(
        self, instance_id: str, contact_flow_id: str, content: str
    ) -> None:
        """Publishes ``content`` (checked first), or with ``:$SAVED`` saves it unchecked
        [doc: "Use the $SAVED alias in the request to describe the SAVED content of a Flow"]."""
        with self.lock:
            flow, saved = self._resolve(instance_id, contact_flow_id)
            if saved:
                if len(content) > MAX_CONTENT:
                    check_content(content)
            else:
                check_content(content)
                flow.published = content
            flow.saved = content
            flow.last_modified = utcnow()

    def update_contact_flow_name(
        self,
        instance_id: str,
        contact_flow_id: str,
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        self.update_contact_flow_metadata(instance_id, contact_flow_id, name, description)

    def update_contact_flow_metadata(
        self,
        instance_id: str,
        contact_flow_id: str,
        name: str | None = None,
        description: str | None = None,
        state: str | None = None,
    ) -> None:
        with self.lock:
            flow, _ = self._resolve(instance_id, contact_flow_id)
            if name is not None:
                self._check_name_free(instance_id, name, flow.flow_id)
                flow.name = name
            if description is not None:
                flow.description = description
            if state is not None:
                flow.state = state
            flow.last_modified = utcnow()

    def delete_contact_flow(self, instance_id: str, contact_flow_id: str) -> None:
        with self.lock:
            flow, _ = self._resolve(instance_id, contact_flow_id)
            del self.flows[instance_id][flow.flow_id]
            tagger = self._tagger().tagger
            tagger.delete_all_tags_for_resource(flow.arn)

    # ------------------------------------------------------------------ for the engine

    def published_flow(self, instance_id: str, contact_flow_id: str) -> StoredFlow | None:
        """The flow an id or ARN names with published content, or None (nothing to run)."""
        with self.lock:
            try:
                flow, saved = self._resolve(instance_id, contact_flow_id)
            except ResourceNotFoundException:
                return None
            return None if saved or flow.published is None else flow
