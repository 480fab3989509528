"""Alarm webhooks: HMAC-SHA256 over ``timestamp + "." + body`` with the source's secret, and a freshness window.

The nonce (the alarm's own event id) is checked against those already seen by the caller, which keeps them."""

from __future__ import annotations

import hashlib
import hmac

WINDOW_S = 300


class SignatureError(ValueError):
    pass


class StaleTimestamp(ValueError):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str | None, body: bytes, signature: str | None, now_epoch: float,
           window_s: int = WINDOW_S) -> None:
    """Raise SignatureError (missing or wrong signature) or StaleTimestamp (outside the window)."""
    if not timestamp or not signature:
        raise SignatureError("missing timestamp or signature header")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError("timestamp must be Unix seconds")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise SignatureError("signature does not match")
    if abs(now_epoch - int(timestamp)) > window_s:
        raise StaleTimestamp(f"timestamp is more than {window_s} s from the server's clock")
