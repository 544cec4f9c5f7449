"""``read_transcript``: a chat's whole transcript, every page, through a boto3 client.

A persistent chat's first ``GetTranscript`` page never holds the past: the past comes only by
following ``NextToken`` backwards (README, "Paging"). Every test and every client that wants
the whole conversation writes the same loop; this is that loop, once. It is plain boto3 client
code, so it works in-process, against a running server and against AWS alike.
"""

from __future__ import annotations

from typing import Any, Literal

#: ``GetTranscript``'s largest page: the fewest calls for a whole transcript.
MAX_PAGE_SIZE = 100

ScanDirection = Literal["FORWARD", "BACKWARD"]
SortOrder = Literal["DESCENDING", "ASCENDING"]

#: The order of the items on a page when ``SortOrder`` follows the scan.
_SCAN_ORDER: dict[str, str] = {"BACKWARD": "DESCENDING", "FORWARD": "ASCENDING"}


def read_transcript(
    client: Any,
    connection_token: str,
    *,
    contact_id: str | None = None,
    scan_direction: ScanDirection | None = None,
    sort_order: SortOrder | None = None,
    start_position: dict[str, Any] | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> list[dict[str, Any]]:
    """Every item ``GetTranscript`` gives the connection, following ``NextToken`` to the end.

    ``client`` is a boto3 ``connectparticipant`` client; the keyword arguments are
    GetTranscript's own (``ContactId``, ``ScanDirection``, ``SortOrder``, ``StartPosition``,
    ``MaxResults`` as ``page_size``), sent as AWS documents them: ``StartPosition`` on the
    first call only, ``ScanDirection`` and ``ContactId`` on every call. With the defaults that
    is the current session, then the whole visible past of a persistent chat.

    The items come in ``sort_order`` over the whole transcript, not only within each page:
    DESCENDING (the default) newest first, ASCENDING oldest first. Errors are boto3's
    ``ClientError`` of the failing call; ``ValueError`` for a ``page_size`` outside 1-100.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        # MaxResults 0 is a valid call that reads nothing: the loop would never end.
        raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}, not {page_size}")
    request: dict[str, Any] = {"ConnectionToken": connection_token, "MaxResults": page_size}
    if contact_id is not None:
        request["ContactId"] = contact_id
    if scan_direction is not None:
        request["ScanDirection"] = scan_direction
    if sort_order is not None:
        request["SortOrder"] = sort_order
    # The API reference: "Default: BACKWARD when no StartPosition is provided, FORWARD with
    # StartPosition."
    scan = scan_direction or ("FORWARD" if start_position else "BACKWARD")
    # Pages come in scan order; when the items of a page run the other way, so do the pages.
    pages_in_item_order = (sort_order or "DESCENDING") == _SCAN_ORDER[scan]
    pages: list[list[dict[str, Any]]] = []
    answer = client.get_transcript(
        **request, **({"StartPosition": start_position} if start_position else {})
    )
    while True:
        pages.append(answer["Transcript"])
        if not answer.get("NextToken"):
            break
        answer = client.get_transcript(**request, NextToken=answer["NextToken"])
    if not pages_in_item_order:
        pages.reverse()
    return [item for page in pages for item in page]
