"""Chat attachments: StartAttachmentUpload, CompleteAttachmentUpload, GetAttachment.

:class:`AttachmentBackend` is mixed into
:class:`~moto_connect_persistent.models.ConnectPersistentBackend`. Files go into the bucket of
the instance's ``ATTACHMENTS`` storage config in moto's S3 (:mod:`..s3_store`): the client
uploads through a real pre-signed URL, and the transcript item is written only once the
object is there with the declared size.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from moto.moto_api._internal import mock_random

from .. import s3_store
from ..chat.clock import iso8601, utcnow
from ..chat.content import PARTICIPANT_ROLES
from ..chat.items import TranscriptItem
from ..chat.participants import Connection, Participant
from ..chat.session import ChatSession, Contact
from ..exceptions import AccessDeniedException, ConflictException, InvalidParameterException
from ..instance_storage import ATTACHMENTS, StorageLocation
from .exceptions import ValidationException

#: MIME types of the file extensions the Admin Guide lists for chat attachments (Feature
#: specifications: .csv .doc .docx .heic .jfif .jpeg .jpg .mov .mp4 .pdf .png .ppt .pptx
#: .rtf .txt .wav .xls .xlsx), by extension.
ATTACHMENT_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".heic": "image/heic",
    ".jfif": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".mov": "video/quicktime",
    ".mp4": "video/mp4",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".wav": "audio/wav",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_CONTENT_TYPES = frozenset(ATTACHMENT_CONTENT_TYPES.values()) | {"audio/x-wav", "text/rtf"}

#: "Maximum file size for an attachment to an email, case, or a chat: 20MB" [Admin Guide].
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

#: How long StartAttachmentUpload's URL works (not documented; the mock's choice).
UPLOAD_URL_LIFETIME = timedelta(minutes=5)
#: GetAttachment's UrlExpiryInSeconds when not given (the model allows 5-300).
DEFAULT_DOWNLOAD_SECONDS = 300

ATTACHMENT_ITEM = "ATTACHMENT"
APPROVED = "APPROVED"
IN_PROGRESS = "IN_PROGRESS"

#: GetAttachment's UrlContentDisposition -> the Content-Disposition the download answers with.
DISPOSITIONS = {"ATTACHMENT": "attachment", "INLINE": "inline"}


@dataclass
class Attachment:
    """One file of a chat, from StartAttachmentUpload (or seeding) on."""

    id: str
    contact: Contact
    participant: Participant
    name: str
    content_type: str
    size: int
    location: StorageLocation
    key: str
    status: str = IN_PROGRESS

    def item(self) -> dict[str, str]:
        """The transcript item's ``Attachments`` entry."""
        return {
            "ContentType": self.content_type,
            "AttachmentId": self.id,
            "AttachmentName": self.name,
            "Status": self.status,
        }


def attachment_key(
    location: StorageLocation, contact_id: str, attachment_id: str, name: str, at: datetime
) -> str:
    """Where a file lands (UTC date of the upload's start):
    ``<BucketPrefix>/chat/<YYYY>/<MM>/<DD>/<ContactId>_<AttachmentId>_<AttachmentName>``."""
    day = at.astimezone(timezone.utc).strftime("%Y/%m/%d")
    return f"{location.prefix}/chat/{day}/{contact_id}_{attachment_id}_{name}"


