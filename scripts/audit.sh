#!/usr/bin/env bash
# Known vulnerabilities in the locked dependencies (requirements.lock), from PyPI's advisory data
# through pip-audit. Needs the network; offline it says so and succeeds, so it never blocks work.
# Refresh the lock after changing dependencies:
#   .venv/bin/pip freeze --exclude-editable | grep -vi '^miejsca-otwarte' > requirements.lock
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PIP_AUDIT="$VENV/bin/pip-audit"
if [[ ! -x "$PIP_AUDIT" ]]; then
    echo "audit: $PIP_AUDIT not found; install the dev extras: $VENV/bin/pip install -e '.[dev]'" >&2
    exit 2
fi

output=$("$PIP_AUDIT" --requirement requirements.lock --no-deps --disable-pip --progress-spinner off 2>&1)
status=$?
echo "$output"
locked=$(grep -cE '^[A-Za-z0-9_.-]+==' requirements.lock)
unaudited=$(grep -c "could not be audited" <<<"$output" || true)
if grep -qiE "connection|resolve|timed? ?out|max retries|proxy" <<<"$output" || [[ $unaudited -ge $locked ]]; then
    if ! grep -qE "^Found [0-9]+ known vulnerabilit" <<<"$output"; then
        echo "audit: SKIPPED - the advisory database could not be reached (offline?); run it again with network." >&2
        exit 0
    fi
fi
if [[ $unaudited -gt 0 ]]; then
    echo "audit: warning - $unaudited of $locked packages could not be audited (see above)." >&2
fi
exit $status
