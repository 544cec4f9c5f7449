"""A chat-to-SMS bridge, tested the way a team tests theirs.

Amazon Connect streams the chat to an SNS topic (``ChatStreamingConfiguration``); an SQS queue
subscribed to the topic feeds the bridge; the bridge texts the customer what the agent writes
and says goodbye when the chat ends. Under the mock, Connect publishes into moto's own SNS, so
the queue, the filter policy and the SMS are all moto's.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import settings
from moto.sns.models import sns_backends

from moto_connect_persistent import chat_session

CHAT_ENDED = "application/vnd.amazonaws.connect.event.chat.ended"


# --------------------------------------------------------------------------- the code under test


def forward_to_sms(sqs: Any, sns: Any, connect: Any, queue_url: str, instance_id: str) -> int:
    """Drain the bridge's queue: text each agent message to the customer's phone (a contact
    attribute set when the chat started); returns how many SMS were sent.

    The customer-side rule is the documented one: MessageVisibility CUSTOMER or ALL, and not
    the customer's own messages; the subscription's filter policy already applies it, the
    bridge checks again as the documentation recommends for code facing the customer.
    """
    sent = 0
    for _ in range(100):  # bounded: a worker drains what is there and returns
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            item = json.loads(message["Body"])
            visibility = message["MessageAttributes"]["MessageVisibility"]["StringValue"]
            for_customer = (
                visibility in ("CUSTOMER", "ALL") and item["ParticipantRole"] != "CUSTOMER"
            )
            if for_customer and (item["Type"] == "MESSAGE" or item["ContentType"] == CHAT_ENDED):
                phone = connect.get_contact_attributes(
                    InstanceId=instance_id, InitialContactId=item["InitialContactId"]
                )["Attributes"]["customerPhone"]
                text = item.get("Content") if item["Type"] == "MESSAGE" else "Chat ended. Bye!"
                sns.publish(PhoneNumber=phone, Message=text)
                sent += 1
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return sent


# --------------------------------------------------------------------------- the test


@pytest.fixture
def bridge_queue(connect_persistent_mock: None, connect_region: str) -> dict[str, str]:
    """The infrastructure the bridge runs on: a standard topic, and a queue subscribed to it
    with raw delivery and the customer-side filter policy."""
    sns = boto3.client("sns", region_name=connect_region)
    sqs = boto3.client("sqs", region_name=connect_region)
    topic_arn = sns.create_topic(Name="chat-stream")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="sms-bridge")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    policy = {"ParticipantRole": [{"anything-but": "CUSTOMER"}]}
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps(policy)},
    )
    return {"topic_arn": topic_arn, "queue_url": queue_url}


# moto's own idiom: a test that reads a backend in-process cannot run against a server.
@pytest.mark.skipif(settings.TEST_SERVER_MODE, reason="reads moto's SNS backend in-process")
def test_the_customer_gets_the_agents_messages_by_sms(
    connect_client: Any,
    connect_instance_id: str,
    connect_region: str,
    connect_account_id: str,
    bridge_queue: dict[str, str],
) -> None:
    chat = connect_client.start_chat_contact(
        InstanceId=connect_instance_id,
        ContactFlowId="sms-inbound",
        ParticipantDetails={"DisplayName": "Ann"},
        Attributes={"customerPhone": "+15555550100"},
        ChatStreamingConfiguration={"StreamingEndpointArn": bridge_queue["topic_arn"]},
    )
    participant = boto3.client("connectparticipant", region_name=connect_region)
    token = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content="Hi, help?")
    # The agent answers from the CCP: the test plays the agent with the seeding API.
    chat_session(connect_instance_id, chat["ContactId"]).message(
        "AGENT", "Hello Ann, your order ships today."
    ).transfer().message("AGENT", "Anything else?").end()

    sent = forward_to_sms(
        boto3.client("sqs", region_name=connect_region),
        boto3.client("sns", region_name=connect_region),
        connect_client,
        bridge_queue["queue_url"],
        connect_instance_id,
    )

    texts = list(sns_backends[connect_account_id][connect_region].sms_messages.values())
    assert sent == 3
    assert texts == [
        ("+15555550100", "Hello Ann, your order ships today."),
        ("+15555550100", "Anything else?"),
        ("+15555550100", "Chat ended. Bye!"),
    ]
