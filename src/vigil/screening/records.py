"""Core Entry <-> JSON for storage; the database keeps the whole entry so the index can be rebuilt from it."""

from __future__ import annotations

import dataclasses
import json

from vigil.screening.core import Entry, Identifier


def entry_to_json(entry: Entry) -> str:
    return json.dumps(dataclasses.asdict(entry), ensure_ascii=False, sort_keys=True)


def entry_from_json(text: str) -> Entry:
    data = json.loads(text)
    data["identifiers"] = tuple(Identifier(**i) for i in data.get("identifiers", ()))
    for key in ("aliases", "original_script_names", "dobs", "nationalities", "legal_basis"):
        data[key] = tuple(data.get(key) or ())
    return Entry(**data)
