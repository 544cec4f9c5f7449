"""Transcripts of ended chats in the instance's CHAT_TRANSCRIPTS bucket (moto's S3)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from support import REGION, make_instance, use_s3_storage

from moto_connect_persistent import require_stored_transcripts, seed_chat_session

BUCKET = "chat-transcripts"
PREFIX = "connect/shop/ChatTranscripts"


def store_transcripts(connect: Any, s3: Any, iid: str) -> None:
    use_s3_storage(connect, s3, iid, "CHAT_TRANSCRIPTS", BUCKET, PREFIX)


def stored(s3: Any) -> dict[str, dict[str, Any]]:
    """Every transcript file of the bucket, by ContactId."""
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX).get("Contents", [])
    files = {}
    for entry in listed:
        document = json.loads(s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read())
        document["_key"] = entry["Key"]
        files[document["ContactId"]] = document
    return files


def visible_past(connect: Any, iid: str, source: str) -> list[str]:
    """Contents of the past messages a new persistent chat from ``source`` shows."""
    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": source},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    participant = boto3.client("connectparticipant", region_name=REGION)
    request = {"ConnectionToken": chat["ConnectionCredentials"]["ConnectionToken"]}
    items: list[dict[str, Any]] = []
    for _ in range(20):
        page = participant.get_transcript(MaxResults=100, **request)
        items += page["Transcript"]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    return [i["Content"] for i in items if i["Type"] == "MESSAGE" and "RelatedContactId" in i]


@pytest.fixture
def s3(connect: Any) -> Any:
    return boto3.client("s3", region_name=REGION)


def test_every_ended_contact_has_its_transcript_file(connect: Any, s3: Any, iid: str) -> None:
    """Admin Guide: chat transcripts are stored in the instance's S3 bucket for chat
    transcripts -- one file per contact, each segment of a transferred chat its own."""
    store_transcripts(connect, s3, iid)

    (
        seed_chat_session(iid, contact_id="C1")
        .message("CUSTOMER", "my order is late")
        .transfer(contact_id="C2")
        .message("AGENT", "it ships tomorrow")
        .end()
    )

    files = stored(s3)
    assert set(files) == {"C1", "C2"}
    first = files["C1"]
    assert first["Version"] == "2019-08-26"
    assert first["AWSAccountId"] == "123456789012"
    assert first["InstanceId"] == iid
    assert first["InitialContactId"] == "C1"
    assert [i["Content"] for i in first["Transcript"] if i["Type"] == "MESSAGE"] == [
        "my order is late"
    ]
    second = files["C2"]
    assert second["InitialContactId"] == "C1"
    assert [i["Content"] for i in second["Transcript"] if i["Type"] == "MESSAGE"] == [
        "it ships tomorrow"
    ]
    assert second["Transcript"][-1]["ContentType"].endswith("chat.ended")
    assert {p["ParticipantId"] for p in second["Participants"]} == {
        i["ParticipantId"] for i in second["Transcript"] if "ParticipantId" in i
    }


def test_the_file_is_where_connect_puts_it(connect: Any, s3: Any, iid: str) -> None:
    """<BucketPrefix>/<YYYY>/<MM>/<DD>/<ContactId>_<YYYYMMDDTHH:MM>_UTC.json, dated by the
    contact's start (docs/files.md: Stored transcripts)."""
    store_transcripts(connect, s3, iid)
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    started = connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])["Contact"][
        "InitiationTimestamp"
    ]

    connect.stop_contact(InstanceId=iid, ContactId=chat["ContactId"])

    key = stored(s3)[chat["ContactId"]]["_key"]
    assert key == (
        f"{PREFIX}/{started:%Y/%m/%d}/{chat['ContactId']}_{started:%Y%m%dT%H:%M}_UTC.json"
    )


def test_a_customer_disconnect_stores_the_whole_chat(connect: Any, s3: Any, iid: str) -> None:
    store_transcripts(connect, s3, iid)
    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId="flow",
        ParticipantDetails={"DisplayName": "Ann"},
        ConnectionTypes=["CONNECTION_CREDENTIALS"],
    )
    participant = boto3.client("connectparticipant", region_name=REGION)
    token = chat["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="bye")

    participant.disconnect_participant(ConnectionToken=token)

    kinds = [
        i["ContentType"].rsplit(".", 1)[-1] for i in stored(s3)[chat["ContactId"]]["Transcript"]
    ]
    assert kinds == ["joined", "text/plain", "left", "ended"]


def test_without_storage_nothing_is_written_and_the_past_still_shows(
    connect: Any, s3: Any, iid: str
) -> None:
    """The default is permissive: persistent chat works without storage configured."""
    s3.create_bucket(Bucket=BUCKET)
    seed_chat_session(iid, contact_id="C1").message("CUSTOMER", "earlier").end()

    assert stored(s3) == {}
    assert visible_past(connect, iid, "C1") == ["earlier"]


def test_strict_setting_shows_only_stored_transcripts(connect: Any, s3: Any, iid: str) -> None:
    """[Admin Guide, persistent chat] ensure that your instance's S3 bucket for chat
    transcripts contains the past contact's transcript."""
    seed_chat_session(iid, contact_id="OLD").message("CUSTOMER", "before storage").end()
    store_transcripts(connect, s3, iid)
    seed_chat_session(iid, contact_id="NEW").message("CUSTOMER", "stored").end()
    require_stored_transcripts()

    assert visible_past(connect, iid, "OLD") == []
    assert visible_past(connect, iid, "NEW") == ["stored"]

    s3.delete_object(Bucket=BUCKET, Key=stored(s3)["NEW"]["_key"])
    assert visible_past(connect, iid, "NEW") == []
    require_stored_transcripts(False)
    assert visible_past(connect, iid, "OLD") == ["before storage"]


def test_a_deleted_bucket_is_skipped(connect: Any, s3: Any, iid: str) -> None:
    store_transcripts(connect, s3, iid)
    s3.delete_bucket(Bucket=BUCKET)

    seed_chat_session(iid, contact_id="C1").message("CUSTOMER", "hi").end()

    assert visible_past(connect, iid, "C1") == ["hi"]


def test_server_mode_writes_the_file_into_the_servers_s3(connect_server_url: str) -> None:
    def client(name: str) -> Any:
        return boto3.client(
            name,
            region_name=REGION,
            endpoint_url=connect_server_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    connect, s3 = client("connect"), client("s3")
    iid = make_instance(connect)
    store_transcripts(connect, s3, iid)
    seed_chat_session(iid, contact_id="S1", endpoint_url=connect_server_url).message(
        "CUSTOMER", "over HTTP"
    ).end()

    files = stored(s3)

    assert [i.get("Content") for i in files["S1"]["Transcript"] if i["Type"] == "MESSAGE"] == [
        "over HTTP"
    ]
