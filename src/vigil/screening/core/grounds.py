"""Refuse watchlist entries whose stated grounds are political, religious or racial.

A listing must rest on conduct (an offence, a designation, a court order), never on who a person is or
what they believe. This is a screen on the stated grounds text; a human still reviews every entry.
"""

from __future__ import annotations

import re
import unicodedata

_PROTECTED = {
    "political": r"politic\w*|opposition|dissident|activis\w*|protest\w*|party member\w*|trade union\w*|"
                 r"journalis\w*|petition\w*|government critic\w*|critic\w* of the government",
    "religious": r"religio\w*|faith|muslim\w*|islam\w*|christian\w*|jew\w*|judaism|hindu\w*|buddhis\w*|sikh\w*|"
                 r"atheis\w*|mosque|church|synagogue|temple attend\w*|worship\w*|believer\w*|uyghur\w*|falun",
    "racial": r"rac(e|ial|ially)|ethnic\w*|skin colou?r|tribe|tribal|minority|descent|roma\b|national origin",
}
_PATTERNS = {ground: re.compile(rf"\b({words})\b", re.I) for ground, words in _PROTECTED.items()}


def refused_grounds(text: str) -> str | None:
    """The protected ground the text invokes, or None when the stated grounds are acceptable."""
    folded = unicodedata.normalize("NFKC", text or "")
    for ground, pattern in _PATTERNS.items():
        if pattern.search(folded):
            return ground
    return None
