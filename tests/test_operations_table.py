"""The operations table (``moto_connect_persistent/operations.py``) is data copied from
botocore's models: it must match the installed botocore, and every row must have a handler.
The documentation's coverage page (``docs/coverage.md``) is generated from the table with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from botocore import xform_name

from moto_connect_persistent.operations import OPERATIONS
from moto_connect_persistent.participant.responses import ParticipantResponse
from moto_connect_persistent.responses import ConnectPersistentResponse

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "generate_operations.py"

RESPONSE_CLASSES = {
    "connect": ConnectPersistentResponse,
    "connectparticipant": ParticipantResponse,
}


def test_the_table_and_the_coverage_page_are_what_the_installed_botocore_generates() -> None:
    """Regenerated from the installed botocore's models, the file is unchanged (no drift in
    any method or request URI, no hand edit): the routes are what boto3 sends. The coverage
    page, regenerated from the table, botocore's operation list and moto's own connect
    handlers, is unchanged too: it lists every operation and marks what answers it."""
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("service", "operation"),
    [(service, name) for service, table in OPERATIONS.items() for name in table],
)
def test_every_operation_of_the_table_has_a_handler(service: str, operation: str) -> None:
    """moto calls the response method named after the operation in snake_case."""
    assert callable(getattr(RESPONSE_CLASSES[service], xform_name(operation), None))
