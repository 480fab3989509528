#!/usr/bin/env bash
# Start the console with demo data on the embedded database (SQLite in ./vigil-data).
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL_SKIP_SYSTEM_PACKAGES=1 scripts/setup.sh
exec .venv/bin/vigil demo "$@"
