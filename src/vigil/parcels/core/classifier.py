"""Declared contents -> prohibited/restricted categories, UN numbers and the terms that matched.

Rules, not a trained model (so it generalises to lines it has never seen and an admin can read and edit it):
- normalise: NFKC (full-width -> half-width), lower case, a few traditional -> simplified characters;
- UN numbers written any usual way ("UN1203", "UN 1203", "UN-1203", "UN No. 1203", "联合国编号1203");
- Chinese: longest match over the catalogue's Chinese terms and look-alikes (dictionary tokenising, no NLP);
- Latin script: words, plural -> singular, misspellings corrected to the catalogue's vocabulary (rapidfuzz, same
  first letter, one edit under 8 letters, two above), then phrases of up to five words, longest first;
  pinyin forms of the Chinese terms (pypinyin) are phrases too;
- look-alikes (glue gun, massage gun, phone case, bullet journal, 胶枪 ...) are matched like terms and take the
  words they cover away from every category.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

CATEGORIES = ("firearms", "ammunition", "explosives", "precursors", "flammable", "toxic_corrosive", "gases",
              "knives", "drugs", "dangerous_goods")
EXCLUDED = "-"  # the "category" of a look-alike
MAX_WORDS = 5
_TRADITIONAL = str.maketrans("槍彈藥鋰電氣劑煙劍噴蟲殺氫導滅罐", "枪弹药锂电气剂烟剑喷虫杀氢导灭罐")
_UN = re.compile(r"(?:(?<![a-z])u\.?\s?n\.?(?:\s?(?:no|nr|number|num|#)\.?)?|联合国编号|联合国|危险品编号|危规号)"
                 r"\s?[-:#.：]?\s?(\d{4})(?!\d)")
_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CALIBRE = re.compile(r"(?<![\w.])(?:\.22|\.223|\.308|\.38|\.357|\.45|\.50|5\.56|7\.62(?:x39|x51)?|9\s?mm|"
                      r"\d{1,2}\s?(?:ga|gauge)|\d{1,2}号霰弹)(?![\w])")
_ROUNDS = re.compile(r"\b(?:rounds?|cartridges?|shells?|ammo|bullets?|box(?:es)? of \d+)\b|发|子弹")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().translate(_TRADITIONAL)


def latin_key(text: str) -> str:
    """A Latin-script phrase as the classifier compares it: words separated by one space."""
    return " ".join(_WORD.findall(normalise(text)))


@dataclass
class Classification:
    text: str
    categories: list[str] = field(default_factory=list)
    un_numbers: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.categories)

    def to_dict(self) -> dict:
        return {"text": self.text, "flagged": self.flagged, "categories": self.categories,
                "un_numbers": self.un_numbers}


class Classifier:
    def __init__(self, catalogue: dict):
        self.phrases: dict[str, list[str]] = {}  # latin phrase -> categories (EXCLUDED for look-alikes)
        self.cjk: dict[str, list[tuple[str, list[str]]]] = {}  # first char -> [(term, categories)] longest first
        self.un = {str(k).zfill(4): v for k, v in catalogue.get("un_numbers", {}).items()}
        for name, spec in catalogue["categories"].items():
            for term in spec.get("en", []) + spec.get("pinyin", []):
                self._add_latin(term, name)
            for term in spec.get("zh", []):
                self._add_cjk(term, name)
        excl = catalogue.get("exclusions", {})
        for term in excl.get("en", []) + excl.get("pinyin", []):
            self._add_latin(term, EXCLUDED)
        for term in excl.get("zh", []):
            self._add_cjk(term, EXCLUDED)
        for terms in self.cjk.values():
            terms.sort(key=lambda t: -len(t[0]))
        self.vocabulary = {w for p in self.phrases for w in p.split()}
        self.benign = set(catalogue.get("benign_words", [])) | self.vocabulary
        by_letter: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if len(word) >= 5 and word.isalpha():
                by_letter.setdefault(word[0], []).append(word)
        self.by_letter = by_letter
        self._corrections: dict[str, str] = {}

    # ------------------------------------------------------------------ building
    def _add_latin(self, term: str, category: str) -> None:
        key = latin_key(term)
        if key:
            cats = self.phrases.setdefault(key, [])
            if category not in cats:
                cats.append(category)

    def _add_cjk(self, term: str, category: str) -> None:
        term = normalise(term).strip()
        if not term:
            return
        if not _CJK.search(term):
            self._add_latin(term, category)
            return
        entries = self.cjk.setdefault(term[0], [])
        for t, cats in entries:
            if t == term:
                if category not in cats:
                    cats.append(category)
                return
        entries.append((term, [category]))
        if len(term) >= 2 and _CJK.fullmatch(term[0]) and all(_CJK.fullmatch(c) for c in term):
            for form in _pinyin_forms(term):
                self._add_latin(form, category)

    # ------------------------------------------------------------------ matching
    def classify(self, text: str) -> Classification:
        norm = normalise(text)
        found: dict[str, None] = {}
        terms: list[str] = []
        un_numbers = self._un_numbers(norm, found, terms)
        if _CJK.search(norm):
            self._match_cjk(norm, found, terms)
        self._match_latin(norm, found, terms)
        if _CALIBRE.search(norm) and _ROUNDS.search(norm):
            found.setdefault("ammunition")
            terms.append(_CALIBRE.search(norm).group(0))
        categories = [c for c in CATEGORIES if c in found]
        return Classification(text, categories, un_numbers, list(dict.fromkeys(terms)))

    def _un_numbers(self, norm: str, found: dict, terms: list[str]) -> list[str]:
        numbers = list(dict.fromkeys(m.group(1) for m in _UN.finditer(norm)))
        for number in numbers:
            category = self.un.get(number) or ("explosives" if number.startswith("0") else "dangerous_goods")
            found.setdefault(category)
            terms.append(f"UN{number}")
        return numbers

    def _match_cjk(self, norm: str, found: dict, terms: list[str]) -> None:
        i, n = 0, len(norm)
        while i < n:
            step = 1
            for term, cats in self.cjk.get(norm[i], ()):
                if norm.startswith(term, i):
                    step = len(term)
                    if EXCLUDED not in cats:
                        for c in cats:
                            found.setdefault(c)
                        terms.append(term)
                    break
            i += step

    def _match_latin(self, norm: str, found: dict, terms: list[str]) -> None:
        words = [self._correct(w) for w in _WORD.findall(norm)]
        i, n = 0, len(words)
        while i < n:
            step = 1
            if i + 1 < n and words[i] + words[i + 1] in self.phrases:  # "fire works", "gun powder" split
                words[i:i + 2] = [words[i] + words[i + 1]]
                n -= 1
            for size in range(min(MAX_WORDS, n - i), 0, -1):
                phrase = " ".join(words[i:i + size]) if size > 1 else words[i]
                cats = self.phrases.get(phrase)
                if cats is None:  # "roman candles": the last word in the singular
                    last = self._singular(words[i + size - 1])
                    if last is not None:
                        cats = self.phrases.get(" ".join(words[i:i + size - 1] + [last]))
                if cats is not None:
                    step = size
                    if EXCLUDED not in cats:
                        for c in cats:
                            found.setdefault(c)
                        terms.append(phrase)
                    break
            i += step

    def _singular(self, word: str) -> str | None:
        if word.endswith("es") and word[:-2] in self.vocabulary:
            return word[:-2]
        if word.endswith("s") and word[:-1] in self.vocabulary:
            return word[:-1]
        return None

    def _correct(self, word: str) -> str:
        """The catalogue word a misspelt or plural word stands for, else the word itself (cached)."""
        hit = self._corrections.get(word)
        if hit is not None:
            return hit
        out = word
        if word not in self.benign and not word.isdigit():
            if word.endswith("s") and word[:-1] in self.vocabulary:
                out = word[:-1]
            elif word.endswith("es") and word[:-2] in self.vocabulary:
                out = word[:-2]
            elif len(word) >= 5 and word.isalpha():
                limit = 1 if len(word) < 8 else 2
                best = process.extractOne(word, self.by_letter.get(word[0], ()), scorer=OSA.distance,
                                          score_cutoff=limit)
                if best is not None:
                    out = best[0]
        if len(self._corrections) < 200_000:
            self._corrections[word] = out
        return out


def _pinyin_forms(term: str) -> list[str]:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(term)
    return [" ".join(syllables), "".join(syllables)]


def load_catalogue_file() -> dict:
    return json.loads(resources.files("vigil.parcels").joinpath("catalogue.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_catalogue() -> Classifier:
    """The catalogue shipped with Vigil (the database copy, once seeded, is what the service uses)."""
    return Classifier(load_catalogue_file())
