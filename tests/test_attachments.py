"""Chat attachments through boto3 ``connectparticipant`` and moto's S3, in both modes."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import boto3
import moto
import pytest
import requests
from botocore.exceptions import ClientError
from support import (
    PDF,
    REGION,
    Chat,
    drain_queue,
    expect_error,
    make_instance,
    upload,
    use_s3_storage,
)

from moto_connect_persistent import chat_session, sinks

BUCKET = "chat-files"
PREFIX = "connect/shop/Attachments"

#: moto 5.2.5's S3 answers a pre-signed GET's response-content-disposition; 5.1.21's ignores it.
S3_HONOURS_RESPONSE_HEADERS = tuple(int(p) for p in moto.__version__.split(".")[:2]) >= (5, 2)


def assert_disposition(url: str, fetched: requests.Response, expected: str) -> None:
    """The download URL asks S3 for ``expected`` as Content-Disposition, as AWS's pre-signed
    URLs do; the answer carries it wherever moto's S3 honours that request parameter."""
    assert parse_qs(urlsplit(url).query)["response-content-disposition"] == [expected]
    if S3_HONOURS_RESPONSE_HEADERS:
        assert fetched.headers["Content-Disposition"] == expected


def keys_under(s3: Any, prefix: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return [o["Key"] for o in listed]


def final_key_of(key: str, attachment_id: str, extension: str) -> datetime:
    """The moment a final attachment key names, checked to be laid out as the Admin Guide's
    attachment-scanning example (``connect/your-instance/Attachments/chat/2023/07/13/your file
    ID_20230713T23:41_UTC.txt``): its day folder and its stamp agree, and it is this minute."""
    match = re.fullmatch(
        rf"{re.escape(PREFIX)}/chat/(\d{{4}}/\d{{2}}/\d{{2}})/"
        rf"{re.escape(attachment_id)}_(\d{{8}}T\d{{2}}:\d{{2}})_UTC{re.escape(extension)}",
        key,
    )
    assert match, key
    stamp = datetime.strptime(match[2], "%Y%m%dT%H:%M").replace(tzinfo=timezone.utc)
    assert match[1] == stamp.strftime("%Y/%m/%d")
    assert timedelta(0) <= datetime.now(timezone.utc) - stamp < timedelta(minutes=2)
    return stamp


def enable_attachments(connect: Any, s3: Any, iid: str) -> None:
    use_s3_storage(connect, s3, iid, "ATTACHMENTS", BUCKET, PREFIX)


def start_chat(connect: Any, iid: str) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    return answer


@pytest.fixture
def s3(connect: Any) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def participant(connect: Any) -> Any:
    return boto3.client("connectparticipant", region_name=REGION)


@pytest.fixture
def chat(connect: Any, s3: Any, iid: str) -> dict[str, Any]:
    enable_attachments(connect, s3, iid)
    return start_chat(connect, iid)


def token_of(chat: dict[str, Any]) -> str:
    token: str = chat["ConnectionCredentials"]["ConnectionToken"]
    return token


def test_a_customer_upload_is_in_the_bucket_the_transcript_and_downloadable(
    connect: Any, s3: Any, participant: Any, chat: dict[str, Any]
) -> None:
    """[doc: StartAttachmentUpload] Provides a pre-signed Amazon S3 URL for uploading the file
    directly to S3; [CompleteAttachmentUpload] confirms it; [GetAttachment] provides a
    pre-signed URL for download of a completed attachment."""
    token = token_of(chat)

    attachment_id = upload(participant, token)

    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    shared = [i for i in items if i["Type"] == "ATTACHMENT"]
    assert len(shared) == 1
    assert shared[0]["Attachments"] == [
        {
            "ContentType": "application/pdf",
            "AttachmentId": attachment_id,
            "AttachmentName": "invoice.pdf",
            "Status": "APPROVED",
        }
    ]
    assert shared[0]["ParticipantRole"] == "CUSTOMER"
    assert shared[0]["ContactId"] == chat["ContactId"]

    download = participant.get_attachment(ConnectionToken=token, AttachmentId=attachment_id)
    assert download["AttachmentSizeInBytes"] == len(PDF)
    fetched = requests.get(download["Url"], timeout=10)
    assert fetched.content == PDF
    assert_disposition(download["Url"], fetched, 'attachment; filename="invoice.pdf"')

    (key,) = keys_under(s3, f"{PREFIX}/chat/")
    assert final_key_of(key, attachment_id, ".pdf")
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PDF
    assert stored["ContentType"] == "application/pdf"


def test_url_expiry_and_disposition_follow_the_request(
    participant: Any, chat: dict[str, Any]
) -> None:
    """[doc: GetAttachment] UrlExpiryInSeconds (5-300); UrlContentDisposition INLINE displays
    the file in the browser, ATTACHMENT (the default) downloads it."""
    token = token_of(chat)
    attachment_id = upload(participant, token)
    before = datetime.now(timezone.utc)

    download = participant.get_attachment(
        ConnectionToken=token,
        AttachmentId=attachment_id,
        UrlExpiryInSeconds=60,
        UrlContentDisposition="INLINE",
    )

    expiry = datetime.fromisoformat(download["UrlExpiry"].replace("Z", "+00:00"))
    assert before + timedelta(seconds=59) <= expiry <= before + timedelta(seconds=62)
    assert "X-Amz-Expires=60" in download["Url"]
    fetched = requests.get(download["Url"], timeout=10)
    assert_disposition(download["Url"], fetched, 'inline; filename="invoice.pdf"')


def test_attachments_need_an_attachments_storage_config(
    connect: Any, participant: Any, iid: str
) -> None:
    """Admin Guide, enable attachments: files are stored in the instance's attachments
    bucket; without one the mock refuses the upload (docs/fidelity.md)."""
    token = token_of(start_chat(connect, iid))

    expect_error(
        lambda: participant.start_attachment_upload(
            ConnectionToken=token,
            ContentType="application/pdf",
            AttachmentSizeInBytes=10,
            AttachmentName="a.pdf",
        ),
        "AccessDeniedException",
        403,
        "ATTACHMENTS",
    )


def test_file_type_and_size_are_the_documented_ones(participant: Any, chat: dict[str, Any]) -> None:
    """[Admin Guide: feature specifications] supported file types (.csv ... .xlsx) and a
    maximum file size of 20MB for an attachment to a chat."""
    token = token_of(chat)

    def start(content_type: str, size: int) -> Any:
        return lambda: participant.start_attachment_upload(
            ConnectionToken=token,
            ContentType=content_type,
            AttachmentSizeInBytes=size,
            AttachmentName="file",
        )

    expect_error(start("application/x-msdownload", 10), "ValidationException", 400, "ContentType")
    expect_error(start("image/png", 20 * 1024 * 1024 + 1), "ValidationException", 400, "20 MB")
    assert start("image/png", 20 * 1024 * 1024)()["AttachmentId"]


def test_completion_needs_the_uploaded_file_with_its_declared_size(
    participant: Any, chat: dict[str, Any]
) -> None:
    token = token_of(chat)
    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="text/plain",
        AttachmentSizeInBytes=5,
        AttachmentName="note.txt",
    )
    complete = lambda: participant.complete_attachment_upload(  # noqa: E731
        ConnectionToken=token, AttachmentIds=[started["AttachmentId"]]
    )

    expect_error(complete, "ValidationException", 400, "not been uploaded")
    requests.put(started["UploadMetadata"]["Url"], data=b"too long", timeout=10)
    expect_error(complete, "ValidationException", 400, "8 bytes", "5")
    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    assert not [i for i in items if i["Type"] == "ATTACHMENT"]


