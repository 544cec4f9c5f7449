"""The fenced code blocks of the documents (README.md and every page of docs/), classified the
way tests/test_doc_examples.py runs them.

The rules are stated on the documentation page "How the examples are tested"
(docs/contributing.md); this module is their one implementation. A block's kind comes from its
fence's info string (```python fragment) and, for complete Python blocks and shell blocks, from
what the code does. Fragment chains never cross a document: each page's chain starts at one of
its own ``fragment`` blocks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

PYTHON = {"python", "py", "python3"}
SHELL = {"sh", "bash", "shell", "console"}
# What a Python fence may say after the language, and what it means.
PYTHON_MARKERS = {
    "": "complete: runs alone, in a fresh interpreter (as a pytest module if it defines tests)",
    "fragment": "starts a chain: runs in a mock with `boto3`, `connect` and `iid` defined",
    "continued": "runs after the previous block of its chain, in the same names and mock",
}
# The address every example uses for a running server; the tests put a live server's there.
SERVER_ADDRESS = "127.0.0.1:5000"
# Lines of a shell block that start the plugin's server.
SERVER_COMMAND = re.compile(
    r"^\s*(moto-connect-persistent-server|python3? -m moto_connect_persistent)"
)
# Shell blocks that talk to a server (they are run against a live one).
CLIENT_COMMAND = re.compile(r"(^|\s)(aws|curl)\s|" + re.escape(SERVER_ADDRESS), re.MULTILINE)

_FENCE = re.compile(r"^ {0,3}(```+|~~~+)\s*([^`\n]*)$")


def documents() -> list[Path]:
    """Every document whose blocks run: the README, then the site's pages in name order."""
    return [README, *sorted(DOCS.rglob("*.md"))]


@dataclass(frozen=True)
class Block:
    """One fenced block: its document, where it starts, its language, marker and code."""

    path: Path
    line: int  # line number of the first code line (1-based), for tracebacks and test ids
    language: str
    marker: str
    code: str

    @property
    def document(self) -> str:
        """The document's path from the repository root (``docs/server-mode.md``)."""
        return self.path.relative_to(ROOT).as_posix()

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"

    @property
    def module_name(self) -> str:
        """A pytest module name unique to this block (``test_docs_server_mode_md_42.py``)."""
        return "test_" + re.sub(r"\W", "_", self.document) + f"_{self.line}.py"

    def numbered_code(self) -> str:
        """The code preceded by blank lines, so its line numbers are the document's."""
        return "\n" * (self.line - 1) + self.code

    def defines_tests(self) -> bool:
        """Whether pytest would collect something from this code as a test module."""
        for node in ast.parse(self.code).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                return True
            if isinstance(node, ast.ClassDef) and (
                node.name.startswith("Test")
                or any("TestCase" in ast.unparse(base) for base in node.bases)
            ):
                return True
        return False

    @property
    def kind(self) -> str:
        """One of ``module``, ``script``, ``fragment``, ``continued``, ``server``, ``client``,
        ``setup`` (the table "How the examples are tested" says how each runs)."""
        if self.language in PYTHON:
            if self.marker:
                return self.marker
            return "module" if self.defines_tests() else "script"
        if any(SERVER_COMMAND.match(line) for line in self.code.splitlines()):
            return "server"
        if CLIENT_COMMAND.search(self.code):
            return "client"
        # Installing and running the tests: .ci/run runs README's as written.
        return "setup"


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and stripped.strip(fence[0]) == ""


def blocks(path: Path | None = None) -> list[Block]:
    """Every fenced block of one document, in order; of every document when ``path`` is None."""
    if path is None:
        return [block for document in documents() for block in blocks(document)]
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, info = opening.group(1), opening.group(2).split()
        end = i + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        language = info[0].lower() if info else ""
        marker = " ".join(info[1:])
        found.append(Block(path, i + 2, language, marker, "\n".join(lines[i + 1 : end]) + "\n"))
        i = end + 1
    return found


def python_blocks(path: Path | None = None) -> list[Block]:
    return [b for b in blocks(path) if b.language in PYTHON]


def shell_blocks(path: Path | None = None) -> list[Block]:
    return [b for b in blocks(path) if b.language in SHELL]


def chains(path: Path | None = None) -> list[list[Block]]:
    """Fragment chains: a ``fragment`` block and the ``continued`` blocks that follow it in
    the same document."""
    if path is None:
        return [chain for document in documents() for chain in chains(document)]
    result: list[list[Block]] = []
    for block in python_blocks(path):
        if block.marker == "fragment":
            result.append([block])
        elif block.marker == "continued":
            if not result:
                raise ValueError(f"{block.id}: `continued` with no `fragment` before it")
            result[-1].append(block)
    return result
