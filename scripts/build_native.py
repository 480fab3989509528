"""Compile the screening matcher (``vigil.screening.core``: translit, normalize, index) with mypyc.

The same Python source, type-annotated, compiled to a C extension: about 1.3x faster per name and a faster index
build, with identical results (tests/screening/test_native.py compares the two on real queries).  The extension
modules land next to their sources, with ``native.stamp`` recording the sources they were built from; when a source
changes without a rebuild, ``vigil.screening.core`` loads the Python sources instead (see its ``__init__``), so a
stale build is never used.  It also writes pykakasi's kanji dictionary split by first character (``core/kanwa.py``:
a process reads only the tables its Japanese names need).  Run by scripts/setup.sh; safe to run again (it rebuilds
only when a source changed).

    .venv/bin/python scripts/build_native.py [--force | --clean]
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _by_path(module: str):
    """A module of vigil.screening.core loaded by its path: importing it by name would first import the package, and
    with it the modules this script is about to rebuild."""
    spec = importlib.util.spec_from_file_location(f"vigil_build_{module}",
                                                  SRC / "vigil" / "screening" / "core" / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


native = _by_path("native")
CORE, MODULES, STAMP, built_files, source_digest = (native.CORE, native.MODULES, native.STAMP, native.built_files,
                                                     native.source_digest)

SETUP = """
from setuptools import setup
from mypyc.build import mypycify
setup(name="vigil-screening-native", script_args=["build_ext", "--inplace", "--build-temp", {tmp!r}],
      ext_modules=mypycify({paths!r}, opt_level="3", group_name="vigil.screening.core._native"))
"""


def clean() -> None:
    for f in built_files():
        f.unlink()
    STAMP.unlink(missing_ok=True)


def build() -> None:
    clean()
    # Errors are reported for the compiled modules only: the modules they import (importers, the standard library,
    # rapidfuzz...) are read for their types but not checked
    paths = [str((CORE / f"{m}.py").relative_to(SRC)) for m in MODULES] + ["--follow-imports=silent",
                                                                          "--ignore-missing-imports"]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "setup_native.py"
        script.write_text(SETUP.format(tmp=tmp, paths=paths))
        env = dict(os.environ, MYPY_CACHE_DIR=str(Path(tmp) / "mypy-cache"))
        proc = subprocess.run([sys.executable, str(script)], cwd=SRC, env=env, capture_output=True, text=True)
    shutil.rmtree(SRC / "build", ignore_errors=True)
    if proc.returncode:
        clean()
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit("build_native: mypyc failed; the Python sources stay in use")
    STAMP.write_text(source_digest() + "\n")


def main() -> None:
    if "--clean" in sys.argv:
        clean()
        return
    if "--force" in sys.argv or not STAMP.exists() or STAMP.read_text().strip() != source_digest() \
            or len(built_files()) != len(MODULES) + 1:
        build()
        print(f"build_native: compiled {', '.join(MODULES)} ({len(built_files())} extension files)")
    split_kanwa()


def split_kanwa() -> None:
    """pykakasi's kanji dictionary split by first character (``vigil.screening.core.kanwa``), when missing or made
    from another copy of the dictionary.  Imported by name, after the build: with the package come the modules the
    build replaces."""
    sys.path.insert(0, str(SRC))
    from vigil.screening.core import kanwa

    try:
        if kanwa.load() is None and kanwa.build():
            print(f"build_native: split pykakasi's kanji dictionary ({kanwa.SPLIT.name})")
    except Exception as exc:  # noqa: BLE001 - optional: pykakasi then loads its dictionary whole
        print(f"build_native: pykakasi's kanji dictionary stays whole ({exc})", file=sys.stderr)


if __name__ == "__main__":
    main()
