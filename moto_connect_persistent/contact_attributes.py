"""The rules of a contact's user-defined attributes, for every way they are set: the
UpdateContactAttributes operation, StartChatContact's ``Attributes``, a flow's
UpdateContactAttributes action; and of its user-defined tags, set by the TagContact operation
or a flow's TagContact action."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .exceptions import ConnectError, InvalidParameterException
from .validation import service_model, validate

#: "Attribute keys can include only alphanumeric, dash, and underscore characters" [doc].
ATTRIBUTE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
#: "up to 32,768 UTF-8 bytes across all attributes for a contact" [doc].
MAX_ATTRIBUTE_BYTES = 32768


def check_attribute_keys(attributes: dict[str, str], field_name: str) -> None:
    """Contact attribute keys: letters, digits, '-' and '_' only [doc]."""
    for key in attributes:
        if not ATTRIBUTE_KEY.match(key):
            raise InvalidParameterException(
                f"{field_name} key '{key}' may hold only letters, digits, '-' and '_'."
            )


def check_attribute_size(
    attributes: dict[str, str],
    what: str,
    error: type[ConnectError] = InvalidParameterException,
) -> None:
    """At most 32,768 UTF-8 bytes across all keys and values of a contact [doc]."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())
    if size > MAX_ATTRIBUTE_BYTES:
        raise error(
            f"{what}: {size} UTF-8 bytes across all attributes of the contact; at most "
            f"{MAX_ATTRIBUTE_BYTES} are allowed."
        )


def check_contact_tags(tags: dict[str, str], field_name: str) -> None:
    """Raise InvalidParameterException, naming ``field_name``, for tags the TagContact API's
    model refuses (``ContactTagMap``): at most 6, each key 1 to 128 characters of
    ``ContactTagKey``'s pattern (never ``aws:``: a system tag), each value up to 256."""
    model = service_model("connect")
    if tags:
        validate(model.shape_for("ContactTagMap"), tags, field_name)
    pattern = model.shape_for("ContactTagKey").metadata["pattern"]
    for key in tags:
        if re.search(pattern, key) is None:
            raise InvalidParameterException(
                f"{field_name} key {key!r} must match {pattern} (a user-defined tag key)."
            )


#: "You can have up to 4,096 UTF-8 bytes across all references for a contact" [doc:
#: UpdateContact, References].
MAX_REFERENCE_BYTES = 4096


def check_references_size(references: Mapping[str, Mapping[str, str]], field_name: str) -> None:
    """At most 4,096 UTF-8 bytes across all references of a contact (names and values)."""
    size = sum(
        len(name.encode()) + len(reference.get("Value", "").encode())
        for name, reference in references.items()
    )
    if size > MAX_REFERENCE_BYTES:
        raise InvalidParameterException(
            f"{field_name}: {size} UTF-8 bytes across all references of the contact; at most "
            f"{MAX_REFERENCE_BYTES} are allowed."
        )


def merged_tags(current: Mapping[str, str], tags: dict[str, str]) -> dict[str, str]:
    """The contact's tags with ``tags`` added, refused as a whole by the TagContact model
    (:func:`check_contact_tags`): the one rule of the TagContact operation and of a flow's
    TagContact block."""
    merged = {**current, **tags}
    check_contact_tags(merged, "Tags (merged with the contact's)")
    return merged


def merged_references(
    current: Mapping[str, Mapping[str, str]], references: Mapping[str, Mapping[str, str]]
) -> dict[str, Mapping[str, str]]:
    """The contact's references with ``references`` added (by name), refused as a whole past
    4,096 bytes (:func:`check_references_size`): the one rule of the UpdateContact operation
    and of a flow's UpdateContactData block."""
    merged = {**current, **references}
    check_references_size(merged, "References (merged with the contact's)")
    return merged
