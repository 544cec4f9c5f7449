"""The repository stands on its own: what a user reads or installs points nowhere outside it.

A reader of a checkout (or of the sdist) who follows a path to a sibling folder finds nothing,
so no tracked file may name one; the licence the metadata declares is the one shipped; the
changelog has an entry for the version being built; the version, the project's addresses and
the classifiers have one source each; the install the README shows is one CI runs.
"""

from __future__ import annotations

import ast
import re
import shutil
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
    # a newcomer's first run and the docs build, the release check (with lint and types), the
    # test matrix
    assert len(expected) >= 3
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
    """The README's install block (after cloning) begins a block of "Running the tests", which
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
    ci_blocks = ci.split("\0")[:-1]
    # A CI block runs the command, then (after `&&`, so only if it passed) more.
    missing = [
        command
        for command in commands
        if not any(b == command + "\n" or b.startswith(command + " && ") for b in ci_blocks)
    ]
    assert commands and not missing, (
        "the README's Install commands must each begin a shell block of its 'Running the tests', "
        f"so CI runs a newcomer's first command from a fresh checkout; not run by CI: {missing}"
    )


def copy_script(tmp_path: Path, name: str) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / name, tmp_path / name)


def test_ci_runs_every_block_after_one_fails_and_names_the_failed_ones(tmp_path: Path) -> None:
    """A red block must not hide what the blocks after it would say; CI still ends red."""
    copy_script(tmp_path, ".ci/run")
    (tmp_path / "README.md").write_text(
        "## Running the tests\n\n```bash\necho first; exit 3\n```\n\n"
        "```bash\necho second ran; read -r line || echo stdin is empty\n```\n"
        "\n## Next\n\n```bash\necho not in the section\n```\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        ["bash", "-c", "source .ci/run && run_readme_commands"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        input="a line a block must not read\n",
    )
    assert ran.returncode == 1, ran
    assert "second ran" in ran.stdout and "stdin is empty" in ran.stdout, ran.stdout
    assert "not in the section" not in ran.stdout
    assert "1 of 2 README blocks failed" in ran.stdout
    assert "#1 (exit status 3): echo first; exit 3" in ran.stdout


# A stand-in for scripts/test-python-moto.sh: "installs" print the version line the real one
# prints; the suite of the Python named "py-red" fails, every other one passes.
FAKE_COMBINATION = r"""
mode=$1; shift
python=$1 spec=$2
case "$spec" in *==5.1.21) moto=5.1.21 ;; *) moto=5.9.9 ;; esac
echo "== Python ${python#py-}.0 moto $moto boto3 1.0"
[ "$mode" = --install-only ] && exit 0
echo "suite of $python with $spec; arguments: ${*:3}"
if [ "$python" = py-red ]; then echo "1 failed, 9 passed in 0.10s"; exit 1; fi
echo "10 passed in 0.10s"
"""


def test_the_matrix_runs_every_combination_after_one_fails_and_tables_them(
    tmp_path: Path,
) -> None:
    """Every (Python, moto) combination is run and reported; the run fails naming the red one."""
    copy_script(tmp_path, "scripts/test-matrix.sh")
    (tmp_path / "scripts/find-pythons.py").write_text("print('py-red')\nprint('py-3.99')\n")
    (tmp_path / "scripts/test-python-moto.sh").write_text(FAKE_COMBINATION)
    ran = subprocess.run(
        ["bash", "scripts/test-matrix.sh", "-k", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert ran.returncode == 1, ran
    out = ran.stdout
    for suite in (
        "suite of py-red with moto[server]>=5.1.21,<6; arguments: -k x",
        "suite of py-3.99 with moto[server]>=5.1.21,<6; arguments: -k x",
        "suite of python3 with moto[server]==5.1.21; arguments: -k x",
    ):
        assert suite in out, out
    table = out[out.index("==== test matrix") :].splitlines()
    rows = [line.split(None, 4) for line in table[2:5]]
    assert [row[:3] for row in rows] == [
        ["red.0", "5.9.9", "FAILED"],
        ["3.99.0", "5.9.9", "passed"],
        ["python3.0", "5.1.21", "passed"],
    ], table
    assert rows[0][4] == "1 failed, 9 passed in 0.10s" and rows[1][4] == "10 passed in 0.10s"
    assert table[5:] == ["FAILED: py-red with moto[server]>=5.1.21,<6"], table


def test_the_matrix_fails_when_the_oldest_python_is_missing(tmp_path: Path) -> None:
    """find-pythons.py exits non-zero without the oldest admitted Python: CI must not go on
    testing fewer combinations than it says."""
    copy_script(tmp_path, "scripts/test-matrix.sh")
    (tmp_path / "scripts/find-pythons.py").write_text("raise SystemExit('no CPython 3.10')\n")
    (tmp_path / "scripts/test-python-moto.sh").write_text(FAKE_COMBINATION)
    ran = subprocess.run(
        ["bash", "scripts/test-matrix.sh"], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode != 0 and "suite of" not in ran.stdout, ran
