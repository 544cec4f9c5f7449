"""The documentation site builds as CI builds it, and the links readers follow lead somewhere.

The README is also the wheel's long description (PyPI shows it away from the repository), so
its links must be absolute: to the documentation site or to a file of the repository. Both
kinds are checked against what exists: the page (and anchor) in the site as built, the file
in this checkout. A page's examples say which extras they need, and that claim is checked
against what the examples use.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from doc_blocks import DOCS, README, ROOT, Block, blocks, documents

from moto_connect_persistent.operations import OPERATIONS

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def project_url(name: str) -> str:
    match = re.search(rf'^{name} = "([^"]+)"$', PYPROJECT, re.MULTILINE)
    assert match, f"pyproject.toml [project.urls] has no {name}"
    return match.group(1).rstrip("/")


DOCS_URL = project_url("Documentation")
REPOSITORY_URL = project_url("Repository")
# [text](target): the target up to the closing parenthesis (no link here holds one).
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as CI builds it: ``mkdocs build --strict`` (any warning fails)."""
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    return out


def test_the_site_builds_with_warnings_as_errors_and_has_every_page(site: Path) -> None:
    """Every page of docs/ is built (strict mode also fails on a page left out of the nav)."""
    pages = sorted(p.relative_to(DOCS).with_suffix("") for p in DOCS.rglob("*.md"))
    assert len(pages) >= 14
    for page in pages:
        built = site / "index.html" if page.name == "index" else site / page / "index.html"
        assert built.is_file(), f"{page} was not built"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def anchors_of(html: Path) -> set[str]:
    parser = _Ids()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.ids


def readme_anchors() -> set[str]:
    """GitHub's anchors for the README's headings (lower case, punctuation dropped)."""
    headings = re.findall(r"^#+ (.+)$", README.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def check_absolute_link(target: str, site: Path) -> str | None:
    """Why an absolute link to the site or the repository leads nowhere, or None if it is fine."""
    if target.startswith(DOCS_URL):
        path, _, anchor = target[len(DOCS_URL) :].partition("#")
        html = site / path.strip("/") / "index.html"
        if not html.is_file():
            return "no such page in the built site"
        if anchor and anchor not in anchors_of(html):
            return f"the page has no anchor #{anchor}"
    elif target.startswith(REPOSITORY_URL):
        rest = target[len(REPOSITORY_URL) :]
        if rest.startswith("/blob/main/"):
            if not (ROOT / rest[len("/blob/main/") :]).exists():
                return "no such file in the repository"
        elif rest.startswith("#"):
            if rest[1:] not in readme_anchors():
                return "the README has no such heading"
        elif rest not in ("", ".git", "/issues"):
            return "not a file, the README or the issues of the repository"
    return None


def test_the_readme_links_are_absolute_and_lead_somewhere(site: Path) -> None:
    """On PyPI a relative link breaks: every README link is absolute, and each one to the site
    or the repository names a built page (and anchor) or a file that exists."""
    targets = LINK.findall(README.read_text(encoding="utf-8"))
    assert len(targets) >= 10
    relative = [t for t in targets if not t.startswith("https://")]
    assert relative == [], f"relative links in README.md (they break on PyPI): {relative}"
    broken = [f"{t}: {why}" for t in targets if (why := check_absolute_link(t, site))]
    assert broken == [], "README links leading nowhere:\n" + "\n".join(broken)
    assert any(t.startswith(DOCS_URL) for t in targets), "the README must point at the site"


def test_the_pages_links_into_the_repository_lead_somewhere(site: Path) -> None:
    """Pages link to repository files by absolute URL (mkdocs cannot check those)."""
    broken = []
    for page in documents()[1:]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")) and (
                why := check_absolute_link(target, site)
            ):
                broken.append(f"{page.relative_to(ROOT)}: {target}: {why}")
    assert broken == [], "\n".join(broken)


