"""Helpers shared by the test modules: one way to make an instance, to assert an AWS error,
and to run the console script as a real server on a free loopback port."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
import requests

REGION = "us-east-1"
ACCOUNT = "123456789012"
#: A small file as a chat widget uploads it.
PDF = b"%PDF-1.4 an invoice"


def make_instance(client: Any) -> str:
    """An instance made through moto's own connect, as users make theirs."""
    instance: str = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    return instance


def make_bucket(name: str, account_id: str = ACCOUNT) -> None:
    """A bucket in moto's S3 of the account, made in-process (no IAM call spent), once."""
    from moto.s3.models import s3_backends

    backend = s3_backends[account_id]["aws"]
    if name not in backend.buckets:
        backend.create_bucket(name, REGION)


def expect_error(call: Any, code: str, status: int, *words: str) -> str:
    """Run ``call``; assert boto3 raised ``code``, ``status``, a Message holding ``words``."""
    with pytest.raises(Exception) as info:
        call()
    response = info.value.response  # type: ignore[attr-defined]
    error = response["Error"]
    assert error["Code"] == code, error
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    for word in words:
        assert word in error["Message"], error["Message"]
    message: str = error["Message"]
    return message


def use_s3_storage(
    connect: Any, s3: Any, iid: str, resource_type: str, bucket: str, prefix: str
) -> None:
    """Make ``bucket`` in moto's S3 and associate it with the instance for ``resource_type``."""
    s3.create_bucket(Bucket=bucket)
    connect.associate_instance_storage_config(
        InstanceId=iid,
        ResourceType=resource_type,
        StorageConfig={
            "StorageType": "S3",
            "S3Config": {"BucketName": bucket, "BucketPrefix": prefix},
        },
    )


def upload(participant: Any, token: str, body: bytes = PDF, **overrides: Any) -> str:
    """The three steps a chat widget takes; returns the AttachmentId."""
    request = {
        "ConnectionToken": token,
        "ContentType": "application/pdf",
        "AttachmentSizeInBytes": len(body),
        "AttachmentName": "invoice.pdf",
        **overrides,
    }
    started = participant.start_attachment_upload(**request)
    metadata = started["UploadMetadata"]
    put = requests.put(metadata["Url"], data=body, headers=metadata["HeadersToInclude"], timeout=10)
    assert put.status_code == 200, put.text
    participant.complete_attachment_upload(
        ConnectionToken=token, AttachmentIds=[started["AttachmentId"]]
    )
    attachment_id: str = started["AttachmentId"]
    return attachment_id


@dataclass
class Chat:
    """A running chat as its customer's client holds it."""

    client: Any
    token: str
    contact_id: str
    participant_token: str

    def page(self, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.get_transcript(ConnectionToken=self.token, **kwargs)
        return answer

    def read_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item from the first page on, following NextToken (bounded)."""
        items: list[dict[str, Any]] = []
        for _ in range(100):
            answer = self.page(**kwargs)
            items.extend(answer["Transcript"])
            if "NextToken" not in answer:
                return items
            kwargs["NextToken"] = answer["NextToken"]
        raise AssertionError("NextToken never ran out")


# ---------------------------------------------------------------------- the console script

#: The installed console script, and the ``python -m`` form of the same command.
SERVER_SCRIPT = str(Path(sys.executable).with_name("moto-connect-persistent-server"))
SERVER_MODULE = [sys.executable, "-m", "moto_connect_persistent"]


def client_at(endpoint_url: str, region: str = REGION, service: str = "connect") -> Any:
    """A boto3 client of a running server, with fake credentials."""
    import boto3

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


#: What Werkzeug (moto's server) writes to stderr once its socket is bound and listening.
WERKZEUG_LISTENING = " * Running on "


class ServerProcess:
    """A server started from a command line, as a user starts one. A thread of its own reads
    its stderr to the end, so the pipe never fills (Werkzeug logs every request there) and the
    line in which Werkzeug says it listens is an event to wait for, not a port to poll."""

    def __init__(
        self, argv: list[str], env: dict[str, str] | None = None, log: IO[bytes] | None = None
    ) -> None:
        self.argv = argv
        self.lines: list[str] = []  # its stderr so far, line by line (also copied to ``log``)
        self._log = log
        self.process = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self._listening = False
        self._settled = threading.Event()  # it listens, or its stderr ended (it is exiting)
        self._reader = threading.Thread(target=self._read, name="server-stderr", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if self._log is not None:
                self._log.write(line.encode())
            if WERKZEUG_LISTENING in line:
                self._listening = True
                self._settled.set()
        self._settled.set()

    def wait_listening(self, timeout: float = 60) -> None:
        """Until the server listens; fail at once, with what it wrote, if it exits first."""
        if self._settled.wait(timeout) and self._listening:
            return
        self.stop()
        pytest.fail(
            f"{shlex.join(self.argv)} did not listen within {timeout} s"
            f" (exit status {self.process.returncode}): {''.join(self.lines)}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)


@contextmanager
def running_server(
    command: list[str] | None = None, *options: str, log: IO[bytes] | None = None
) -> Iterator[tuple[ServerProcess, str]]:
    """The console script (or ``command``) serving on a free loopback port, until the block
    ends: yields the server (``.lines``: its stderr so far, copied to ``log`` too) and its
    URL, once it listens. Its whole stderr is read by the time the block has ended."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MOTO_PORT"}
    server = ServerProcess(
        [*(command or [SERVER_SCRIPT]), *options, "-H", "127.0.0.1", "-p", str(port)], env, log
    )
    try:
        server.wait_listening()
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def drain_queue(sqs: Any, queue_url: str, **receive: Any) -> list[dict[str, Any]]:
    """Every message an SQS queue holds, oldest first, each deleted once read: what a
    subscriber (an SNS bridge, an EventBridge target, an S3 notification) has received so
    far. Bounded (50 batches of 10), so a queue that keeps filling cannot hang a test."""
    messages: list[dict[str, Any]] = []
    for _ in range(50):
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, **receive
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        messages.extend(batch)
    return messages


def action(identifier: str, kind: str, parameters: dict[str, Any], **transitions: Any) -> Any:
    """One block of a flow in the console's export shape: ``transitions`` are its
    ``NextAction``, ``Conditions`` and ``Errors``."""
    return {
        "Identifier": identifier,
        "Type": kind,
        "Parameters": parameters,
        "Transitions": transitions,
    }