def test_an_attachment_is_completed_once(participant: Any, chat: dict[str, Any]) -> None:
    """[doc: CompleteAttachmentUpload] A conflict exception is thrown when an attachment with
    that identifier is already being uploaded; a retry with the same ClientToken replays."""
    token = token_of(chat)
    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="text/plain",
        AttachmentSizeInBytes=2,
        AttachmentName="hi.txt",
    )
    requests.put(started["UploadMetadata"]["Url"], data=b"hi", timeout=10)
    ids = [started["AttachmentId"]]
    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=ids, ClientToken="c"
    )

    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=ids, ClientToken="c"
    )
    expect_error(
        lambda: participant.complete_attachment_upload(ConnectionToken=token, AttachmentIds=ids),
        "ConflictException",
        409,
    )
    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    assert len([i for i in items if i["Type"] == "ATTACHMENT"]) == 1


def test_unknown_incomplete_and_foreign_attachments_are_refused(
    connect: Any, participant: Any, chat: dict[str, Any], iid: str
) -> None:
    token = token_of(chat)
    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="text/plain",
        AttachmentSizeInBytes=2,
        AttachmentName="hi.txt",
    )
    other = token_of(start_chat(connect, iid))

    expect_error(
        lambda: participant.get_attachment(ConnectionToken=token, AttachmentId="nope"),
        "ValidationException",
        400,
        "nope",
    )
    expect_error(
        lambda: participant.get_attachment(
            ConnectionToken=token, AttachmentId=started["AttachmentId"]
        ),
        "ValidationException",
        400,
        "CompleteAttachmentUpload",
    )
    expect_error(
        lambda: participant.complete_attachment_upload(
            ConnectionToken=other, AttachmentIds=[started["AttachmentId"]]
        ),
        "ValidationException",
        400,
    )


