"""Test-only controls with no AWS equivalent (docs/failure-paths.md): faults,
settle time, the mock's clock, the Python stand-ins (Lambda functions, Lex bots) flows call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import flow_callbacks
from .exceptions import ConnectError
from .flow_handlers import LAMBDA, LEX_BOT, arn_account_region
from .flow_lambda import FUNCTION_ARN
from .lex_bots import LexBotHandler, alias_parts
from .mock import test_server_endpoint
from .seeding import LocalSeeder, RemoteSeeder, seeder_for


def inject_fault(
    operation: str,
    error_code: str,
    *,
    count: int = 1,
    instance_id: str | None = None,
    message: str | None = None,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> None:
    """Make the next ``count`` calls of ``operation`` fail with ``error_code``, as AWS would.

    ``error_code`` must be one the operation's model lists (its modeled HTTP status is sent);
    ``instance_id`` limits the fault to calls on that instance; ``message`` replaces the
    default ``Message``. Faults fire after IAM and before input validation, oldest first.
    """
    arguments: dict[str, object] = {
        "operation": operation,
        "error_code": error_code,
        "count": count,
        "instance_id": instance_id,
    }
    if message is not None:
        arguments["message"] = message
    seeder_for(region_name, account_id, endpoint_url).call("inject_fault", **arguments)


def clear_faults(
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> None:
    """Disarm every injected fault of the account and region."""
    seeder_for(region_name, account_id, endpoint_url).call("clear_faults")


def set_settle_time(
    seconds: float,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> None:
    """docs/persistent-chat.md, rule 8: refuse rehydration sources that ended less than ``seconds``
    ago (0 = off)."""
    seeder_for(region_name, account_id, endpoint_url).call("set_settle_time", seconds=seconds)


def require_stored_transcripts(
    strict: bool = True,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> None:
    """Strict persistent chat: a rehydrated chat shows only past segments whose transcript is
    in the instance's CHAT_TRANSCRIPTS bucket, as in Amazon Connect. Off by default, so
    persistent chat works without any storage configured."""
    seeder_for(region_name, account_id, endpoint_url).call(
        "set_transcript_storage_strict", strict=strict
    )


def advance_clock(
    seconds: float,
    *,
    region_name: str | None = None,
    account_id: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    """Move the mock's clock ``seconds`` ahead and fire, in due order, every timer that falls
    due (chat durations, participant idle and auto-disconnect timers) before returning the
    new time (ISO 8601). Every timestamp the mock writes follows that clock. The clock is the
    process's (the server's, with ``endpoint_url``), for every account and region; moto's
    reset puts it back. ``region_name`` / ``account_id`` only choose the backend that
    answers."""
    now: str = seeder_for(region_name, account_id, endpoint_url).call(
        "advance_clock", seconds=seconds
    )
    return now


def register_lambda(
    function_arn: str,
    handler: Callable[[dict[str, Any], Any], Any],
    *,
    endpoint_url: str | None = None,
) -> None:
    """Make a flow's ``InvokeLambdaFunction`` of ``function_arn`` call ``handler(event,
    context)`` as Lambda would (docs/contact-flows.md, "Lambda functions").

    The handler belongs to the account and region the ARN names, and moto's reset forgets it:
    register it inside the mock. A handler registered for an ARN without a version or alias
    answers every version and alias of the function. With ``endpoint_url`` (or under moto's
    ``TEST_SERVER_MODE``) the handler stays in this process, served on a loopback port, and
    the server calls it back there (:mod:`.flow_callbacks`).
    """
    match = FUNCTION_ARN.fullmatch(function_arn)
    if match is None:
        raise ValueError(
            f"{function_arn!r} is not a Lambda function ARN "
            "(arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>])."
        )
    region, account = match.group("region"), match.group("account")
    _register(LAMBDA, "function_arn", function_arn, account, region, handler, endpoint_url)


def register_lex_bot(
    bot_alias_arn: str, handler: LexBotHandler, *, endpoint_url: str | None = None
) -> None:
    """Make a flow's ``ConnectParticipantWithLexBot`` of ``bot_alias_arn`` call
    ``handler(request) -> answer`` for each customer message, both shaped as Lex V2
    ``RecognizeText``'s request and response (docs/contact-flows.md, "Lex bots").

    As ``register_lambda``: the handler belongs to the account and region the ARN names, moto's
    reset forgets it (register inside the mock), and with ``endpoint_url`` (or under moto's
    ``TEST_SERVER_MODE``) it stays in this process, served on a loopback port the server calls
    back (:mod:`.flow_callbacks`).
    """
    try:
        alias_parts(bot_alias_arn)
    except ConnectError as refused:
        raise ValueError(refused.message) from None
    parts = arn_account_region(bot_alias_arn)
    assert parts is not None  # alias_parts checked its shape
    account, region = parts
    _register(LEX_BOT, "bot_alias_arn", bot_alias_arn, account, region, handler, endpoint_url)


def _register(
    kind: str,
    arn_name: str,
    arn: str,
    account: str,
    region: str,
    handler: Callable[..., Any],
    endpoint_url: str | None,
) -> None:
    """A flow handler of ``kind`` for ``arn``: in the backend of its account and region, or,
    against a server, served here on loopback and registered there by URL
    (``register_<kind>_callback``, whose ARN argument is ``arn_name``)."""
    remote = endpoint_url or test_server_endpoint()
    if remote:
        url = flow_callbacks.serve(remote, arn, handler)
        method = f"register_{kind.replace('-', '_')}_callback"
        RemoteSeeder(remote, region, account).call(method, **{arn_name: arn, "callback_url": url})
        return
    LocalSeeder(region, account).backend.handlers.register(kind, arn, handler)
