"""Start-up cost: the plugin is nearly free until used, and still serves plain ``mock_aws``.

pytest loads the plugin in every run of every project of the environment, and the package is
imported by every test module that uses it; both must be cheap. Timings are in
``benchmarks/``; these tests pin down the behaviour behind them: what gets imported or
loaded, and when.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

HEAVY = ("moto", "boto3", "botocore", "flask", "werkzeug", "requests")


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_plain_mock_aws_serves_the_plugins_operations(pytester: pytest.Pytester) -> None:
    """With the package installed, a suite that knows only moto and boto3 gets the plugin's
    Connect and Participant Service operations under ``mock_aws``; the test file never
    imports the package (the pytest plugin, loaded by pytest, is what brings it in)."""
    pytester.makepyfile(
        """
        import sys

        import boto3
        from moto import mock_aws


        @mock_aws
        def test_chat_through_plain_mock_aws():
            connect = boto3.client("connect", region_name="us-east-1")
            instance_id = connect.create_instance(
                IdentityManagementType="CONNECT_MANAGED",
                InboundCallsEnabled=True,
                OutboundCallsEnabled=True,
            )["Id"]
            chat = connect.start_chat_contact(
                InstanceId=instance_id,
                ContactFlowId="flow",
                ParticipantDetails={"DisplayName": "Customer"},
            )
            contact = connect.describe_contact(InstanceId=instance_id, ContactId=chat["ContactId"])
            assert contact["Contact"]["Channel"] == "CHAT"

            participant = boto3.client("connectparticipant", region_name="us-east-1")
            token = participant.create_participant_connection(
                ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
            )["ConnectionCredentials"]["ConnectionToken"]
            participant.send_message(
                ConnectionToken=token, ContentType="text/plain", Content="hello"
            )
            items = participant.get_transcript(ConnectionToken=token)["Transcript"]
            assert "hello" in [item.get("Content") for item in items]


        def test_the_test_module_never_imported_the_package_itself():
            assert "moto_connect_persistent" not in vars(sys.modules[__name__])
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest", "-p", "no:xdist")

    result.assert_outcomes(passed=2)


def test_loading_the_plugin_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    """A test run that never uses the plugin pays for no moto, boto3, botocore or Flask."""
    pytester.makepyfile(
        f"""
        import sys

        def test_nothing_heavy_was_imported():
            assert "moto_connect_persistent.pytest_plugin" in sys.modules
            assert [m for m in {HEAVY!r} if m in sys.modules] == []
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest", "-p", "no:xdist")

    result.assert_outcomes(passed=1)


def test_fixtures_import_what_they_need_when_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_with_a_fixture(connect_client, connect_instance_id):
            assert "moto" in sys.modules
            assert connect_client.describe_instance(InstanceId=connect_instance_id)
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest", "-p", "no:xdist")

    result.assert_outcomes(passed=1)


def test_importing_the_package_loads_no_model_and_no_flask() -> None:
    """``import moto_connect_persistent`` imports no moto; even every public name and every
    wire module loaded (which imports moto) reads no botocore service model and no Flask:
    the routes are data, the models load on the first call that needs them."""
    out = run_python(
        f"""
        import sys
        import moto_connect_persistent as package
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))

        import botocore.loaders
        loads = []
        real = botocore.loaders.JSONFileLoader.load_file
        def load_file(self, file_path):
            loads.append(file_path)
            return real(self, file_path)
        botocore.loaders.JSONFileLoader.load_file = load_file

        for name in package.__all__:
            getattr(package, name)
        import moto_connect_persistent.responses, moto_connect_persistent.participant.responses
        import moto_connect_persistent.server
        from moto_connect_persistent.registration import register_routes
        register_routes()
        print([path for path in loads if "service-2" in path])
        print("flask" in sys.modules)
        """
    )
    assert out.splitlines() == ["[]", "[]", "False"]


#: Records every parse of a service model, and whether this package asked for it.
PARSE_COUNTER = """
import collections, os, traceback
os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
import botocore.loaders
ours = collections.Counter()
real = botocore.loaders.JSONFileLoader.load_file
def load_file(self, file_path):
    data = real(self, file_path)
    if data is not None and file_path.endswith("/service-2"):
        stack = [frame.filename for frame in traceback.extract_stack()]
        if any("moto_connect_persistent" in name for name in stack):
            ours[file_path.split("/")[-3]] += 1
    return data
