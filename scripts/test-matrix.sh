#!/usr/bin/env bash
# The whole suite once per (Python, moto) combination that matters, each in its own venv
# (scripts/test-python-moto.sh); extra arguments go to pytest. Three runs, no more:
#   - the oldest Python requires-python admits, newest moto 5.x
#   - the newest CPython this machine offers (python3.X on PATH or under pyenv), newest moto
#   - the default python3, the oldest supported moto (5.1.21, the first with a connect service)
# The default python3 with the newest moto is the developer's .venv, where every change is
# tested before it lands; it is not run again here.
set -euo pipefail
cd "$(dirname "$0")/.."
newest_moto="moto[server]>=5.1.21,<6"
oldest_moto="moto[server]==5.1.21"
mapfile -t ends < <(python3 scripts/find-pythons.py)
for python in "${ends[@]}"; do
  bash scripts/test-python-moto.sh "$python" "$newest_moto" "$@"
done
bash scripts/test-python-moto.sh python3 "$oldest_moto" "$@"
