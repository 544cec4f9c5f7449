"""Request URIs of the operations table as path regexes, for moto's url tables and the wire.

Both ``urls.py`` (what moto hands to us) and ``responses.py`` (which operation a request is)
match with the same patterns, built from :mod:`.operations` (data), so neither needs a
botocore service model.
"""

from __future__ import annotations

import re

from .operations import OPERATIONS

#: What a route pattern may hold outside its ``(?P<name>...)`` groups: characters that mean the
#: same to Python's ``re`` (in-process, moto matches ``url_paths`` as regexes) and to werkzeug
#: (moto's server turns each pattern into a Flask rule in which only named groups stay regexes,
#: so ``\-``, ``s?`` or ``.*`` are taken literally there and the route never matches).
ROUTE_LITERAL = re.compile(r"[A-Za-z0-9/_-]*")

#: Path labels that may hold an ARN, and so ``/``: DescribeContactFlow's "Use the $SAVED alias
#: in the request ... For example, arn:aws:.../contact-flow/{id}:$SAVED" [doc].
#: boto3 sends the ARN's slashes as ``%2F``; moto 5.1 decodes them before routing (its server
#: and in-process), so the label must match them decoded too. No ``(`` inside: moto's server
#: cuts a named group at its first ``)``.
ARN_LABELS = {"ContactFlowId": "arn:.+|[^/]*"}

#: (HTTP method, operation, compiled ``^<path regex>``) of one operation.
Route = tuple[str, str, "re.Pattern[str]"]


def path_pattern(request_uri: str) -> str:
    """``/contacts/{InstanceId}/{ContactId}`` -> a regex with one named group per label.

    A label may be empty, so ``/contacts//C1`` reaches the input checks (a 400 naming the
    member) instead of moto's bare "Not yet implemented" 404.
    """
    path = request_uri.split("?")[0]
    route_literal(re.sub(r"\{(\w+)\+?\}", "", path))
    return re.sub(r"\{(\w+)\+?\}", label_pattern, path) + "$"


def label_pattern(label: re.Match[str]) -> str:
    name = label[1]
    return f"(?P<{name}>{ARN_LABELS.get(name, '[^/]*')})"


def routes(service: str) -> list[Route]:
    """The service's operations as routes, those with fewer labels first: a literal path
    segment beats a label that would also match it."""
    table = OPERATIONS[service]
    ordered = sorted(table.items(), key=lambda item: (item[1][1].count("{"), item[1][1]))
    return [(method, name, re.compile("^" + path_pattern(uri))) for name, (method, uri) in ordered]


def url_patterns(service: str) -> list[str]:
    """One moto ``url_paths`` pattern per distinct path (``{0}`` is moto's URL base)."""
    return sorted({"{0}" + path_pattern(uri) for _, uri in OPERATIONS[service].values()})


def route_literal(path: str) -> str:
    """``path`` unchanged, after checking it routes the same in both modes."""
    if not ROUTE_LITERAL.fullmatch(path):
        raise ValueError(f"route {path!r} holds characters moto's server would not match")
    return path


def catch_all(prefix: str) -> str:
    """A moto ``url_paths`` pattern for every path starting with ``prefix``, in both modes: the
    rest is one named group, which moto's server keeps as a regex (werkzeug's converter)."""
    return "{0}" + route_literal(prefix) + "(?P<unrouted>.*)$"
