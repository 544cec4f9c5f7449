"""Error hints name commands that work: the package is not on a package index, so a hint may
install it only from a clone (a path), and anything else only by a requirement the package's
own metadata declares (moto's ``server`` extra), at the same version range."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import moto_connect_persistent
from moto_connect_persistent.server import SERVER_EXTRA_HINT

PACKAGE = Path(moto_connect_persistent.__file__).resolve().parent
# `pip install <arguments>` up to the end of the hint or a closing parenthesis.
PIP_INSTALL = re.compile(r"pip install ([^)\n]+)")


def hints() -> list[tuple[str, str]]:
    """(file, arguments) of every pip install a module of the package tells a user to run."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        joined = re.sub(r'"\s*\n\s*(f?)"', "", text)  # implicit string concatenation
        for arguments in PIP_INSTALL.findall(joined):
            found.append((path.name, arguments))
    return found


def declared(extra: str) -> dict[str, set[str]]:
    """The requirements the installed metadata lists for an extra: name[extras] -> specifiers."""
    result = {}
    for line in requires("moto-connect-persistent") or []:
        requirement, _, marker = line.partition(";")
        if f'extra == "{extra}"' in marker:
            match = re.match(r"([\w\-\[\]]+)(.*)", requirement.strip())
            assert match
            result[match.group(1)] = set(filter(None, match.group(2).split(",")))
    return result


def test_every_install_hint_installs_from_a_clone_or_a_declared_requirement() -> None:
    found = hints()
    assert found, "the server's missing-extras hint is one"
    server_extra = declared("server")
    for name, arguments in found:
        for argument in re.findall(r"""["']([^"']+)["']""", arguments):
            if argument.startswith("."):
                continue  # from the clone: `pip install -e '.[server]'`
            requirement = re.match(r"([\w\-\[\]]+)(.*)", argument)
            assert requirement, f"{name}: {argument!r}"
            assert not requirement.group(1).startswith("moto-connect-persistent"), (
                f"{name}: {argument!r} installs this package from an index, where it is not"
            )
            specifiers = set(filter(None, requirement.group(2).split(",")))
            assert server_extra.get(requirement.group(1)) == specifiers, (
                f"{name}: {argument!r} is not what the server extra declares: {server_extra}"
            )


def test_without_flask_the_server_says_what_to_install() -> None:
    """The hint is what a user sees when moto's server extras are missing."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['flask'] = None\n"
            "from moto_connect_persistent.server import main\n"
            "main(['-p', '0'])",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run
    assert SERVER_EXTRA_HINT in run.stderr, run.stderr
