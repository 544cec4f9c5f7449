"""The benchmark command still runs end to end (tiny ``--quick`` mode; no timing is judged),
the start-up and memory sections included (one fresh process per side in quick mode).

Benchmarks are run by hand and their figures recorded in ``benchmarks/README.md``; this only
keeps the script from rotting as the package changes under it.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"

#: Every ratio the issue asks for, by the start of its row name.
EXPECTED = (
    "create_persistent_contact_association FROM_SEGMENT / moto describe_instance",
    "create_persistent_contact_association ENTIRE_PAST_SESSION / floor",
    "start_chat_contact / moto describe_instance",
    "describe_contact / floor",
    "association, ",
    "ENTIRE_PAST_SESSION, ",
    "memory per seeded ",
    "seeding throughput, public seed_chat_session",
    "enter+leave mock_connect_persistent / mock_aws",
    "describe_contact, 1 thread",
    "create_persistent_contact_association, 8 threads",
    "first page (chatjs default), ",
    "page of the past (NextToken), ",
    "read receipt, ",
    "whole transcript read per item, ",
    "pytest, a test not using the plugin: installed / -p no:moto_connect_persistent",
    "python -c 'import moto_connect_persistent' / 'import moto'",
    "first association after the mock starts / moto's first describe_instance",
    "server: time to first answered call, ours / moto_server",
    "added by the package after import and first call, MiB",
    "idle server RSS, moto-connect-persistent-server / moto_server",
    "send_message streaming on / off (1 SQS subscriber)",
    "start_chat_contact events+records on / off",
    "send_message events+records on / off",
)


def test_quick_run_prints_and_writes_every_ratio(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    names = [row["name"] for row in results["results"]]
    for expected in EXPECTED:
        assert any(name.startswith(expected) for name in names), (expected, names)
        assert expected.split(" / ")[0] in done.stdout
    for row in results["results"]:
        if "(estimate)" in row["name"]:
            # A difference of timings: in a quick run on a busy machine it may fall below zero.
            assert math.isfinite(row["value"]), row
        else:
            assert row["value"] > 0, row
        assert ("target" in row) == ("met" in row), row
    assert results["machine"]["moto"] and results["quick"] is True
