"""``read_transcript`` and the ``connectparticipant_client`` fixture, through boto3.

The API reference of GetTranscript: ``NextToken`` — "Use the value returned previously in the
next subsequent request to retrieve the next set of results"; ``ScanDirection`` — "Default:
BACKWARD when no StartPosition is provided, FORWARD with StartPosition". The Admin Guide: "The
initial call to GetTranscript on a newly started persistent chat session contains a NextToken
in the response, if past chat messages exist. NextToken must be used to access the past chat
transcript along with setting the ScanDirection to BACKWARD". So the whole conversation of a
persistent chat is never one page: the helper follows the tokens a client would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from moto_connect_persistent import chat_session, read_transcript
from moto_connect_persistent.pytest_plugin import SeedChat

#: The conversation, oldest first: (segment, role, text). C1 -> C2 -> C3 is the past session;
#: N1 -> N2 the persistent chat that continues it.
PAST = [
    ("C1", "CUSTOMER", "my order is late"),
    ("C1", "AGENT", "let me transfer you"),
    ("C2", "AGENT", "it ships tomorrow"),
    ("C2", "CUSTOMER", "thanks"),
    ("C3", "CUSTOM_BOT", "how did we do?"),
]
CURRENT = [("N1", "CUSTOMER", "hello again"), ("N1", "CUSTOMER", "did it ship?")]
AFTER_TRANSFER = [("N2", "CUSTOMER", "still there?")]


@dataclass
class Chat:
    token: str  # the customer's ConnectionToken
    root: str  # N1's contact id, chosen by StartChatContact


class Calls:
    """Counts the GetTranscript calls a client made (boto3's after-call event)."""

    def __init__(self, client: Any) -> None:
        self.count = 0
        client.meta.events.register(
            "after-call.connectparticipant.GetTranscript", self._seen, unique_id=str(id(self))
        )

    def _seen(self, **_: Any) -> None:
        self.count += 1


@pytest.fixture
def chat(
    seed_chat: SeedChat,
    connect_client: Any,
    connect_instance_id: str,
    connectparticipant_client: Any,
) -> Chat:
    """The customer of N1 -> N2, a persistent chat of C1 -> C2 -> C3."""
    session = seed_chat("C1")
    for segment, role, text in PAST:
        if segment != session.current_contact_id:
            if segment == "C2":
                session.transfer(contact_id="C2")
            else:
                session.disconnect_flow(contact_id="C3")
        session.message(role, text)
    session.end()
    started = connect_client.start_chat_contact(
        InstanceId=connect_instance_id,
        ContactFlowId="inbound-chat-flow",
        ParticipantDetails={"DisplayName": "Customer"},
        PersistentChat={"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "C1"},
    )
    token: str = connectparticipant_client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    for _, _, text in CURRENT:
        connectparticipant_client.send_message(
            ConnectionToken=token, ContentType="text/plain", Content=text
        )
    chat_session(connect_instance_id, started["ContactId"]).transfer(contact_id="N2")
    for _, _, text in AFTER_TRANSFER:
        connectparticipant_client.send_message(
            ConnectionToken=token, ContentType="text/plain", Content=text
        )
    return Chat(token, started["ContactId"])


def messages(items: list[dict[str, Any]], chat: Chat) -> list[tuple[str, str]]:
    """(segment, text) of the MESSAGE items: the segment is the item's ContactId (current
    session) or RelatedContactId (the past), the current root named N1."""
    found = []
    for item in items:
        if item["Type"] == "MESSAGE":
            contact = item.get("ContactId") or item["RelatedContactId"]
            found.append(("N1" if contact == chat.root else contact, item["Content"]))
    return found


def conversation(*parts: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(segment, text) for part in parts for segment, _, text in part]


def test_the_whole_conversation_newest_first_across_pages(
    chat: Chat, connectparticipant_client: Any
) -> None:
    calls = Calls(connectparticipant_client)

    items = read_transcript(connectparticipant_client, chat.token, page_size=2)

    assert (
        messages(items, chat)
        == conversation(CURRENT, AFTER_TRANSFER)[::-1] + conversation(PAST)[::-1]
    )
    current = [item for item in items if "ContactId" in item]
    # Each session ends its own pages: the current one, then the past through its NextToken.
    assert calls.count == -(-len(current) // 2) + -(-(len(items) - len(current)) // 2)
    assert calls.count > 2
    assert len({item["Id"] for item in items}) == len(items)


def test_full_pages_give_the_same_items_in_fewer_calls(
    chat: Chat, connectparticipant_client: Any
) -> None:
    small = read_transcript(connectparticipant_client, chat.token, page_size=3)
    calls = Calls(connectparticipant_client)

    large = read_transcript(connectparticipant_client, chat.token)

    assert [item["Id"] for item in large] == [item["Id"] for item in small]
    assert calls.count == 2  # the current session, then the past through its NextToken


def test_ascending_is_the_same_transcript_oldest_first(
    chat: Chat, connectparticipant_client: Any
) -> None:
    newest_first = read_transcript(connectparticipant_client, chat.token, page_size=4)

    oldest_first = read_transcript(
        connectparticipant_client, chat.token, sort_order="ASCENDING", page_size=4
    )

    assert oldest_first == newest_first[::-1]
    assert messages(oldest_first, chat)[:2] == conversation(PAST)[:2]


@pytest.mark.parametrize(("sort_order", "order"), [("DESCENDING", 1), ("ASCENDING", -1)])
def test_a_start_position_reads_forward_to_the_newest_item(
    chat: Chat, connectparticipant_client: Any, sort_order: Any, order: int
) -> None:
    """With a StartPosition the scan is FORWARD: from that item to the newest, never the
    past; the items still come in ``sort_order``."""
    newest_first = read_transcript(connectparticipant_client, chat.token)

    forward = read_transcript(
        connectparticipant_client,
        chat.token,
        start_position={"MostRecent": 4},
        sort_order=sort_order,
        page_size=2,
    )

    assert forward == newest_first[:5][::order]


def test_contact_id_limits_the_current_session_to_one_segment(
    chat: Chat, connectparticipant_client: Any
) -> None:
    items = read_transcript(
        connectparticipant_client, chat.token, contact_id=chat.root, page_size=2
    )

    assert messages(items, chat) == conversation(CURRENT)[::-1] + conversation(PAST)[::-1]


@pytest.mark.parametrize("page_size", [0, 101])
def test_a_page_size_outside_get_transcripts_range_is_refused(
    chat: Chat, connectparticipant_client: Any, page_size: int
) -> None:
    with pytest.raises(ValueError, match="page_size must be 1 to 100"):
        read_transcript(connectparticipant_client, chat.token, page_size=page_size)
