"""The operations table (``moto_connect_persistent/operations.py``) is data copied from
botocore's models: it must match the installed botocore, and every row must have a handler.
The documentation's coverage page (``docs/coverage.md``) is generated from the table with it."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def coverage_pages() -> tuple[Any, str]:
    """The generator's staleness rule, and the page it renders for the installed versions."""
    script = runpy.run_path(str(GENERATOR))
    return script["coverage_is_stale"], script["render_coverage"](script["current_names"]())


def test_a_coverage_page_of_other_versions_is_fresh_while_its_plugin_rows_agree() -> None:
    """A botocore release that adds an operation the mock does not answer (CI installs the
    newest) leaves the page fresh enough: it says who answers what for the versions it names,
    and its ✓ plugin rows are still the table's."""
    coverage_is_stale, fresh = coverage_pages()
    older = re.sub(r"Made from botocore \S+", "Made from botocore 0.0.1", fresh)
    newer_than_page = fresh.replace("| `ActivateEvaluationForm` | ✗ |\n", "")
    page = re.sub(r"Made from botocore \S+", "Made from botocore 0.0.1", newer_than_page)
    assert page != fresh
    assert not coverage_is_stale(page, fresh)
    assert not coverage_is_stale(older, fresh)


def test_a_coverage_page_is_stale_when_it_names_the_installed_versions_or_other_plugin_rows() -> (
    None
):
    """Made from the installed botocore and moto, the page must be exactly what they generate;
    made from any, its ✓ plugin rows must be the table's."""
    coverage_is_stale, fresh = coverage_pages()
    missing_row = fresh.replace("| `ActivateEvaluationForm` | ✗ |\n", "")
    assert coverage_is_stale(missing_row, fresh)
    unversioned = re.sub(r"Made from botocore .*\n", "", fresh)
    assert coverage_is_stale(unversioned, fresh)
    plugin_row = re.search(r"^\| `\w+` \| ✓ plugin \|$", fresh, re.MULTILINE)
    assert plugin_row
    unmarked = fresh.replace(plugin_row[0], plugin_row[0].replace("✓ plugin", "✗"))
    older_unmarked = re.sub(r"Made from botocore \S+", "Made from botocore 0.0.1", unmarked)
    assert coverage_is_stale(older_unmarked, fresh)
