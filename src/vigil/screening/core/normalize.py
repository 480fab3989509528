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
from functools import lru_cache
from typing import Final, NamedTuple

from .translit import ABJAD, ascii_of, remember, scripts, to_latin_readings

MAX_NAME_CHARS: Final = 300  # longer input is truncated (at a word boundary)
MAX_TOKENS: Final = 12

# Honorifics, titles, legal forms, generic organisation words: kept but weak.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "sheikh", "shaykh", "shaikh",
    "cheikh", "sheik", "haji", "hajji", "hadji", "alhaji", "mullah", "mulla", "maulana", "mawlana",
    "maulvi", "mawlawi", "mawlavi", "qari", "imam", "sayyid", "sayed", "syed", "jr", "sr", "ii", "iii",
    "iv", "md", "dds", "phd", "dvm", "mba", "esq", "herr", "frau", "mme", "mlle", "sra", "sr",
    "dott", "ing", "pan", "pani", "gen", "general", "col", "colonel", "capt", "captain", "lt",
    "major", "brig", "emir", "amir", "hon", "rev", "st",
}
# The same titles written in Arabic or Persian script, as their transliteration spells them (no short vowels):
# السيد/السيدة syd/syda, الآنسة ansa, الدكتور/الدكتورة dktwr/dktwra, دکتر dktr, الأستاذ/الأستاذة astadh/astadha,
# استاد astad, المهندس/المهندسة mhnds/mhndsa, الشيخ shykh, الحاج/حاجی haj/hajj/hajy, ملا mla, مولوي mwlwy, مولانا
# mwlana, قاری qary, امام amam, امیر amyr, آقای aqay, خانم khanm, سرکار srkar, جناب jnab
HONORIFICS |= {
    "syd", "syda", "sydh", "ansa", "dktwr", "dktwra", "dktr", "astadh", "astadha", "astad", "mhnds", "mhndsa",
    "shykh", "haj", "hajj", "hajy", "mla", "mwlwy", "mwlana", "qary", "amam", "amyr", "aqay", "khanm", "srkar",
    "jnab",
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
    "aka", "fka", "nee", "bnw", "bny",  # بنو/بني (banu/bani, "sons of": a tribe)
}
WEAK: Final = HONORIFICS | LEGAL_FORMS | PARTICLES
# Phrases removed before tokenising.  (A constant tuple is typed ``tuple[str, ...]``: mypyc keeps a fixed-length
# Final tuple unboxed and builds a new tuple object every time a loop reads it.)
_CJK_LEGAL: Final[tuple[str, ...]] = ("有限责任公司", "股份有限公司", "有限公司", "公司", "集团")
_RU_LEGAL: Final = re.compile(r"\b(ооо|оао|зао|пао|ао)\b", re.IGNORECASE)

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
# Particles as the Arabic script spells them (abw, bn, wld) fold to the Latin spelling.  Kept out of
# _VARIANT_GROUPS, which the benchmark also uses to generate its transliteration perturbations.
_PARTICLE_GROUPS = ["abu abw", "bin ben bn", "ould walad wld"]
FOLD: Final[dict[str, str]] = {}
for _g in _VARIANT_GROUPS + _PARTICLE_GROUPS:
    _group = _g.split()
    for _w in _group:
        FOLD.setdefault(_w, _group[0])
# The Arabic script always writes the article al-; Latin spellings write it el or ul too (saif el adel, zia ul
# haq), which fold to "al" wherever they stand.
for _w in ("el", "ul"):
    FOLD[_w] = "al"
# Before a "sun letter" the article is assimilated (abd ur-rahman, nasr ad-din, at-tawhid, as-sabar, jabhat
# an-nusra).  These spellings fold to "al" only where they are assimilated, before a word that starts with their
# consonant: elsewhere "un", "an" or "us" is a name part of its own (Kim Jong Un, An Jung-geun).
_SUN_ARTICLES: Final = {"ud": "d", "ur": "r", "ar": "r", "ad": "d", "ash": "sh", "ush": "sh", "ath": "th", "az": "z",
                 "uz": "z", "as": "s", "us": "s", "at": "t", "an": "n", "un": "n"}

