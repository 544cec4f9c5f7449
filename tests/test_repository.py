"""The repository stands on its own: what a user reads or installs points nowhere outside it.

A reader of a checkout (or of the sdist) who follows a path to a sibling folder finds nothing,
so no tracked file may name one; the licence the metadata declares is the one shipped; the
changelog has an entry for the version being built; the version, the project's addresses and
the classifiers have one source each; the install the README shows is one CI runs.
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
    # The behaviour spec is not in the repository: its rules are the documentation's, cited as such.
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
    from doc_blocks import README, shell_blocks

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Running the tests\n")
    end = text.find("\n## ", start + 1)
    first = text[:start].count("\n") + 1
    last = text[: end if end != -1 else len(text)].count("\n") + 1
    expected = [b.code for b in shell_blocks(README) if first < b.line <= last]
    assert len(expected) >= 4  # examples, release check, Pythons, lint and the moto range
    out = subprocess.run(
        ["bash", "-c", "source .ci/run && readme_test_commands"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert out.split("\0")[:-1] == expected


def test_the_version_is_the_installed_metadata_and_pyprojects() -> None:
    """``__version__`` is read from the installed package's metadata, never a second copy."""
    from importlib.metadata import version

    import moto_connect_persistent

    assert moto_connect_persistent.__version__ == version("moto-connect-persistent")
    assert moto_connect_persistent.__version__ == project_field("version")
    assert "__version__" in moto_connect_persistent.__all__


def project_urls() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("\n[project.urls]\n", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^(\w[\w-]*) = "([^"]+)"$', table, re.MULTILINE))


def test_every_document_spells_the_project_addresses_as_pyproject_does() -> None:
    """The addresses are placeholders until the project is published (pyproject.toml says so):
    one spelling everywhere, so changing them is one search and replace, and none drifts."""
    urls = project_urls()
    assert {"Homepage", "Documentation", "Repository", "Changelog", "Issues"} <= set(urls)
    repository, site = urls["Repository"].rstrip("/"), urls["Documentation"].rstrip("/")
    assert urls["Changelog"] == f"{repository}/blob/main/CHANGELOG.md"
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {site}/\n" in mkdocs and f"repo_url: {repository}\n" in mkdocs
    # Any address naming the project's host or organisation must start with one of the two.
    project_address = re.compile(r"https?://[^\s)\"'>]*moto-connect-persistent[^\s)\"'>]*")
    odd = []
    for path in tracked_files():
        if path.suffix not in {".md", ".toml", ".yml", ".py", ".sh", ".cfg", ".txt"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for address in project_address.findall(text):
            if not address.startswith((repository, site)):
                odd.append(f"{path.relative_to(ROOT)}: {address}")
    assert odd == [], "addresses not spelled as pyproject.toml's [project.urls]:\n" + "\n".join(odd)


def test_the_classifiers_name_every_python_from_the_oldest_admitted_to_the_newest_tested() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = sorted(
        int(minor) for minor in re.findall(r'"Programming Language :: Python :: 3\.(\d+)"', text)
    )
    admitted = re.search(r'^requires-python = ">=3\.(\d+)"', text, re.MULTILINE)
    assert admitted
    oldest = int(admitted.group(1))
    assert listed == list(range(oldest, listed[-1] + 1)), f"a gap in the classifiers: {listed}"


def test_the_readmes_install_command_is_one_ci_runs() -> None:
    """The README's install block (after cloning) is a command of "Running the tests", which
    .ci/run runs as written on a fresh checkout: the install a newcomer follows is tested."""
    from doc_blocks import README, shell_blocks

    text = README.read_text(encoding="utf-8")
    install = text.index("\n## Install\n")
    first = text[:install].count("\n") + 1
    block = next(b for b in shell_blocks(README) if b.line > first)
    assert block.code.startswith("git clone "), block.code
    commands = [line for line in block.code.splitlines() if not line.startswith(("git ", "cd "))]
    ci = subprocess.run(
        ["bash", "-c", "source .ci/run && readme_test_commands"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    missing = [command for command in commands if command + "\n" not in ci.split("\0")]
    assert commands and not missing, (
        "the README's Install commands must each be a shell block of its 'Running the tests', "
        f"so CI runs a newcomer's first command from a fresh checkout; not run by CI: {missing}"
    )
