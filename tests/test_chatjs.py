"""amazon-connect-chatjs, unmodified, completes a chat against the server: in Node and Chromium.

The flow (tests/chatjs/flow.js) is what a chat widget does: connect, see ``onChatRehydrated``
on a persistent chat and load the past with the default ``getTranscript``, receive an agent
message, typing and a read receipt (the agent played through the seeding HTTP endpoints),
send a message, see the chat end. It runs in Node (jsdom plus the ``ws`` websocket) and in
Debian's headless Chromium driven by playwright-core, where a page on another origin makes
the server answer CORS preflights. The npm packages are installed by the test from the
committed tests/chatjs/package-lock.json into a cache folder ($MOTO_CONNECT_PERSISTENT_NPM_CACHE,
default ~/.cache/moto-connect-persistent/chatjs); without node/npm or chromium the test skips
and says why.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
from support import REGION, make_instance

from moto_connect_persistent import seed_chat_session

CHATJS = Path(__file__).resolve().parent / "chatjs"
MANIFESTS = ("package.json", "package-lock.json")
SCRIPTS = ("flow.js", "node_flow.mjs", "browser_flow.mjs")
CACHE_VARIABLE = "MOTO_CONNECT_PERSISTENT_NPM_CACHE"
#: Seconds for one npm install and for one flow (each step inside waits 10 s at most).
INSTALL_TIMEOUT = 600
FLOW_TIMEOUT = 120

STEPS = [
    "connected",
    "rehydrated",
    "past",
    "agent-message",
    "agent-typing",
    "sent",
    "read-receipt",
    "ended",
    "done",
]


@pytest.fixture(scope="session")
def chatjs_folder() -> Path:
    """A folder with the locked npm packages and the flow scripts, installed once per lockfile
    (a file lock keeps pytest-xdist workers from installing it twice at once)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run amazon-connect-chatjs")
    digest = hashlib.sha256(b"".join((CHATJS / name).read_bytes() for name in MANIFESTS))
    default_root = Path.home() / ".cache" / "moto-connect-persistent" / "chatjs"
    root = Path(os.environ.get(CACHE_VARIABLE) or default_root)
    folder = root / digest.hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".install-lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (folder / ".installed").exists():
            for name in MANIFESTS:
                shutil.copy(CHATJS / name, folder / name)
            installed = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
            )
            if installed.returncode != 0:
                pytest.skip(f"npm could not install the locked packages: {installed.stderr[-800:]}")
            (folder / ".installed").touch()
        for name in SCRIPTS:
            shutil.copy(CHATJS / name, folder / name)
    return folder


@pytest.fixture
def widget_input(connect_server_url: str) -> dict[str, Any]:
    """A persistent chat started by the widget's backend, its past seeded over HTTP."""
    connect = boto3.client("connect", region_name=REGION, endpoint_url=connect_server_url)
    instance_id = make_instance(connect)
    seed_chat_session(instance_id, contact_id="C1", endpoint_url=connect_server_url).message(
        "AGENT", "your order shipped"
    ).end()
    chat = connect.start_chat_contact(
        InstanceId=instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )
    return {
        "endpoint": connect_server_url,
        "region": REGION,
        "instanceId": instance_id,
        "contactId": chat["ContactId"],
        "participantId": chat["ParticipantId"],
        "participantToken": chat["ParticipantToken"],
    }


def run_flow(folder: Path, script: str, flow_input: dict[str, Any], *extra: str) -> list[Any]:
    finished = subprocess.run(
        ["node", script, json.dumps(flow_input), *extra],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=FLOW_TIMEOUT,
    )
    steps = [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
    assert finished.returncode == 0, (steps, finished.stderr[-3000:])
    return steps


def check_flow(steps: list[Any], flow_input: dict[str, Any]) -> None:
    assert [s["step"] for s in steps if s["step"] != "page-error"] == STEPS, steps
    by_step = {s["step"]: s for s in steps}
    assert by_step["rehydrated"]["contentType"].endswith(".chat.rehydrated")
    assert by_step["past"]["past"] == ["your order shipped"]
    assert by_step["agent-message"] == {
        "step": "agent-message",
        "role": "AGENT",
        "contactId": flow_input["contactId"],
    }
    assert by_step["read-receipt"]["messageId"] == by_step["sent"]["id"]


def ended(flow_input: dict[str, Any]) -> bool:
    connect = boto3.client("connect", region_name=REGION, endpoint_url=flow_input["endpoint"])
    contact = connect.describe_contact(
        InstanceId=flow_input["instanceId"], ContactId=flow_input["contactId"]
    )["Contact"]
    return "DisconnectTimestamp" in contact


def test_chatjs_in_node_completes_a_chat(chatjs_folder: Path, widget_input: dict[str, Any]) -> None:
    """amazon-connect-chatjs in Node (jsdom, ws) against ``moto-connect-persistent-server``."""
    check_flow(run_flow(chatjs_folder, "node_flow.mjs", widget_input), widget_input)
    assert ended(widget_input)


def test_chatjs_in_headless_chromium_completes_a_chat(
    chatjs_folder: Path, widget_input: dict[str, Any]
) -> None:
    """The same flow in a real browser: a page on its own 127.0.0.1 origin, so every call is
    cross-origin and passes only through the server's CORS answers."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium)")
    steps = run_flow(chatjs_folder, "browser_flow.mjs", widget_input, browser)
    assert not [s for s in steps if s["step"] == "page-error"], steps
    check_flow(steps, widget_input)
    assert ended(widget_input)
