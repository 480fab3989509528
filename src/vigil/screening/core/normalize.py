"""Name normalisation (pure).

Pipeline: NFKC -> drop control chars -> truncate -> "LAST, First" reordering
-> transliteration to Latin (``translit``) -> strip diacritics -> casefold ->
punctuation to spaces -> token folding (transliteration variants such as
Mohammed/Muhammad, Abdul/Abd al) -> weak-token marking (honorifics, legal
forms, particles).  ``skeleton`` gives the consonant skeleton of a token used
for abjad scripts (Arabic/Persian/Hebrew lack short vowels).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

from .translit import is_abjad, scripts, to_latin_variants

MAX_NAME_CHARS = 300  # longer input is truncated (at a word boundary)
MAX_TOKENS = 12

# Honorifics, titles, legal forms, generic organisation words: kept but weak.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "sheikh", "shaykh", "shaikh",
    "cheikh", "sheik", "haji", "hajji", "hadji", "alhaji", "mullah", "mulla", "maulana", "mawlana",
    "maulvi", "mawlawi", "mawlavi", "qari", "imam", "sayyid", "sayed", "syed", "jr", "sr", "ii", "iii",
    "iv", "md", "dds", "phd", "dvm", "mba", "esq", "herr", "frau", "mme", "mlle", "sra", "sr",
    "dott", "ing", "pan", "pani", "gen", "general", "col", "colonel", "capt", "captain", "lt",
    "major", "brig", "emir", "amir", "hon", "rev", "st",
}
LEGAL_FORMS = {
    "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated", "co", "corp", "corporation",
    "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as",
    "oy", "plc", "pjsc", "ojsc", "cjsc", "jsc", "ooo", "zao", "oao", "pao", "ao", "tov", "doo",
    "sdn", "bhd", "pte", "pty", "kft", "sp", "zoo", "fze", "fzco", "fzc", "fzllc", "est",
    "establishment", "trading", "group", "holding", "holdings", "international", "intl",
    "enterprise", "enterprises", "the", "and", "of", "for", "youxian", "gongsi", "youxiangongsi",
    "sherkat", "sharikat", "shirkat", "shrkt", "tic", "ltda", "cia", "eirl", "sae", "wll",
}
PARTICLES = {
    "al", "el", "ul", "ud", "ad", "ar", "as", "az", "an", "at", "ibn", "bin", "ben", "bint",
    "binti", "bte", "ould", "walad", "de", "da", "do", "dos", "das", "del", "della", "di", "du",
    "des", "la", "le", "van", "von", "der", "den", "ter", "y", "e", "i", "zu", "ag", "ap", "mac",
    "aka", "fka", "nee",
}
WEAK = HONORIFICS | LEGAL_FORMS | PARTICLES
# Phrases removed before tokenising
_CJK_LEGAL = ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团")
_RU_LEGAL = re.compile(r"\b(ооо|оао|зао|пао|ао)\b", re.IGNORECASE)

# Transliteration variants: each group folds to its first spelling.
_VARIANT_GROUPS = [
    "muhammad mohammed muhammed mohamed mohamad mohammad muhamad muhamed mohd mhd mohamud "
    "mouhamed mouhammad mehmet mohammet muhammet mohamaed mohhamed mahammad",
    "ahmad ahmed ahmet achmed ahmat",
    "mahmud mahmoud mahmood mehmood",
    "usama osama ousama oussama osamah",
    "husayn hussein hussain husain hossein husein hosein houssein hussien huseyin",
    "hasan hassan hasen hassen hasson",
    "yusuf yousef youssef yousif yusef yousuf yousof yusif jusuf youcef yossef yosef",
    "umar omar omer oumar",
    "uthman othman osman usman uthmaan",
    "abdallah abdullah abdulla abdalla abdellah abdoullah",
    "khalid khaled khaleed",
    "mustafa mostafa moustafa mustapha mostapha mustafah",
    "ibrahim ebrahim ibraheem brahim ibragim",
    "ismail ismael ismayil esmail",
    "sulayman sulaiman suleiman soliman sulejman suleyman soleiman",
    "abu abou abo",
    "said saeed saaed sayid saied",
    "sayyid sayyed sayed syed said",
    "yahya yehia yahia yehya",
    "jamal gamal djamal",
    "jafar jaafar djaafar jaffar",
    "jihad djihad",
    "qasim kasim qassem kassem qasem",
    "qadir kadir kader khader qader",
    "haqqani haqani",
    "zawahiri zawahari zawahry",
    "tikriti takriti",
    "sergei sergey serguei sergej serhiy serhii",
    "aleksandr alexander alexandr aleksander oleksandr alexandre",
    "aleksei alexei alexey aleksey oleksiy",
    "dmitri dmitry dmitriy dmitrii",
    "andrei andrey andriy andrii",
    "nikolai nikolay mykola",
    "yuri yury yuriy iurii jurij",
    "evgeni evgeny yevgeny evgeniy yevgeniy yevgeni",
    "mikhail michail mykhailo",
    "vladimir volodymyr wladimir",
    "viktor victor",
    "grigori grigory grigoriy",
    "arkadi arkady arkadiy",
    "anatoli anatoly anatoliy",
    "vitali vitaly vitaliy",
    "valeri valery valeriy",
    "gennadi gennady gennadiy",
    "timur temur",
    "ali aly",
    "walid waleed",
    "nasser naser nasir nassir nasr",
    "rahman rehman rahmaan",
    "rahim raheem",
    "karim kareem",
    "hamid hameed",
    "majid majeed maged",
    "rashid rasheed rachid",
    "sharif shareef cherif",
    "habib habeeb",
    "aziz azeez",
]
FOLD: dict[str, str] = {}
for _g in _VARIANT_GROUPS:
    _words = _g.split()
    for _w in _words:
        FOLD.setdefault(_w, _words[0])
for _w in ("el", "ul", "ud"):
    FOLD[_w] = "al"

def _edit1(w: str, subs: bool = True) -> set[str]:
    """Strings one edit (deletion, insertion, substitution, transposition) from ``w``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = {w[:i] + w[i + 1:] for i in range(len(w))}
    out |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(len(w) - 1)}
    for i in range(len(w) + 1):
        for c in letters:
            out.add(w[:i] + c + w[i:])
            if i < len(w) and subs:
                out.add(w[:i] + c + w[i + 1:])
    out.discard(w)
    return out


