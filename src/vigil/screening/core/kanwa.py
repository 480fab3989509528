"""pykakasi's kanji dictionary, read one character's table at a time.

pykakasi keeps its kanji readings in one pickled dict (``kanwadict4.db``, 9.7 MB: first character -> {word ->
readings}) and loads all of it the first time it reads kanji: ~0.25 s of CPU and ~33,000 page faults, in each
process that meets a Japanese name.  A batch's Japanese names use a few hundred of its ~6,800 first characters
(359 on the benchmark's 100,000 distinct names: 2.2 MB of tables, ~30 ms to read).  ``build`` writes the same
dictionary split by first character, each table pickled on its own (``kanwa.split``, next to this file, made by
scripts/build_native.py like the compiled matcher); ``install`` hands pykakasi a mapping that reads a table when
pykakasi first asks for it.  The tables are pykakasi's own, byte for byte, so its readings are unchanged (checked by
tests/screening/test_kanwa.py).  Without the file, or when it was made from another copy of the dictionary, pykakasi
loads its dictionary as usual.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .pickled import dump_whole

SPLIT = Path(__file__).resolve().with_name("kanwa.split")


def _source() -> Path | None:
    """pykakasi's kanji dictionary file (None without pykakasi)."""
    try:
        from pykakasi.properties import Configurations
    except ImportError:
        return None
    return Path(Configurations.dictpath(Configurations.jisyo_kanwa))  # an instance, as pykakasi names it


def _stamp(source: Path) -> str:
    """What identifies the installed copy of the dictionary: its size and modification time (a reinstall that changes
    either makes the split file stale, and pykakasi then loads its own)."""
    st = source.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def build(target: Path = SPLIT) -> bool:
    """Write the split dictionary to ``target`` (False without pykakasi)."""
    source = _source()
    if source is None or not source.exists():
        return False
    with source.open("rb") as fh:
        tables = pickle.load(fh)
    split = {key: pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL) for key, table in tables.items()}
    dump_whole(target, (_stamp(source), split))
    return True


class Tables(Mapping):
    """First character (its code point) -> pykakasi's table of words starting with it, unpickled on first use.  A
    read-only mapping like the dict it stands for (pykakasi 2.3 only calls ``get``)."""

    def __init__(self, split: dict[int, bytes]) -> None:
        self._split = split
        self._read: dict[int, Any] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        hit = self._read.get(key)
        if hit is None:
            raw = self._split.get(key)
            if raw is None:
                return default
            hit = self._read[key] = pickle.loads(raw)
        return hit

    def __getitem__(self, key: Any) -> Any:
        hit = self.get(key)
        if hit is None:
            raise KeyError(key)
        return hit

    def __contains__(self, key: object) -> bool:
        return key in self._split

    def __iter__(self) -> Iterator[int]:
        return iter(self._split)

    def __len__(self) -> int:
        return len(self._split)


def load(path: Path = SPLIT) -> Tables | None:
    """The split dictionary at ``path`` when it was made from the installed pykakasi's dictionary, else None."""
    source = _source()
    if source is None or not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            stamp, split = pickle.load(fh)
    except Exception:  # noqa: BLE001 - unreadable or of another format: pykakasi loads its own
        return None
    return Tables(split) if stamp == _stamp(source) else None


def install(path: Path = SPLIT) -> bool:
    """Let pykakasi read its kanji dictionary from the split file, table by table, if it has not loaded the
    dictionary yet (its ``Kanwa`` class shares one table among all its instances, loaded when the first is made).
    Returns whether the split file is in use."""
    try:
        from pykakasi.kanji import Kanwa
    except ImportError:
        return False
    state = getattr(Kanwa, "_shared_state", None)
    if not isinstance(state, dict) or "_jisyo_table" not in state:
        return False  # another pykakasi than the one this was written for: it loads its own way
    lock = state.get("_lock") or threading.Lock()
    with lock:
        if isinstance(state["_jisyo_table"], Tables):
            return True
        if state["_jisyo_table"] is not None:
            return False
        tables = load(path)
        if tables is None:
            return False
        state["_jisyo_table"] = tables
    return True
