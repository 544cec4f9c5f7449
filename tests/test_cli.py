"""Other clients than boto3: the AWS CLI and raw SigV4-signed HTTP against the running server;
the server's own command line, run as a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from support import (
    SERVER_MODULE,
    SERVER_SCRIPT,
    client_at,
    free_port,
    make_instance,
    running_server,
)

from moto_connect_persistent import seed_chat_session

REGION = "us-east-1"


@pytest.fixture
def client(connect_server_url: str) -> Any:
    return boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)


@pytest.fixture
def past_session(client: Any, connect_server_url: str) -> str:
    """An instance holding the ended session C1 -> C2 -> C3; returns the instance id."""
    instance_id = make_instance(client)
    seed_chat_session(instance_id, contact_id="C1", endpoint_url=connect_server_url).transfer(
        contact_id="C2"
    ).disconnect_flow(contact_id="C3").end()
    return instance_id


def new_chat(client: Any, instance_id: str) -> str:
    contact: str = client.start_chat_contact(
        InstanceId=instance_id, ContactFlowId="flow", ParticipantDetails={"DisplayName": "C"}
    )["ContactId"]
    return contact


# ---------------------------------------------------------------------- AWS CLI


def aws(tmp_path: Path, endpoint_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``aws connect ...`` against the server, isolated from the user's AWS config."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    command = [sys.executable, "-m", "awscli", "connect", *args, "--endpoint-url", endpoint_url]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_aws_cli_continues_a_past_chat(
    tmp_path: Path, connect_server_url: str, client: Any, past_session: str
) -> None:
    current = new_chat(client, past_session)

    done = aws(
        tmp_path,
        connect_server_url,
        "create-persistent-contact-association",
        "--instance-id",
        past_session,
        "--initial-contact-id",
        current,
        "--rehydration-type",
        "ENTIRE_PAST_SESSION",
        "--source-contact-id",
        "C1",
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"ContinuedFromContactId": "C3"}
    shown = aws(
        tmp_path,
        connect_server_url,
        "describe-contact",
        "--instance-id",
        past_session,
        "--contact-id",
        current,
    )
    assert json.loads(shown.stdout)["Contact"]["RelatedContactId"] == "C3"


def test_aws_cli_reports_the_service_error(
    tmp_path: Path, connect_server_url: str, client: Any, past_session: str
) -> None:
    current = new_chat(client, past_session)

    done = aws(
        tmp_path,
        connect_server_url,
        "create-persistent-contact-association",
        "--instance-id",
        past_session,
        "--initial-contact-id",
        current,
        "--rehydration-type",
        "ENTIRE_PAST_SESSION",
        "--source-contact-id",
        "C2",
    )

    assert done.returncode != 0
    assert "(InvalidRequestException)" in done.stderr
    assert "C1" in done.stderr  # the message names the session's first contact


# ---------------------------------------------------------------------- raw signed HTTP


def signed(
    method: str,
    url: str,
    body: Any = None,
    *,
    region: str = REGION,
    access_key: str = "testing",
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """One HTTP call signed with SigV4 for the connect service, as any SDK would send it."""
    data = json.dumps(body) if body is not None and not isinstance(body, str) else body
    request = AWSRequest(
        method=method,
        url=url,
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    SigV4Auth(Credentials(access_key, "testing"), "connect", region).add_auth(request)
    return requests.request(method, url, data=data, headers=dict(request.headers), timeout=10)


def test_signed_http_continues_a_past_chat(
    connect_server_url: str, client: Any, past_session: str
) -> None:
    current = new_chat(client, past_session)
    url = f"{connect_server_url}/contact/persistent-contact-association/{past_session}/{current}"

    response = signed("POST", url, {"RehydrationType": "FROM_SEGMENT", "SourceContactId": "C2"})

    assert response.status_code == 200
    assert response.json() == {"ContinuedFromContactId": "C2"}
    described = signed("GET", f"{connect_server_url}/contacts/{past_session}/{current}")
    assert described.json()["Contact"]["RelatedContactId"] == "C2"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        ({"RehydrationType": "SOMETIMES", "SourceContactId": "C2"}, "RehydrationType"),
        ({"RehydrationType": "FROM_SEGMENT", "SourceContactId": 7}, "SourceContactId"),
        ({"RehydrationType": "FROM_SEGMENT"}, "SourceContactId"),
    ],
)
def test_signed_http_bad_input_is_a_modeled_400(
    connect_server_url: str, client: Any, past_session: str, body: Any, field: str
) -> None:
    current = new_chat(client, past_session)
    url = f"{connect_server_url}/contact/persistent-contact-association/{past_session}/{current}"

    response = signed("POST", url, body)

    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidParameterException"
    assert field in response.json()["Message"]


def test_signed_seeding_lands_in_the_account_of_the_access_key(
    connect_server_url: str,
) -> None:
    """moto maps an IAM access key to its account; seeding over HTTP follows it, like boto3."""
    account = "444455556666"
    iam = boto3.client("iam", region_name=REGION, endpoint_url=connect_server_url)
    iam.meta.events.register(
        "before-sign.iam.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", account),
    )
    iam.create_user(UserName="tester")
    key = iam.create_access_key(UserName="tester")["AccessKey"]
    connect = boto3.client(
        "connect",
        region_name="eu-west-2",
        endpoint_url=connect_server_url,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    instance_id = make_instance(connect)

    seeded = signed(
        "POST",
        f"{connect_server_url}/moto-api/connect-persistent/seed_chat_session",
        {"instance_id": instance_id, "contact_id": "C1"},
        region="eu-west-2",
        access_key=key["AccessKeyId"],
    )

    assert seeded.json() == {"result": "C1"}
    contact = connect.describe_contact(InstanceId=instance_id, ContactId="C1")["Contact"]
    assert contact["Arn"].startswith(f"arn:aws:connect:eu-west-2:{account}:")


# ---------------------------------------------------------------------- our own command line


def run_command(command: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    """Run the server command with ``options`` that make it exit (help, version, a typo)."""
    return subprocess.run([*command, *options], capture_output=True, text=True, timeout=60)


def long_options(help_text: str) -> set[str]:
    return set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}


@pytest.mark.parametrize(
    ("command", "prog"),
    [
        ([SERVER_SCRIPT], "moto-connect-persistent-server"),
        (SERVER_MODULE, "python -m moto_connect_persistent"),
    ],
    ids=["script", "-m"],
)
def test_help_names_the_command_and_every_option(command: list[str], prog: str) -> None:
    """The command's ``--help`` describes it and lists the plugin's options beside moto's.

    moto's server has no page of its own options; its documented form is ``moto_server -p3000``
    / ``-H 0.0.0.0``, which this command keeps. Decision (README, server mode): one parser,
    our options (``--cors-origins``) and moto_server's, so ``--help`` shows them all."""
    done = run_command(command, "--help")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {prog} ")
    assert "Amazon Connect persistent chat" in " ".join(done.stdout.split())
    assert {"--cors-origins", "--version", "--host", "--port", "--ssl"} <= long_options(done.stdout)


