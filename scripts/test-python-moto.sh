#!/usr/bin/env bash
# The whole suite in a virtual environment of its own, on one Python and one moto:
#   bash scripts/test-python-moto.sh [--install-only | --no-install] PYTHON MOTO_SPEC [pytest arguments]
# e.g. bash scripts/test-python-moto.sh python3.13 "moto[server]>=5.1.21,<6"
# The venv (.venv-ci/py<X.Y>-<spec>) is reused by a later run; pip brings it up to date.
# --install-only makes the venv and stops; --no-install runs the suite in the venv made before
# (scripts/test-matrix.sh installs one combination at a time, then runs the suites side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
install=1 suite=1
case "${1:-}" in
  --install-only) suite=0; shift ;;
  --no-install) install=0; shift ;;
esac
python="$1" spec="$2"
shift 2
tag="$("$python" -c 'import sys; print("py%d.%d" % sys.version_info[:2])')-$(printf %s "$spec" | tr -c 'a-zA-Z0-9.' '_')"
venv=".venv-ci/$tag"
if [ "$install" -eq 1 ]; then
  "$python" -m venv "$venv"
  # --no-compile: pip would byte-compile every module of moto, botocore, awscli, cfn-lint and
  # sympy, most of which no test imports; Python compiles what is imported, once, on first use.
  "$venv/bin/pip" install -q --disable-pip-version-check --no-compile --upgrade -e ".[test,server]" "$spec"
fi
"$venv/bin/python" -c 'import sys, moto, boto3; print("== Python", sys.version.split()[0], "moto", moto.__version__, "boto3", boto3.__version__, flush=True)'
if [ "$suite" -eq 0 ]; then exit 0; fi
rc=0
"$venv/bin/python" -m pytest -q -n 2 "$@" || rc=$?
# pytest exits 5 when it collected no test: a failure for CI, said so in words.
if [ "$rc" -eq 5 ]; then echo "$tag: pytest collected no tests" >&2; fi
exit "$rc"
