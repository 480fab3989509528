#!/usr/bin/env bash
# Prepare a fresh machine: Python venv with Vigil and its test tools, console assets from npm,
# and (for the browser tests) Debian's chromium. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The interpreter: $PYTHON if set, else the distribution's own Python 3.11+ (Debian builds it with profile-guided
# and link-time optimisation; a source build such as pyenv's default has neither, and the matcher, which is pure
# Python, runs 12-17 % slower on it), else whatever `python3` is on the PATH.
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY=$candidate
      break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "setup: no Python 3.11+ with the venv module found (set PYTHON=/path/to/python3)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import vigil, pytest, playwright, pyspark, mypyc" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.vigil-installed ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test,native]"
  touch .venv/.vigil-installed
fi
# Compile the screening matcher with mypyc (~20 s, only when its sources changed): the same code, ~1.3x faster.
# Without a C compiler the Python sources are used.
.venv/bin/python scripts/build_native.py || echo "setup: the screening matcher stays uncompiled" >&2
# Byte-compile Vigil's own modules: the editable install leaves none, and with PYTHONDONTWRITEBYTECODE set (as on
# these machines) every `vigil` command would otherwise compile them again (~0.1 s per start of the batch CLI).
.venv/bin/python -m compileall -q src >/dev/null
if [ ! -f node_modules/htmx.org/dist/htmx.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${VIGIL_SKIP_SYSTEM_PACKAGES:-}" != "1" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)  # Apache Spark runs on the JVM
  # WeasyPrint (PDF reports) renders with Pango
  ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
