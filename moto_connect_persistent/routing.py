"""Request URIs of the operations table as path regexes, for moto's url tables and the wire.

Both ``urls.py`` (what moto hands to us) and ``responses.py`` (which operation a request is)
match with the same patterns, built from :mod:`.operations` (data), so neither needs a
botocore service model.
"""

from __future__ import annotations

import re

from .operations import OPERATIONS

#: (HTTP method, operation, compiled ``^<path regex>``) of one operation.
Route = tuple[str, str, "re.Pattern[str]"]


def path_pattern(request_uri: str) -> str:
    """``/contacts/{InstanceId}/{ContactId}`` -> a regex with one named group per label.

    A label may be empty, so ``/contacts//C1`` reaches the input checks (a 400 naming the
    member) instead of moto's bare "Not yet implemented" 404.
    """
    path = request_uri.split("?")[0]
    return re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]*)", path) + "$"


def routes(service: str) -> list[Route]:
    """The service's operations as routes, those with fewer labels first: a literal path
    segment beats a label that would also match it."""
    table = OPERATIONS[service]
    ordered = sorted(table.items(), key=lambda item: (item[1][1].count("{"), item[1][1]))
    return [(method, name, re.compile("^" + path_pattern(uri))) for name, (method, uri) in ordered]


def url_patterns(service: str) -> list[str]:
    """One moto ``url_paths`` pattern per distinct path (``{0}`` is moto's URL base)."""
    return sorted({"{0}" + path_pattern(uri) for _, uri in OPERATIONS[service].values()})
