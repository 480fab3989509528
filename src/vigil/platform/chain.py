"""Hash chains shared by the audit log and the controlled-items ledger.

A chained row's hash is SHA-256 over a canonical JSON array of its own fields with the previous row's hash last;
``first_break`` walks rows in sequence order and names the first one that was edited, deleted or reordered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson

GENESIS = "0" * 64


def canonical_time(at: datetime) -> str:
    if (at.tzinfo is None or at.tzinfo is timezone.utc) and at.year >= 1000:
        # The usual case, several times faster than strftime and the same text (a naive time is UTC; strftime
        # writes years before 1000 without leading zeros, so those take the slow path below).
        return at.isoformat(timespec="microseconds")[:26] + "Z"
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(values: list[Any]) -> str:
    """SHA-256 of the canonical JSON of ``values`` (compact separators, UTF-8 kept as is)."""
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def fast_chain_hash(values: list[Any]) -> str:
    """The same canonical form written by orjson (compact, UTF-8), several times faster: for chains of strings and
    integers only, where both encoders agree byte for byte; used by the ledger's million-row imports."""
    return hashlib.sha256(orjson.dumps(values)).hexdigest()


@dataclass
class Break:
    seq: int
    problem: str


def first_break(rows: Iterable[tuple[int, str, str, str]], label: str) -> tuple[int, str, Break | None]:
    """Walk ``(seq, prev_hash, stored_hash, recomputed_hash)`` in seq order. Returns (rows checked, last hash,
    the first break or None)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for seq, prev_hash, stored, recomputed in rows:
        if seq != expected_seq:
            return checked, expected_prev, Break(expected_seq, f"{label} {expected_seq} is missing (deleted); "
                                                               f"next row present is {seq}")
        if prev_hash != expected_prev:
            return checked, expected_prev, Break(seq, f"{label} {seq} does not follow row {seq - 1} "
                                                      "(reordered or previous row replaced)")
        if recomputed != stored:
            return checked, expected_prev, Break(seq, f"{label} {seq} was edited: its content no longer "
                                                      "matches its hash")
        expected_prev, expected_seq, checked = stored, seq + 1, checked + 1
    return checked, expected_prev, None


def head_break(checked: int, last_hash: str, head_count: int, head_hash: str) -> Break | None:
    """The head row records the chain's length and last hash: rows deleted from the end show up here."""
    if head_count != checked or head_hash != last_hash:
        return Break(checked + 1, f"the chain ends at row {checked} but the head records {head_count} rows: "
                                  f"row(s) {checked + 1}..{head_count} were deleted")
    return None
