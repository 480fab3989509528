"""Offline spam checks for the tip line: a honeypot field, a minimum fill time carried by a signed form token
(itsdangerous), and content checks (too many links, the same words over and over)."""
from __future__ import annotations

import re
import time

from itsdangerous import BadSignature, URLSafeTimedSerializer

MIN_FILL_SECONDS = 3.0
MAX_FORM_AGE_SECONDS = 4 * 3600
MAX_LINKS = 3
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)
_WORD = re.compile(r"\w+")


class Spam(ValueError):
    pass


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="vigil.tips.form")


def form_token(secret: str, now: float | None = None) -> str:
    """Signed with the time the form was served."""
    return _serializer(secret).dumps({"t": now if now is not None else time.time()})


def check_form_token(secret: str, token: str, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    try:
        served = float(_serializer(secret).loads(token or "", max_age=MAX_FORM_AGE_SECONDS)["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Spam("the form has expired or was not served by this site; reload the page") from None
    if now - served < MIN_FILL_SECONDS:
        raise Spam("the form was sent too quickly; please take a moment and send it again")


def check_content(text: str) -> None:
    """Refuse what is almost surely advertising: more than a few links."""
    if len(_LINK.findall(text)) > MAX_LINKS:
        raise Spam(f"more than {MAX_LINKS} links: please describe what you saw in words")


def suspicion(text: str) -> str:
    """Why a text looks like junk (the same words or characters over and over), or "". Such tips are kept and
    flagged for triage rather than refused: a frightened person may write oddly."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) >= 12 and len(set(words)) / len(words) < 0.25:
        return "repeats the same words over and over"
    if re.search(r"(.{1,10}?)\1{15,}", text):
        return "repeats the same characters over and over"
    return ""
