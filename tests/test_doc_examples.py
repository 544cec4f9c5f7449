"""Every code block of the documents runs: README.md and every page of the site in docs/, as
the page "How the examples are tested" (docs/contributing.md) says.

Examples that nothing runs drift from the code silently; here each Python block runs as
written (complete blocks in a fresh interpreter, test-defining blocks as a pytest module of
their own, fragments in the documented context), and the shell blocks that start the server or
talk to one run against a live server. Why a small collector and not pytest-examples or
pytest-markdown-docs: both exec a block's code but neither runs the tests a block *defines*
with real fixtures (most blocks are pytest or unittest tests using this plugin's fixtures),
and neither runs shell blocks; running each such block as its own pytest module in a
subprocess is what a user copying it does.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import boto3
import pytest
import requests
from doc_blocks import (
    DOCS,
    PYTHON_MARKERS,
    README,
    SERVER_ADDRESS,
    SERVER_COMMAND,
    Block,
    blocks,
    chains,
    documents,
    python_blocks,
    shell_blocks,
)
from support import ServerProcess, free_port

from moto_connect_persistent import mock_connect_persistent

BIN = Path(sys.executable).parent  # the venv's console scripts: aws, moto-connect-persistent-server
SUBPROCESS_TIMEOUT = 300


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no AWS settings leaking from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def with_server(code: str, url: str | None) -> str:
    return code if url is None else code.replace(f"http://{SERVER_ADDRESS}", url)


def by_kind(*kinds: str) -> list[Any]:
    return [pytest.param(b, id=b.id) for b in blocks() if b.kind in kinds]


# -- the rules themselves -------------------------------------------------------------------


def test_every_python_block_has_a_known_marker() -> None:
    unknown = [f"{b.id}: {b.marker!r}" for b in python_blocks() if b.marker not in PYTHON_MARKERS]
    assert unknown == [], f"markers are {sorted(PYTHON_MARKERS)}; unknown: {unknown}"


def test_the_documents_have_blocks_of_every_kind_the_runner_handles() -> None:
    """A parser that found nothing would make every test below vacuous: the README and the
    site's pages are all read, and between them hold every kind of block."""
    assert README in documents() and len([d for d in documents() if DOCS in d.parents]) >= 10
    kinds = {b.kind for b in blocks()}
    assert {"module", "script", "fragment", "continued", "server", "client", "setup"} <= kinds
    assert len(python_blocks()) >= 15 and len(shell_blocks()) >= 4
    assert python_blocks(README), "the README's own examples must run too"


# -- Python blocks --------------------------------------------------------------------------


def test_every_test_block_passes_as_its_own_pytest_module(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """One fresh pytest over all test blocks (a process each costs ~2 s): one module per block,
    in an empty folder (no conftest, no ini file, the plugin from its entry point)."""
    modules = {b.module_name: b for b in blocks() if b.kind == "module"}
    assert modules
    url = None
    if any(SERVER_ADDRESS in b.code for b in modules.values()):
        url = request.getfixturevalue("connect_server_url")
    for name, block in modules.items():
        (tmp_path / name).write_text(with_server(block.numbered_code(), url), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--junitxml=report.xml"]
        + ["-q", "-rA", *modules],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    outcomes: dict[str, list[str]] = {name: [] for name in modules}
    for case in ElementTree.parse(tmp_path / "report.xml").iter("testcase"):
        name = case.get("file") or case.get("classname", "").split(".")[0] + ".py"
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        outcomes.setdefault(name, []).append("failed" if failed else "passed")
    bad = [
        f"{modules[name].id}: {results or 'no test collected'}"
        for name, results in outcomes.items()
        if not results or "failed" in results
    ]
    assert run.returncode == 0 and not bad, (
        f"test blocks failed (line numbers are the documents'): {bad}\n{run.stdout}\n{run.stderr}"
    )


@pytest.mark.parametrize("block", by_kind("script"))
def test_a_complete_block_runs_alone(
    block: Block, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("connect_server_url") if SERVER_ADDRESS in block.code else None
    script = tmp_path / "doc_block.py"
    script.write_text(with_server(block.numbered_code(), url), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, script.name],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert run.returncode == 0, (
        f"{block.id} failed (line numbers are its document's):\n{run.stderr}"
    )


@pytest.mark.parametrize("chain", [pytest.param(c, id=c[0].id) for c in chains()])
def test_a_fragment_chain_runs_in_the_documented_context(chain: list[Block]) -> None:
    with mock_connect_persistent():
        connect = boto3.client("connect", region_name="us-east-1")
        iid = connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )["Id"]
        names: dict[str, Any] = {
            "__name__": "doc_fragment",
            "boto3": boto3,
            "connect": connect,
            "iid": iid,
        }
        for block in chain:
            # Compiled under its document's name and line numbers: a traceback shows that line.
            exec(compile(block.numbered_code(), str(block.path), "exec"), names)


# -- shell blocks ---------------------------------------------------------------------------


def plugin_answers(url: str) -> None:
    """The plugin's own endpoint answers (so the plugin, not only moto, is loaded)."""
    answer = requests.post(f"{url}/moto-api/connect-persistent/clear_faults", timeout=30)
    assert answer.status_code == 200 and answer.json() == {"result": None}, answer.text


@pytest.mark.parametrize("block", by_kind("server"))
def test_each_server_command_starts_a_server_with_the_plugin(block: Block) -> None:
    """Each command line runs as written plus ``-H 127.0.0.1 -p <free port>`` (last one wins)."""
    commands = [
        line.split("#")[0].strip() for line in block.code.splitlines() if SERVER_COMMAND.match(line)
    ]
    assert commands
    for command in commands:
        port = free_port()
        server = ServerProcess(
            shlex.split(command) + ["-H", "127.0.0.1", "-p", str(port)], env=clean_env()
        )
        try:
            server.wait_listening()
            plugin_answers(f"http://127.0.0.1:{port}")
        finally:
            server.stop()


def json_values(text: str) -> list[Any]:
    """Every JSON value printed, in order (curl prints its answers without a newline)."""
    decoder, values, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            i = text.find("\n", i) + 1 or len(text)
            continue
        values.append(value)
    return values


def expected_outputs(code: str) -> list[Any]:
    """A comment line that is JSON (``# {"result": "C1"}``) is output the block must print."""
    expected = []
    for line in code.splitlines():
        comment = line.strip()
        if comment.startswith("# "):
            try:
                expected.append(json.loads(comment[2:]))
            except json.JSONDecodeError:
                pass
    return expected


@pytest.mark.parametrize("block", by_kind("client"))
def test_a_block_talking_to_the_server_succeeds_and_prints_what_it_shows(
    block: Block, connect_server_url: str
) -> None:
    instance_id = boto3.client("connect", endpoint_url=connect_server_url).create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    # curl answers an HTTP error with exit 0 unless told: here an error fails the block.
    prelude = 'curl() { command curl --fail-with-body "$@"; }\n'
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", prelude + with_server(block.code, connect_server_url)],
        env=clean_env(INSTANCE_ID=instance_id),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert run.returncode == 0, f"{block.id} failed:\n{run.stdout}\n{run.stderr}"
    printed = json_values(run.stdout)
    for value in expected_outputs(block.code):
        assert value in printed, f"{block.id} shows {value!r}; it printed {run.stdout!r}"
