#!/usr/bin/env bash
# The release check: build the sdist and the wheel (the wheel from the sdist, as
# `python -m build` does), check them with twine, check that both ship LICENSE and the wheel
# py.typed, install the wheel (not editable) into a clean virtual environment and run
# conftest_examples against it from a folder outside the checkout, so nothing is imported
# from the source tree. Lint and types (ruff, mypy --strict) run in that same environment (the
# default python3, the newest moto): one install serves both, and CI makes no other for them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
rm -rf dist .venv-dist
python3 -m venv .venv-dist/tools
.venv-dist/tools/bin/pip install -q --disable-pip-version-check --no-compile build twine
.venv-dist/tools/bin/python -m build --outdir dist .
.venv-dist/tools/bin/twine check --strict dist/*
wheel=$(ls dist/*.whl) sdist=$(ls dist/*.tar.gz)
.venv-dist/tools/bin/python - "$wheel" "$sdist" <<'PY'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
for needed in ("moto_connect_persistent/py.typed", "moto_connect_persistent/__init__.py"):
    assert needed in names, f"{wheel} lacks {needed}"
assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), f"{wheel} lacks LICENSE"
members = {m.split("/", 1)[-1] for m in tarfile.open(sdist).getnames()}
for needed in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "moto_connect_persistent/py.typed"):
    assert needed in members, f"{sdist} lacks {needed}"
print("dist contents ok:", wheel, sdist)
PY
python3 -m venv .venv-dist/wheel
.venv-dist/wheel/bin/pip install -q --disable-pip-version-check --no-compile "$wheel[server]" pytest ruff mypy
(
  cd "$root"
  .venv-dist/wheel/bin/ruff check .
  .venv-dist/wheel/bin/ruff format --check .
  .venv-dist/wheel/bin/mypy
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r conftest_examples "$work/"
cd "$work"
"$root/.venv-dist/wheel/bin/python" -c '
import pathlib, moto_connect_persistent as m
where = pathlib.Path(m.__file__).parent
assert "site-packages" in where.parts, f"imported from {where}, not the installed wheel"
assert (where / "py.typed").is_file(), "py.typed missing from the installed package"
print("installed wheel:", where)'
"$root/.venv-dist/wheel/bin/python" -m pytest -q -p no:cacheprovider conftest_examples
