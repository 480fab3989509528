"""Pickled files written whole or not at all: the batch CLI's index cache and the split kanji dictionary."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path


def dump_whole(path: Path, *objects: object) -> None:
    """Pickle ``objects`` one after another into ``path``, through a temporary file in the same folder that takes
    its place only once complete: a reader meets the old file or the new one, never half of one, and a failed
    write leaves nothing behind.  Readable by all, as the package's other files."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            for obj in objects:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
