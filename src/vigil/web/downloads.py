"""Serving stored files and generated reports back to users: always as a download, never rendered as HTML."""

from __future__ import annotations

from fastapi.responses import Response

from vigil.platform import files


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._-") or "download"
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store",
    })


def stored_file(stored: files.StoredFile, filename: str) -> Response:
    return attachment(files.load(stored.sha256), stored.media_type, filename)
