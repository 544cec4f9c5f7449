"""Participant Service routes, in moto's ``url_bases`` / ``url_paths`` form.

moto has no participant service of its own; :func:`~..registration.register_participant_routes`
places these in the moto service that its server already picks for ``execute-api``-signed
requests (see that function for why). Built from the operations table, like ``..urls``.
"""

from __future__ import annotations

from typing import Any

from ..routing import catch_all, url_patterns

url_bases = [r"https?://participant\.connect\.(.+)\.amazonaws\.com"]


def participant_dispatch(request: Any, full_url: str, headers: Any) -> Any:
    """moto's handler for the Participant Service routes; imports the wire on first use."""
    from .responses import ParticipantResponse

    return ParticipantResponse.dispatch(request, full_url, headers)


#: One pattern per operation path, plus a catch-all for every other path starting
#: ``/participant`` so that operations the mock lacks get a clear answer of its own.
URL_PATTERNS = url_patterns("connectparticipant") + [catch_all("/participant")]

url_paths = {pattern: participant_dispatch for pattern in URL_PATTERNS}
