"""Routes of the persistent-chat operations, in moto's ``url_bases`` / ``url_paths`` form.

Built from the operations table, so importing this loads neither a service model nor the
wire: :func:`connect_dispatch` imports the wire on the first request.
"""

from __future__ import annotations

from typing import Any

from .routing import catch_all, url_patterns

url_bases = [r"https?://connect\.(.+)\.amazonaws\.com"]


def connect_dispatch(request: Any, full_url: str, headers: Any) -> Any:
    """moto's handler for our Connect routes: the response class's ``dispatch``, imported
    when first needed. (Not named ``dispatch``: moto's server reads ``__self__`` off those.)"""
    from .responses import ConnectPersistentResponse

    return ConnectPersistentResponse.dispatch(request, full_url, headers)


#: One pattern per operation path, then catch-alls for every other path starting ``/contact``
#: (``/contacts`` too) and for the storage-config paths a client makes of an empty or ``.``
#: instance id (``/instance/storage-config``), which moto's own connect does not serve, so
#: that they get a JSON error, not a bare or (server mode) HTML 404.
URL_PATTERNS = url_patterns("connect") + [
    catch_all("/contact"),
    catch_all("/instance/storage-config"),
]

url_paths = {pattern: connect_dispatch for pattern in URL_PATTERNS}