def test_a_custom_bot_may_not_download_attachments(
    connect: Any, participant: Any, chat: dict[str, Any], iid: str
) -> None:
    """[doc: GetAttachment] The participant role CUSTOM_BOT is not permitted to access
    attachments customers may upload."""
    attachment_id = upload(participant, token_of(chat))
    bot = connect.create_participant(
        InstanceId=iid,
        ContactId=chat["ContactId"],
        ParticipantDetails={"ParticipantRole": "CUSTOM_BOT", "DisplayName": "Bot"},
    )
    bot_token = participant.create_participant_connection(
        ParticipantToken=bot["ParticipantCredentials"]["ParticipantToken"],
        Type=["CONNECTION_CREDENTIALS"],
    )["ConnectionCredentials"]["ConnectionToken"]

    expect_error(
        lambda: participant.get_attachment(ConnectionToken=bot_token, AttachmentId=attachment_id),
        "AccessDeniedException",
        403,
        "CUSTOM_BOT",
    )


@pytest.fixture
def delivered() -> Iterator[list[Any]]:
    items: list[Any] = []

    class Recorder:
        def deliver(self, backend: Any, contact: Any, item: Any) -> None:
            items.append(item)

    recorder = Recorder()
    sinks.add_sink(recorder)
    yield items
    sinks.remove_sink(recorder)


def test_the_attachment_item_goes_to_the_sinks(
    participant: Any, chat: dict[str, Any], delivered: list[Any]
) -> None:
    """Websocket and streaming sinks see the ATTACHMENT item as it is written."""
    attachment_id = upload(participant, token_of(chat))

    shared = [i for i in delivered if i.type == "ATTACHMENT"]
    assert [a["AttachmentId"] for a in shared[0].attachments] == [attachment_id]


def test_a_seeded_agent_attachment_reaches_the_customer(
    s3: Any, participant: Any, chat: dict[str, Any], iid: str
) -> None:
    """Seeding: an agent shares a file (agents use the CCP, which the mock does not have)."""
    token = token_of(chat)

    chat_session(iid, chat["ContactId"]).attachment(
        "AGENT", "terms.txt", "the terms", display_name="Sam"
    )

    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    shared = [i for i in items if i["Type"] == "ATTACHMENT"][0]
    assert (shared["ParticipantRole"], shared["DisplayName"]) == ("AGENT", "Sam")
    attachment_id = shared["Attachments"][0]["AttachmentId"]
    download = participant.get_attachment(ConnectionToken=token, AttachmentId=attachment_id)
    assert requests.get(download["Url"], timeout=10).content == b"the terms"


def test_seeding_an_attachment_needs_the_storage_config(connect: Any, iid: str) -> None:
    from moto_connect_persistent import SeedingError

    chat = start_chat(connect, iid)
    with pytest.raises(SeedingError, match="ATTACHMENTS"):
        chat_session(iid, chat["ContactId"]).attachment("AGENT", "a.txt", "x")


