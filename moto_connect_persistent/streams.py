"""Message streaming's rules: which chats stream to which SNS topics.

StartContactStreaming, StartChatContact's ChatStreamingConfiguration and StopContactStreaming
apply them (the Connect backend); the streams belong to the chat session, and the listener of
:mod:`.streaming` publishes what the chat writes.
"""

from __future__ import annotations

import re

from .chat.core import ChatCore
from .chat.happenings import Origin
from .chat.session import ChatSession, Contact, Stream
from .exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    LimitExceededException,
    ResourceNotFoundException,
)

#: "You can subscribe to up to two SNS topics per contact" [doc: chat-message-streaming].
MAX_STREAMS_PER_CHAT = 2

#: An SNS topic ARN. Topic names are letters, digits, ``-`` and ``_``; a FIFO topic's name ends
#: in ``.fifo`` (SNS's own naming rule), so the ARN alone tells a FIFO topic.
SNS_TOPIC_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):sns:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":(?P<name>[A-Za-z0-9_-]{1,256}(?P<fifo>\.fifo)?)"
)

ENDPOINT_FIELD = "ChatStreamingConfiguration.StreamingEndpointArn"


def check_streaming_endpoint(origin: Origin, partition: str, endpoint_arn: str) -> None:
    """The endpoint is an existing standard SNS topic in the instance's region.

    [doc: chat-message-streaming] "the message streaming APIs only support standard SNS
    ... They don't support Amazon SNS FIFO topics"; "A single SNS topic ARN may be used
    across multiple AWS accounts, but it must be in the same Region as your Amazon Connect
    instance". So the topic is looked up in moto's SNS of the account its ARN names.
    """
    region_name = origin.region_name
    match = SNS_TOPIC_ARN.fullmatch(endpoint_arn)
    if match is None or match["partition"] != partition:
        raise InvalidParameterException(
            f"{ENDPOINT_FIELD} '{endpoint_arn}' is not an Amazon SNS topic ARN "
            f"(arn:{partition}:sns:<region>:<account>:<topic>)."
        )
    if match["region"] != region_name:
        raise InvalidParameterException(
            f"{ENDPOINT_FIELD} '{endpoint_arn}' is in region {match['region']}; the topic must "
            f"be in the instance's region, {region_name}."
        )
    if match["fifo"]:
        raise InvalidParameterException(
            f"{ENDPOINT_FIELD} '{endpoint_arn}' is a FIFO topic; message streaming publishes to "
            "standard SNS topics only."
        )
    from moto.sns.models import sns_backends  # only when a stream starts: SNS is optional

    if endpoint_arn not in sns_backends[match["account"]][region_name].topics:
        raise ResourceNotFoundException(
            f"{ENDPOINT_FIELD} '{endpoint_arn}': no such SNS topic in account "
            f"{match['account']}, region {region_name}."
        )


def check_streamable(contact: Contact) -> None:
    if contact.channel != "CHAT":
        raise InvalidRequestException(
            f"ContactId '{contact.id}' is a {contact.channel} contact; message streaming "
            "needs a CHAT contact."
        )
    if contact.session.ended:
        raise InvalidRequestException(
            f"ContactId '{contact.id}': the chat has ended; message streaming needs a running chat."
        )


def start_stream(core: ChatCore, session: ChatSession, endpoint_arn: str) -> str:
    """Add a stream to the session (its endpoint already checked); returns its id."""
    active = session.active_streams
    for stream in active:
        if stream.endpoint_arn == endpoint_arn:
            raise InvalidRequestException(
                f"{ENDPOINT_FIELD} '{endpoint_arn}': the chat already streams to it "
                f"(StreamingId '{stream.streaming_id}')."
            )
    if len(active) >= MAX_STREAMS_PER_CHAT:
        raise LimitExceededException(
            f"{ENDPOINT_FIELD} '{endpoint_arn}': a chat streams to at most "
            f"{MAX_STREAMS_PER_CHAT} SNS topics at once; stop one first."
        )
    stream = Stream(
        streaming_id=core.new_id(),
        endpoint_arn=endpoint_arn,
        account_id=endpoint_arn.split(":")[4],
        region_name=core.origin.region_name,
    )
    session.streams = (*session.streams, stream)
    return stream.streaming_id


def stop_stream(contact: Contact, streaming_id: str) -> None:
    """Stop one stream of the contact's chat (a stopped one stays stopped)."""
    for stream in contact.session.streams:
        if stream.streaming_id == streaming_id:
            stream.active = False
            return
    raise ResourceNotFoundException(
        f"StreamingId '{streaming_id}' is not a stream of contact '{contact.id}' "
        f"in instance '{contact.instance_id}'."
    )
