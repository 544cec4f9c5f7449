#!/usr/bin/env bash
# The whole suite once per (Python, moto) combination that matters, each in its own venv
# (scripts/test-python-moto.sh); extra arguments go to pytest. Three combinations, no more:
#   - the oldest Python requires-python admits, newest moto 5.x
#   - the newest CPython this machine offers (python3.X on PATH or under pyenv), newest moto
#   - the default python3, the oldest supported moto (5.1.21, the first with a connect service)
# The default python3 with the newest moto is the developer's .venv, where every change is
# tested before it lands (and the release check's wheel); it is not run again here.
#
# The installs run one after another (an editable install writes the checkout's egg-info);
# each suite starts as soon as its own install is done and runs beside the others (at most
# MATRIX_JOBS at once, default all): much of a suite run waits on sockets and servers, which
# the other runs fill. Every combination runs to its end whatever another one did; each one's
# output is printed whole when it ends, then a table of all of them. The exit status is 1 if
# any combination failed, and the table names it.
set -uo pipefail
cd "$(dirname "$0")/.."
newest_moto="moto[server]>=5.1.21,<6"
oldest_moto="moto[server]==5.1.21"
# find-pythons exits non-zero when the oldest admitted Python is missing: so must CI.
ends=$(python3 scripts/find-pythons.py) || exit 1
mapfile -t pythons <<<"$ends"
specs=()
for _ in "${pythons[@]}"; do specs+=("$newest_moto"); done
pythons+=(python3) specs+=("$oldest_moto")
jobs=${MATRIX_JOBS:-${#pythons[@]}}
logs=.venv-ci/logs
rm -rf "$logs" && mkdir -p "$logs"
SECONDS=0

say() { printf '[%4ds] %s\n' "$SECONDS" "$*"; }
log_of() { printf '%s/%d.log' "$logs" "$1"; }

# The result of combination $1 is "<exit status> <seconds>" in $logs/$1.rc once it has ended.
run_suite() {
  local i=$1 start=$SECONDS rc=0
  shift
  bash scripts/test-python-moto.sh --no-install "${pythons[$i]}" "${specs[$i]}" "$@" \
    >>"$(log_of "$i")" 2>&1 || rc=$?
  echo "$rc $((SECONDS - start))" >"$logs/$i.rc"
}

# Wait for combination $1's suite (if its install went well), then print its whole log.
finish() {
  local i=$1
  if [ -n "${pids[$i]}" ]; then wait "${pids[$i]}"; fi
  say "ended: ${labels[$i]} (exit status $(cut -d' ' -f1 "$logs/$i.rc"))"
  printf -- '---- output of %s\n' "${labels[$i]}"
  cat "$(log_of "$i")"
  printf -- '---- end of %s\n' "${labels[$i]}"
}

pids=() labels=()
next_to_finish=0
for i in "${!pythons[@]}"; do
  labels[i]="${pythons[$i]} with ${specs[$i]}"
  say "installing: ${labels[$i]}"
  start=$SECONDS rc=0
  bash scripts/test-python-moto.sh --install-only "${pythons[$i]}" "${specs[$i]}" \
    >"$(log_of "$i")" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "== the install failed (exit status $rc)" >>"$(log_of "$i")"
    echo "$rc $((SECONDS - start))" >"$logs/$i.rc"
    pids[i]=""
    say "install FAILED: ${labels[$i]}"
    continue
  fi
  while [ "$(jobs -pr | wc -l)" -ge "$jobs" ]; do
    finish "$next_to_finish"
    next_to_finish=$((next_to_finish + 1))
  done
  say "testing: ${labels[$i]} ($(grep -m1 "^== Python" "$(log_of "$i")" | cut -c4-))"
  run_suite "$i" "$@" &
  pids[i]=$!
done
for ((i = next_to_finish; i < ${#pythons[@]}; i++)); do
  finish "$i"
done

# The table: one line per combination, then the verdict.
failed=()
printf '\n==== test matrix (%d min %d s)\n' $((SECONDS / 60)) $((SECONDS % 60))
printf '%-8s %-8s %-8s %-7s %s\n' Python moto result time "pytest's last line"
for i in "${!pythons[@]}"; do
  read -r rc seconds <"$logs/$i.rc"
  read -r _ _ python _ moto _ < <(grep -m1 '^== Python' "$(log_of "$i")" || echo "== Python ? moto ?")
  last=$(grep -E '(passed|failed|error|no tests ran).* in [0-9.]+s' "$(log_of "$i")" | tail -1 |
    tr -d '=' | sed 's/^ *//; s/ *$//')
  if [ "$rc" -eq 0 ]; then result=passed; else result=FAILED failed+=("${labels[$i]}"); fi
  printf '%-8s %-8s %-8s %-7s %s\n' "${python:-?}" "${moto:-?}" "$result" \
    "$((seconds / 60))m$((seconds % 60))s" "${last:-(no pytest summary: see the output above)}"
done
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "every combination passed"
