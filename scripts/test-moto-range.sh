#!/usr/bin/env bash
# The whole suite once per end of the supported moto range, each in its own venv, on the
# default python3: the oldest moto with a connect service (5.1.21) and the newest 5.x.
set -euo pipefail
cd "$(dirname "$0")/.."
for spec in "moto[server]==5.1.21" "moto[server]>=5.1.21,<6"; do
  bash scripts/test-python-moto.sh python3 "$spec" "$@"
done
