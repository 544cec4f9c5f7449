"""The repository stands on its own: what a user reads or installs points nowhere outside it.

A reader of a checkout (or of the sdist) who follows a path to a sibling folder finds nothing,
so no tracked file may name one; the licence the metadata declares is the one shipped; the
changelog has an entry for the version being built.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        re.escape(p)
        for p in ("../" + "shared", "shared" + "/spec", "shared" + "/notes", "/work/" + "shared")
    )
    # The behaviour spec is not in the repository: its rules are the README's, cited as such.
    + "|(?i:spec"
    + " (?:section|rule) [0-9])"
)


def tracked_files() -> list[Path]:
    """The files git tracks; outside a git checkout (an unpacked sdist), every file but caches."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis", "build"}
        return [
            p
            for p in ROOT.rglob("*")
            if p.is_file() and not any(part in skip or part.startswith(".venv") for part in p.parts)
        ]
    return [ROOT / name for name in out.split("\0") if name]


def test_no_tracked_file_refers_to_a_path_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "paths outside the repository:\n" + "\n".join(offenders)


def test_the_outside_path_check_catches_what_it_must() -> None:
    """The check above would pass vacuously if the pattern matched nothing."""
    for line in (
        "see ../" + "shared/x.md",
        "`shared" + "/spec/persistent-chat.md`",
        "Spec" + " rule 8: the clock",
        "(spec" + " section 6)",
    ):
        assert OUTSIDE.search(line)
    assert not OUTSIDE.search("Fixtures shared by the test modules")


def project_field(name: str) -> str:
    """A top-level string field of ``[project]`` (tomllib is 3.11+, the suite runs on 3.10)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(rf'^{re.escape(name)} = (".*")$', text, re.MULTILINE)
    assert match, f"pyproject.toml has no {name} line"
    value: str = ast.literal_eval(match.group(1))
    return value


def test_the_declared_licence_is_the_apache_text_shipped() -> None:
    assert project_field("license") == "Apache-2.0"
    assert 'license-files = ["LICENSE"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_changelog_has_an_entry_for_the_version_being_built() -> None:
    version = project_field("version")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(str(version))}\]? ", changelog, re.MULTILINE)


def test_ci_runs_every_shell_block_of_running_the_tests_as_written() -> None:
    """.ci/run reads its commands from the README, so the two cannot disagree."""
    from readme_blocks import shell_blocks

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Running the tests\n")
    end = text.find("\n## ", start + 1)
    first = text[:start].count("\n") + 1
    last = text[: end if end != -1 else len(text)].count("\n") + 1
    expected = [b.code for b in shell_blocks() if first < b.line <= last]
    assert len(expected) >= 4  # examples, release check, Pythons, lint and the moto range
    out = subprocess.run(
        ["bash", "-c", "source .ci/run && readme_test_commands"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert out.split("\0")[:-1] == expected
