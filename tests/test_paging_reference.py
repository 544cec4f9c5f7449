"""GetTranscript's pages against a reference model, over random chats and random paging.

The mock finds a page by bisection in indexed logs (so a page costs the same in a chat of
20 items as in one of 10,000). This test proves the speed changed nothing: a deliberately
simple model builds each chat's whole item lists from the stored segments and slices them
as docs/transcripts.md's "Paging" rules say, and every page sequence the mock answers through boto3
must equal the model's -- items, their ContactId/RelatedContactId, where NextToken appears,
and which requests are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ACCOUNT, REGION, make_instance

from moto_connect_persistent import (
    chat_session,
    connect_persistent_backends,
    mock_connect_persistent,
    seed_chat_session,
)
from moto_connect_persistent.chat.clock import iso8601

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
Entry = tuple[str, str, str]  # (Id, "ContactId" or "RelatedContactId", the contact id)
Pages = list[tuple[list[Entry], bool]] | str  # pages (items, has NextToken), or an error code


# ----------------------------------------------------------------------------- the model


@dataclass
class Reference:
    """A chat as plain lists: its own items oldest first (per segment) and its visible past
    newest first, straight from the stored segments."""

    segments: dict[str, list[Any]]  # segment id -> items oldest first, in segment order
    past: list[Any]  # the visible past, newest first

    def current(self, contact_id: str | None) -> list[Any]:
        return [
            item
            for segment, items in self.segments.items()
            if contact_id is None or segment == contact_id
            for item in items
        ]

    def pages(self, request: dict[str, Any]) -> Pages:
        """The Paging rules of docs/transcripts.md, by slicing whole lists."""
        current = self.current(request.get("ContactId"))
        start = request.get("StartPosition") or {}
        given_fields = [k for k in ("Id", "AbsoluteTime", "MostRecent") if k in start]
        direction = request.get("ScanDirection") or ("FORWARD" if given_fields else "BACKWARD")
        limit = request.get("MaxResults", 10)
        if given_fields == ["Id"]:
            ids = [item.id for item in current]
            if start["Id"] not in ids:
                return "ValidationException"
            index = ids.index(start["Id"])
        elif given_fields == ["MostRecent"]:
            index = len(current) - 1 - start["MostRecent"]
            index = max(index, 0) if direction == "FORWARD" else index
        elif given_fields == ["AbsoluteTime"]:
            moment = datetime.fromisoformat(start["AbsoluteTime"].replace("Z", "+00:00"))
            if direction == "BACKWARD":
                index = max((i for i, it in enumerate(current) if it.at <= moment), default=-1)
            else:
                index = min(
                    (i for i, it in enumerate(current) if it.at >= moment), default=len(current)
                )
        else:
            index = len(current) - 1 if direction == "BACKWARD" else 0
        if direction == "FORWARD":
            own = [(item, True) for item in current[index:]]
            chunks = chunked(own, limit)
            return [(page, more) for page, more in order(chunks, request, natural="ASCENDING")]
        own = [(item, True) for item in reversed(current[: max(index + 1, 0)])]
        past = [(item, False) for item in self.past]
        # The current session's pages; its last one leads into the past only by its token.
        pages = chunked(own, limit) if own else [([], False)]
        last_items, _ = pages[-1]
        pages[-1] = (last_items, bool(past))
        if past:
            pages += chunked(past, limit)
        return list(order(pages, request, natural="DESCENDING"))


def chunked(entries: list[tuple[Any, bool]], limit: int) -> list[tuple[list[Any], bool]]:
    pages = [entries[i : i + limit] for i in range(0, len(entries), limit)] or [[]]
    return [(page, number < len(pages) - 1) for number, page in enumerate(pages)]


def order(
    pages: list[tuple[list[tuple[Any, bool]], bool]], request: dict[str, Any], natural: str
) -> list[tuple[list[Entry], bool]]:
    out = []
    for page, more in pages:
        entries = [
            (item.id, "ContactId" if current else "RelatedContactId", item.contact_id)
            for item, current in page
        ]
        if (request.get("SortOrder") or "DESCENDING") != natural:
            entries.reverse()
        out.append((entries, more))
    return out


# ----------------------------------------------------------------------------- the mock


def mock_pages(client: Any, token: str, request: dict[str, Any], bound: int) -> Pages:
    pages: list[tuple[list[Entry], bool]] = []
    call = dict(request)
    for _ in range(bound):
        try:
            answer = client.get_transcript(ConnectionToken=token, **call)
        except client.exceptions.ClientError as err:
            return str(err.response["Error"]["Code"])
        entries = [
            (i["Id"], key, i[key])
            for i in answer["Transcript"]
            for key in ("ContactId", "RelatedContactId")
            if key in i
        ]
        pages.append((entries, "NextToken" in answer))
        if "NextToken" not in answer:
            return pages
        call = {"NextToken": answer["NextToken"], "MaxResults": call.get("MaxResults", 10)}
        if "SortOrder" in request:
            call["SortOrder"] = request["SortOrder"]
    raise AssertionError("NextToken never ran out")


# ----------------------------------------------------------------------------- random chats

segment_messages = st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=3)


@st.composite
def chats(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "older_past": draw(st.none() | segment_messages),
        "past": draw(segment_messages),
        "link": draw(st.sampled_from([None, "FROM_SEGMENT", "ENTIRE_PAST_SESSION", "LATER"])),
        "current": draw(segment_messages),
        # Clock steps between items, in ms: 0 makes items share an AbsoluteTime.
        "ticks": draw(st.lists(st.sampled_from([0, 1, 2, 1000]), max_size=30)),
    }


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    request: dict[str, Any] = {}
    for name, values in (
        ("ScanDirection", ["FORWARD", "BACKWARD", "BACKWARD"]),
        ("SortOrder", ["ASCENDING", "DESCENDING"]),
    ):
        value = draw(st.none() | st.sampled_from(values))
        if value is not None:
            request[name] = value
    limit = draw(st.none() | st.integers(min_value=1, max_value=12))
    if limit is not None:
        request["MaxResults"] = limit
    request["_start"] = draw(
        st.sampled_from(
            [None, "empty", "Id", "past Id", "AbsoluteTime", "AbsoluteTime", "MostRecent"]
        )
    )
    request["_pick"] = draw(st.integers(min_value=0, max_value=10_000))
    # AbsoluteTime: an item's own time (the edge), just beside it, or between far items.
    request["_offset_ms"] = draw(st.sampled_from([0, 0, 0, -1, 1, -5000]))
    request["_most_recent"] = draw(st.integers(min_value=0, max_value=25))
    request["_segment"] = draw(st.none() | st.integers(min_value=0, max_value=5))
    return request


_clients: dict[str, Any] = {}


def client_of(service: str) -> Any:
    """One client per service for every example: making a boto3 client costs more than the
    calls of an example, and moto routes a client's calls whenever a mock is active."""
    if service not in _clients:
        _clients[service] = boto3.client(service, region_name=REGION)
    return _clients[service]


