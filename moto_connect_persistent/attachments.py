"""Chat attachments: StartAttachmentUpload, CompleteAttachmentUpload, GetAttachment.

:class:`Attachments` is owned by
:class:`~moto_connect_persistent.models.ConnectPersistentBackend`; the Participant backend
calls it with the connection it resolved, the seeding API with the session it checked.
Files go into the bucket of the instance's ``ATTACHMENTS`` storage config in moto's S3
(:mod:`..s3_store`): the client uploads through a real pre-signed URL into the staging
location, and CompleteAttachmentUpload moves the object to its final key once it is there
with the declared size; only then is the transcript item written.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath
from typing import Any

from . import s3_store
from .chat.clock import iso8601, utcnow
from .chat.core import ChatCore
from .chat.happenings import Origin
from .chat.items import TranscriptItem
from .chat.participants import Connection, Participant
from .chat.session import ChatSession, Contact
from .exceptions import (
    AccessDeniedException,
    ConflictException,
    InvalidParameterException,
    ServiceQuotaExceededException,
    ValidationException,
)
from .instance_storage import ATTACHMENTS, InstanceStorage, StorageLocation

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

#: "Attachments per chat conversation: 35" [Admin Guide, feature specifications, chat]. The
#: conversation is the chat session (its transfers and disconnect flows included; a persistent
#: chat is a new one) and every file started or shared in it counts, completed or not: the
#: model's "per contact" and the page's "per chat conversation" read the strict way.
MAX_ATTACHMENTS_PER_CHAT = 35

#: How long StartAttachmentUpload's URL works (not documented; the mock's choice).
UPLOAD_URL_LIFETIME = timedelta(minutes=5)
#: GetAttachment's UrlExpiryInSeconds when not given (the model allows 5-300).
DEFAULT_DOWNLOAD_SECONDS = 300

ATTACHMENT_ITEM = "ATTACHMENT"
APPROVED = "APPROVED"
IN_PROGRESS = "IN_PROGRESS"

#: What the staging location adds to the attachments prefix: "it includes the S3 prefix for
#: where you are saving files, with staging appended to it" [Admin Guide, Enable attachments].
STAGING = "staging"

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
    #: The final key: where the file is once completed, and what GetAttachment serves.
    key: str
    #: Where the upload URL puts the file until CompleteAttachmentUpload moves it; None for
    #: a seeded file, written at its final key at once.
    staging_key: str | None = None
    status: str = IN_PROGRESS

    def item(self) -> dict[str, str]:
        """The transcript item's ``Attachments`` entry."""
        return {
            "ContentType": self.content_type,
            "AttachmentId": self.id,
            "AttachmentName": self.name,
            "Status": self.status,
        }


def attachment_key(location: StorageLocation, attachment_id: str, name: str, at: datetime) -> str:
    """A file's final key, laid out as the Admin Guide's attachment-scanning example shows one
    (``connect/your-instance/Attachments/chat/2023/07/13/your file ID_20230713T23:41_UTC.txt``
    for ``example.txt``):
    ``<BucketPrefix>/chat/<YYYY>/<MM>/<DD>/<AttachmentId>_<YYYYMMDD>T<HH:MM>_UTC<extension>``,
    the extension the name's, dated by the upload's start (UTC)."""
    utc = at.astimezone(timezone.utc)
    extension = PurePosixPath(name).suffix
    return (
        f"{location.prefix}/chat/{utc:%Y/%m/%d}/{attachment_id}_{utc:%Y%m%dT%H:%M}_UTC{extension}"
    )


def staging_key(location: StorageLocation, final_key: str) -> str:
    """Where the file waits for CompleteAttachmentUpload: the final key with the attachments
    prefix followed by ``/staging`` ("with staging appended to it"), so a lifecycle rule or
    an event notification on either prefix sees only its own objects."""
    return f"{location.prefix}/{STAGING}{final_key[len(location.prefix) :]}"


def check_seeded_file(content_type: str, name: str) -> None:
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise InvalidParameterException(
            f"content_type {content_type} is not a supported attachment type."
        )
    if not name:
        raise InvalidParameterException("name must not be empty.")


