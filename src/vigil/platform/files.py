"""Checked file uploads, shared by every capability that takes attachments (findings, tips, evidence).

A file's type is decided by its content (magic bytes), never by its name or the browser's content type; only the
kinds a caller allows are kept, up to a size. Files are stored outside the web root, under
`<data_dir>/files/<aa>/<sha256>`, named by their hash (so identical uploads are stored once), and are only ever
served back as a download with a fixed, non-HTML content type (`media_type`) and `nosniff`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from vigil.platform.config import get_settings
from vigil.platform.errors import NotFound, Problem

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "text": "text/plain; charset=utf-8",
}
IMAGES = frozenset({"png", "jpeg", "gif", "webp"})
DOCUMENTS = frozenset({"pdf", "text"}) | IMAGES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Markup that a browser could run if the file were ever rendered: refused even inside a "text" file.
_ACTIVE_MARKUP = (b"<script", b"<html", b"<svg", b"<iframe", b"<!doctype html", b"<body", b"javascript:")


class UnsupportedFile(Problem):
    def __init__(self, detail: str):
        super().__init__(415, detail)


class FileTooLarge(Problem):
    def __init__(self, detail: str):
        super().__init__(413, detail)


def sniff(data: bytes) -> str | None:
    """The kind of a file by its first bytes, or None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if _is_plain_text(data):
        return "text"
    return None


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lowered = data[:65536].lower()
    if any(marker in lowered for marker in _ACTIVE_MARKUP):
        return False
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls == 0


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    kind: str
    size: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def check(data: bytes, allowed: frozenset[str] | set[str] = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES,
          label: str = "file") -> str:
    """The file's kind, or a 413/415 Problem saying why it is refused."""
    if len(data) > max_bytes:
        raise FileTooLarge(f"The {label} is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data:
        raise UnsupportedFile(f"The {label} is empty")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        seen = kind or "an unrecognised or unsafe type"
        raise UnsupportedFile(f"The {label} is {seen}; accepted: {', '.join(sorted(allowed))}")
    return kind


def root() -> Path:
    return get_settings().ensure_data_dir() / "files"


def _path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFound("No such file")
    return root() / sha256[:2] / sha256


def store(data: bytes, allowed: frozenset[str] | set[str] = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES,
          label: str = "file") -> StoredFile:
    """Check and keep a file; written to a temporary name and renamed, so a crash leaves no half file."""
    kind = check(data, allowed, max_bytes, label)
    digest = hashlib.sha256(data).hexdigest()
    path = _path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return StoredFile(digest, kind, len(data))


def load(sha256: str) -> bytes:
    path = _path(sha256)
    if not path.exists():
        raise NotFound("No such file")
    return path.read_bytes()


def delete(sha256: str) -> None:
    """Remove a stored file (retention); callers make sure no other record still refers to it."""
    path = _path(sha256)
    path.unlink(missing_ok=True)