# Variant spellings with a typo (mohmaed, ahoed) fold like the variant itself when the
# typo is unambiguous, keeps the first and last letters and the token has >= 5 letters
# (substitutions only from 7 letters).
_FUZZY_FOLD: dict[str, str] = {}
_ambiguous: set[str] = set()
for _w, _canon in FOLD.items():
    if len(_w) < 5:
        continue
    for _v in _edit1(_w, subs=len(_w) >= 7):  # short names differ by one consonant (hasani/haqani)
        if _v in FOLD or _v[:1] != _w[:1] or _v[-1:] != _w[-1:]:
            continue
        if _FUZZY_FOLD.get(_v, _canon) != _canon:
            _ambiguous.add(_v)
        _FUZZY_FOLD[_v] = _canon
for _v in _ambiguous:
    del _FUZZY_FOLD[_v]
del _ambiguous

# Legal-form abbreviations with a typo ("LD.", "LTOD", "GMBG") are weak like the form itself
# (the index applies this only to tokens that are not in its vocabulary).
_FUZZY_LEGAL_BASE = (
    "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "company", "gmbh",
    "plc", "pjsc", "ojsc", "cjsc", "jsc", "ooo", "zao", "oao", "pao", "sdn", "bhd", "pte",
    "pty", "fzco", "fzllc", "fzc", "ltda", "llp", "sarl", "establishment", "holding", "holdings",
)
FUZZY_WEAK = frozenset(v for f in _FUZZY_LEGAL_BASE for v in _edit1(f)
                       if v and v[:1] == f[:1] and v not in WEAK and len(v) >= 2)
# Arabic particles with a typo ("ale-ubaydi", "alt-ousta", "oul-furqaan", "plf-au abbas") likewise: an unknown
# 2-4 letter token one edit from al/ul/el/abu/bin/ibn is weak, not a missing strong name part.
FUZZY_WEAK |= frozenset(v for f in ("al", "ul", "el", "abu", "bin", "ibn") for v in _edit1(f)
                        if 2 <= len(v) <= 4 and v not in WEAK)

_ABD_AL = {"abdel", "abdul", "abdal", "abdoul", "abdil", "abdelal"}
# "abdul rahman" / "abdel kader" -> "abd al rahman"
_ABD_PREFIXES = ("abdoul", "abdul", "abdel", "abdal", "abdil")