def _edit1(w: str, subs: bool = True, inside: bool = False) -> set[str]:
    """Strings one edit (deletion, insertion, substitution, transposition) from ``w``; with ``inside``, only edits
    that leave its first and last letters where they are (no fewer strings keep both ends: an edit at an end that
    keeps it, like a doubled first letter, is also an edit inside)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    first, last = (1, len(w) - 1) if inside else (0, len(w))  # the letters an edit may touch: w[first:last]
    out = {w[:i] + w[i + 1:] for i in range(first, last)}
    out |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(first, last - 1)}
    for i in range(first, last + 1):  # insertions before w[i], substitutions of w[i]
        head, tail, after = w[:i], w[i:], w[i + 1:]  # sliced once per place, not once per letter (import time)
        substitute = subs and i < last
        for c in letters:
            out.add(head + c + tail)
            if substitute:
                out.add(head + c + after)
    out.discard(w)
    return out


# Variant spellings with a typo (mohmaed, ahoed) fold like the variant itself when the
# typo is unambiguous, keeps the first and last letters and the token has >= 5 letters
# (substitutions only from 7 letters).
def _fuzzy_fold(fold: dict[str, str]) -> dict[str, str]:
    """The typos of ``fold``'s variants that fold like them.  (A function, not module-level code: compiled, a
    module-level loop reads and writes its variables in the module's dict, ~60 M instructions at import.)"""
    out: dict[str, str] = {}
    ambiguous: set[str] = set()
    for w, canon in fold.items():
        if len(w) < 5:
            continue
        # edits inside the word keep its first and last letters; substitutions only from 7 letters (short names
        # differ by one consonant: hasani/haqani)
        for v in _edit1(w, subs=len(w) >= 7, inside=True):
            if v in fold:
                continue
            if out.get(v, canon) != canon:
                ambiguous.add(v)
            out[v] = canon
    for v in ambiguous:
        del out[v]
    return out


_FUZZY_FOLD: Final[dict[str, str]] = _fuzzy_fold(FOLD)

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

_ABD_AL: Final = {"abdel", "abdul", "abdal", "abdoul", "abdil", "abdelal", "abdur", "abder", "abdar", "abdus",
           "abdes", "abdas", "abdun", "abdon", "abdol", "abdulla"}
# "abdul rahman" / "abdel kader" -> "abd al rahman"
_ABD_PREFIXES: Final[tuple[str, ...]] = ("abdoul", "abdul", "abdel", "abdal", "abdil", "abdol")
_ALLAH_SUFFIXES: Final[tuple[str, ...]] = ("ullah", "ulla", "allah", "ollah", "ellah")  # "abdullah" -> abd allah
_AL_DIN: Final = {"eldin", "eddin", "eddine", "uddin", "uddine", "aldin", "addin", "oddin", "ouddine", "edin", "udin"}
# "abd al-X" joined, with the article assimilated to a sun letter (abderrahmane, abdussalam, abdennour) or
# reduced to a vowel (abdurahman, abdirahman, abdoulaye... -> abd al rahman)
_ABD_SUN_RE: Final = re.compile(r"^abd(?:ou|u|e|a|i|o)(?:(t|th|d|dh|r|z|s|sh|n)\1|(?=[rsnztdh]))([a-z]{3,})$")
# "X al-Din" written joined: jalaluddin, noureddine, salahaldin, ghiasuddin, sadudin -> X al din
_AL_DIN_RE: Final = re.compile(r"^([a-z]{3,}?)(?:al|el|ul|ol|oul|ou|u|e|a|o|i)(?:dd|(?<=[ul])d)(?:in|ine|een|eene|yn)$")
# "Abu X" / "bin al-X" written joined: abubakar, aboughaith, binalshibh
_ABU_RE: Final = re.compile(r"^(?:abu|abou)([a-z]{4,})$")
_BIN_AL_RE: Final = re.compile(r"^(?:bin|ben|ibn)(?:al|el)([a-z]{3,})$")