def test_server_mode_uploads_through_the_servers_own_url(connect_server_url: str) -> None:
    """Against a server, the pre-signed URLs name the server's own host; boto3 alone (plus an
    HTTP PUT, as a chat widget makes) uploads, completes, lists and downloads."""

    def client(name: str) -> Any:
        return boto3.client(
            name,
            region_name=REGION,
            endpoint_url=connect_server_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    connect, s3, participant = client("connect"), client("s3"), client("connectparticipant")
    iid = make_instance(connect)
    enable_attachments(connect, s3, iid)
    chat = start_chat(connect, iid)
    token = token_of(chat)
    body = bytes(range(256)) * 4

    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="image/png",
        AttachmentSizeInBytes=len(body),
        AttachmentName="photo.png",
    )
    assert started["UploadMetadata"]["Url"].startswith(connect_server_url + "/" + BUCKET + "/")
    attachment_id = upload(
        participant, token, body, ContentType="image/png", AttachmentName="photo.png"
    )

    download = participant.get_attachment(ConnectionToken=token, AttachmentId=attachment_id)
    assert download["Url"].startswith(connect_server_url)
    assert requests.get(download["Url"], timeout=10).content == body
    (key,) = keys_under(s3, f"{PREFIX}/chat/")
    assert final_key_of(key, attachment_id, ".png")

    # Seeding over HTTP shares an agent's file the same way.
    chat_session(iid, chat["ContactId"], endpoint_url=connect_server_url).attachment(
        "AGENT", "terms.txt", "the terms"
    )
    items = participant.get_transcript(ConnectionToken=token)["Transcript"]
    names = [i["Attachments"][0]["AttachmentName"] for i in items if i["Type"] == "ATTACHMENT"]
    assert sorted(names) == ["photo.png", "terms.txt"]


# ------------------------------------------------------------------ staging, then the final key


@dataclass
class Mode:
    """One way of running the mock: the decorator's (``endpoint_url`` None) or a server's."""

    endpoint_url: str | None

    def __call__(self, service: str) -> Any:
        """A boto3 client of ``service`` in this mode."""
        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint_url)


Clients = Mode


@pytest.fixture(params=["in-process", "server"])
def clients(request: pytest.FixtureRequest) -> Mode:
    """boto3 clients of one mode: the decorator's mock, or a running server over HTTP."""
    if request.param == "in-process":
        request.getfixturevalue("connect")
        return Mode(None)
    return Mode(request.getfixturevalue("connect_server_url"))


def notify_queue_of_final_files(client: Clients) -> Callable[[], list[str]]:
    """What a team's file processor does: an SQS queue told by S3 of every object created under
    the final attachments prefix. Returns a reader of the keys it was told of."""
    sqs, s3 = client("sqs"), client("s3")
    queue_url = sqs.create_queue(QueueName="new-chat-files")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {"FilterRules": [{"Name": "prefix", "Value": f"{PREFIX}/chat/"}]}
                    },
                }
            ]
        },
    )

    def created() -> list[str]:
        keys = []
        for message in drain_queue(sqs, queue_url):
            for record in json.loads(message["Body"]).get("Records", []):
                keys.append(unquote_plus(record["s3"]["object"]["key"]))  # URL-encoded, as S3's
        return keys

    created()  # moto's S3 sends a test event when the configuration is set
    return created


def test_an_upload_waits_in_staging_until_completion_moves_it_to_the_final_key(
    clients: Clients,
) -> None:
    """Admin Guide, Enable attachments: "The attachments feature uses two Amazon S3 locations:
    a staging location and a final location ... it includes the S3 prefix for where you are
    saving files, with staging appended to it." Working with Attachments: the PUT to the
    signed URL -- "The file is stored in a temporary location in the S3 bucket" -- then
    CompleteAttachmentUpload "moves the file to the final Attachments S3 path configured for
    the connect instance", at the key the attachment-scanning page shows
    (``.../Attachments/chat/2023/07/13/<file ID>_20230713T23:41_UTC.txt``). Code driven by S3
    events on the final prefix hears of the file once, when it is final."""
    connect, s3, participant = clients("connect"), clients("s3"), clients("connectparticipant")
    iid = make_instance(connect)
    enable_attachments(connect, s3, iid)
    created = notify_queue_of_final_files(clients)
    token = token_of(start_chat(connect, iid))

    started = participant.start_attachment_upload(
        ConnectionToken=token,
        ContentType="text/plain",
        AttachmentSizeInBytes=len(b"order 42"),
        AttachmentName="example.txt",
    )
    metadata = started["UploadMetadata"]
    put = requests.put(
        metadata["Url"], data=b"order 42", headers=metadata["HeadersToInclude"], timeout=10
    )
    assert put.status_code == 200, put.text

    (staged,) = keys_under(s3, f"{PREFIX}/staging/")
    assert keys_under(s3, f"{PREFIX}/chat/") == []
    assert created() == []

    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=[started["AttachmentId"]]
    )

    assert keys_under(s3, f"{PREFIX}/staging/") == []
    (final,) = keys_under(s3, f"{PREFIX}/chat/")
    final_key_of(final, started["AttachmentId"], ".txt")
    assert staged == f"{PREFIX}/staging/{final[len(PREFIX) + 1 :]}"
    stored = s3.get_object(Bucket=BUCKET, Key=final)
    assert (stored["Body"].read(), stored["ContentType"]) == (b"order 42", "text/plain")
    assert created() == [final]
    download = participant.get_attachment(
        ConnectionToken=token, AttachmentId=started["AttachmentId"]
    )
    assert requests.get(download["Url"], timeout=10).content == b"order 42"


