"""moto's own S3, as the place where chat files live: the one module of the plugin that touches it.

Attachments and stored transcripts go into the buckets an instance's storage configuration
names, in moto's S3 backend of the same account, so a test reads them back with
``boto3.client("s3")`` in-process or over a running server. Everything here is in-process:
objects are written and read through moto's S3 backend, never over HTTP; a pre-signed URL is
computed locally by botocore's signer and only *handed out* for a client to use.
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: Credentials the pre-signed URLs are signed with; moto's S3 does not check the signature.
_SIGNING_KEY = ("AKIAMOTOCONNECTFILES", "moto-connect-persistent-signing-key")


def _backend(account_id: str, region_name: str) -> Any:
    # Imported when first used: moto's S3 is large, and most tests never store a file.
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    return s3_backends[account_id][get_partition(region_name)]


def bucket_exists(account_id: str, region_name: str, bucket: str) -> bool:
    """True when the bucket belongs to the account in moto's S3 (moto would also resolve
    another account's bucket by name; Connect stores an instance's files in its own)."""
    return bucket in _backend(account_id, region_name).buckets


def put_object(
    account_id: str, region_name: str, bucket: str, key: str, body: bytes, content_type: str
) -> None:
    """Write an object as S3's PutObject would, with its Content-Type."""
    stored = _backend(account_id, region_name).put_object(bucket, key, body)
    stored.set_metadata({"Content-Type": content_type})


def move_object(
    account_id: str, region_name: str, bucket: str, source: str, destination: str
) -> None:
    """Move an object within its bucket as S3's CopyObject then DeleteObject do: the copy
    keeps the object's metadata (its Content-Type), and moto's S3 tells the bucket's event
    notifications of both (``ObjectCreated:Copy``, ``ObjectRemoved:Delete``)."""
    backend = _backend(account_id, region_name)
    backend.copy_object(
        src_key=backend.get_object(bucket, source),
        dest_bucket_name=bucket,
        dest_key_name=destination,
    )
    backend.delete_object(bucket, source)


def object_size(account_id: str, region_name: str, bucket: str, key: str) -> int | None:
    """Size in bytes of the object, or None when it (or its bucket) does not exist."""
    try:
        stored = _backend(account_id, region_name).get_object(bucket, key)
    except Exception:  # noqa: BLE001 - the bucket may have been deleted meanwhile
        return None
    return None if stored is None else int(stored.size)


@cache
def _signer(region_name: str, endpoint_url: str | None) -> Any:
    """A botocore S3 client used only to sign URLs (it never sends a request)."""
    import botocore.session
    from botocore.config import Config

    # A fresh session per client: two threads may build one each, never share one half-built.
    return botocore.session.get_session().create_client(
        "s3",
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id=_SIGNING_KEY[0],
        aws_secret_access_key=_SIGNING_KEY[1],
        config=Config(
            signature_version="s3v4",
            # A server is one host: the bucket goes into the path there.
            s3={"addressing_style": "path" if endpoint_url else "virtual"},
        ),
    )


def presigned_url(
    method: str,
    region_name: str,
    bucket: str,
    key: str,
    expires_in: int,
    endpoint_url: str | None,
    **params: str,
) -> str:
    """A SigV4 pre-signed URL for ``put_object`` or ``get_object`` on the object.

    ``endpoint_url`` is the moto server's own address in server mode; None gives the
    AWS address (``https://<bucket>.s3.<region>.amazonaws.com/...``), which moto's mock
    intercepts in-process.
    """
    url: str = _signer(region_name, endpoint_url).generate_presigned_url(
        method, Params={"Bucket": bucket, "Key": key, **params}, ExpiresIn=expires_in
    )
    return url
