#!/usr/bin/env bash
# Run the whole test suite. On SQLite by default; set VIGIL_TEST_DATABASE_URL to a PostgreSQL
# server URL to run it on PostgreSQL (the suite creates and drops its own databases there).
set -euo pipefail
cd "$(dirname "$0")/.."
# VIGIL_SKIP_SETUP=1: the machine is prepared already (CI runs set-up once, then the suite on two databases).
[ "${VIGIL_SKIP_SETUP:-}" = "1" ] || scripts/setup.sh
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
# pytest exits 5 when nothing was collected (e.g. a -k filter matching no test): not a failure here.
if [ "$rc" = 5 ]; then rc=0; fi
exit "$rc"
