"""Property-based: thousands of generated requests at every route, none answered with a crash.

Requests go over raw HTTP (``requests``, intercepted in-process by moto, signed or not) and
through boto3 with client-side validation off. Values come from the botocore model (so many
requests are valid enough to reach the service rules) mixed with hostile ones: wrong JSON
types, missing and extra members, huge and unicode ids, broken JSON, wrong methods. Every
answer must be a success or a well-formed AWS error below 500, and a refused request must
leave the stored state exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import boto3
import moto
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ACCOUNT, REGION, make_instance

from moto_connect_persistent import (
    connect_persistent_backends,
    mock_connect_persistent,
    seed_chat_session,
    seed_contact,
)
from moto_connect_persistent.responses import ROUTES
from moto_connect_persistent.validation import operation_model

ENDPOINT = f"https://connect.{REGION}.amazonaws.com"
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
CONTACT_ID_MEMBERS = {"ContactId", "InitialContactId", "SourceContactId", "RelatedContactId"}

# The profile (tests/conftest.py) decides seed, database and blob printing.
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------------------ values

#: Any JSON value: the wrong type for most members.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

#: Ids no instance has: empty, huge, unicode, URL-special characters.
hostile_ids = st.one_of(
    st.just(""),
    st.text(min_size=1, max_size=12),
    st.text(alphabet="/?#%&=+ .~\\\"'<>", min_size=1, max_size=6),
    st.text(min_size=250, max_size=2000),
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(101, 600)),
)


def plausible(shape: Shape, name: str, ids: dict[str, list[str]], depth: int = 0) -> Any:
    """A strategy for values the model allows, with the seeded ids where a member is an id."""
    if name == "InstanceId":
        return st.sampled_from(ids["instances"])
    if name in CONTACT_ID_MEMBERS:
        return st.sampled_from(ids["contacts"])
    kind = shape.type_name
    metadata = shape.metadata
    if kind == "string":
        if getattr(shape, "enum", None):
            return st.sampled_from(shape.enum)
        low = metadata.get("min", 0)
        return st.text(min_size=low, max_size=max(low, min(metadata.get("max", 40), 40)))
    if kind in ("integer", "long"):
        return st.integers(metadata.get("min", -5), metadata.get("max", 10**6))
    if kind == "boolean":
        return st.booleans()
    if depth > 3:
        return st.none()
    if kind == "structure":
        members = {n: value(m, n, ids, depth + 1) for n, m in shape.members.items()}
        required = {n: members.pop(n) for n in shape.required_members}
        return st.fixed_dictionaries(required, optional=members)
    if kind == "map":
        return st.dictionaries(
            st.text(min_size=1, max_size=10), value(shape.value, "", ids, depth + 1), max_size=3
        )
    if kind == "list":
        return st.lists(value(shape.member, "", ids, depth + 1), max_size=3)
    return st.text(max_size=10)


def value(shape: Shape, name: str, ids: dict[str, list[str]], depth: int = 0) -> Any:
    """A value the model allows, or anything at all."""
    return st.one_of(plausible(shape, name, ids, depth), json_values, hostile_ids)


@st.composite
def members(draw: Any, operation: str, ids: dict[str, list[str]], hostile: bool) -> dict[str, Any]:
    """An operation's input members. A tame draw is valid by the model (optional members
    come and go); a hostile one may drop any member, give it any value, or add unknown ones.
    The two kinds are drawn apart because hypothesis does not draw uniformly: mixed per
    member, almost no request would be valid enough to reach the service rules."""
    shape = operation_model("connect", operation).input_shape
    chosen: dict[str, Any] = {}
    for name, member in shape.members.items():
        keep = draw(st.booleans()) if hostile or name not in shape.required_members else True
        if keep:
            strategy = value if hostile else plausible
            chosen[name] = draw(strategy(member, name, ids))
    if hostile and draw(st.booleans()):
        extra = draw(st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=2))
        chosen = {**extra, **chosen}
    return chosen


# ------------------------------------------------------------------------------ raw requests


def as_text(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item)


@st.composite
def raw_requests(draw: Any, ids: dict[str, list[str]]) -> tuple[str, str, bytes, bool]:
    """(method, url, body, signed) for one route; in a hostile draw every part may be broken."""
    method, operation, _ = draw(st.sampled_from(ROUTES))
    hostile = draw(st.booleans())
    model = operation_model("connect", operation)
    params = draw(members(operation, ids, hostile))
    path = model.http["requestUri"].split("?")[0]
    query: dict[str, str] = {}
    for name, member in model.input_shape.members.items():
        location = member.serialization.get("location")
        if location == "uri":
            label = as_text(params.pop(name) if name in params else draw(hostile_ids))
            # An encoded "/" cannot be routed by moto 5.1.21 in-process nor by any moto
            # server (both decode it first): see test_an_id_holding_a_slash below.
            label = quote(label.replace("/", "|"), safe="")
            if label in (".", ".."):
                # A dot-segment: the HTTP stack removes it (RFC 3986, 5.2.4) and the request
                # goes to another route (".." climbs to moto's own /instance/{id}/), not to
                # this operation's: send the label's dots percent-encoded instead.
                label = label.replace(".", "%2E")
            path = path.replace("{" + name + "}", label)
        elif location == "querystring" and name in params:
            query[member.serialization["name"]] = as_text(params.pop(name))
    text = json.dumps(params, ensure_ascii=draw(st.booleans()))
    payload = text.encode()
    if hostile:
        if draw(st.booleans()):
            query[draw(st.text(min_size=1, max_size=5))] = draw(st.text(max_size=5))
        method = draw(st.sampled_from((method, *METHODS)))
        payload = draw(
            st.one_of(
                st.just(payload),
                st.just(text[: len(text) // 2].encode()),  # broken JSON
                json_values.map(lambda v: json.dumps(v).encode()),  # JSON, maybe not an object
                st.binary(max_size=40),  # not even UTF-8
                st.just(b""),
            )
        )
    url = ENDPOINT + path + ("?" + urlencode(query) if query else "")
    return method, url, payload, draw(st.booleans())


def send(method: str, url: str, body: bytes, signed: bool) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if signed:
        request = AWSRequest(method=method, url=url, data=body, headers=headers)
        SigV4Auth(Credentials("testing", "testing"), "connect", REGION).add_auth(request)
        headers = dict(request.headers.items())
    return requests.request(method, url, data=body, headers=headers, timeout=10)


# ------------------------------------------------------------------------------ the checks


def assert_well_formed(status: int, headers: Any, body: bytes) -> None:
    """Success with a JSON object, or an AWS error: status < 500, type and Message present."""
    assert status < 500, (status, body[:300])
    parsed = json.loads(body) if body else {}
    assert isinstance(parsed, dict), body[:300]
    if status == 200:
        return
    error_type = headers.get("x-amzn-ErrorType") or parsed.get("__type")
    assert error_type, (status, headers, body[:300])
    message = parsed.get("Message") or parsed.get("message")
    assert isinstance(message, str) and message, body[:300]


def snapshot() -> tuple[Any, ...]:
    """Everything a Connect call could change, compared before and after a refused request."""
    backend = connect_persistent_backends[ACCOUNT][REGION]
    contacts = tuple(
        (
            key,
            contact.last_update_timestamp,
            contact.disconnect_timestamp,
            contact.related_contact_id,
            len(contact.session.segments),
            tuple(sorted(contact.session.attributes.items())),
            id(contact.session.rehydration),
        )
        for key, contact in backend.contacts.items()
    )
    core = backend.core
    return (
        contacts,
        tuple(backend.replies.calls),
        tuple((key, len(items)) for key, items in core.transcripts.segments.items()),
        tuple((key, len(items)) for key, items in core.transcripts.sessions.items()),
        len(core.participant_tokens),
        len(core.participants),
        len(core.connections),
        tuple(
            (flow.flow_id, flow.name, flow.description, flow.state, flow.published, flow.saved)
            for flows in backend.flows.flows.values()
            for flow in flows.values()
        ),
    )


@pytest.fixture
def seeded() -> Iterator[dict[str, list[str]]]:
    """A mock with a past session C1 -> C2, a running chat R1 and a VOICE contact V1."""
    with mock_connect_persistent():
        iid = make_instance(boto3.client("connect", region_name=REGION))
        seed_chat_session(iid, contact_id="C1").transfer(contact_id="C2").end()
        seed_chat_session(iid, contact_id="R1")
        seed_contact(iid, contact_id="V1")
        yield {
            "instances": [iid, iid, "no-such-instance"],
            "contacts": ["C1", "C2", "R1", "V1", "X"],
        }


def test_raw_http_requests_get_a_success_or_a_well_formed_error(
    seeded: dict[str, list[str]],
) -> None:
    answered: dict[int, int] = {}

    @settings(SETTINGS, max_examples=1500)
    @given(raw_requests(seeded))
    def check(request: tuple[str, str, bytes, bool]) -> None:
        before = snapshot()
        response = send(*request)
        assert_well_formed(response.status_code, response.headers, response.content)
        if response.status_code != 200:
            assert snapshot() == before, response.content[:300]
        answered[response.status_code] = answered.get(response.status_code, 0) + 1

    check()
    # The generator reaches the rules, not only the input checks.
    assert answered.get(200, 0) > 50, answered
    assert {400, 404} <= set(answered), answered


# ------------------------------------------------------------------------------ through boto3


def python_name(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


@st.composite
def boto3_calls(draw: Any, ids: dict[str, list[str]]) -> tuple[str, dict[str, Any]]:
    _, operation, _ = draw(st.sampled_from(ROUTES))
    return operation, draw(members(operation, ids, draw(st.booleans())))


def test_boto3_without_validation_gets_a_success_or_a_modeled_error(
    seeded: dict[str, list[str]],
) -> None:
    client = boto3.client(
        "connect",
        region_name=REGION,
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )
    sent: list[bool] = []
    client.meta.events.register("before-send.connect", lambda **_: sent.append(True))
    outcomes: dict[str, int] = {}

    @settings(SETTINGS, max_examples=800)
    @given(boto3_calls(seeded))
    def check(call: tuple[str, dict[str, Any]]) -> None:
        operation, kwargs = call
        method: Callable[..., Any] = getattr(client, python_name(operation))
        before = snapshot()
        sent.clear()
        try:
            method(**kwargs)
            outcome = "ok"
        except ClientError as err:
            status = err.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status < 500, err.response
            assert err.response["Error"]["Code"] not in ("", str(status)), err.response
            assert err.response["Error"]["Message"], err.response
            assert snapshot() == before, err.response
            outcome = err.response["Error"]["Code"]
        except Exception:  # noqa: BLE001 - botocore refusing to serialise: never sent
            assert not sent, "a request was sent and its answer could not be read"
            assert snapshot() == before
            outcome = "not sent"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    check()
    assert outcomes.get("ok", 0) > 20, outcomes
    assert outcomes.get("InvalidParameterException", 0) > 20, outcomes


# ------------------------------------------------------------------------------ fixed cases


BROKEN = [
    ("POST", "/contact/stop", b"{"),
    ("POST", "/contact/stop", b"[]"),
    ("POST", "/contact/stop", b"\xff\xfe"),
    ("POST", "/contact/stop", b'{"InstanceId": 1, "ContactId": "C1"}'),
    ("PUT", "/contact/chat", b'{"InstanceId": "{iid}", "ContactFlowId": "f",'
     b' "ParticipantDetails": "x"}'),
    ("PUT", "/contact/chat", b'{"InstanceId": "{iid}", "ContactFlowId": "f",'
     b' "ParticipantDetails": {"DisplayName": "x"}, "ChatDurationInMinutes": 1e400}'),
    ("GET", "/contact/associated/{iid}?contactId=C1&maxResults=abc", b""),
    ("GET", "/contact/associated/{iid}?contactId=C1&maxResults=100000000000000000000000", b""),
    ("GET", "/contact/associated/{iid}?contactId=C1&nextToken=99999999999999999999", b""),
    ("GET", "/contacts/{iid}/" + "%F0%9F%92%AC" * 100, b""),
    ("GET", "/contacts/{iid}/%25", b""),
    ("DELETE", "/contacts/{iid}/C1", b""),
    ("PATCH", "/contact/chat", b"{}"),
    ("GET", "/contact/persistent-contact-association/{iid}/R1", b""),
    ("POST", "/contact/attributes", b'{"InstanceId": "{iid}", "InitialContactId": "C1",'
     b' "Attributes": {"k": null}}'),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body"), BROKEN)
def test_known_hostile_requests_are_refused_cleanly(
    seeded: dict[str, list[str]], method: str, path: str, body: bytes
) -> None:
    iid = seeded["instances"][0]
    before = snapshot()
    response = send(
        method, ENDPOINT + path.replace("{iid}", iid), body.replace(b"{iid}", iid.encode()), False
    )

    assert_well_formed(response.status_code, response.headers, response.content)
    assert 400 <= response.status_code < 500
    assert snapshot() == before


@pytest.mark.skipif(
    tuple(int(part) for part in moto.__version__.split(".")[:2]) < (5, 2),
    reason="moto 5.1 decodes %2F before routing in-process: no route sees the request",
)
def test_an_id_holding_a_slash_is_refused_cleanly(seeded: dict[str, list[str]]) -> None:
    """boto3 sends "/" in an id as %2F; real Connect ids never hold one. In server mode the
    request never reaches the plugin in any moto version (Flask decodes the path first)."""
    response = send("GET", f"{ENDPOINT}/contacts/{seeded['instances'][0]}/a%2Fb", b"", False)

    assert_well_formed(response.status_code, response.headers, response.content)
    assert response.status_code == 404
    assert "a/b" in response.json()["Message"]


@pytest.mark.parametrize(
    "path",
    [
        "/instance/{iid}/storage-configs?resourceType=CHAT_TRANSCRIPTS&nextToken={token}",
        "/contact/associated/{iid}?contactId=C1&nextToken={token}",
    ],
    ids=["ListInstanceStorageConfigs", "ListAssociatedContacts"],
)
@pytest.mark.parametrize(
    "token",
    ["%C2%B9", "%D9%A1", "1" * 5000, "0x1", "+1", "1%0A"],
    ids=["superscript-one", "arabic-indic-one", "5000-digits", "hex", "plus", "newline"],
)
def test_a_next_token_the_mock_never_gave_is_refused_cleanly(
    seeded: dict[str, list[str]], path: str, token: str
) -> None:
    """AWS: "InvalidParameterException: One or more of the specified parameters are not
    valid." A NextToken the mock hands out is an offset in ASCII digits; a string that only
    looks like one (found by the raw-request property test, seed printed: "¹" passed
    ``str.isdigit()`` and crashed ``int()`` with a 500) is a 400 naming the field."""
    url = ENDPOINT + path.format(iid=seeded["instances"][0], token=token)
    before = snapshot()
    response = send("GET", url, b"", False)

    assert_well_formed(response.status_code, response.headers, response.content)
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("InvalidParameterException")
    assert "nexttoken is not valid" in response.json()["Message"].lower()
    assert snapshot() == before
