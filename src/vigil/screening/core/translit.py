"""Cross-script transliteration to Latin (pure, no I/O).

``to_latin_variants(text)`` returns one or more Latin renderings of a name written in any script.  Han is romanised
with pypinyin (character by character from a cache when the name holds none of its phrases), producing both
separated syllables ("xi jin ping") and the surname + joined given name ("xi jinping") so that either spelling
matches.  Arabic, Persian and Hebrew are mapped letter by letter to consonants (these scripts omit short vowels;
matching then relies on consonant skeletons, see ``normalize.skeleton``).  Hangul is split per syllable,
Cyrillic/Greek/others go through unidecode (``ascii_of``, cached per character).
"""
from __future__ import annotations

import unicodedata
from typing import Any, Final, TypeVar

from unidecode import unidecode

# Arabic + Persian/Urdu letters -> Latin.  Long vowels are kept as a/w/y so the
# skeleton can drop them; hamza/ain disappear.
_ARABIC: Final = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "w", "ئ": "y",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
    "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y",
    "ى": "a", "ی": "y", "ي": "y", "ې": "y", "ک": "k", "ڪ": "k", "گ": "g",
    "پ": "p", "چ": "ch", "ژ": "zh", "ڤ": "v", "ھ": "h", "ہ": "h", "ۀ": "a",
    "ے": "y", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ۃ": "a", "ګ": "g",
    "ځ": "z", "څ": "s", "ډ": "d", "ړ": "r", "ښ": "sh", "ږ": "zh", "ڼ": "n",
    "ـ": "",
}
_HEBREW: Final = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "h",
    "ט": "t", "י": "y", "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    "ן": "n", "ס": "s", "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
    "ר": "r", "ש": "sh", "ת": "t",
}
_KOREAN_SURNAMES: Final = {
    "김": "kim", "이": "lee", "리": "ri", "박": "park", "최": "choi", "정": "jong",
    "강": "kang", "조": "jo", "윤": "yun", "장": "jang", "임": "lim", "한": "han",
    "오": "o", "서": "seo", "신": "shin", "권": "kwon", "황": "hwang", "안": "an",
    "송": "song", "류": "ryu", "전": "jon", "홍": "hong", "고": "ko", "문": "mun",
    "양": "yang", "손": "son", "배": "bae", "백": "paek", "허": "ho", "노": "no",
}

ABJAD: Final = ("ARABIC", "HEBREW")


def char_script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "OTHER"
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    if first == "HANGUL":
        return "HANGUL"
    if first in ("HIRAGANA", "KATAKANA"):
        return "KANA"
    return first


# letter -> char_script(letter), the one cache of it (read inline: a dict lookup costs a few times less than
# calling a cached function)
_SCRIPT_OF: Final[dict[str, str]] = {}


def scripts(text: str) -> set[str]:
    if text.isascii():  # the common case, without a per-character lookup
        return {"LATIN"} if any(c.isalpha() for c in text) else set()
    out: set[str] = set()
    known = _SCRIPT_OF
    for c in text:
        if c.isalpha():
            sc = known.get(c)
            if sc is None:
                sc = known[c] = char_script(c)
            out.add(sc)
    return out


# Persian/Urdu letter forms -> the Arabic letter they stand for, so the compound rules below see one
# spelling (Urdu اللہ = الله, Persian کریم = كريم)
_ARABIC_FORMS: Final = str.maketrans({"ہ": "ه", "ۀ": "ه", "ھ": "ه", "ی": "ي", "ک": "ك", "ۃ": "ة", "ٱ": "ا",
                               "أ": "ا", "إ": "ا"})


def _arabic(text: str) -> str:
    # Split the definite article and the compounds the Latin lists write as separate words:
    # العبيدي -> al abydy, عبدالرحمن -> abd al rhmn, نورالدين -> nwr al dyn, أبوغيث -> abw ghyth
    # harakat and tatweel carry no letters; dropping them first lets the compound rules see whole words
    text = "".join(ch for ch in text if ch != "ـ" and unicodedata.category(ch) != "Mn")
    out = []
    for word in text.split():
        out.append(_arabic_compound(word))
    res = " ".join(out)
    return (" " + res + " ").replace(" abd allah ", " abdallah ").replace(" abd al allah ", " abdallah ").strip()


def _arabic_compound(word: str) -> str:
    norm = word.translate(_ARABIC_FORMS)
    if norm in ("الله", "اللة"):
        return "allah"
    if norm.endswith(("الله", "اللة")) and len(norm) > 4:  # عبدالله, سيف الله written joined
        return _arabic_compound(word[:-4]) + " allah"
    if norm.startswith("عبدال") and len(norm) > 5:
        return "abd al " + _arabic_word(word[5:])
    if norm.endswith("الدين") and len(norm) > 6:
        return _arabic_compound(word[:-5]) + " al dyn"
    if norm.startswith("ابو") and len(norm) > 4:
        return "abw " + _arabic_compound(word[3:])
    if norm.startswith("ال") and len(norm) > 3:
        return "al " + _arabic_word(word[2:])
    return _arabic_word(word)


def _arabic_word(word: str) -> str:
    res = []
    for i, ch in enumerate(word):
        if ch == "ع" and i == 0:  # initial ain is written as a vowel in Latin (Ali, Umar, Aziz)
            res.append("a")
        elif ch in _ARABIC:
            res.append(_ARABIC[ch])
        elif unicodedata.category(ch) == "Mn":  # harakat / shadda
            continue
        else:
            res.append(ascii_of(ch))
    return "".join(res)