def test_help_lists_every_option_moto_server_has() -> None:
    """Every option moto_server accepts is accepted (and shown) here: a moto release that adds
    one fails this test instead of a user's command line."""
    moto = run_command([sys.executable, "-m", "moto.server"], "--help")
    ours = run_command([SERVER_SCRIPT], "--help")

    assert moto.returncode == 0, moto.stderr
    assert long_options(moto.stdout) <= long_options(ours.stdout)


def test_version_prints_the_installed_version() -> None:
    done = run_command([SERVER_SCRIPT], "--version")

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"moto-connect-persistent {version('moto-connect-persistent')}\n"


def test_an_unknown_option_is_refused_before_anything_starts() -> None:
    done = run_command(SERVER_MODULE, "--cors-orgins", "http://x", "-p", str(free_port()))

    assert done.returncode == 2
    assert "python -m moto_connect_persistent: error:" in done.stderr
    assert "--cors-orgins" in done.stderr
    assert "serving" not in done.stderr


def test_start_up_line_names_the_package_its_version_and_the_address() -> None:
    """The first line the server writes says what is served where, before Werkzeug's banner;
    the address it names answers the plugin's operations."""
    with running_server([SERVER_SCRIPT], "--cors-origins", "http://localhost:3000") as (
        server,
        url,
    ):
        first = server.lines[0]
        seeded = seed_chat_session(make_instance(client_at(url)), contact_id="C1", endpoint_url=url)
        assert seeded.contact_ids == ["C1"]

    assert first == (
        f"moto-connect-persistent {version('moto-connect-persistent')} "
        f"(moto {version('moto')}) serving {url}\n"
    )


def test_with_port_0_the_start_up_line_leaves_the_port_to_the_system() -> None:
    """Port 0 lets the system pick: the line says so rather than naming port 0 (Werkzeug's
    banner after it names the port)."""
    process = subprocess.Popen(
        [SERVER_SCRIPT, "-H", "127.0.0.1", "-p", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stderr.readline()  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()  # type: ignore[union-attr]

    assert first.endswith(" serving http://127.0.0.1 on a port the system picks\n")
