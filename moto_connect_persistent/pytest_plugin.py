"""pytest fixtures for Amazon Connect persistent chat, loaded through a ``pytest11`` entry point.

Installing the package is enough: a test names a fixture and gets it, no conftest import.
pytest loads this plugin in every run of every project of the environment, so loading it
must cost next to nothing: it imports no moto, boto3 or Flask; the fixtures import what they
need when a test asks for them. Loading it imports the package, which installs the hooks that
put the plugin's routes into moto's tables whenever moto loads them (see
:mod:`.registration`), so plain ``mock_aws`` and any moto server of the test session serve
the plugin's operations too.

Region and account are fixtures too, so they are overridden the pytest way: redefine
``connect_region`` / ``connect_account_id`` in a conftest.py, or mark a test with
``@pytest.mark.connect_persistent(region=..., account_id=...)``. State lives in moto's backends,
which are per process: pytest-xdist workers never share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from .seeding import ChatSession

MARKER = "connect_persistent"
MARKER_ARGUMENTS = ("region", "account_id")
DEFAULT_REGION = "us-east-1"
#: moto's default account (``moto.core.models.DEFAULT_ACCOUNT_ID``), written out so that
#: loading the plugin does not import moto; tests/test_pytest_plugin.py checks they agree.
DEFAULT_ACCOUNT_ID = "123456789012"

#: Credentials a server-mode client signs with: fake, as moto's mock sets them, so a client
#: that forgets its endpoint_url can never reach AWS with real ones.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class SeedChat(Protocol):
    """The ``seed_chat`` fixture's type, for annotating tests."""

    def __call__(
        self, contact_id: str | None = None, *, agent_id: str | None = None
    ) -> ChatSession:
        """Seed a running chat session into ``connect_instance_id``; returns its handle."""
        ...


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(region=None, account_id=None): the region and/or account of the "
        "moto-connect-persistent fixtures (connect_region, connect_account_id) for this test.",
    )


def _marker_argument(request: pytest.FixtureRequest, name: str) -> str | None:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None
    unknown = set(marker.kwargs) - set(MARKER_ARGUMENTS)
    if marker.args or unknown:
        pytest.fail(
            f"@pytest.mark.{MARKER} takes keyword arguments {', '.join(MARKER_ARGUMENTS)} only; "
            f"got {marker.args or sorted(unknown)}.",
            pytrace=False,
        )
    value: str | None = marker.kwargs.get(name)
    return value


@pytest.fixture
def connect_region(request: pytest.FixtureRequest) -> str:
    """Region of the other fixtures: the marker's ``region``, else us-east-1.

    A fixed default, not ``AWS_DEFAULT_REGION``, so a test means the same on every machine;
    ``connect_persistent_mock`` sets ``AWS_DEFAULT_REGION`` to it, so code under test that
    builds its own client without a region lands here too.
    """
    return _marker_argument(request, "region") or DEFAULT_REGION


@pytest.fixture
def connect_account_id(request: pytest.FixtureRequest) -> str:
    """Account of the other fixtures: the marker's ``account_id``, else moto's default account.

    (``MOTO_ACCOUNT_ID``, when set, is moto's default account.)
    """
    return _marker_argument(request, "account_id") or _default_account()


def _default_account() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


@pytest.fixture
def connect_persistent_mock(
    connect_region: str, connect_account_id: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """moto's mock with the plugin, active for one test; fresh state at the outermost start.

    Nests with your own ``mock_aws`` fixtures either way round (one moto mock, one state).
    Under moto's ``TEST_SERVER_MODE=true`` it is moto's server-mode mock: clients and seeds go
    to ``TEST_SERVER_MODE_ENDPOINT``, whose state it resets.
    Every boto3 client the test makes, yours or the code under test's, lands in
    ``connect_region`` (via ``AWS_DEFAULT_REGION``) and, for a non-default
    ``connect_account_id``, in that account (via ``MOTO_ACCOUNT_ID``, moto's own switch).
    """
    from .mock import mock_connect_persistent, test_server_endpoint

    if test_server_endpoint() is not None and connect_account_id != _default_account():
        pytest.fail(
            f"connect_account_id {connect_account_id!r}: under TEST_SERVER_MODE the server "
            "picks the account of every boto3 call (its MOTO_ACCOUNT_ID, else "
            f"{DEFAULT_ACCOUNT_ID}); set MOTO_ACCOUNT_ID for both the server and the tests.",
            pytrace=False,
        )
    monkeypatch.setenv("AWS_DEFAULT_REGION", connect_region)
    if connect_account_id != DEFAULT_ACCOUNT_ID:
        monkeypatch.setenv("MOTO_ACCOUNT_ID", connect_account_id)
    with mock_connect_persistent():
        yield


@pytest.fixture
def connect_client(connect_persistent_mock: None, connect_region: str) -> Any:
    """A boto3 ``connect`` client in ``connect_region``, answered by the mock."""
    import boto3

    return boto3.client("connect", region_name=connect_region)


@pytest.fixture
def connectparticipant_client(connect_persistent_mock: None, connect_region: str) -> Any:
    """A boto3 ``connectparticipant`` client (the chat client's side) in ``connect_region``,
    answered by the mock; its calls take the ``ConnectionToken`` of a participant."""
    import boto3

    return boto3.client("connectparticipant", region_name=connect_region)


@pytest.fixture
def connect_instance_id(connect_client: Any) -> str:
    """A fresh Amazon Connect instance, made with moto's own ``create_instance``."""
    instance_id: str = connect_client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    return instance_id


@pytest.fixture
def seed_chat(connect_instance_id: str, connect_region: str, connect_account_id: str) -> SeedChat:
    """Factory: ``seed_chat("C1").transfer(contact_id="C2").end()`` seeds a past chat session.

    Sessions go into ``connect_instance_id`` in the fixtures' region and account; the handle
    is :class:`~moto_connect_persistent.ChatSession`.
    """
    from .seeding import seed_chat_session

    def seed(contact_id: str | None = None, *, agent_id: str | None = None) -> ChatSession:
        return seed_chat_session(
            connect_instance_id,
            contact_id=contact_id,
            agent_id=agent_id,
            region_name=connect_region,
            account_id=connect_account_id,
        )

    return seed


@pytest.fixture(scope="session")
def _connect_server_session() -> Iterator[str]:
    from .mock import test_server_endpoint

    endpoint = test_server_endpoint()
    if endpoint is not None:
        # TEST_SERVER_MODE: the suite's server is already running; seeds and clients go there.
        yield endpoint.rstrip("/")
        return
    from moto.server import ThreadedMotoServer

    # Port 0: the OS picks a free port, so parallel workers and runs never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def connect_server_url(
    _connect_server_session: str, connect_region: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """URL of a moto server with the plugin (one per test session/xdist worker), state reset.

    Give it to clients as ``endpoint_url`` and to the seeding API as ``endpoint_url``. Fake
    credentials and ``AWS_DEFAULT_REGION`` are set for the test. The server shares this
    process's moto state: a moto mock starting in the same test resets it.

    Under moto's ``TEST_SERVER_MODE=true`` it is ``TEST_SERVER_MODE_ENDPOINT``, the server
    the whole run talks to, instead of a server of its own.

    Fixture order does not matter: while a moto mock is active (``connect_instance_id``,
    ``seed_chat`` or your own ``mock_aws`` set up first), that mock already reset the state
    when it started, so this fixture leaves alone what they made.
    """
    import requests

    from .mock import mock_is_active

    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", connect_region)
    if not mock_is_active():
        requests.post(f"{_connect_server_session}/moto-api/reset", timeout=30).raise_for_status()
    return _connect_server_session