def _hebrew(text: str) -> str:
    return "".join(_HEBREW.get(ch, ch if ch.isspace() else ascii_of(ch)) for ch in text)


# Han character -> its pypinyin syllable on its own ("" when pypinyin gives none)
_CHAR_PINYIN: Final[dict[str, str]] = {}
_PYPINYIN: Final[list] = []  # lazy_pinyin, PHRASES_DICT, PINYIN_DICT once imported


def _pinyin(chunk: str) -> list[str]:
    """``lazy_pinyin(chunk)`` without its blank syllables.  pypinyin reads a character differently only inside a
    phrase of its dictionary (重庆 chong qing, 重量 zhong liang), so a chunk of Chinese characters with no such
    phrase in it is read character by character, from a cache: a name is a handful of characters, and pypinyin's
    segmentation and style machinery cost ~45 us per name where the lookups cost ~1."""
    if not _PYPINYIN:
        # imported on first use (~0.2 s) and kept: an import statement costs ~5,000 instructions a call even when the
        # module is loaded
        from pypinyin import lazy_pinyin
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        _PYPINYIN.extend((lazy_pinyin, PHRASES_DICT, PINYIN_DICT))
    lazy_pinyin, PHRASES_DICT, PINYIN_DICT = _PYPINYIN[0], _PYPINYIN[1], _PYPINYIN[2]
    n = len(chunk)
    if n <= 8 and all(ord(ch) in PINYIN_DICT for ch in chunk) and not any(
            chunk[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1)):
        out = []
        for ch in chunk:
            syl = _CHAR_PINYIN.get(ch)
            if syl is None:
                syl = _CHAR_PINYIN[ch] = "".join([s for s in lazy_pinyin(ch) if s.strip()])
            if syl:
                out.append(syl)
        return out
    return [s for s in lazy_pinyin(chunk) if s.strip()]


def _han(text: str) -> list[str]:
    words = []
    for chunk in text.split():
        if "HAN" in scripts(chunk):
            words.append(_pinyin(chunk))
        else:
            words.append([ascii_of(chunk)])
    separated = " ".join(" ".join(w) for w in words)
    variants = [separated]
    # surname + joined given name (习近平 -> xi jinping), and all joined
    if len(words) == 1 and len(words[0]) >= 2:
        syl = words[0]
        variants.append(syl[0] + " " + "".join(syl[1:]))
        variants.append("".join(syl[1:]) + " " + syl[0])
        if len(syl) >= 4:  # possible double surname
            variants.append("".join(syl[:2]) + " " + "".join(syl[2:]))
    elif len(words) > 1:
        variants.append(" ".join("".join(w) for w in words))
    return variants


def _hangul(text: str) -> list[str]:
    words = []
    for chunk in text.split():
        syl = []
        for i, ch in enumerate(chunk):
            if i == 0 and ch in _KOREAN_SURNAMES and len(chunk) >= 2:
                syl.append(_KOREAN_SURNAMES[ch])
            else:
                syl.append(ascii_of(ch).strip())
        words.append([s for s in syl if s])
    variants = [" ".join(" ".join(w) for w in words)]
    if len(words) == 1 and len(words[0]) >= 2:
        syl = words[0]
        variants.append(syl[0] + " " + "".join(syl[1:]))
    return variants


def to_latin_variants(text: str, sc: "set[str] | None" = None) -> tuple[str, ...]:
    """Latin renderings of ``text`` (first is the primary one); ``sc`` is ``scripts(text)`` when known."""
    if sc is None:
        sc = scripts(text)
    if not sc or sc <= {"LATIN"}:
        return (text,)
    if "HAN" in sc and "HANGUL" not in sc and "KANA" not in sc:
        return tuple(dict.fromkeys(_han(text)))
    if "HANGUL" in sc:
        return tuple(dict.fromkeys(_hangul(text)))
    if "ARABIC" in sc:
        return (_arabic(text),)
    if "HEBREW" in sc:
        return (_hebrew(text),)
    return (" ".join(map(_ascii_word, text.split(" "))),)


# non-ASCII character -> unidecode's rendering of it (``ascii_of``; as many entries as distinct characters met)
_ASCII_OF: Final[dict[str, str]] = {}


def ascii_of(text: str) -> str:
    """``unidecode(text)``, character by character from a cache: unidecode renders each character on its own, in
    Python code that costs ~1 us a character."""
    if text.isascii():
        return text
    out: list[str] = []
    for ch in text:
        if ch < "\x80":
            out.append(ch)
            continue
        rendered = _ASCII_OF.get(ch)
        if rendered is None:
            rendered = _ASCII_OF[ch] = unidecode(ch)
        out.append(rendered)
    return "".join(out)


# word -> ``ascii_of(word)``: a batch's names share their words, and one lookup costs less than one per character
_ASCII_WORDS: Final[dict[str, str]] = {}


def _ascii_word(word: str) -> str:
    hit = _ASCII_WORDS.get(word)
    if hit is None:
        hit = remember(_ASCII_WORDS, word, ascii_of(word))
    return hit


_V = TypeVar("_V")


def remember(cache: "dict[Any, _V]", key: Any, value: _V, bound: int = 200_000) -> _V:
    """Store ``value`` under ``key`` in a per-process cache of the matcher and return it; a cache that holds more than
    ``bound`` entries is emptied first, so that caches stay bounded over a long batch.  (The matcher's caches are
    dicts read inline, which from compiled code costs a few times less than calling an ``lru_cache``; this is their
    common miss path, kept here in the lowest of the compiled modules.)"""
    if len(cache) > bound:
        cache.clear()
    cache[key] = value
    return value
