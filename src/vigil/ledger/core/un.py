"""The bundled table of UN numbers (un_numbers.json: source in the file)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path


@cache
def table() -> dict[str, dict]:
    return json.loads((Path(__file__).parent / "un_numbers.json").read_text())["entries"]


def source() -> str:
    return json.loads((Path(__file__).parent / "un_numbers.json").read_text())["source"]


def lookup(un_number: str) -> dict | None:
    number = un_number.upper().removeprefix("UN").strip()
    return table().get(number)