_PUNCT_RE: Final = re.compile(r"[^\w]+", re.UNICODE)
_CTRL_RE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def clean(text: str) -> str:
    """NFKC, remove control/format chars, collapse whitespace, truncate."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if not text.isprintable():  # every character _CTRL_RE takes is unprintable (Cc, Cf or unassigned)
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
    if text.isascii():  # most list and query names: nothing to strip
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not out.isascii():
        out = ascii_of(out)
    return out


# token -> its folded tokens, compounds split (``_FOLDED``) or not: names are mostly new to a batch, their words
# rarely are, and folding one runs up to four regular expressions (dicts, not lru_cache: from compiled code a dict
# lookup costs a few times less than calling a cached function)
_FOLDED: Final[dict[str, tuple[str, ...]]] = {}
_FOLDED_JOINED: Final[dict[str, tuple[str, ...]]] = {}


def _folded(tok: str, split: bool) -> tuple[str, ...]:
    cache = _FOLDED if split else _FOLDED_JOINED
    hit = cache.get(tok)
    if hit is None:
        hit = remember(cache, tok, tuple(_fold_token(tok, split)))
    return hit


def _fold_token(tok: str, split: bool = True) -> list[str]:
    if tok in FOLD:
        return [FOLD[tok]]
    if tok in _FUZZY_FOLD:
        return [_FUZZY_FOLD[tok]]
    if not split:
        return [tok]
    if tok in _ABD_AL:
        return ["abd", "al"]
    if tok in _AL_DIN:
        return ["al", "din"]
    for p in _ABD_PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 3:
            rest = tok[len(p):]
            return ["abd", "al", FOLD.get(rest, rest)]
    for suf in _ALLAH_SUFFIXES:
        if tok.endswith(suf) and len(tok) > len(suf) + 2:
            stem = tok[: -len(suf)]
            if stem == "abd":
                return ["abdallah"]
            return [FOLD.get(stem, stem), "allah"]
    return _split_compound(tok)


def _split_compound(tok: str) -> list[str]:
    """Arabic compound names written as one word split like the script writes them, so that
    Jalaluddin ~ جلال الدين, Abderrahmane ~ عبد الرحمن, Abubakar ~ أبو بكر, Binalshibh ~ بن الشيبة."""
    m = _ABD_SUN_RE.match(tok)
    if m:
        rest = (m.group(1) or "") + m.group(2)
        return ["abd", "al", FOLD.get(rest, rest)]
    m = _AL_DIN_RE.match(tok)
    if m:
        stem = m.group(1)
        return [FOLD.get(stem, stem), "al", "din"]
    m = _ABU_RE.match(tok)
    if m:
        rest = m.group(1)
        return ["abu", FOLD.get(rest, rest)]
    m = _BIN_AL_RE.match(tok)
    if m:
        rest = m.group(1)
        return ["bin", "al", FOLD.get(rest, rest)]
    return [tok]


# ``strip_diacritics`` leaves ASCII only, so the words of a Latin rendering and of a spelling are split by a table
# over ASCII: apostrophes join (O'Brien -> obrien), other punctuation separates (rendering) or is dropped (spelling)
_APOSTROPHES: Final = "'`"
_LATIN_WORD_TABLE: Final = str.maketrans({c: None if c in _APOSTROPHES else " "
                                   for c in map(chr, range(128)) if not c.isalnum()})
_SPELLING_WORD_TABLE: Final = str.maketrans({c: " " if c.isspace() or c in ",;/" else None
                                      for c in map(chr, range(128)) if not c.isalnum()})


def _assimilated(toks: list[str]) -> tuple[str, ...]:
    """Folded tokens with the assimilated articles (ud, ash... before a word that starts with their consonant) read
    as "al", at most MAX_TOKENS * 2 of them."""
    for i in range(len(toks) - 1):
        sun = _SUN_ARTICLES.get(toks[i])
        if sun is not None and toks[i + 1].startswith(sun):
            toks[i] = "al"
    return tuple(toks[: MAX_TOKENS * 2])


# What is read of a space-separated chunk of a name: its words are the name's words (every step is character by
# character but the split), so a batch's names share their chunks.  Chunk -> (its folded tokens, compounds split; the
# same, compounds as written; whether one of the first splits at a joined article; its spelling words, ``_words``):
# one lookup for a chunk rather than one per word in each of five caches (a lookup in a large table is mostly cache
# misses; ``_words`` reads the entry ``cleaned_name_forms`` has just read)
ChunkWords = tuple[tuple[str, ...], tuple[str, ...], bool, tuple[str, ...]]
_CHUNK_FOLDED: Final[dict[str, ChunkWords]] = {}


def _chunk(chunk: str) -> ChunkWords:
    hit = _CHUNK_FOLDED.get(chunk)
    if hit is None:
        hit = remember(_CHUNK_FOLDED, chunk, _chunk_folded(chunk))
    return hit


def _reading_tokens(latin: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """The folded tokens of ``latin`` (a Latin reading: no diacritics, case, apostrophes or punctuation), with
    compounds split (abdulrahman -> abd al rahman, jundollah -> jund allah) and as written, and whether
    ``_split_articles`` may split one of the first (the assimilated articles read as "al" split at no article)."""
    split: list[str] = []
    joined: list[str] = []
    articles = False
    for chunk in latin.split(" "):
        hit = _chunk(chunk)
        split.extend(hit[0])
        joined.extend(hit[1])
        if hit[2]:
            articles = True
    return _assimilated(split), _assimilated(joined), articles


def _chunk_folded(chunk: str) -> ChunkWords:
    """What ``_CHUNK_FOLDED`` keeps of ``chunk``: its words without diacritics, case, apostrophes or punctuation,
    folded (compounds split and as written), and its spelling words (letters and digits only)."""
    plain = strip_diacritics(chunk).lower()
    words = plain.translate(_LATIN_WORD_TABLE).split()
    split = tuple([t for w in words for t in _folded(w, True)])
    joined = tuple([t for w in words for t in _folded(w, False)])
    spelled = tuple(plain.translate(_SPELLING_WORD_TABLE).split())
    return (split, joined if joined != split else split, any(_article_split(t) is not None for t in split),
            spelled)


_CANONICAL: Final = frozenset(FOLD.values())  # folded spellings (a set: `in FOLD.values()` scans the dict)
_ARTICLE_RE: Final = re.compile(r"^(al|el)([a-z]{4,})$")
# the article assimilated to a following sun letter and written joined: essabar, ettoumi -> al sabar
_SUN_ARTICLE_RE: Final = re.compile(r"^[ae](?=(tt|dd|rr|zz|ss|nn))[a-z]([a-z]{5,})$")


def _split_articles(toks: tuple[str, ...]) -> tuple[str, ...]:
    """"algaddafi" -> "al gaddafi": an article written joined to the next word (an extra
    form on both sides, so joined and hyphenated spellings meet)."""
    out: list[str] = []
    changed = False
    for t in toks:
        if t in _ARTICLE_SPLIT:
            split = _ARTICLE_SPLIT[t]
        else:
            split = remember(_ARTICLE_SPLIT, t, _article_split(t))
        if split is not None:
            out.extend(split)
            changed = True
        else:
            out.append(t)
    return tuple(out) if changed else toks


# token -> ("al", the rest) when it starts with a joined article, else None (``_split_articles``)
_ARTICLE_SPLIT: Final[dict[str, "tuple[str, str] | None"]] = {}


def _article_split(t: str) -> "tuple[str, str] | None":
    m = (_ARTICLE_RE.match(t) or _SUN_ARTICLE_RE.match(t)) if t not in _CANONICAL else None
    if m and not t.startswith("allah"):
        rest = m.group(2)
        return ("al", FOLD.get(rest, rest))
    return None


class NameForm(NamedTuple):
    """One normalised form of a name (a tuple: mypyc builds it natively, and it pickles as one)."""

    tokens: tuple[str, ...]  # all tokens (folded)
    strong: tuple[str, ...]  # tokens that are not weak
    abjad: bool  # written in an abjad script originally
    # how the reading's words compare (``translit.to_latin_readings``): "han" (pinyin of Chinese characters) or
    # "syllabic" (romanised Korean syllables), compared as units; "" for words (Japanese readings too)
    cjk: str = ""


def name_forms(raw: str) -> list[NameForm]:
    """All normalised forms of a name (one per transliteration variant)."""
    return cleaned_name_forms(clean(raw))


def cleaned_name_forms(text: str, sc: "set[str] | None" = None) -> list[NameForm]:
    """``name_forms`` of a name that ``clean`` has already cleaned (``sc``: its ``scripts``, when known)."""
    if not text:
        return []
    cleaned = text
    if not text.isascii():  # legal forms in Chinese characters and Cyrillic
        for p in _CJK_LEGAL:
            if p in text and len(text) > len(p):
                text = text.replace(p, " ")
        text = _RU_LEGAL.sub(" ", text)
    # the cleaned name's scripts, unless a legal form was removed (scripts are read off the letters)
    found = sc if sc is not None and text == cleaned else scripts(text)
    text = reorder_last_first(text)
    abjad = any(s in ABJAD for s in found)
    forms = []
    seen = set()
    variants: list[tuple[tuple[str, ...], str]] = []
    for latin, cjk in to_latin_readings(text, found):
        toks, joined, articles = _reading_tokens(latin)
        if not toks:
            continue
        variants.append((toks, cjk))
        if not cjk:
            split = _split_articles(toks) if articles else toks
            if split != toks:
                variants.append((split, cjk))
            # and the compounds as written, so a typo inside one (junzdollh ~ jundollah) still finds it
            if joined != toks:
                variants.append((joined, cjk))
    for toks, cjk in variants:
        # romanised Han or Hangul syllables are name parts, never particles or titles (안 an, 杜 du, 潘 pan)
        strong = toks if cjk else tuple(t for t in toks if t not in WEAK)
        if not strong:  # a name made only of weak tokens keeps them strong
            strong = toks
        toks = toks[: MAX_TOKENS]
        key = (toks, cjk)
        if key in seen:
            continue
        seen.add(key)
        forms.append(NameForm(toks, strong[:MAX_TOKENS], abjad, cjk))
    return forms


def spelling_words(raw: str) -> tuple[str, ...]:
    """The words of a Latin-script name as typed ("LAST, First" reordered), split at spaces and commas, letters
    and digits only, without case, diacritics or folding (Mun-ch'o'l -> munchol).  Empty for a name in another
    script (its transliteration is not a spelling someone typed)."""
    return cleaned_spelling_words(clean(raw))


def cleaned_spelling_words(text: str, sc: "set[str] | None" = None) -> tuple[str, ...]:
    """``spelling_words`` of a name that ``clean`` has already cleaned (``sc``: its ``scripts``, when known)."""
    if sc is None:
        sc = scripts(text)
    return _words(reorder_last_first(text)) if not sc - {"LATIN"} else ()


def spelling_key(raw: str) -> str:
    """The words of ``spelling_words`` joined: "AL-RA'Y" and "ALRA'Y" both give "alray"."""
    return "".join(spelling_words(raw))


def listed_spellings(raw: str) -> set[str]:
    """Spelling keys a listed name may be typed as: as written ("AZAROV, Mykola" -> azarovmykola) and swapped at
    its first comma (mykolaazarov), which is also how a query is reordered, and covers a legal form or a long
    name after the comma ("MOLOT-ORUZHIE, OOO" -> ooomolotoruzhie)."""
    text = clean(raw)
    if not _latin(text):
        return set()
    head, _, tail = text.partition(",")
    first, last = "".join(_words(head)), "".join(_words(tail))
    return {k for k in (first + last, last + first) if k}


def _latin(text: str) -> bool:
    return not scripts(text) - {"LATIN"}


def _words(text: str) -> tuple[str, ...]:
    """Split at spaces, commas, semicolons and slashes; letters and digits only, no diacritics or case."""
    out: list[str] = []
    for chunk in text.split(" "):
        out.extend(_chunk(chunk)[3])
    return tuple(out)


# romanised Korean syllable -> the letters its spellings share (``syllable_key``)
_SYLLABLE_KEYS: Final[dict[str, str]] = {}
_SYLLABLE_VOWELS: Final[tuple[tuple[str, str], ...]] = (
    ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("hui", "hi"), ("o", "u"))
_SYLLABLE_CONSONANTS: Final = str.maketrans({"g": "k", "d": "t", "b": "p", "j": "c", "r": "l"})


def syllable_key(syl: str) -> str:
    """What the spellings of one Korean syllable have in common, in the Revised Romanization, McCune-Reischauer and
    the customary spellings (정 jeong ~ jung ~ chong ~ chung, 준 jun ~ joon, 이 lee ~ rhee ~ yi ~ i, 노 no ~ roh):
    vowels eo/o/u/eu/oo as one, voiced and voiceless plosives as one, r/l, sh/s, a silent h at the end or before a
    final (Oh, Ahn)."""
    hit = _SYLLABLE_KEYS.get(syl)
    if hit is None:
        key = syl.replace("ch", "j").replace("sh", "s").replace("rh", "r")
        for a, b in _SYLLABLE_VOWELS:
            key = key.replace(a, b)
        key = key.translate(_SYLLABLE_CONSONANTS)
        if key.startswith(("li", "ly", "yi", "wu")):  # 이 lee/rhee/yi/i, 우 woo/u: a glide or r/l before i/u
            key = key[1:]
        elif key.startswith("l"):  # 노 no ~ Roh, 나 na ~ ra: a name's first r is read n (South) or r (North)
            key = "n" + key[1:]
        if len(key) > 1 and key.endswith("h") and key[-2] in "aeiou":
            key = key[:-1]  # Roh, Oh, Suh
        elif len(key) > 2 and key[-2] == "h" and key[-3] in "aeiou" and key[-1] in "nmk":
            key = key[:-2] + key[-1]  # an h before a final is silent too: Ahn, Sohn
        hit = remember(_SYLLABLE_KEYS, syl, key)
    return hit


def normalize_name(raw: str) -> str:
    """A single canonical normalised string (first form, all tokens)."""
    forms = name_forms(raw)
    return " ".join(forms[0].tokens) if forms else ""


_DIGRAPHS: Final[tuple[tuple[str, str], ...]] = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("zh", "j"),
    ("ts", "s"), ("dj", "j"), ("ou", "u"))
_SKEL_MAP: Final = str.maketrans({"q": "k", "c": "k", "z": "s", "x": "s", "p": "b", "v": "f", "g": "j", "e": "a", "o": "a", "i": "a", "u": "a"})


# token -> its skeleton (a dict, as ``_FOLDED``); an index's warm-up fills in its own tokens (``known_skeletons``)
_SKELETONS: Final[dict[str, str]] = {}


def skeleton(tok: str) -> str:
    """Consonant skeleton: digraphs folded, vowels and medial w/y dropped,
    doubled letters collapsed (hussein -> hsn, husayn -> hsn, حسين -> hsn)."""
    hit = _SKELETONS.get(tok)
    if hit is None:
        hit = remember(_SKELETONS, tok, _skeleton(tok), 500_000)
    return hit


def known_skeletons(skeletons: "dict[str, str]") -> None:
    """Remember skeletons computed elsewhere (token -> ``skeleton(token)``): a list's tokens', kept by its index."""
    _SKELETONS.update(skeletons)


def _skeleton(tok: str) -> str:
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


# --------------------------------------------------------------------------------------------------
# Abjad token -> the Latin spellings it can stand for.  A token transliterated from Arabic/Persian
# script ("syf", "mhmd", "kazm") keeps consonants and long vowels only; a Latin list spelling adds
# short vowels and renders some letters several ways (ض d/z, ث th/s, ق q/k/g, و w/u/o/ou, ي y/i/ee).
# The pattern below accepts exactly those spellings, which is much stricter than comparing consonant
# skeletons (it places the long vowels and knows which letters may differ).
_FILL = "[aeiou]{0,2}"  # short vowels (and a medial ain) that the script does not write
_RX_UNITS = {
    "b": "b{1,2}|p", "p": "p{1,2}|b", "t": "t{1,2}", "j": "j{1,2}|dj|dzh|g{1,2}|zh",
    "h": "h{1,2}|kh", "d": "d{1,2}|dh|z{1,2}", "r": "r{1,2}", "z": "z{1,2}|dh|th|d{1,2}|s",
    "s": "s{1,2}|c", "f": "f{1,2}|ph|v", "q": "q{1,2}|k{1,2}|ck|c{1,2}|g{1,2}|gh|kh",
    "k": "k{1,2}|c{1,2}|ck|q|g{1,2}", "g": "g{1,2}|gu|k|gh|j", "l": "l{1,2}", "m": "m{1,2}",
    "n": "n{1,2}", "v": "v{1,2}|w", "w": "w{1,2}|v{1,2}|ou|oo|ow|aw|au|uw|u|o",
    "y": "y{1,2}|ii|i|ee|ie|ei|ai|ay|ey|iy|j",
    "kh": "kh|h|ch|x|k{1,2}", "gh": "gh|g{1,2}|r|q", "sh": "sh|ch|sch", "ph": "ph|p{1,2}|f{1,2}",
    "th": "th|s{1,2}|t{1,2}|c|z", "dh": "dh|z{1,2}|d{1,2}|th", "zh": "zh|j|z|g", "ch": "ch|tch|tsch|c|sh",
}
_RX_FIRST = {"a": "[aeiou]{1,2}", "i": "[aeiou]{1,2}|y", "w": "w|v|ou|o|u", "y": "y|i|j|e"}
_RX_MEDIAL_A = "a{1,2}|e|o|ae"
_RX_FINAL = {"a": "(?:a{1,2}|ah|e|eh|at|et|i|y|ya|ia|ai|ay|ae)?", "h": "(?:h{1,2}|a|e|ah|eh)?"}
_TAIL: Final = "(?:[aeiou]{1,2}h?)?"  # a final short vowel the script does not write, or -ah
_END: Final = "\n"  # a trie node's key for "a whole string ends here" (never a letter)
_STEP_TRIES: dict[str, dict] = {}
_READ: Final[dict] = {}  # ``spelled_by``'s node past the last step (nothing follows a whole spelling)


@lru_cache(maxsize=65536)
def _abjad_parts(tok: str) -> "tuple[tuple[str, ...], int] | None":
    """(the regular expression of each letter, number of letters) for a token transliterated from an abjad script,
    or None for a token in Latin spelling (it has short vowels e/o/u)."""
    if not tok.isalpha() or not tok.isascii() or any(c in "eou" for c in tok) or len(tok) < 2:
        return None
    parts: list[str] = []
    units = 0
    i = 0
    while i < len(tok):
        two = tok[i:i + 2]
        unit = two if two in _RX_UNITS and len(two) == 2 else tok[i]
        i += len(unit)
        units += 1
        last = i >= len(tok)
        if units == 1 and unit in _RX_FIRST:
            alt = _RX_FIRST[unit]
        elif last and unit in _RX_FINAL:
            parts.append(_RX_FINAL[unit])
            continue
        elif unit == "a":
            alt = _RX_MEDIAL_A
        elif unit == "i":
            alt = "[aeiouy]{1,2}"
        elif unit in _RX_UNITS:
            alt = _RX_UNITS[unit]
            if len(unit) == 2:  # a digraph may also be two letters (طه "th" = t + h)
                alt += f"|(?:{_RX_UNITS.get(unit[0], unit[0])}){_FILL}(?:{_RX_UNITS.get(unit[1], unit[1])})"
        else:
            return None
        parts.append(f"(?:{alt})")
    return tuple(parts), units


def abjad_units(tok: str) -> "int | None":
    """The number of letters of an abjad token's spelling pattern (``abjad_pattern``), None if it has none."""
    parts = _abjad_parts(tok)
    return None if parts is None else parts[1]


