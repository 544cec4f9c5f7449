#!/usr/bin/env bash
# Runs the whole suite once per end of the supported moto range, each in its own venv:
# the oldest moto with a connect service (5.1.21) and the newest 5.x on the index.
set -euo pipefail
cd "$(dirname "$0")/.."
for spec in "moto[server]==5.1.21" "moto[server]>=5.1.21,<6"; do
  venv=".venv-range/$(echo "$spec" | tr -c 'a-zA-Z0-9.\n' '_')"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -e ".[test,server]" "$spec"
  echo "== $("$venv/bin/python" -c 'import moto; print("moto", moto.__version__)')"
  "$venv/bin/python" -m pytest -q "$@"
done