class Attachments:
    """The files of one account and region's chats, by AttachmentId."""

    def __init__(
        self, origin: Origin, lock: threading.RLock, core: ChatCore, storage: InstanceStorage
    ) -> None:
        self.origin = origin
        self.lock = lock
        self.core = core
        self.storage = storage
        self.files: dict[str, Attachment] = {}
        #: Attachments of each chat session so far, by (instance id, root contact id).
        self.per_chat: dict[tuple[str, str], int] = {}

    def _count(self, session: ChatSession) -> None:
        """One more file in the chat, refused past the quota (402, as the model has it)."""
        root = session.root
        key = (root.instance_id, root.id)
        count = self.per_chat.get(key, 0)
        if count >= MAX_ATTACHMENTS_PER_CHAT:
            raise ServiceQuotaExceededException(
                f"The chat has {count} attachments: {MAX_ATTACHMENTS_PER_CHAT} per chat "
                "conversation is the quota (Amazon Connect feature specifications)."
            )
        self.per_chat[key] = count + 1

    def _location(self, instance_id: str) -> StorageLocation:
        location = self.storage.storage_location(instance_id, ATTACHMENTS)
        if location is None:
            raise AccessDeniedException(
                "Attachments are not enabled for this instance: associate an ATTACHMENTS "
                "storage config (AssociateInstanceStorageConfig) first."
            )
        return location

    def start_upload(
        self,
        connection: Connection,
        content_type: str,
        size: int,
        name: str,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        """A pre-signed PUT URL into the staging location of the instance's attachments
        bucket [doc: Provides a pre-signed Amazon S3 URL in response for uploading the file
        directly to S3; Working with Attachments: "The file is stored in a temporary location
        in the S3 bucket"]."""
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
        with self.lock:
            session = connection.root.session
            contact = session.current
            location = self._location(contact.instance_id)
            self._count(session)
            now = utcnow()
            attachment_id = self.core.new_id()
            final_key = attachment_key(location, attachment_id, name, now)
            attachment = Attachment(
                id=attachment_id,
                contact=contact,
                participant=connection.participant,
                name=name,
                content_type=content_type,
                size=size,
                location=location,
                key=final_key,
                staging_key=staging_key(location, final_key),
            )
            self.files[attachment_id] = attachment
        lifetime = int(UPLOAD_URL_LIFETIME.total_seconds())
        assert attachment.staging_key is not None
        url = s3_store.presigned_url(
            "put_object",
            self.origin.region_name,
            location.bucket,
            attachment.staging_key,
            lifetime,
            endpoint_url,
            ContentType=content_type,
        )
        return {
            "AttachmentId": attachment_id,
            "UploadMetadata": {
                "Url": url,
                "UrlExpiry": iso8601(now + UPLOAD_URL_LIFETIME),
                "HeadersToInclude": {"Content-Type": content_type},
            },
        }

    def complete_upload(self, connection: Connection, attachment_ids: list[str]) -> None:
        """Confirms the upload: the file must be in the staging location with the declared
        size; it is moved to its final key ("This moves the file to the final Attachments S3
        path configured for the connect instance" [Working with Attachments]) and the
        transcript then shows an ATTACHMENT item with the attachment APPROVED (no scanner)."""
        with self.lock:
            attachments = [self._own(connection, a) for a in attachment_ids]
            for attachment in attachments:
                if attachment.status != IN_PROGRESS:
                    raise ConflictException(
                        f"Attachment '{attachment.id}' has already been completed."
                    )
                stored = s3_store.object_size(
                    self.origin.account_id,
                    self.origin.region_name,
                    attachment.location.bucket,
                    attachment.staging_key or attachment.key,
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
                assert attachment.staging_key is not None  # seeded files are never in progress
                s3_store.move_object(
                    self.origin.account_id,
                    self.origin.region_name,
                    attachment.location.bucket,
                    attachment.staging_key,
                    attachment.key,
                )
                attachment.status = APPROVED
                self._write(attachment)

    def _write(self, attachment: Attachment) -> TranscriptItem:
        """The transcript item of a completed file, in the segment it was shared on; written
        through the core, so every listener (websocket, streaming) sees it."""
        return self.core.write(
            attachment.contact,
            ATTACHMENT_ITEM,
            attachment.content_type,
            attachment.participant,
            attachments=[attachment.item()],
        )

    def _own(self, connection: Connection, attachment_id: str) -> Attachment:
        attachment = self.files.get(attachment_id)
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

    def download(
        self,
        connection: Connection,
        attachment_id: str,
        url_expiry_seconds: int | None = None,
        disposition: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        """A pre-signed download URL [doc: The participant role CUSTOM_BOT is not permitted to
        access attachments customers may upload]."""
        if connection.participant.role == "CUSTOM_BOT":
            raise AccessDeniedException("A CUSTOM_BOT participant may not access attachments.")
        with self.lock:
            attachment = self.files.get(attachment_id)
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
            self.origin.region_name,
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

    def seed(
        self,
        session: ChatSession,
        participant: Participant,
        name: str,
        content: str,
        content_type: str,
    ) -> str:
        """A file someone (an agent, say) shared in a running chat the caller checked (and
        :func:`check_seeded_file`): the object is written into the attachments bucket and an
        APPROVED ATTACHMENT item into the running segment. Returns the AttachmentId."""
        body = content.encode()
        account_id, region_name = self.origin.account_id, self.origin.region_name
        with self.lock:
            contact = session.current
            location = self.storage.storage_location(contact.instance_id, ATTACHMENTS)
            if location is None or not s3_store.bucket_exists(
                account_id, region_name, location.bucket
            ):
                raise InvalidParameterException(
                    f"Instance '{contact.instance_id}' has no ATTACHMENTS storage config with "
                    "an existing bucket: associate one first."
                )
            self._count(session)
            attachment_id = self.core.new_id()
            attachment = Attachment(
                id=attachment_id,
                contact=contact,
                participant=participant,
                name=name,
                content_type=content_type,
                size=len(body),
                location=location,
                key=attachment_key(location, attachment_id, name, utcnow()),
                status=APPROVED,
            )
            s3_store.put_object(
                account_id, region_name, location.bucket, attachment.key, body, content_type
            )
            self.files[attachment_id] = attachment
            self._write(attachment)
            return attachment_id
