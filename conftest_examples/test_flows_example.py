"""A chat run by the team's own flows: deploy the exported flow JSON, register the Lambda
and the Lex bots as Python, and watch the chat live its whole life.

The story: the inbound flow greets the customer, looks them up with a Lambda, asks the help
bot, sets the post-chat survey as the disconnect flow and queues the chat (C1). Agent a1
takes it and transfers it to a2 (C2); a2 leaves; the survey flow runs (C3), its bot asks for
a rating, and the chat ends. Then the customer returns: a persistent chat continues the whole
past session, another continues from C2 alone.

The flows live in ``flows/`` as a team keeps them (exported JSON, with ``${...}`` where the
deployment fills in ARNs, as CloudFormation or Terraform would).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest

from moto_connect_persistent import chat_session, flow_log, register_lambda, register_lex_bot

FLOWS = Path(__file__).parent / "flows"
ACCOUNT = "123456789012"
LOOKUP = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:customer-lookup"
HELP_BOT = f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/HELPBOT001/LIVEALIAS1"
SURVEY_BOT = f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/SURVEYBOT1/LIVEALIAS2"
SUPPORT_QUEUE = "support-queue-id"
#: Where the deployment fills in an ARN: ``${SurveyFlowArn}``.
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


# ---------------------------------------------------------------- the team's own code


def customer_lookup(event: dict[str, Any], context: Any) -> dict[str, str]:
    """The Lambda the inbound flow calls: a flat map of strings is what Connect accepts."""
    customer_id = event["Details"]["Parameters"]["customerId"]
    return {"tier": "gold" if customer_id.startswith("VIP") else "standard"}


def close(intent: str, **slots: str) -> dict[str, Any]:
    """A RecognizeText answer that ends the conversation with ``intent``."""
    return {
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {
                "name": intent,
                "state": "Fulfilled",
                "slots": {k: {"value": {"interpretedValue": v}} for k, v in slots.items()},
            },
        },
        "messages": [],
    }


def help_bot(request: dict[str, Any]) -> dict[str, Any]:
    """The help bot: everything goes to an agent in this example."""
    return close("TalkToAgent")


def survey_bot(request: dict[str, Any]) -> dict[str, Any]:
    """The survey bot: a rating from 1 to 5, asked again until it gets one."""
    text = request["text"].strip()
    if text in {"1", "2", "3", "4", "5"}:
        return close("Rating", Rating=text)
    return {
        "sessionState": {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Rating"},
            "intent": {"name": "Rating", "state": "InProgress"},
        },
        "messages": [{"contentType": "PlainText", "content": "Please answer from 1 to 5."}],
    }


# ---------------------------------------------------------------- the test


def deploy(connect: Any, instance_id: str, name: str, file: str, **arns: str) -> dict[str, Any]:
    """Deploy a flow file, its ``${Name}`` placeholders filled in (a missing one: KeyError)."""
    content = PLACEHOLDER.sub(lambda m: arns[m.group(1)], (FLOWS / file).read_text())
    created: dict[str, Any] = connect.create_contact_flow(
        InstanceId=instance_id, Name=name, Type="CONTACT_FLOW", Content=content
    )
    return created


def connect_customer(participant: Any, participant_token: str) -> str:
    token: str = participant.create_participant_connection(
        ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    return token


def say(participant: Any, token: str, text: str) -> None:
    participant.send_message(ConnectionToken=token, ContentType="text/plain", Content=text)


def texts(participant: Any, token: str) -> list[str]:
    """The messages the customer's chat shows, oldest first."""
    items = participant.get_transcript(
        ConnectionToken=token, SortOrder="ASCENDING", MaxResults=100
    )["Transcript"]
    return [item["Content"] for item in items if item["Type"] == "MESSAGE"]


