"""The pytest plugin, as a user meets it: test files that only name its fixtures."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in-process on the files made; without hypothesis' plugin, which would
    import all of hypothesis afresh in each run (pytester drops modules a run imported)."""
    return pytester.runpytest("-p", "no:hypothesispytest", *args)


CHAIN = """
def associate(client, instance_id, contact_id, rehydration, source):
    return client.create_persistent_contact_association(
        InstanceId=instance_id,
        InitialContactId=contact_id,
        RehydrationType=rehydration,
        SourceContactId=source,
    )["ContinuedFromContactId"]


def new_chat(client, instance_id):
    return client.start_chat_contact(
        InstanceId=instance_id, ContactFlowId="f", ParticipantDetails={"DisplayName": "c"}
    )["ContactId"]
"""


def test_a_test_that_only_names_the_fixtures_works(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CHAIN
        + """
def test_both_use_cases(connect_client, connect_instance_id, seed_chat):
    seed_chat("C1").transfer(contact_id="C2").disconnect_flow(contact_id="C3").end()

    assert associate(
        connect_client, connect_instance_id, new_chat(connect_client, connect_instance_id),
        "FROM_SEGMENT", "C2",
    ) == "C2"
    assert associate(
        connect_client, connect_instance_id, new_chat(connect_client, connect_instance_id),
        "ENTIRE_PAST_SESSION", "C1",
    ) == "C3"
"""
    )

    run(pytester, "--strict-markers").assert_outcomes(passed=1)


def test_the_fixtures_come_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(connect_client):\n    pass\n")

    result = run(pytester, "-p", "no:moto_connect_persistent")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'connect_client' not found*"])


def test_each_test_starts_from_empty_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.parametrize("run", [1, 2])
def test_seed_the_same_ids(run, connect_client, connect_instance_id, seed_chat):
    assert seed_chat("C1").contact_ids == ["C1"]
    assert len(connect_client.list_instances()["InstanceSummaryList"]) == 1
"""
    )

    run(pytester).assert_outcomes(passed=2)


def test_marker_sets_region_and_account_for_every_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import boto3
import pytest

@pytest.mark.connect_persistent(region="eu-west-2", account_id="111122223333")
def test_marked(connect_region, connect_account_id, connect_instance_id, seed_chat):
    session = seed_chat("C1")
    # Code under test that builds its own client, without a region, lands here too.
    client = boto3.client("connect")
    contact = client.describe_contact(InstanceId=connect_instance_id, ContactId="C1")
    assert contact["Contact"]["Arn"].startswith("arn:aws:connect:eu-west-2:111122223333:")
    assert (connect_region, connect_account_id) == ("eu-west-2", "111122223333")
    assert session.contact_ids == ["C1"]

def test_unmarked(connect_region, connect_account_id, connect_instance_id):
    assert (connect_region, connect_account_id) == ("us-east-1", "123456789012")
"""
    )

    run(pytester, "--strict-markers").assert_outcomes(passed=2)


def test_marker_on_a_class_applies_to_its_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.connect_persistent(region="us-west-2")
class TestOregon:
    def test_region(self, connect_client, connect_region):
        assert connect_client.meta.region_name == connect_region == "us-west-2"
"""
    )

    run(pytester).assert_outcomes(passed=1)


def test_a_misspelt_marker_argument_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.connect_persistent(regoin="eu-west-2")
def test_typo(connect_client):
    pass
"""
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes keyword arguments region, account_id only*regoin*"])


def test_overriding_the_region_fixture_in_a_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest

@pytest.fixture
def connect_region():
    return "ap-southeast-2"
"""
    )
    pytester.makepyfile(
        """
def test_sydney(connect_instance_id, connect_client, seed_chat):
    seed_chat("C1")
    arn = connect_client.describe_contact(
        InstanceId=connect_instance_id, ContactId="C1"
    )["Contact"]["Arn"]
    assert arn.startswith("arn:aws:connect:ap-southeast-2:")
"""
    )

    run(pytester).assert_outcomes(passed=1)


def test_nests_with_the_users_own_mock_aws_fixture_either_way(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
import boto3
import pytest
from moto import mock_aws

@pytest.fixture
def aws():
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="user-bucket")
        yield

def buckets():
    s3 = boto3.client("s3", region_name="us-east-1")
    return [b["Name"] for b in s3.list_buckets()["Buckets"]]

def test_users_mock_first(aws, connect_instance_id, seed_chat):
    session = seed_chat("C1").end()
    assert buckets() == ["user-bucket"]
    assert session.contact_ids == ["C1"]

def test_plugin_first(connect_instance_id, seed_chat, aws):
    session = seed_chat("C1").end()
    assert buckets() == ["user-bucket"]
    assert session.contact_ids == ["C1"]
"""
    )

    run(pytester).assert_outcomes(passed=2)


def test_state_is_per_xdist_worker(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        """
import os
import pytest

@pytest.mark.parametrize("n", range(3))
def test_in_process(n, connect_client, connect_instance_id, seed_chat):
    assert os.environ["PYTEST_XDIST_WORKER"]
    seed_chat("C1").transfer(contact_id="C2").end()
    assert len(connect_client.list_instances()["InstanceSummaryList"]) == 1

@pytest.mark.parametrize("n", range(2))
def test_server(n, connect_server_url):
    from moto_connect_persistent import seed_chat_session
    import boto3
    client = boto3.client("connect", endpoint_url=connect_server_url)
    iid = client.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InboundCallsEnabled=True,
        OutboundCallsEnabled=True,
    )["Id"]
    assert seed_chat_session(iid, contact_id="C1", endpoint_url=connect_server_url).contact_ids
    assert len(client.list_instances()["InstanceSummaryList"]) == 1
"""
    )

    run(pytester, "-n", "2", "-p", "no:cacheprovider").assert_outcomes(passed=5)
