"""``mock_connect_persistent``: moto's ``mock_aws`` with this plugin's routes in place.

It wraps ``mock_aws`` rather than subclassing ``MockAWS``: moto counts nesting per class, and
a subclass nested in ``mock_aws`` stopped mocking silently. Wrapping shares moto's one counter,
so both mocks nest either way round and reset state together.

Under moto's ``TEST_SERVER_MODE=true`` the same wrapping gives moto's server-mode mock: it
patches nothing in-process, points new boto3 clients at ``TEST_SERVER_MODE_ENDPOINT`` and
resets that server; the seeding API and the controls follow it there over HTTP
(:func:`test_server_endpoint`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from moto import mock_aws, settings
from moto.core.models import MockAWS, ServerModeMockAWS

from .exceptions import ConnectError
from .faults import check_settle_seconds, pop_settle_default, push_settle_default

F = TypeVar("F", bound=Callable[..., Any])


@overload
def mock_connect_persistent(func: F) -> F: ...


@overload
def mock_connect_persistent(
    func: None = None, *, config: Any = None, settle_seconds: float | None = None
) -> MockAWS: ...


def mock_connect_persistent(
    func: F | None = None, *, config: Any = None, settle_seconds: float | None = None
) -> F | MockAWS:
    """Decorator (bare or called), class decorator or context manager, exactly as ``mock_aws``.

    ``settle_seconds`` (docs/persistent-chat.md, rule 8) holds for every account and region while
    this mock is
    started, and ends with it; ``None`` keeps the enclosing mock's setting (off by default).
    """
    if func is not None:
        return cast(F, mock_aws(func))
    mock = mock_aws(config=config)
    if settle_seconds is not None:
        if test_server_endpoint() is not None:
            raise ValueError(
                "settle_seconds= holds in this process only; under TEST_SERVER_MODE call "
                "set_settle_time(seconds) in the test, which sets it on the server."
            )
        _with_settle_time(mock, settle_seconds)
    return mock


def _with_settle_time(mock: MockAWS, seconds: float) -> None:
    """Hook the mock's own start/stop, which its decorator and context-manager forms all call.

    Set on the instance, not by subclassing MockAWS (see the module docstring).
    """
    try:
        check_settle_seconds(seconds)  # refuse a bad value here, not at the first start
    except ConnectError as err:
        raise ValueError(err.message) from None
    start, stop = mock.start, mock.stop

    def start_with_settle_time(reset: bool = True) -> None:
        start(reset=reset)
        push_settle_default(seconds)

    def stop_with_settle_time(remove_data: bool = True) -> None:
        pop_settle_default()
        stop(remove_data=remove_data)

    mock.start = start_with_settle_time  # type: ignore[method-assign]
    mock.stop = stop_with_settle_time  # type: ignore[method-assign]


def mock_is_active() -> bool:
    """True while any moto mock (ours or ``mock_aws``) is started in this process.

    moto counts nesting per mock class: the server-mode mock keeps its own count.
    """
    return MockAWS._nested_count > 0 or ServerModeMockAWS._nested_count > 0


def test_server_endpoint() -> str | None:
    """The server a ``TEST_SERVER_MODE=true`` run talks to (moto's ``TEST_SERVER_MODE_ENDPOINT``,
    default ``http://localhost:5000``); ``None`` when mocks run in this process."""
    if not settings.TEST_SERVER_MODE:
        return None
    endpoint: str = settings.test_server_mode_endpoint()
    return endpoint
