"""The stress scripts still run end to end, tiny and without load (nothing is timed here).

Their full runs (hundreds of chats beside CPU-bound load) are made by hand; this keeps them
from rotting as the package changes under them, and checks that they judge what they see.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def test_websocket_close_stress_ends_every_kind_of_chat_and_loses_nothing() -> None:
    """Each of the four ways a chat ends is run and its socket judged: chat.ended last, after
    the leaving participant's participant.left where one applies, then close 1000."""
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "stress-websocket-close.py"), "--chats", "8", "--load", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.splitlines()[0]
    assert summary.startswith("8 chats in "), summary
    for kind in ("customer", "stop", "agent", "seeded"):
        assert f"{kind} ok 2" in summary, summary
    assert "lost 0" in summary, summary