@lru_cache(maxsize=65536)
def abjad_pattern(tok: str) -> "tuple[re.Pattern, int] | None":
    """(regex over Latin tokens, number of letters) for a token transliterated from an abjad script, or None for a
    token in Latin spelling (it has short vowels e/o/u)."""
    found = _abjad_parts(tok)
    if found is None:
        return None
    parts, units = found
    # a spelling is a whole line: ``spells`` frames one token in newlines (tokens joined by newlines can be scanned
    # in one ``finditer``, as the test that checks ``spellings_in`` against this pattern does)
    return re.compile(f"\n{_FILL.join(parts)}{_TAIL}(?=\n)"), units


# The same spellings as tries, for finding an abjad token's spellings among many Latin tokens without compiling
# a regular expression (~0.23 ms a token): a trie of the Latin tokens (``spelling_trie``) is walked together with
# one small trie per part of the pattern (``abjad_steps``), each (token prefix, part) pair once.


@lru_cache(maxsize=65536)
def abjad_steps(tok: str) -> "tuple[dict, ...] | None":
    """``abjad_pattern(tok)`` as a sequence of tries, one per part (a letter's alternatives, the short vowels
    between letters, the final vowel), each holding the strings its part matches; None when it has no pattern."""
    found = _abjad_parts(tok)
    if found is None:
        return None
    steps: list[dict] = []
    for k, rx in enumerate(found[0]):
        if k:
            steps.append(_step_trie(_FILL))
        steps.append(_step_trie(rx))
    steps.append(_step_trie(_TAIL))
    return tuple(steps)


