"""The installed package's version, read from its metadata: the one place a release number is
written is ``pyproject.toml``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "moto-connect-persistent"


def package_version() -> str:
    """The version pip installed (``0+unknown`` when run from a tree that was never installed)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"
