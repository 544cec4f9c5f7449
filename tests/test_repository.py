"""The repository stands on its own: what a user reads or installs points nowhere outside it.

A reader of a checkout (or of the sdist) who follows a path to a sibling folder finds nothing,
so no tracked file may name one; the licence the metadata declares is the one shipped; the
changelog has an entry for the version being built.
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
    assert len(expected) >= 2  # the release check (with lint and types), the test matrix
    out = subprocess.run(
        ["bash", "-c", "source .ci/run && readme_test_commands"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert out.split("\0")[:-1] == expected


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
