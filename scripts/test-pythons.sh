#!/usr/bin/env bash
# The whole suite on the oldest and the newest CPython that requires-python admits and this
# machine offers (python3.X on PATH or under pyenv), against the newest moto 5.x.
# The default python3 is left out: scripts/test-moto-range.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t pythons < <(python3 scripts/find-pythons.py)
for python in "${pythons[@]}"; do
  bash scripts/test-python-moto.sh "$python" "moto[server]>=5.1.21,<6" "$@"
done