# ------------------------------------------------------------------ the quota


def test_the_36th_attachment_of_a_chat_conversation_is_refused_402(clients: Mode) -> None:
    """Admin Guide, feature specifications (chat): "Attachments per chat conversation: 35";
    the Participant Service model: ServiceQuotaExceededException, "The number of attachments
    per contact exceeds the quota", status 402. The conversation is the chat session, so a
    transfer does not reset the count, and an upload started but never completed counts too
    (docs/fidelity.md); a persistent chat that continues the session later is a new
    conversation and may share files again."""
    connect, s3, participant = clients("connect"), clients("s3"), clients("connectparticipant")
    iid = make_instance(connect)
    enable_attachments(connect, s3, iid)
    chat = start_chat(connect, iid)
    token = token_of(chat)

    def start(name: str, on: str = token) -> Callable[[], Any]:
        return lambda: participant.start_attachment_upload(
            ConnectionToken=on,
            ContentType="text/plain",
            AttachmentSizeInBytes=2,
            AttachmentName=name,
        )

    for index in range(20):
        upload(participant, token, b"hi", ContentType="text/plain", AttachmentName=f"{index}.txt")
    session = chat_session(iid, chat["ContactId"], endpoint_url=clients.endpoint_url)
    session.transfer(contact_id="AFTER-TRANSFER")
    for index in range(20, 32):
        upload(participant, token, b"hi", ContentType="text/plain", AttachmentName=f"{index}.txt")
    session.attachment("AGENT", "terms.txt", "the terms")  # the agent's file counts as well
    for index in range(33, 35):
        start(f"{index}.txt")()  # started, never completed

    message = expect_error(start("36.txt"), "ServiceQuotaExceededException", 402, "35")
    assert "attachment" in message
    shared = [i for i in Chat(participant, token, "", "").read_all() if i["Type"] == "ATTACHMENT"]
    assert len(shared) == 33  # the refused upload shared nothing

    session.end()
    again = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
        PersistentChat={
            "RehydrationType": "ENTIRE_PAST_SESSION",
            "SourceContactId": chat["ContactId"],
        },
    )
    assert upload(participant, token_of(again), b"hi", ContentType="text/plain")


def test_uploads_racing_for_the_last_places_get_exactly_the_quota(
    connect_server_url: str,
) -> None:
    """The quota under concurrency: the server serves each request on its own thread, and 40
    uploads of one chat started at once leave exactly 35 started and 5 refused with 402,
    whatever the interleaving (the count and the refusal are one step under the lock)."""
    mode = Mode(connect_server_url)
    connect, s3, participant = mode("connect"), mode("s3"), mode("connectparticipant")
    iid = make_instance(connect)
    enable_attachments(connect, s3, iid)
    token = token_of(start_chat(connect, iid))
    gate = threading.Barrier(8)

    def start(index: int) -> str:
        if index < 8:
            gate.wait(timeout=30)  # the first eight leave together
        try:
            participant.start_attachment_upload(
                ConnectionToken=token,
                ContentType="text/plain",
                AttachmentSizeInBytes=2,
                AttachmentName=f"{index}.txt",
            )
        except ClientError as err:
            return str(err.response["Error"]["Code"])
        return "started"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(start, range(40)))

    assert outcomes.count("started") == 35
    assert outcomes.count("ServiceQuotaExceededException") == 5