class AttachmentBackend:
    """Attachment operations of the Participant Service, mixed into the persistent-chat backend."""

    if TYPE_CHECKING:
        account_id: str
        region_name: str
        lock: threading.RLock
        attachments: dict[str, Attachment]

        def _connection(self, token: str | None) -> Connection: ...

        def _replayed(
            self, connection_token: str | None, operation: str, client_token: str | None
        ) -> dict[str, Any] | None: ...

        def _remember(
            self,
            connection: Connection,
            operation: str,
            client_token: str | None,
            reply: dict[str, Any],
        ) -> None: ...

        def _write(
            self,
            contact: Contact,
            item_type: str,
            content_type: str,
            participant: Participant | None,
            content: str | None = None,
            stored: bool = True,
            at: datetime | None = None,
            attachments: list[dict[str, str]] | None = None,
        ) -> TranscriptItem: ...

        def _participant(
            self,
            session: ChatSession,
            role: str,
            display_name: str | None = None,
            agent_id: str | None = None,
        ) -> Participant: ...

        def _check_instance(self, instance_id: str) -> None: ...

        def get_contact(self, instance_id: str, contact_id: str, field_name: str) -> Contact: ...

        def storage_location(
            self, instance_id: str, resource_type: str
        ) -> StorageLocation | None: ...

    def _attachments_location(self, instance_id: str) -> StorageLocation:
        location = self.storage_location(instance_id, ATTACHMENTS)
        if location is None:
            raise AccessDeniedException(
                "Attachments are not enabled for this instance: associate an ATTACHMENTS "
                "storage config (AssociateInstanceStorageConfig) first."
            )
        return location

    def start_attachment_upload(
        self,
        connection_token: str | None,
        content_type: str,
        size: int,
        name: str,
        client_token: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        """A pre-signed PUT URL into the instance's attachments bucket [doc: Provides a
        pre-signed Amazon S3 URL in response for uploading the file directly to S3]."""
        with self.lock:
            previous = self._replayed(connection_token, "StartAttachmentUpload", client_token)
            if previous is not None:
                return previous
            connection = self._connection(connection_token)
            if content_type not in ALLOWED_CONTENT_TYPES:
                raise ValidationException(
                    f"ContentType {content_type} is not a supported attachment type (the "
                    "Admin Guide's feature specifications list the file types)."
                )
            if size > MAX_ATTACHMENT_BYTES:
                raise ValidationException(
                    f"AttachmentSizeInBytes {size} exceeds the {MAX_ATTACHMENT_BYTES} bytes "
                    "(20 MB) an attachment may have."
                )
            contact = connection.root.session.current
            location = self._attachments_location(contact.instance_id)
            now = utcnow()
            attachment_id = str(mock_random.uuid4())
            attachment = Attachment(
                id=attachment_id,
                contact=contact,
                participant=connection.participant,
                name=name,
                content_type=content_type,
                size=size,
                location=location,
                key=attachment_key(location, contact.id, attachment_id, name, now),
            )
            self.attachments[attachment_id] = attachment
            lifetime = int(UPLOAD_URL_LIFETIME.total_seconds())
            url = s3_store.presigned_url(
                "put_object",
                self.region_name,
                location.bucket,
                attachment.key,
                lifetime,
                endpoint_url,
                ContentType=content_type,
            )
            response = {
                "AttachmentId": attachment_id,
                "UploadMetadata": {
                    "Url": url,
                    "UrlExpiry": iso8601(now + UPLOAD_URL_LIFETIME),
                    "HeadersToInclude": {"Content-Type": content_type},
                },
            }
            self._remember(connection, "StartAttachmentUpload", client_token, response)
            return response

    def complete_attachment_upload(
        self,
        connection_token: str | None,
        attachment_ids: list[str],
        client_token: str | None = None,
    ) -> dict[str, Any]:
        """Confirms the upload; the file must be in the bucket with the declared size. The
        transcript then shows an ATTACHMENT item with the attachment APPROVED (no scanner)."""
        with self.lock:
            previous = self._replayed(connection_token, "CompleteAttachmentUpload", client_token)
            if previous is not None:
                return previous
            connection = self._connection(connection_token)
            attachments = [self._own_attachment(connection, a) for a in attachment_ids]
            for attachment in attachments:
                if attachment.status != IN_PROGRESS:
                    raise ConflictException(
                        f"Attachment '{attachment.id}' has already been completed."
                    )
                stored = s3_store.object_size(
                    self.account_id, self.region_name, attachment.location.bucket, attachment.key
                )
                if stored is None:
                    raise ValidationException(
                        f"Attachment '{attachment.id}' has not been uploaded: PUT the file to "
                        "the URL StartAttachmentUpload returned first."
                    )
                if stored != attachment.size:
                    raise ValidationException(
                        f"Attachment '{attachment.id}' has {stored} bytes; "
                        f"AttachmentSizeInBytes declared {attachment.size}."
                    )
            for attachment in attachments:
                attachment.status = APPROVED
                self._write_attachment(attachment)
            self._remember(connection, "CompleteAttachmentUpload", client_token, {})
            return {}

    def _write_attachment(self, attachment: Attachment) -> TranscriptItem:
        """The transcript item of a completed file, in the segment it was shared on; it goes
        through ``_write`` so every sink (websocket, streaming) sees it."""
        return self._write(
            attachment.contact,
            ATTACHMENT_ITEM,
            attachment.content_type,
            attachment.participant,
            attachments=[attachment.item()],
        )

    def _own_attachment(self, connection: Connection, attachment_id: str) -> Attachment:
        attachment = self.attachments.get(attachment_id)
        if (
            attachment is None
            or attachment.participant.participant_id != (connection.participant.participant_id)
            or attachment.contact.session is not connection.root.session
        ):
            raise ValidationException(
                f"AttachmentIds: '{attachment_id}' is not an attachment this participant "
                "started in this chat."
            )
        return attachment

    def get_attachment(
        self,
        connection_token: str | None,
        attachment_id: str,
        url_expiry_seconds: int | None = None,
        disposition: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        """A pre-signed download URL [doc: The participant role CUSTOM_BOT is not permitted to
        access attachments customers may upload]."""
        with self.lock:
            connection = self._connection(connection_token)
            if connection.participant.role == "CUSTOM_BOT":
                raise AccessDeniedException("A CUSTOM_BOT participant may not access attachments.")
            attachment = self.attachments.get(attachment_id)
            if attachment is None or not connection.root.session.shows(attachment.contact):
                raise ValidationException(
                    f"AttachmentId '{attachment_id}' is not an attachment of this chat."
                )
            if attachment.status != APPROVED:
                raise ValidationException(
                    f"Attachment '{attachment_id}' is not complete: call "
                    "CompleteAttachmentUpload first."
                )
            seconds = url_expiry_seconds or DEFAULT_DOWNLOAD_SECONDS
            kind = DISPOSITIONS[disposition or "ATTACHMENT"]
            url = s3_store.presigned_url(
                "get_object",
                self.region_name,
                attachment.location.bucket,
                attachment.key,
                seconds,
                endpoint_url,
                ResponseContentDisposition=f'{kind}; filename="{attachment.name}"',
            )
            return {
                "Url": url,
                "UrlExpiry": iso8601(utcnow() + timedelta(seconds=seconds)),
                "AttachmentSizeInBytes": attachment.size,
            }

    # ------------------------------------------------------------------ seeding

    def add_attachment(
        self,
        instance_id: str,
        contact_id: str,
        role: str,
        name: str,
        content: str,
        content_type: str = "text/plain",
        display_name: str | None = None,
    ) -> str:
        """Seed a file someone (an agent, say) shared: the object is written into the
        attachments bucket and an APPROVED ATTACHMENT item into the running segment.
        ``content`` is the file's text (UTF-8). Returns the AttachmentId."""
        if role not in PARTICIPANT_ROLES:
            raise InvalidParameterException(
                f"role must be one of {', '.join(PARTICIPANT_ROLES)}, got '{role}'."
            )
        if content_type not in ALLOWED_CONTENT_TYPES:
            raise InvalidParameterException(
                f"content_type {content_type} is not a supported attachment type."
            )
        if not name:
            raise InvalidParameterException("name must not be empty.")
        body = content.encode()
        with self.lock:
            self._check_instance(instance_id)
            session = self.get_contact(instance_id, contact_id, "ContactId").session
            if session.ended:
                raise InvalidParameterException(
                    f"The chat session of '{contact_id}' has ended: no more attachments."
                )
            location = self.storage_location(instance_id, ATTACHMENTS)
            if location is None or not s3_store.bucket_exists(
                self.account_id, self.region_name, location.bucket
            ):
                raise InvalidParameterException(
                    f"Instance '{instance_id}' has no ATTACHMENTS storage config with an "
                    "existing bucket: associate one first."
                )
            contact = session.current
            attachment_id = str(mock_random.uuid4())
            at = utcnow()
            attachment = Attachment(
                id=attachment_id,
                contact=contact,
                participant=self._participant(session, role, display_name),
                name=name,
                content_type=content_type,
                size=len(body),
                location=location,
                key=attachment_key(location, contact.id, attachment_id, name, at),
                status=APPROVED,
            )
            s3_store.put_object(
                self.account_id,
                self.region_name,
                location.bucket,
                attachment.key,
                body,
                content_type,
            )
            self.attachments[attachment_id] = attachment
            self._write_attachment(attachment)
            return attachment_id