botocore.loaders.JSONFileLoader.load_file = load_file
"""

CALLS = """
def calls(connect, participant):
    iid = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    seed_chat_session(iid, contact_id="C1").end()
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="f", ParticipantDetails={"DisplayName": "c"}
    )
    connect.create_persistent_contact_association(
        InstanceId=iid, InitialContactId=chat["ContactId"],
        RehydrationType="ENTIRE_PAST_SESSION", SourceContactId="C1",
    )
    connect.describe_contact(InstanceId=iid, ContactId=chat["ContactId"])
    connect.get_contact_attributes(InstanceId=iid, InitialContactId=chat["ContactId"])
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="x")
    participant.get_transcript(ConnectionToken=token)
"""


def test_the_package_reuses_the_model_its_users_client_loaded() -> None:
    """Clients made with ``boto3.client(...)`` load their model through boto3's default
    session; the package reads it from that session's loader and parses nothing itself
    (it used to make one botocore session, and one parse, per operation)."""
    out = run_python(
        PARSE_COUNTER
        + """
import boto3
from moto_connect_persistent import mock_connect_persistent, seed_chat_session
"""
        + CALLS
        + """
with mock_connect_persistent():
    calls(boto3.client("connect", "us-east-1"), boto3.client("connectparticipant", "us-east-1"))
print(ours["connect"], ours["connectparticipant"])
"""
    )
    assert out.split() == ["0", "0"]


def test_each_service_model_is_parsed_once_per_process() -> None:
    """Without a default session to share (clients of an explicit session, server mode), the
    package parses each model at most once, for every operation and every later mock."""
    out = run_python(
        PARSE_COUNTER
        + """
import boto3
from moto_connect_persistent import mock_connect_persistent, seed_chat_session
"""
        + CALLS
        + """
for _ in range(2):
    with mock_connect_persistent():
        session = boto3.session.Session(region_name="us-east-1")
        calls(session.client("connect"), session.client("connectparticipant"))
print(ours["connect"], ours["connectparticipant"])
"""
    )
    # At most once: on moto 5.1.21 moto's own connect handler has already parsed the connect
    # model through the loader this package shares, so the package parses it zero times there.
    assert [int(count) <= 1 for count in out.split()] == [True, True], out
    assert out.split()[1] == "1", out


def test_the_plugins_default_account_is_motos() -> None:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    from moto_connect_persistent import pytest_plugin

    assert pytest_plugin.DEFAULT_ACCOUNT_ID == DEFAULT_ACCOUNT_ID


def test_a_module_imported_afresh_gets_its_hook_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytester drops the modules a run imported and the next run imports moto afresh: each
    new route table must get the routes again (a hook that ran once left it without)."""
    from moto_connect_persistent.post_import import when_imported

    folder = tmp_path
    (folder / "w12_watched_table.py").write_text("TABLE = []\n")
    monkeypatch.syspath_prepend(str(folder))
    when_imported("w12_watched_table", lambda module: module.TABLE.append("ours"))

    import w12_watched_table  # type: ignore[import-not-found]

    assert w12_watched_table.TABLE == ["ours"]
    del sys.modules["w12_watched_table"]
    import w12_watched_table as again  # type: ignore[import-not-found]

    assert again is not w12_watched_table and again.TABLE == ["ours"]
    del sys.modules["w12_watched_table"]


@pytest.mark.parametrize("first", ["connect", "connectparticipant", "seeding"])
def test_the_console_scripts_first_request_can_be_any_of_the_plugins(first: str) -> None:
    """moto's server builds a service's app, from the route tables, on that service's first
    request: whichever service the very first request of a fresh server names, the plugin's
    routes are already in its table (the hooks ran when the server imported it)."""
    import boto3
    import requests
    from support import running_server

    # It waits for Werkzeug's "listening" line: no request is made before the first below.
    with running_server() as (_, url):
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        if first == "seeding":
            answer = requests.post(f"{url}/moto-api/connect-persistent/clear_faults", json={})
            assert answer.status_code == 200, answer.text
        else:
            client = boto3.client(first, "us-east-1", endpoint_url=url, **credentials)
            if first == "connect":
                call, kwargs, code = (
                    client.describe_contact,
                    {"InstanceId": "no-such-instance", "ContactId": "C1"},
                    "ResourceNotFoundException",
                )
            else:
                call, kwargs, code = (
                    client.get_transcript,
                    {"ConnectionToken": "no-such-token"},
                    "AccessDeniedException",
                )
            with pytest.raises(client.exceptions.ClientError) as raised:
                call(**kwargs)
            assert raised.value.response["Error"]["Code"] == code
