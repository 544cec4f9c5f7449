"""unittest style: the class decorator mocks every test; setUp runs inside the mock too."""

from __future__ import annotations

import unittest

import boto3

from moto_connect_persistent import mock_connect_persistent, seed_chat_session


@mock_connect_persistent
class PersistentChatTest(unittest.TestCase):
    def setUp(self) -> None:
        # moto resets state before setUp, so each test starts from this seed only.
        self.client = boto3.client("connect", region_name="us-east-1")
        self.instance_id = self.client.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
        )["Id"]
        seed_chat_session(self.instance_id, contact_id="C1").transfer(
            contact_id="C2"
        ).disconnect_flow(contact_id="C3").end()
        self.new_chat = self.client.start_chat_contact(
            InstanceId=self.instance_id,
            ContactFlowId="inbound-chat-flow",
            ParticipantDetails={"DisplayName": "Customer"},
        )["ContactId"]

    def associate(self, rehydration: str, source: str) -> str:
        response = self.client.create_persistent_contact_association(
            InstanceId=self.instance_id,
            InitialContactId=self.new_chat,
            RehydrationType=rehydration,
            SourceContactId=source,
        )
        continued_from: str = response["ContinuedFromContactId"]
        return continued_from

    def test_from_segment(self) -> None:
        self.assertEqual(self.associate("FROM_SEGMENT", "C2"), "C2")

    def test_entire_past_session(self) -> None:
        self.assertEqual(self.associate("ENTIRE_PAST_SESSION", "C1"), "C3")

    def test_a_chat_is_continued_only_once(self) -> None:
        self.associate("FROM_SEGMENT", "C2")
        with self.assertRaises(self.client.exceptions.InvalidRequestException):
            self.associate("FROM_SEGMENT", "C1")