def _step_trie(rx: str) -> dict:
    """The trie of the strings ``rx`` matches (cached: the parts recur across tokens)."""
    trie = _STEP_TRIES.get(rx)
    if trie is None:
        trie = {}
        for text in _rx_strings(rx):
            node = trie
            for ch in text:
                node = node.setdefault(ch, {})
            node[_END] = {}
        _STEP_TRIES[rx] = trie
    return trie


def spelling_trie(tokens: "list[str]") -> dict:
    """A trie of Latin ``tokens`` for ``spellings_in``: letter -> node, and ``_END`` -> the token at its end."""
    root: dict = {}
    for tok in tokens:
        node = root
        for ch in tok:
            child = node.get(ch)
            if child is None:
                child = node[ch] = {}
            node = child
        node[_END] = tok
    return root


def spellings_in(trie: dict, steps: "tuple[dict, ...]") -> "list[str]":
    """The tokens of ``trie`` (``spelling_trie``) that are whole spellings ``steps`` (``abjad_steps``) accept:
    the token tries and the step tries walked together, each (token node, step) pair once."""
    out: list[str] = []
    last = len(steps)
    seen: list[set[int]] = [set() for _ in range(last + 1)]  # per step, the token nodes met there
    todo: list[tuple[dict, int]] = [(trie, 0)]
    while todo:
        node, k = todo.pop()
        met = seen[k]
        if id(node) in met:
            continue
        met.add(id(node))
        if k == last:
            tok = node.get(_END)
            if tok is not None:
                out.append(tok)
            continue
        walk: list[tuple[dict, dict]] = [(node, steps[k])]
        while walk:
            at, step = walk.pop()
            if _END in step:
                todo.append((at, k + 1))
            # the letters both nodes go on with, looked up from the one with fewer (a token's node has one or two)
            if len(at) < len(step):
                for ch, nxt in at.items():
                    rest = step.get(ch)
                    if rest is not None and ch != _END:
                        walk.append((nxt, rest))
            else:
                for ch, rest in step.items():
                    nxt = at.get(ch)
                    if nxt is not None and ch != _END:
                        walk.append((nxt, rest))
    return out


