"""Stress the end of a chat on its websocket: nothing offered before the close may be lost.

    python scripts/stress-websocket-close.py [--chats 400] [--workers 8] [--load N] [--seconds 300]

Starts ``--chats`` chats in-process (``mock_connect_persistent``), each with a customer
websocket subscribed to ``aws/chat``, and ends them, cycling through four ways a chat ends:

- ``customer``: DisconnectParticipant -> ``participant.left`` (CUSTOMER), ``chat.ended``
- ``stop``: StopContact -> ``chat.ended``
- ``agent``: an agent joins (seeded transfer), leaves for the disconnect flow
  (``participant.left`` AGENT), the flow's segment ends -> ``chat.ended``
- ``seeded``: the seeding API's ``end()`` -> ``chat.ended``

``--workers`` chats run at once while ``--load`` CPU-bound processes (default: one per core)
compete for the machine, the condition under which a lost ``chat.ended`` was seen. Every socket
must read ``participant.left`` where one applies, then ``chat.ended`` as its last item, then
close 1000. Bounded: it stops after ``--chats`` chats or ``--seconds``, whichever comes first,
and the load processes end with it. Exits 1 if any socket lost anything (or nothing ran).
Loopback only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from moto_connect_persistent import chat_session, mock_connect_persistent

REGION = "us-east-1"
EVENT = "application/vnd.amazonaws.connect.event."
LEFT, ENDED = EVENT + "participant.left", EVENT + "chat.ended"
SUBSCRIBE = json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
WAIT = 30.0

#: How each kind of ending is expected to look at its end: (role that left, or None).
KINDS = {"customer": "CUSTOMER", "stop": None, "agent": "AGENT", "seeded": None}


def burn(until: float) -> None:
    """One CPU-bound load process, bounded in time."""
    while time.monotonic() < until:
        pass


def end_chat(kind: str, connect: Any, participant: Any, iid: str, chat: dict[str, Any]) -> None:
    contact_id = chat["ContactId"]
    if kind == "customer":
        participant.disconnect_participant(ConnectionToken=chat["ConnectionToken"])
    elif kind == "stop":
        connect.stop_contact(InstanceId=iid, ContactId=contact_id)
    elif kind == "agent":
        chat_session(iid, contact_id).transfer(agent_id="a1").disconnect_flow().end()
    else:
        chat_session(iid, contact_id).end()


def one_chat(kind: str, connect: Any, participant: Any, iid: str) -> str | None:
    """Run one chat to its end; None if the socket saw what it must, else what went wrong."""
    chat = connect.start_chat_contact(
        InstanceId=iid, ContactFlowId="flow", ParticipantDetails={"DisplayName": "Ann"}
    )
    answer = participant.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"]
    )
    chat["ConnectionToken"] = answer["ConnectionCredentials"]["ConnectionToken"]
    items: list[dict[str, Any]] = []
    with ws_connect(answer["Websocket"]["Url"], open_timeout=WAIT, close_timeout=WAIT) as socket:
        socket.send(SUBSCRIBE)
        json.loads(socket.recv(timeout=WAIT))  # the subscription's answer
        end_chat(kind, connect, participant, iid, chat)
        try:
            while True:
                frame = json.loads(socket.recv(timeout=WAIT))
                items.append(json.loads(frame["content"]))
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return f"{kind}: no close within {WAIT} s after {len(items)} items"
    types = [item.get("ContentType") for item in items]
    if not types or types[-1] != ENDED:
        return f"{kind}: last item {types[-1:] or 'none'} is not chat.ended ({types})"
    if types.count(ENDED) != 1:
        return f"{kind}: chat.ended pushed {types.count(ENDED)} times"
    role = KINDS[kind]
    if role is not None and not any(
        item.get("ContentType") == LEFT and item.get("ParticipantRole") == role
        for item in items[:-1]
    ):
        return f"{kind}: no participant.left of the {role} before chat.ended ({types})"
    if code != 1000:
        return f"{kind}: closed with {code}, not 1000"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=400)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2, help="CPU-bound processes")
    parser.add_argument("--seconds", type=float, default=300.0, help="stop starting chats after")
    args = parser.parse_args()

    deadline = time.monotonic() + args.seconds
    load = [
        multiprocessing.Process(target=burn, args=(deadline + WAIT,), daemon=True)
        for _ in range(args.load)
    ]
    for process in load:
        process.start()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    try:
        with mock_connect_persistent():
            connect = boto3.client("connect", region_name=REGION)
            participant = boto3.client("connectparticipant", region_name=REGION)
            iid = connect.create_instance(
                IdentityManagementType="CONNECT_MANAGED",
                InboundCallsEnabled=True,
                OutboundCallsEnabled=True,
            )["Id"]
            kinds = itertools.islice(itertools.cycle(KINDS), args.chats)

            def run(kind: str) -> tuple[str, str | None]:
                if time.monotonic() > deadline:
                    return kind, "skipped"
                return kind, one_chat(kind, connect, participant, iid)

            with ThreadPoolExecutor(args.workers) as pool:
                for kind, failure in pool.map(run, kinds):
                    if failure == "skipped":
                        outcomes["skipped"] += 1
                    elif failure is None:
                        outcomes[kind] += 1
                    else:
                        outcomes["lost"] += 1
                        failures.append(failure)
    finally:
        for process in load:
            process.terminate()
            process.join()
    ran = sum(outcomes[kind] for kind in KINDS) + outcomes["lost"]
    print(
        f"{ran} chats in {time.monotonic() - started:.1f} s with {args.load} load processes, "
        f"{args.workers} at once: "
        + ", ".join(f"{kind} ok {outcomes[kind]}" for kind in KINDS)
        + f", lost {outcomes['lost']}, skipped {outcomes['skipped']}"
    )
    for failure in failures[:20]:
        print("LOST:", failure)
    if failures or ran == 0:
        print("FAILED: a socket lost an item before its close" if failures else "FAILED: no chat")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
