"""``mock_connect_persistent``: moto's ``mock_aws`` with this plugin's routes in place.

It wraps ``mock_aws`` rather than subclassing ``MockAWS``: moto counts nesting per class, and
a subclass nested in ``mock_aws`` stopped mocking silently. Wrapping shares moto's one counter,
so both mocks nest either way round and reset state together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from moto import mock_aws
from moto.core.models import MockAWS

from .registration import register_routes

F = TypeVar("F", bound=Callable[..., Any])


@overload
def mock_connect_persistent(func: F) -> F: ...


@overload
def mock_connect_persistent(func: None = None, *, config: Any = None) -> MockAWS: ...


def mock_connect_persistent(func: F | None = None, *, config: Any = None) -> F | MockAWS:
    """Decorator (bare or called), class decorator or context manager, exactly as ``mock_aws``."""
    register_routes()
    if func is not None:
        return cast(F, mock_aws(func))
    return mock_aws(config=config)


def mock_is_active() -> bool:
    """True while any moto mock (ours or ``mock_aws``) is started in this process."""
    return MockAWS._nested_count > 0