def spelled_by(steps: "tuple[dict, ...]", tok: str) -> bool:
    """Whether ``tok`` is a whole spelling ``steps`` (``abjad_steps``) accept: ``spellings_in`` for one token,
    reading its letters along the step tries (a compiled ``abjad_pattern`` costs ~0.23 ms, and a batch worker
    checks Latin query tokens against the list's ~600 abjad tokens, most of them failing on the first letter)."""
    first = steps[0]
    if tok and tok[0] not in first and _END not in first:  # most pairs: no first letter in common
        return False
    last = len(steps)
    states: list[tuple[int, dict]] = []
    _enter(states, set(), 0, first, steps)
    for ch in tok:
        moved: list[tuple[int, dict]] = []
        seen: set[tuple[int, int]] = set()
        for k, node in states:
            child = node.get(ch)
            if child is not None and ch != _END:
                _enter(moved, seen, k, child, steps)
        if not moved:
            return False
        states = moved
    return any(k == last for k, _ in states)


def _enter(states: "list[tuple[int, dict]]", seen: "set[tuple[int, int]]", k: int, node: dict,
           steps: "tuple[dict, ...]") -> None:
    """Add node ``node`` of step ``k`` to ``states``, and where a step may end there, the start of the next one
    (a step past the last one: the whole spelling read)."""
    last = len(steps)
    while True:
        if (k, id(node)) in seen:
            return
        seen.add((k, id(node)))
        states.append((k, node))
        if k == last or _END not in node:
            return
        k += 1
        node = steps[k] if k < last else _READ