def seed_session(iid: str, messages: list[int], clock: Any, ticks: list[int]) -> Any:
    session = seed_chat_session(iid)
    for number, count in enumerate(messages):
        if number:
            session.transfer()
        for index in range(count):
            clock.tick(timedelta(milliseconds=ticks.pop() if ticks else 1))
            session.message("AGENT", f"{number}.{index}")
    return session


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(chat=chats(), request=requests())
def test_pages_match_the_reference_model(chat: dict[str, Any], request: dict[str, Any]) -> None:
    ticks = list(chat["ticks"])
    with mock_connect_persistent(), freeze_time(START) as clock:
        connect = client_of("connect")
        iid = make_instance(connect)
        if chat["older_past"] is not None:
            older = seed_session(iid, chat["older_past"], clock, ticks).end()
        past = seed_session(iid, chat["past"], clock, ticks)
        if chat["older_past"] is not None:
            connect.create_persistent_contact_association(
                InstanceId=iid,
                InitialContactId=past.current_contact_id,
                RehydrationType="ENTIRE_PAST_SESSION",
                SourceContactId=older.initial_contact_id,
            )
        past.end()
        link = chat["link"]
        persistent = (
            {"RehydrationType": link, "SourceContactId": past.contact_ids[0]}
            if link == "FROM_SEGMENT"
            else {"RehydrationType": link, "SourceContactId": past.initial_contact_id}
            if link == "ENTIRE_PAST_SESSION"
            else None
        )
        started = connect.start_chat_contact(
            InstanceId=iid,
            ContactFlowId="flow",
            ParticipantDetails={"DisplayName": "Ann"},
            **({"PersistentChat": persistent} if persistent else {}),
        )
        root = started["ContactId"]
        session = chat_session(iid, root)
        for number, count in enumerate(chat["current"]):
            if number:
                clock.tick(timedelta(milliseconds=ticks.pop() if ticks else 1))
                session.transfer()
            for index in range(count):
                clock.tick(timedelta(milliseconds=ticks.pop() if ticks else 1))
                session.message("AGENT", f"now {number}.{index}")
        if link == "LATER":
            connect.create_persistent_contact_association(
                InstanceId=iid,
                InitialContactId=session.current_contact_id,
                RehydrationType="ENTIRE_PAST_SESSION",
                SourceContactId=past.initial_contact_id,
            )
        client = client_of("connectparticipant")
        token = client.create_participant_connection(
            ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]

        backend = connect_persistent_backends[ACCOUNT][REGION]
        stored = backend.core.transcripts
        reference = Reference(
            segments={
                cid: list(stored.log(iid, cid)) for cid in backend.session_contact_ids(iid, root)
            },
            past=[
                item
                for cid in backend.visible_past(iid, root)
                for item in reversed(stored.log(iid, cid))
            ],
        )
        wire = {k: v for k, v in request.items() if not k.startswith("_")}
        segments = list(reference.segments)
        if request["_segment"] is not None:
            wire["ContactId"] = segments[request["_segment"] % len(segments)]
        own = reference.current(wire.get("ContactId"))
        everything = reference.current(None)
        kind = request["_start"]
        if kind == "empty":
            wire["StartPosition"] = {}
        elif kind == "Id" and everything:
            wire["StartPosition"] = {"Id": everything[request["_pick"] % len(everything)].id}
        elif kind == "past Id" and reference.past:
            wire["StartPosition"] = {
                "Id": reference.past[request["_pick"] % len(reference.past)].id
            }
        elif kind == "AbsoluteTime" and everything:
            moment = everything[request["_pick"] % len(everything)].at
            wire["StartPosition"] = {
                "AbsoluteTime": iso8601(moment + timedelta(milliseconds=request["_offset_ms"]))
            }
        elif kind == "MostRecent":
            wire["StartPosition"] = {"MostRecent": request["_most_recent"]}

        bound = len(own) + len(reference.past) + 5
        assert mock_pages(client, token, wire, bound) == reference.pages(wire)
