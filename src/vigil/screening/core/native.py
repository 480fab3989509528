"""Whether the matcher runs compiled (mypyc, built by scripts/build_native.py) or from its Python sources.

The compiled extension modules sit next to their sources and Python's import system prefers them.  A build is used
only while ``native.stamp`` still matches the sources: after an edit without a rebuild, or with
``VIGIL_PURE_PYTHON=1``, the Python sources are loaded instead (``use_sources_if_stale``, called by this package's
``__init__`` before anything imports the modules).  This module imports nothing from the ones it guards.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

CORE = Path(__file__).resolve().parent
MODULES = ("translit", "normalize", "index")  # compiled together, in import order
STAMP = CORE / "native.stamp"
_GROUP = "_native__mypyc"  # the shared library that holds the compiled code of all three


def source_digest() -> str:
    h = hashlib.sha256()
    for m in MODULES:
        h.update(m.encode() + b"\0" + (CORE / f"{m}.py").read_bytes())
    return h.hexdigest()


def built_files() -> list[Path]:
    stems = set(MODULES) | {_GROUP}
    return sorted(f for suffix in importlib.machinery.EXTENSION_SUFFIXES for f in CORE.glob(f"*{suffix}")
                  if f.name[: -len(suffix)] in stems)


def build_is_current() -> bool:
    return STAMP.exists() and STAMP.read_text().strip() == source_digest()


def use_sources_if_stale(package: str) -> None:
    """Load the Python sources of MODULES when a compiled build exists but must not be used."""
    if not built_files():
        return  # nothing compiled: the normal import finds the sources
    forced = os.environ.get("VIGIL_PURE_PYTHON") == "1"
    if not forced and build_is_current():
        return
    if not forced:
        warnings.warn("the compiled screening matcher is older than its sources; using the sources "
                      "(run scripts/setup.sh to rebuild it)", RuntimeWarning, stacklevel=2)
    for m in MODULES:
        _from_source(f"{package}.{m}", m)


def compiled() -> bool:
    """Whether the matcher in use is the compiled one."""
    index = sys.modules.get(f"{__package__}.index")
    return index is not None and not str(getattr(index, "__file__", "")).endswith(".py")


def load_source(module: str):
    """A fresh copy of MODULES' ``module`` from its Python source, under another name (``<name>_source``), whatever
    is compiled: for comparing the two, and for tests that patch methods, which compiled classes do not allow."""
    return _from_source(f"{__package__}.{module}_source", module)


def _from_source(name: str, module: str):
    """Import ``module``'s Python source as ``name`` (once)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, CORE / f"{module}.py")
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        spec.loader.exec_module(loaded)
    return sys.modules[name]