def test_the_link_checks_catch_what_they_must(site: Path) -> None:
    """The checks above would pass vacuously if they accepted anything."""
    assert check_absolute_link(f"{DOCS_URL}/server-mode/", site) is None
    assert check_absolute_link(f"{DOCS_URL}/server-mode/#seeding-over-http", site) is None
    assert check_absolute_link(f"{DOCS_URL}/no-such-page/", site)
    assert check_absolute_link(f"{DOCS_URL}/server-mode/#no-such-anchor", site)
    assert check_absolute_link(f"{REPOSITORY_URL}/blob/main/LICENSE", site) is None
    assert check_absolute_link(f"{REPOSITORY_URL}/blob/main/NO-SUCH-FILE", site)
    assert check_absolute_link(f"{REPOSITORY_URL}#running-the-tests", site) is None
    assert check_absolute_link(f"{REPOSITORY_URL}#no-such-heading", site)


# -- which extras a page's examples need ---------------------------------------------------------

NEEDS = re.compile(r"^Examples on this page need (?:the extras: (.+)|no extra .*)\.$", re.MULTILINE)

#: What a block uses -> the extra that installs it (see pyproject.toml's extras).
USES = {
    "server": re.compile(
        r"ThreadedMotoServer|moto\.server|connect_server_url|moto-connect-persistent-server|"
        r"python3? -m moto_connect_persistent|127\.0\.0\.1:5000"
    ),
    "test": re.compile(
        r"^\s*(import|from) (pytest|freezegun|hypothesis)\b|^\s*def test_|^\s*aws |"
        r"unittest\.TestCase",
        re.MULTILINE,
    ),
}


def declared_extras(page: Path) -> set[str] | None:
    match = NEEDS.search(page.read_text(encoding="utf-8"))
    if match is None:
        return None
    return set(re.findall(r"`(\w+)`", match.group(1) or ""))


def needed_extras(page_blocks: list[Block]) -> set[str]:
    runnable = [b for b in page_blocks if b.kind != "setup" and b.language != "js"]
    return {extra for extra, use in USES.items() if any(use.search(b.code) for b in runnable)}


@pytest.mark.parametrize("page", [pytest.param(p, id=p.name) for p in sorted(DOCS.rglob("*.md"))])
def test_a_page_with_examples_says_which_extras_they_need(page: Path) -> None:
    page_blocks = [b for b in blocks(page) if b.kind != "setup"]
    if not page_blocks:
        return
    declared = declared_extras(page)
    assert declared is not None, f"{page.name} has examples but no 'Examples on this page need'"
    assert declared <= {"server", "test", "docs"}
    missing = needed_extras(page_blocks) - declared
    assert not missing, f"{page.name}: its examples need the extras {sorted(missing)}"


def test_the_extras_check_sees_what_blocks_use() -> None:
    def block(code: str, language: str = "python") -> Block:
        return Block(README, 1, language, "", code)

    assert needed_extras([block("from moto.server import ThreadedMotoServer\n")]) == {"server"}
    assert needed_extras([block("import pytest\n")]) == {"test"}
    assert needed_extras([block("aws connect list-instances\n", "sh")]) == {"test"}
    assert needed_extras([block("import boto3\n")]) == set()


# -- the generated coverage page ------------------------------------------------------------------


def test_the_coverage_page_marks_exactly_the_operations_the_plugin_answers() -> None:
    """Read as a user reads it: the ✓ plugin rows are the operations table's, service by service
    (the generator's freshness check is in tests/test_operations_table.py)."""
    text = (DOCS / "coverage.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    marked: dict[str, set[str]] = {}
    for section in sections:
        service = re.search(r"\(`(\w+)`\)", section.splitlines()[0])
        assert service
        rows = re.findall(r"^\| `(\w+)` \| (✓ plugin|✓ moto|✗) \|$", section, re.MULTILINE)
        assert len(rows) >= 10
        marked[service.group(1)] = {name for name, mark in rows if mark == "✓ plugin"}
    assert marked == {service: set(table) for service, table in OPERATIONS.items()}