_PUNCT_RE = re.compile(r"[^\w]+", re.UNICODE)
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def clean(text: str) -> str:
    """NFKC, remove control/format chars, collapse whitespace, truncate."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _CTRL_RE.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > MAX_NAME_CHARS:
        cut = text[:MAX_NAME_CHARS]
        sp = cut.rfind(" ")
        text = cut[:sp] if sp > MAX_NAME_CHARS // 2 else cut
    return text


def reorder_last_first(text: str) -> str:
    """"LAST, First" -> "First LAST" (only for a single comma)."""
    if text.count(",") == 1:
        last, first = (p.strip() for p in text.split(","))
        low = set(_PUNCT_RE.sub(" ", first.casefold()).split())
        if last and first and len(first.split()) <= 5 and not low <= LEGAL_FORMS:
            return f"{first} {last}"
    return text


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not out.isascii():
        out = unidecode(out)
    return out


def _fold_token(tok: str, split: bool = True) -> list[str]:
    if tok in FOLD:
        return [FOLD[tok]]
    if tok in _FUZZY_FOLD:
        return [_FUZZY_FOLD[tok]]
    if not split:
        return [tok]
    if tok in _ABD_AL:
        return ["abd", "al"]
    for p in _ABD_PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 3:
            rest = tok[len(p):]
            return ["abd", "al", FOLD.get(rest, rest)]
    for suf in ("ullah", "ulla", "allah", "ollah", "ellah"):
        if tok.endswith(suf) and len(tok) > len(suf) + 2:
            stem = tok[: -len(suf)]
            if stem == "abd":
                return ["abdallah"]
            return [FOLD.get(stem, stem), "allah"]
    return [tok]


@lru_cache(maxsize=8192)
def _latin_tokens(latin: str, split: bool = True) -> tuple[str, ...]:
    """Folded tokens; ``split`` separates compounds (abdulrahman -> abd al rahman, jundollah -> jund allah)."""
    s = strip_diacritics(latin).casefold()
    s = s.replace("'", "").replace("`", "").replace("\u2019", "").replace("\u2018", "")
    s = _PUNCT_RE.sub(" ", s).replace("_", " ")
    toks: list[str] = []
    for t in s.split():
        toks.extend(_fold_token(t, split))
    # abd + al merge: ["abd", "al", "x"] already; ["abdel"] handled by fold
    return tuple(toks[: MAX_TOKENS * 2])


_ARTICLE_RE = re.compile(r"^(al|el)([a-z]{4,})$")


def _split_articles(toks: tuple[str, ...]) -> tuple[str, ...]:
    """"algaddafi" -> "al gaddafi": an article written joined to the next word (an extra
    form on both sides, so joined and hyphenated spellings meet)."""
    out: list[str] = []
    changed = False
    for t in toks:
        m = _ARTICLE_RE.match(t) if t not in FOLD.values() else None
        if m and not t.startswith("allah"):
            rest = m.group(2)
            out.extend(("al", FOLD.get(rest, rest)))
            changed = True
        else:
            out.append(t)
    return tuple(out) if changed else toks


@dataclass(frozen=True)
class NameForm:
    tokens: tuple[str, ...]  # all tokens (folded)
    strong: tuple[str, ...]  # tokens that are not weak
    abjad: bool  # written in an abjad script originally
    cjk: bool = False  # Han/Hangul/Kana: romanised syllables, compared as units


def name_forms(raw: str) -> list[NameForm]:
    """All normalised forms of a name (one per transliteration variant)."""
    text = clean(raw)
    if not text:
        return []
    for p in _CJK_LEGAL:
        if p in text and len(text) > len(p):
            text = text.replace(p, " ")
    text = _RU_LEGAL.sub(" ", text)
    text = reorder_last_first(text)
    abjad = is_abjad(text)
    cjk = bool(scripts(text) & {"HAN", "HANGUL", "KANA"})
    forms = []
    seen = set()
    variants = []
    for latin in to_latin_variants(text):
        toks = _latin_tokens(latin)
        if not toks:
            continue
        variants.append(toks)
        if not cjk:
            split = _split_articles(toks)
            if split != toks:
                variants.append(split)
            # and the compounds as written, so a typo inside one (junzdollh ~ jundollah) still finds it
            joined = _latin_tokens(latin, False)
            if joined != toks:
                variants.append(joined)
    for toks in variants:
        strong = tuple(t for t in toks if t not in WEAK)
        if not strong:  # a name made only of weak tokens keeps them strong
            strong = toks
        toks = toks[: MAX_TOKENS]
        key = toks
        if key in seen:
            continue
        seen.add(key)
        forms.append(NameForm(toks, strong[:MAX_TOKENS], abjad, cjk))
    return forms


def normalize_name(raw: str) -> str:
    """A single canonical normalised string (first form, all tokens)."""
    forms = name_forms(raw)
    return " ".join(forms[0].tokens) if forms else ""


_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"),
             ("ph", "f"), ("zh", "j"), ("ts", "s"), ("dj", "j"), ("ou", "u"))
_SKEL_MAP = str.maketrans({"q": "k", "c": "k", "z": "s", "x": "s", "p": "b", "v": "f", "g": "j", "e": "a", "o": "a", "i": "a", "u": "a"})


@lru_cache(maxsize=200000)
def skeleton(tok: str) -> str:
    """Consonant skeleton: digraphs folded, vowels and medial w/y dropped,
    doubled letters collapsed (hussein -> hsn, husayn -> hsn, حسين -> hsn)."""
    s = tok
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    s = s.translate(_SKEL_MAP)
    out = []
    prev = ""
    for i, ch in enumerate(s):
        if ch == "a" or (ch in "wy" and i > 0) or ch == "h" and i == len(s) - 1 and i > 0:
            prev = ch if ch != "a" else prev
            continue
        if ch == prev:
            continue
        out.append(ch)
        prev = ch
    return "".join(out) or tok[:1]
