"""A post-chat Lambda, fed by the EventBridge rule that triggers it in production.

The handler below is what a team deploys: on a chat's DISCONNECTED contact event it reads
the contact (attributes and ChatMetrics) with DescribeContact and files a summary. In the
test, the rule's target is an SQS queue; each message the queue gets is the event EventBridge
would hand the Lambda, so the test calls the handler with it. Self-contained: copy it
anywhere. Uses the plugin's fixtures (``connect_client``, ``connect_instance_id``,
``connect_region``, ``seed_chat``); runs in-process and in server mode alike.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from moto_connect_persistent.pytest_plugin import SeedChat

RULE = "post-chat"


# ---------------------------------------------------------------- the code under test


def post_chat_handler(event: dict[str, Any], context: Any = None) -> dict[str, Any] | None:
    """Lambda handler: a summary of each chat contact that ended, None for other events."""
    detail = event["detail"]
    if detail["eventType"] != "DISCONNECTED" or detail["channel"] != "CHAT":
        return None
    instance_id = detail["instanceArn"].rsplit("/", 1)[1]
    connect = boto3.client("connect", region_name=event["region"])
    contact = connect.describe_contact(InstanceId=instance_id, ContactId=detail["contactId"])
    metrics = contact["Contact"]["ChatMetrics"]
    return {
        "contactId": detail["contactId"],
        "initialContactId": detail["initialContactId"],
        "tier": contact["Contact"].get("Attributes", {}).get("tier"),
        "customerMessages": metrics["CustomerMetrics"]["MessagesSent"],
        "agentAnswered": "AgentMetrics" in metrics,
    }


# ---------------------------------------------------------------- the test


@pytest.fixture
def lambda_events(connect_client: Any, connect_region: str) -> Any:
    """The rule as deployed (chat contact events), its target an SQS queue standing in for
    the Lambda: returns a function that hands back the events delivered so far."""
    events = boto3.client("events", region_name=connect_region)
    sqs = boto3.client("sqs", region_name=connect_region)
    queue_url = sqs.create_queue(QueueName=RULE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    pattern = {
        "source": ["aws.connect"],
        "detail-type": ["Amazon Connect Contact Event"],
        "detail": {"channel": ["CHAT"]},
    }
    events.put_rule(Name=RULE, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=RULE, Targets=[{"Id": "post-chat-lambda", "Arn": queue_arn}])

    def delivered() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for _ in range(20):
            batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
            messages = batch.get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return found

    return delivered


def test_post_chat_lambda_summarises_every_ended_segment(
    connect_client: Any, connect_instance_id: str, seed_chat: SeedChat, lambda_events: Any
) -> None:
    chat = seed_chat("C1", agent_id="agent-1").message("CUSTOMER", "Where is my order?")
    connect_client.update_contact_attributes(
        InstanceId=connect_instance_id, InitialContactId="C1", Attributes={"tier": "gold"}
    )
    chat.message("AGENT", "It ships today.").transfer(contact_id="C2").end()

    summaries = [post_chat_handler(event) for event in lambda_events()]

    assert [s for s in summaries if s is not None] == [
        {
            "contactId": "C1",
            "initialContactId": "C1",
            "tier": "gold",
            "customerMessages": 1,
            "agentAnswered": True,
        },
        {
            "contactId": "C2",
            "initialContactId": "C1",
            "tier": "gold",
            "customerMessages": 0,
            "agentAnswered": False,
        },
    ]