def _rx_strings(rx: str) -> "set[str]":
    """Every string regular expression ``rx`` matches, for the forms ``abjad_pattern`` writes: letters,
    character classes, non-capturing groups, alternatives and the quantifiers ? and {m,n} (all finite)."""
    out, end = _rx_alternatives(rx, 0)
    if end != len(rx):
        raise ValueError(f"unsupported pattern: {rx!r}")
    return out


def _rx_alternatives(rx: str, i: int) -> "tuple[set[str], int]":
    out, i = _rx_sequence(rx, i)
    while i < len(rx) and rx[i] == "|":
        more, i = _rx_sequence(rx, i + 1)
        out |= more
    return out, i


def _rx_sequence(rx: str, i: int) -> "tuple[set[str], int]":
    acc = {""}
    while i < len(rx) and rx[i] not in "|)":
        if rx.startswith("(?:", i):
            atom, i = _rx_alternatives(rx, i + 3)
            if i >= len(rx) or rx[i] != ")":
                raise ValueError(f"unsupported pattern: {rx!r}")
            i += 1
        elif rx[i] == "[":
            end = rx.index("]", i)
            atom, i = set(rx[i + 1:end]), end + 1
        elif rx[i].isalpha():
            atom, i = {rx[i]}, i + 1
        else:
            raise ValueError(f"unsupported pattern: {rx!r}")
        low = high = 1
        if i < len(rx) and rx[i] == "?":
            low, high, i = 0, 1, i + 1
        elif i < len(rx) and rx[i] == "{":
            end = rx.index("}", i)
            a, b = rx[i + 1:end].split(",")
            low, high, i = int(a), int(b), end + 1
        repeats: set[str] = {""} if low == 0 else set()
        run = {""}
        for n in range(1, high + 1):
            run = {x + y for x in run for y in atom}
            if n >= low:
                repeats |= run
        acc = {x + y for x in acc for y in repeats}
    return acc, i


def spells(pattern: "re.Pattern", latin_tok: str) -> bool:
    """Whether ``latin_tok`` (letters only) is one of the spellings an ``abjad_pattern`` accepts."""
    return pattern.match(f"\n{latin_tok}\n") is not None
