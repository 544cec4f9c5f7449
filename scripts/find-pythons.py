"""Print the oldest and the newest CPython that requires-python admits and this machine offers.

Candidates: ``python3.X`` on PATH and every ``$PYENV_ROOT/versions/*/bin/python3``; one path
per line, oldest first (one line if both ends are the same version). Exits non-zero when the
oldest admitted version is missing: CI must not pass by testing less than it says.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def minimum() -> tuple[int, int]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^requires-python = ">=(\d+)\.(\d+)"', text, re.MULTILINE)
    if not found:
        raise SystemExit('pyproject.toml: no requires-python = ">=X.Y"')
    return int(found.group(1)), int(found.group(2))


def candidates() -> list[str]:
    paths = [shutil.which(f"python3.{minor}") for minor in range(8, 30)]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    paths += sorted(glob.glob(os.path.join(pyenv, "versions", "*", "bin", "python3")))
    return [p for p in paths if p]


def version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [
                python,
                "-c",
                "import sys, platform; print(platform.python_implementation(),"
                " *sys.version_info[:2])",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return (int(out[1]), int(out[2])) if out and out[0] == "CPython" else None


def main() -> None:
    lowest = minimum()
    found: dict[tuple[int, int], str] = {}
    for python in candidates():
        v = version(python)
        if v is not None and v >= lowest:
            found.setdefault(v, python)
    if lowest not in found:
        raise SystemExit(f"no CPython {lowest[0]}.{lowest[1]} on this machine (requires-python)")
    ends = {min(found), max(found)}
    for v in sorted(ends):
        print(found[v])
    print(
        "testing on Python "
        + ", ".join(f"{a}.{b}" for a, b in sorted(ends))
        + f" (offered: {', '.join(f'{a}.{b}' for a, b in sorted(found))})",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
