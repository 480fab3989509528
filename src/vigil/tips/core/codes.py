"""Tip codes: 80 random bits (`secrets`) in Crockford's base32, four groups of four, easy to read aloud
(no I, L, O or U; when typed back, O reads as 0 and I/L as 1, dashes and spaces and case do not matter)."""
from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
LENGTH = 16  # 16 symbols x 5 bits = 80 bits


def new_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(symbols[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(typed: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be one."""
    raw = (typed or "").upper().translate(_TYPED)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def code_hash(code: str) -> str:
    """Stored instead of the code: the code is the reporter's only key to the tip."""
    return hashlib.sha256(code.encode()).hexdigest()
