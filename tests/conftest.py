"""Fixtures shared by the test modules (the plugin's own fixtures are tested separately)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from hypothesis import settings
from support import REGION, make_instance

from moto_connect_persistent import mock_connect_persistent

# Property tests (hypothesis) must say how to replay what they found. In CI (CI set and not
# "false"/"0") every run tests the same examples (derandomize: a red CI is a bug, not bad luck)
# and a failure prints its @reproduce_failure blob. Elsewhere each run draws from one seed,
# printed in the header (rerun with --hypothesis-seed=N) and handed to the xdist workers
# through the environment; failing examples also stay in .hypothesis/ and are tried first next
# time.
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if IN_CI else "dev")
SEED_VARIABLE = "MOTO_CONNECT_PERSISTENT_HYPOTHESIS_SEED"


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own pytest_configure reads the option
def pytest_configure(config: pytest.Config) -> None:
    if IN_CI or config.getoption("hypothesis_seed", None) is not None:
        return
    # The controller picks the seed; workers (started after this hook) inherit the variable.
    seed = os.environ.setdefault(SEED_VARIABLE, str(random.SystemRandom().randrange(2**32)))
    config.option.hypothesis_seed = seed


def pytest_report_header(config: pytest.Config) -> str:
    if IN_CI:
        return "hypothesis: profile ci (CI is set): derandomized, failures print a blob"
    seed = config.getoption("hypothesis_seed")
    return f"hypothesis: seed {seed} (replay this run's examples: --hypothesis-seed={seed})"


@pytest.fixture
def connect() -> Iterator[Any]:
    """A boto3 connect client with the mock active for the test."""
    with mock_connect_persistent():
        yield boto3.client("connect", region_name=REGION)


@pytest.fixture
def unvalidated(connect: Any) -> Any:
    """A client that sends whatever it is given, as raw HTTP callers can."""
    return boto3.client("connect", region_name=REGION, config=Config(parameter_validation=False))


@pytest.fixture
def iid(connect: Any) -> str:
    return make_instance(connect)