@pytest.fixture
def flows(connect_client: Any, connect_instance_id: str) -> str:
    """The team's flows deployed and its handlers registered; the inbound flow's id."""
    register_lambda(LOOKUP, customer_lookup)
    register_lex_bot(HELP_BOT, help_bot)
    register_lex_bot(SURVEY_BOT, survey_bot)
    survey = deploy(
        connect_client,
        connect_instance_id,
        "Post-chat survey",
        "post_chat_survey.json",
        SurveyBotAliasArn=SURVEY_BOT,
    )
    inbound = deploy(
        connect_client,
        connect_instance_id,
        "Inbound chat",
        "inbound_chat.json",
        CustomerLookupFunctionArn=LOOKUP,
        SurveyFlowArn=survey["ContactFlowArn"],
        HelpBotAliasArn=HELP_BOT,
        SupportQueueArn=SUPPORT_QUEUE,
    )
    flow_id: str = inbound["ContactFlowId"]
    return flow_id


def test_a_chat_lives_its_whole_life_through_the_teams_flows(
    connect_client: Any, connect_instance_id: str, flows: str
) -> None:
    connect, iid = connect_client, connect_instance_id
    participant = boto3.client("connectparticipant", region_name="us-east-1")

    # C1: the inbound flow greets, looks the customer up, asks the bot, queues the chat.
    chat = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=flows,
        ParticipantDetails={"DisplayName": "Ann"},
        Attributes={"customerName": "Ann", "customerId": "VIP-42"},
    )
    c1 = chat["ContactId"]
    customer = connect_customer(participant, chat["ParticipantToken"])
    assert texts(participant, customer) == [
        "Welcome to Example Co, Ann!",
        "What can we help you with today?",
    ]
    say(participant, customer, "I'd like to talk to someone")
    contact = connect.describe_contact(InstanceId=iid, ContactId=c1)["Contact"]
    assert contact["QueueInfo"]["Id"] == SUPPORT_QUEUE
    attributes = connect.get_contact_attributes(InstanceId=iid, InitialContactId=c1)
    assert attributes["Attributes"]["tier"] == "gold"
    assert [step.action for step in flow_log(c1)] == [
        "greet", "lookup", "remember", "survey", "bot", "bot", "queue", "transfer",
    ]  # fmt: skip

    # C2: agent a1 takes the chat and transfers it to a2; a2 leaves.
    session = chat_session(iid, c1)
    session.connect_agent("a1")
    session.transfer(agent_id="a2")
    session.disconnect_agent()

    # C3: the disconnect flow's survey asks through its bot, keeps the rating, ends the chat.
    _, c2, c3 = session.contact_ids
    survey = connect.describe_contact(InstanceId=iid, ContactId=c3)["Contact"]
    assert survey["InitiationMethod"] == "DISCONNECT"
    say(participant, customer, "great")
    assert texts(participant, customer)[-1] == "Please answer from 1 to 5."
    say(participant, customer, "5")
    survey = connect.describe_contact(InstanceId=iid, ContactId=c3)["Contact"]
    assert survey["DisconnectReason"] == "CONTACT_FLOW_DISCONNECT"
    attributes = connect.get_contact_attributes(InstanceId=iid, InitialContactId=c1)
    assert attributes["Attributes"]["surveyRating"] == "5"

    # The customer returns: the whole past session, continued from its last segment...
    returning = connect.start_chat_contact(
        InstanceId=iid,
        ContactFlowId=flows,
        ParticipantDetails={"DisplayName": "Ann"},
        Attributes={"customerName": "Ann", "customerId": "VIP-42"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": c1},
    )
    again = connect.describe_contact(InstanceId=iid, ContactId=returning["ContactId"])
    assert again["Contact"]["RelatedContactId"] == c3

    # ...or, for a new chat, continued from the agent's segment alone.
    other = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId=flows, ParticipantDetails={"DisplayName": "Ann"}
    )
    associated = connect.create_persistent_contact_association(
        InstanceId=iid,
        InitialContactId=other["ContactId"],
        RehydrationType="FROM_SEGMENT",
        SourceContactId=c2,
    )
    assert associated["ContinuedFromContactId"] == c2
