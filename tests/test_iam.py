"""IAM through real boto3 with moto's enforcement on: denied, allowed, and limited to one instance.

moto checks ``connect:<Operation>`` against the caller's policies once
``set_initial_no_auth_action_count`` runs out of free calls; the resource is the ARN of the
instance the call names. Setup (instances, users, keys) spends exactly the free calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from calls import calls, seed_chats
from moto.core import set_initial_no_auth_action_count
from support import ACCOUNT, REGION, expect_error, make_instance

from moto_connect_persistent import mock_connect_persistent
from moto_connect_persistent.operations import OPERATIONS

#: connect:<Operation> for every operation the mock adds.
ACTIONS = [f"connect:{operation}" for operation in OPERATIONS["connect"]]

#: Calls made before enforcement starts: 2 instances + 3 users + 2 policies + 3 access keys.
SETUP_CALLS = 10


@dataclass
class World:
    allowed: str  # instance id the scoped principal may act on
    other: str  # instance id it may not
    nobody: Any  # a client whose principal has no connect permission
    operator: Any  # every action, on every resource
    scoped: Any  # every action, on ``allowed`` only


def instance_arn(instance_id: str) -> str:
    return f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{instance_id}"


def principal(iam: Any, name: str, statement: dict[str, Any] | None) -> Any:
    iam.create_user(UserName=name)
    if statement is not None:
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}
        iam.put_user_policy(UserName=name, PolicyName="connect", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client(
        "connect",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def enforced(test: Callable[[World], None]) -> None:
    """Run ``test`` in a fresh mock whose IAM checks start right after the setup calls."""

    @set_initial_no_auth_action_count(SETUP_CALLS)
    @mock_connect_persistent
    def run() -> None:
        admin = boto3.client("connect", region_name=REGION)
        iam = boto3.client("iam", region_name=REGION)
        allowed, other = make_instance(admin), make_instance(admin)
        for instance in (allowed, other):
            seed_chats(instance)  # seeding is in-process: it spends no free calls
        world = World(
            allowed=allowed,
            other=other,
            nobody=principal(iam, "nobody", None),
            operator=principal(iam, "operator", {"Action": ACTIONS, "Resource": "*"}),
            scoped=principal(
                iam,
                "scoped",
                {
                    "Action": ACTIONS,
                    "Resource": [instance_arn(allowed), instance_arn(allowed) + "/*"],
                },
            ),
        )
        test(world)

    run()


def test_a_principal_without_the_action_is_denied_every_operation() -> None:
    def check(world: World) -> None:
        for operation, call in calls(world.nobody, world.allowed).items():
            message = expect_error(call, "AccessDeniedException", 403, f"connect:{operation}")
            assert "user/nobody" in message

    enforced(check)


def test_a_principal_with_the_actions_may_call_every_operation() -> None:
    def check(world: World) -> None:
        answers = {op: call() for op, call in calls(world.operator, world.allowed).items()}
        assert answers["CreatePersistentContactAssociation"]["ContinuedFromContactId"] == "C1"
        assert answers["DescribeContact"]["Contact"]["Id"] == "C1"
        assert answers["ListAssociatedContacts"]["ContactSummaryList"][0]["ContactId"] == "C1"

    enforced(check)


def test_a_policy_on_one_instance_does_not_reach_another() -> None:
    def check(world: World) -> None:
        for operation, call in calls(world.scoped, world.other).items():
            expect_error(call, "AccessDeniedException", 403, operation)
        answers = {op: call() for op, call in calls(world.scoped, world.allowed).items()}
        assert answers["StartChatContact"]["ContactId"]

    enforced(check)


def test_one_missing_action_denies_only_that_operation() -> None:
    def check(world: World) -> None:
        expect_error(
            lambda: world.nobody.create_persistent_contact_association(
                InstanceId=world.allowed,
                InitialContactId="NEW",
                RehydrationType="FROM_SEGMENT",
                SourceContactId="C1",
            ),
            "AccessDeniedException",
            403,
            "connect:CreatePersistentContactAssociation",
        )
        # The refused call linked nothing: the operator can still make the association.
        answer = calls(world.operator, world.allowed)["CreatePersistentContactAssociation"]()
        assert answer["ContinuedFromContactId"] == "C1"

    enforced(check)


def test_access_denied_is_json_with_the_error_type_header() -> None:
    """moto answers IAM refusals in XML; the plugin sends what Connect sends."""

    def check(world: World) -> None:
        try:
            world.nobody.describe_contact(InstanceId=world.allowed, ContactId="C1")
        except world.nobody.exceptions.AccessDeniedException as denied:
            headers = denied.response["ResponseMetadata"]["HTTPHeaders"]
            assert headers["x-amzn-errortype"] == "AccessDeniedException"
            assert headers["content-type"].startswith("application/json")
        else:
            raise AssertionError("describe_contact was not denied")

    enforced(check)


def test_a_wrong_secret_key_is_refused_as_an_invalid_signature() -> None:
    def check(world: World) -> None:
        forged = boto3.client(
            "connect",
            region_name=REGION,
            aws_access_key_id=world.operator._request_signer._credentials.access_key,
            aws_secret_access_key="not-the-secret",
        )
        expect_error(
            lambda: forged.describe_contact(InstanceId=world.allowed, ContactId="C1"),
            "InvalidSignatureException",
            403,
        )

    enforced(check)
