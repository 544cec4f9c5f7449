"""Every route, and every unknown path under /contact and /participant, answers the same in
process (moto matches ``url_paths`` as regexes) and over a real server (moto's server turns
them into Flask rules, where an unmatched path used to get Flask's HTML 404 and an escaped
hyphen never matched).

Requests are raw HTTP, SigV4-signed as boto3 signs them (``connect``, ``execute-api`` for the
Participant Service), so the server picks the service the way it does for real clients.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from support import REGION

from moto_connect_persistent import mock_connect_persistent
from moto_connect_persistent.faults import answered_operations
from moto_connect_persistent.routing import route_literal, routes
from moto_connect_persistent.validation import operation_model

#: The botocore service -> (in-process host, SigV4 signing name).
SERVICES = {
    "connect": (f"https://connect.{REGION}.amazonaws.com", "connect"),
    "connectparticipant": (f"https://participant.connect.{REGION}.amazonaws.com", "execute-api"),
}

#: Paths no operation owns, under the prefixes the plugin serves (docs/persistent-chat.md: Rules
#: and errors).
UNKNOWN = [
    ("connect", "POST", "/contact/no-such-operation"),
    ("connect", "GET", "/contact"),
    ("connect", "GET", "/contacts"),
    ("connect", "DELETE", "/contacts/i/c/extra"),
    ("connect", "POST", "/contact-flows-are-not-here"),
    ("connectparticipant", "POST", "/participant/no-such-operation"),
    ("connectparticipant", "POST", "/participant"),
    ("connectparticipant", "GET", "/participant/start-attachment-upload/x"),
]


def every_route() -> list[tuple[str, str, str]]:
    """(service, method, path) of every operation the mock answers, labels filled in."""
    routes = []
    for operation, service in sorted(answered_operations().items()):
        http = operation_model(service, operation).http
        path = re.sub(r"\{\w+\+?\}", "x", http["requestUri"].split("?")[0])
        routes.append((service, http["method"], path))
    return routes


def answer(response: requests.Response) -> tuple[int, str | None, str]:
    """What a client sees: status, error type, and the body's media type."""
    media = response.headers.get("Content-Type", "").split(";")[0]
    return response.status_code, response.headers.get("x-amzn-ErrorType"), media


def send(base: str, service: str, method: str, path: str) -> requests.Response:
    signing_name = SERVICES[service][1]
    body = b"{}" if method in ("POST", "PUT") else b""
    request = AWSRequest(
        method=method, url=base + path, data=body, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials("testing", "testing"), signing_name, REGION).add_auth(request)
    return requests.request(
        method, base + path, data=body, headers=dict(request.headers.items()), timeout=30
    )


def in_process(service: str, method: str, path: str) -> tuple[int, str | None, str]:
    with mock_connect_persistent():
        return answer(send(SERVICES[service][0], service, method, path))


@pytest.mark.parametrize(("service", "method", "path"), every_route())
def test_every_route_is_served_the_same_over_a_real_server(
    connect_server_url: str, service: str, method: str, path: str
) -> None:
    """Each operation's own route reaches its handler in both modes: a JSON answer from the
    operation (here its input or token check), never UnknownOperationException or HTML."""
    over_http = answer(send(connect_server_url, service, method, path))

    assert over_http == in_process(service, method, path)
    status, error_type, media = over_http
    assert media == "application/json", over_http
    assert error_type != "UnknownOperationException", over_http
    assert status < 500, over_http


@pytest.mark.parametrize(("service", "method", "path"), UNKNOWN)
def test_unknown_paths_get_json_unknown_operation_in_both_modes(
    connect_server_url: str, service: str, method: str, path: str
) -> None:
    """docs/persistent-chat.md (Rules and errors): "A method/path that matches no Connect operation
    ->
    UnknownOperationException 404", over a server as in process."""
    over_http = send(connect_server_url, service, method, path)

    assert answer(over_http) == (404, "UnknownOperationException", "application/json")
    assert path in over_http.json()["Message"]
    assert in_process(service, method, path) == answer(over_http)


def test_a_route_moto_server_could_not_match_is_refused_when_built() -> None:
    """An escaped hyphen or a regex quantifier routes in process but never over the server
    (werkzeug reads them literally): such a route is refused, not silently dead."""
    assert route_literal("/contact/start-streaming") == "/contact/start-streaming"
    for bad in (r"/contact/start\-streaming", "/contacts?", "/participant/.*"):
        with pytest.raises(ValueError, match="would not match"):
            route_literal(bad)


def test_moto_own_connect_routes_still_answer(connect_server_url: str) -> None:
    """The catch-all covers /contact… only: moto's own connect (instances) is unaffected."""
    response: Any = send(connect_server_url, "connect", "GET", "/instance")

    assert response.status_code == 200
    assert "InstanceSummaryList" in response.json()


def test_a_flow_arn_as_contact_flow_id_is_routed_with_its_slashes_encoded_or_not() -> None:
    """DescribeContactFlow: "Use the $SAVED alias in the request ... For example,
    arn:aws:.../contact-flow/{id}:$SAVED". boto3 sends the ARN's slashes as %2F, and moto 5.1
    decodes them before routing: both spellings reach the operation, with the whole ARN."""
    arn = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact-flow/f-1:$SAVED"
    by_name = {name: pattern for method, name, pattern in routes("connect")}
    for path in (f"/contact-flows/i-1/{arn}", f"/contact-flows/i-1/{quote(arn, safe='')}"):
        found = by_name["DescribeContactFlow"].match(path)
        assert found and unquote(found["ContactFlowId"]) == arn
        content = by_name["UpdateContactFlowContent"].match(path + "/content")
        assert content and unquote(content["ContactFlowId"]) == arn
    assert by_name["DescribeContactFlow"].match("/contact-flows/i-1/a/b") is None
