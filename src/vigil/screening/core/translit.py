"""Cross-script transliteration to Latin (pure, no I/O).

``to_latin_variants(text)`` returns one or more Latin renderings of a name written in any script.  Han is romanised
with pypinyin (character by character from a cache when the name holds none of its phrases), producing both
separated syllables ("xi jin ping") and the surname + joined given name ("xi jinping") so that either spelling
matches.  Arabic, Persian and Hebrew are mapped letter by letter to consonants (these scripts omit short vowels;
matching then relies on consonant skeletons, see ``normalize.skeleton``).  Hangul is split per syllable,
Cyrillic/Greek/others go through unidecode (``ascii_of``, cached per character).
"""
from __future__ import annotations

import re
import unicodedata
from itertools import product
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
    "ى": "a", "ی": "y", "ې": "y", "ک": "k", "ڪ": "k", "گ": "g",
    "پ": "p", "چ": "ch", "ژ": "zh", "ڤ": "v", "ھ": "h", "ہ": "h", "ۀ": "a",
    "ے": "y", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ۃ": "a", "ګ": "g",
    "ځ": "z", "څ": "s", "ډ": "d", "ړ": "r", "ښ": "sh", "ږ": "zh", "ڼ": "n",
    "ـ": "",
}
_HEBREW: Final = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "h",
    "ט": "t", "י": "y", "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    # פ is p or f (Peretz, Friedman): "ph", whose spellings are both (``normalize._RX_UNITS``); צ is written tz in
    # Latin names (Katz, Peretz), which the consonant skeletons then meet
    "ן": "n", "ס": "s", "ע": "", "פ": "ph", "ף": "f", "צ": "tz", "ץ": "tz", "ק": "k",
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


# Hebrew given names (unpointed, as written) -> their usual Latin spelling: the script leaves out most vowels, and
# these are read the way the names are spelled in Latin (דוד david, not dwd), and also in their English forms
# (``_ENGLISH_GIVEN``: yosef ~ Joseph).  Other words are read letter by letter, as consonants (the abjad spellings
# then supply the vowels).
_HEBREW_NAMES: Final = {
    "דוד": "david", "משה": "moshe", "יוסף": "yosef", "אברהם": "avraham", "יצחק": "yitzhak", "יעקב": "yaakov",
    "שמואל": "shmuel", "דניאל": "daniel", "מיכאל": "michael", "אליהו": "eliyahu", "יהודה": "yehuda",
    "שלמה": "shlomo", "בנימין": "binyamin", "אהרן": "aharon", "אהרון": "aharon", "חיים": "chaim", "נתן": "natan",
    "יונתן": "yonatan", "יהונתן": "yehonatan", "אריאל": "ariel", "עמית": "amit", "רון": "ron", "אבי": "avi",
    "יוסי": "yossi", "מרים": "miriam", "שרה": "sara", "רחל": "rachel", "לאה": "lea", "רבקה": "rivka",
    "אסתר": "ester", "חנה": "hana", "דבורה": "dvora", "רות": "rut", "נועה": "noa", "תמר": "tamar", "יעל": "yael",
    "מיכל": "michal", "אורי": "uri", "עומר": "omer", "איתי": "itay", "נועם": "noam", "גיא": "guy", "עידו": "ido",
    "אלון": "alon", "יגאל": "yigal", "צבי": "tzvi", "מרדכי": "mordechai", "עזרא": "ezra", "גבריאל": "gavriel",
    "רפאל": "refael", "נחום": "nachum", "אליעזר": "eliezer", "יוחנן": "yochanan", "שמעון": "shimon",
    "ראובן": "reuven", "לוי": "levi", "גד": "gad", "אשר": "asher", "זאב": "zeev", "דב": "dov", "אריה": "arye",
    "יהושע": "yehoshua", "יחזקאל": "yechezkel", "ישעיהו": "yeshayahu", "ירמיהו": "yirmiyahu",
    "עמוס": "amos", "מתתיהו": "matityahu", "יואב": "yoav", "אביגיל": "avigail", "אלישבע": "elisheva",
    "יהודית": "yehudit", "שושנה": "shoshana", "נעמי": "naomi", "אילנה": "ilana", "אורית": "orit", "ענת": "anat",
    "דינה": "dina", "בנימן": "binyamin", "אליזבת": "elizabeth", "מריה": "maria", "אנה": "anna",
    "פטר": "peter", "פול": "paul", "ג'ון": "john", "יוחנא": "yochanan", "עמנואל": "emanuel", "יואל": "yoel",
    "ישראל": "israel", "מאיר": "meir", "אפרים": "efraim", "מנחם": "menachem", "שאול": "shaul", "יונה": "yona",
    "אלי": "eli", "אליאור": "elior", "עדי": "adi", "שירה": "shira", "טל": "tal", "הדס": "hadas", "ליאור": "lior",
}


def _hebrew(text: str) -> str:
    return " ".join(_HEBREW_NAMES.get(word) or _hebrew_letters(word) for word in text.split())


def _hebrew_letters(word: str) -> str:
    # a word's first א carries a vowel the Latin spelling writes (אזולאי Azulay), like an Arabic initial ain
    head = "a" if word.startswith("א") else ""
    return head + "".join(_HEBREW.get(ch, ascii_of(ch)) for ch in word if unicodedata.category(ch) != "Mn")


# Greek and Hebrew given names as ``_greek`` and ``_HEBREW_NAMES`` read them -> their English forms, which lists
# often give instead (Αλέξανδρος alexandros ~ Alexander, יוסף yosef ~ Joseph).  Only the query's reading gets the
# English form, as a second reading: Latin names are never folded together by this table.
_ENGLISH_GIVEN: Final = {
    "alexandros": "alexander", "georgios": "george", "giorgos": "george", "ioannis": "john", "giannis": "john",
    "nikolaos": "nicholas", "nikos": "nick", "dimitrios": "demetrius", "konstantinos": "constantine",
    "michail": "michael", "petros": "peter", "pavlos": "paul", "andreas": "andrew", "stefanos": "stephen",
    "antonios": "anthony", "vasileios": "basil", "grigorios": "gregory", "theodoros": "theodore",
    "filippos": "philip", "emmanouil": "emmanuel", "christoforos": "christopher", "ilias": "elias",
    "iakovos": "jacob", "thomas": "thomas", "matthaios": "matthew", "markos": "mark", "loukas": "luke",
    "eleni": "helen", "aikaterini": "katherine", "katerina": "katherine", "sofia": "sophia", "eirini": "irene",
    "varvara": "barbara", "elisavet": "elizabeth", "margarita": "margaret", "ioanna": "joanna",
    "moshe": "moses", "yosef": "joseph", "avraham": "abraham", "yitzhak": "isaac", "yaakov": "jacob",
    "shmuel": "samuel", "shlomo": "solomon", "binyamin": "benjamin", "aharon": "aaron", "natan": "nathan",
    "yonatan": "jonathan", "yehonatan": "jonathan", "yehuda": "judah", "sara": "sarah", "rivka": "rebecca",
    "ester": "esther", "hana": "hannah", "dvora": "deborah", "rut": "ruth", "shimon": "simon",
    "reuven": "reuben", "gavriel": "gabriel", "refael": "raphael", "yehoshua": "joshua", "yechezkel": "ezekiel",
    "yeshayahu": "isaiah", "yirmiyahu": "jeremiah", "eliyahu": "elijah", "yehudit": "judith",
    "shoshana": "susan", "matityahu": "matthew", "yochanan": "john", "efraim": "ephraim",
    "menachem": "menahem", "shaul": "saul", "yona": "jonah", "lea": "leah", "yoel": "joel", "chaim": "hyman",
}


def _with_english(latin: str) -> tuple[tuple[str, str], ...]:
    """A Greek or Hebrew name's reading, and the same with its given names in their English forms if it has any."""
    english = " ".join(_ENGLISH_GIVEN.get(word, word) for word in latin.split())
    return ((latin, ""), (english, "")) if english != latin else ((latin, ""),)


# Greek (ELOT 743 / UN, the way Greek passports spell names): digraphs first, then letters
_GREEK_DIGRAPHS: Final = {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "υι": "yi", "γγ": "ng", "γξ": "nx",
                          "γχ": "nch"}
_GREEK: Final = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
                 "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s",
                 "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o"}
_GREEK_VOICELESS: Final = frozenset("θκξπστφχψ")


_GREEK_WORDS: Final[dict[str, str]] = {}  # Greek word -> ``_greek_word`` (a batch's names share their words)


def _greek(text: str) -> str:
    words: list[str] = []
    for word in text.split():
        hit = _GREEK_WORDS.get(word)
        if hit is None:
            hit = remember(_GREEK_WORDS, word, _greek_word(word))
        words.append(hit)
    return " ".join(words)


def _greek_word(word: str) -> str:
    # accents dropped, a diaeresis kept as a mark that the vowel stands alone (Αϊδίνης a-i, not ai)
    letters: list[str] = []
    alone: list[bool] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == "\u0308" and alone:
            alone[-1] = True
        elif unicodedata.category(ch) != "Mn":
            letters.append(ch)
            alone.append(False)
    out: list[str] = []
    i, n = 0, len(letters)
    while i < n:
        ch = letters[i]
        nxt = letters[i + 1] if i + 1 < n else ""
        pair = ch + nxt
        if nxt and not alone[i + 1]:
            if pair in ("αυ", "ευ", "ηυ"):  # av/ev, af/ef before a voiceless consonant or at the end
                after = letters[i + 2] if i + 2 < n else ""
                out.append(_GREEK[ch] + ("f" if not after or after in _GREEK_VOICELESS else "v"))
                i += 2
                continue
            if pair in _GREEK_DIGRAPHS:
                out.append(_GREEK_DIGRAPHS[pair])
                i += 2
                continue
        # b/d/g at the start of a word; inside it mp/nt as passports write them (Κωνσταντίνος Konstantinos, Λάμπρος
        # Lampros, Αντώνιος Antonios: the forms the English-name table knows), and ng
        if pair in ("μπ", "ντ", "γκ"):
            out.append(("b", "d", "g")[("μπ", "ντ", "γκ").index(pair)] if i == 0 else
                       ("mp", "nt", "ng")[("μπ", "ντ", "γκ").index(pair)])
            i += 2
            continue
        out.append(_GREEK.get(ch) or ascii_of(ch))
        i += 1
    return "".join(out)


# Japanese (kana, and kanji read the Japanese way): pykakasi's Hepburn readings, loaded on first use
_KAKASI: Final[list] = []
_JAPANESE_WORDS: Final[dict[str, tuple[str, ...]]] = {}
_KANJI_KNOWN: Final[dict[str, bool]] = {}  # character -> whether pykakasi reads it on its own
_LONG_O: Final = re.compile(r"o[ou](?![aeiou])")


def _japanese(text: str) -> list[str]:
    """The Hepburn reading of a Japanese name, long vowels written short as passports do (佐藤 Satou -> sato,
    大野 oono -> ono, 裕子 yuuko -> yuko), one word per word pykakasi finds (山田太郎 -> yamada taro)."""
    words: list[str] = []
    for chunk in text.split():
        hit = _JAPANESE_WORDS.get(chunk)
        if hit is None:
            hit = remember(_JAPANESE_WORDS, chunk, _read_japanese(chunk))
        words.extend(hit)
    return [" ".join(words)] if words else []


def _read_japanese(chunk: str) -> tuple[str, ...]:
    if not _KAKASI:
        import pykakasi  # loaded the first time: only the processes that meet names in kana or kanji pay for it

        from . import kanwa

        kanwa.install()  # its kanji dictionary read by first character, as needed (``core/kanwa.py``)
        _KAKASI.append(pykakasi.kakasi())
    out: list[str] = []
    known = _KANJI_KNOWN
    for ch in chunk:  # a character pykakasi cannot read alone (simplified 杨) spares the reading of the whole chunk
        ok = known.get(ch)
        if ok is None:
            read = _KAKASI[0].convert(ch) if ch.isalpha() else None
            ok = known[ch] = read is None or bool(read and read[0]["hepburn"])
        if not ok:
            return ()
    items = _KAKASI[0].convert(chunk)
    if "".join(str(item["orig"]) for item in items) != chunk or not all(item["hepburn"] for item in items):
        return ()  # characters Japanese does not use (simplified Chinese 杨, 习): not a Japanese name
    for item in items:
        word = "".join(c for c in ascii_of(str(item["hepburn"])).lower() if c.isalnum())
        word = _LONG_O.sub("o", word).replace("uu", "u")
        if word:
            out.append(word)
    return tuple(out)


# Korean names in Hanja: read with the hanja package's table, character by character (its initial-sound rule: 李 is
# 이 at the start of a word, 리 inside), the surname 金 as 김 (Kim; the table reads it 금).  Only a name whose first
# character is a common Korean surname is read so (most Chinese names are not: 张, 陈, 刘 and the other simplified
# forms never are).
_HANJA: Final[list] = []
_HANJA_SURNAMES: Final = {"金": "김"}
_KOREAN_HANJA_SURNAMES: Final = frozenset(
    "金李朴崔鄭姜趙尹張林韓吳徐申權黃安宋柳洪全高文梁孫裵白許盧南沈劉河丁成車具禹朱任羅辛閔陳池嚴元蔡千方玄孔康咸卞廉"
    "楊邊呂秋魯都蘇愼石宣薛馬周吉延表魏明房潘王琴玉陸印孟諸卓秦奇太皮鞠余卜睦桂邢")
_HANJA_SYLLABLES: Final[dict[str, str]] = {}  # (" " at a word's start, else "") + character -> its Hangul


def _hanja_reader() -> Any:
    """The ``hanja`` package's ``translate_syllable(previous, character)``: its reading table with its initial-sound
    rule (``hanja.hangul.dooeum``).  The table is read from the package's own file, whose lines are JSON
    (``"\\u4e00": "\\uc77c"``), in ~25 ms; the package's loader parses it as YAML (~0.3-0.4 s of a batch's Korean
    worker).  A file that does not read so is left to the package's loader."""
    import json
    from importlib.util import find_spec
    from pathlib import Path

    from hanja.hangul import dooeum  # without hanja.table, which parses the YAML on import

    try:
        spec = find_spec("hanja")
        text = Path(str(spec.origin if spec is not None else "")).with_name("table.yml").read_text(encoding="utf-8")
        table: dict[str, str] = json.loads("{" + ",".join(line for line in text.splitlines() if line.strip()) + "}")
    except (OSError, ValueError):
        from hanja.impl import translate_syllable

        return translate_syllable

    def translate_syllable_from(previous: str, current: str) -> str:
        read = table.get(current)
        return current if read is None else str(dooeum(previous, read))

    return translate_syllable_from


def _hanja(text: str) -> str:
    """The Hangul reading of a name in Hanja, "" when it is not one (not a Korean surname first, or a character
    the table does not read)."""
    if not text or text[0] not in _KOREAN_HANJA_SURNAMES:
        return ""
    words: list[str] = []
    for chunk in text.split():
        read: list[str] = []
        for i, ch in enumerate(chunk):
            key = (" " if i == 0 else "") + ch
            syl = _HANJA_SYLLABLES.get(key)
            if syl is None:
                if not _HANJA:
                    _HANJA.append(_hanja_reader())
                syl = _HANJA_SURNAMES.get(ch, "") if i == 0 else ""
                if not syl:
                    syl = str(_HANJA[0](" " if i == 0 else "가", ch))
                    syl = "" if syl == ch else syl  # the table does not read it (simplified 杨)
                syl = remember(_HANJA_SYLLABLES, key, syl)
            if not syl:
                return ""
            read.append(syl)
        words.append("".join(read))
    return " ".join(words)


# RTGS -> the spellings Thai names customarily have in Latin (passports, the press): unaspirated p/t/k, long
# vowels doubled (Boonmee, Jaidee), -orn, -aew, -uang (Thanakorn, Kaewmanee, Rungruang)
_THAI_CUSTOMARY: Final[tuple[tuple[str, str], ...]] = (
    ("ph", "p"), ("th", "t"), ("kh", "k"), ("aeo", "aew"), ("uea", "ua"), ("ue", "u"))
_THAI_OO: Final = re.compile(r"u(?=[nmk])")
_THAI_EE: Final = re.compile(r"(?<=[^aeiou])i$")
_THAI_ORN: Final = re.compile(r"on$")
_THAI_CUSTOMARY_WORDS: Final[dict[str, tuple[str, ...]]] = {}


def _thai_customary(word: str) -> tuple[str, ...]:
    """The customary spellings of an RTGS word: all of them (Boonmee, Thanakorn), and without u -> oo (Arunee,
    Suksawat), which lists write either way."""
    hit = _THAI_CUSTOMARY_WORDS.get(word)
    if hit is None:
        out = word
        for a, b in _THAI_CUSTOMARY:
            out = out.replace(a, b)
        if out.startswith("ch"):  # จ, which RTGS writes ch, is customarily j; the pair stays unsure: both readings
            out = "j" + out[2:]
        hit = remember(_THAI_CUSTOMARY_WORDS, word, tuple(dict.fromkeys(
            (_THAI_ORN.sub("orn", _THAI_EE.sub("ee", _THAI_OO.sub("oo", out))),
             _THAI_ORN.sub("orn", _THAI_EE.sub("ee", out))))))
    return hit


# Thai syllables the script does not mark, which the "royin" engine below does not read (it reads the letters in
# order, with no idea of Thai syllables): a second reading of a word is made from its letters with the unwritten
# short a written in (ะ), where Thai spelling leaves it out:
# - a consonant with no vowel of its own before one that has a vowel, at a word's start or after a closed syllable,
#   when the two are no cluster (สวัสดิ์ sawat, not swat; สุขสวัสดิ์ suksawat; อรุณี aruni);
# - a consonant closing a syllable of a short vowel and followed by another syllable also starts a syllable of its
#   own (Pali and Sanskrit words, common in names: วิทยา witthaya, รัตนา rattana, ณัฐพล natthaphon); ร and ล after
#   a short vowel are read so (สุรชัย surachai, จิรวัฒน์ chirawat), other letters doubled.
# The first reading is kept: whether a Thai word is read so depends on the word (สมชาย somchai, มารดา manda).
_TH_CONSONANTS: Final = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))
_TH_VOWEL_MARKS: Final = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47")
_TH_SHORT: Final = frozenset("\u0e31\u0e34\u0e38")  # ั ิ ุ : a syllable they open is closed by the next consonant
_TH_TONES: Final = frozenset("\u0e48\u0e49\u0e4a\u0e4b")
_TH_SILENT: Final = "\u0e4c"  # ์ : the letter before it is not read
_TH_CLUSTER_FIRST: Final = frozenset("กขคตปผพ")  # ... with ร ล ว second: one initial (ประ, กว, พล)
_TH_LINKING: Final = frozenset("ตทฐถธฒฏฎดศษสจชซกขคบปพภ")  # stops and sibilants that close a syllable and start the next
_TH_A: Final = "\u0e30"  # ะ


def _thai_vowel_after(word: str, i: int) -> bool:
    """Whether the consonant at ``i`` carries a vowel mark of its own (tone marks between are skipped) and is read."""
    j = i + 1
    while j < len(word) and word[j] in _TH_TONES:
        j += 1
    if j >= len(word) or word[j] not in _TH_VOWEL_MARKS:
        return False
    return not (j + 1 < len(word) and word[j + 1] == _TH_SILENT)


def _thai_syllable_start(word: str, i: int) -> bool:
    """Whether the consonant at ``i`` starts a syllable: it carries a vowel, or it and one consonant end the word (พล
    phon, the o unwritten)."""
    return _thai_vowel_after(word, i) or (i + 2 == len(word) and word[i + 1] in _TH_CONSONANTS)


def _thai_closed(word: str, i: int) -> bool:
    """Whether a syllable ends just before ``i``: a consonant after a vowel mark, or a silenced letter."""
    if i == 0:
        return True
    if word[i - 1] == _TH_SILENT:
        return True
    k = i - 2
    while k >= 0 and word[k] in _TH_TONES:
        k -= 1
    return word[i - 1] in _TH_CONSONANTS and k >= 0 and word[k] in _TH_VOWEL_MARKS


def _thai_unwritten_a(word: str) -> str:
    """``word`` with the short a its spelling leaves out written in (see above); ``word`` itself when none is."""
    if len(word) > 2 and word[0] in "ศสซจ" and word[1] == "ร" and _thai_vowel_after(word, 1):
        word = word[0] + word[2:]  # ร after these is not read (ศรี si, สร้อย soi, จริง ching)
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        out.append(ch)
        if ch not in _TH_CONSONANTS or i + 1 >= n or word[i + 1] not in _TH_CONSONANTS:
            continue
        nxt = word[i + 1]
        if nxt == ch or (i + 2 < n and word[i + 2] == _TH_SILENT):
            continue
        k = i - 1
        while k >= 0 and word[k] in _TH_TONES:
            k -= 1
        if k >= 0 and word[k] in _TH_SHORT:  # ch closes a short syllable
            if _thai_syllable_start(word, i + 1):
                if ch in "รล":
                    out.append(_TH_A)
                elif ch in _TH_LINKING:
                    out.append(ch + _TH_A)
        elif (k < 0 or _thai_closed(word, i)) and _thai_vowel_after(word, i + 1) and not (
                (ch in _TH_CLUSTER_FIRST and nxt in "รลว") or (nxt == "ร" and ch in "ศสซจท")
                or ch == "ห" or (ch == "อ" and nxt == "ย")):
            out.append(_TH_A)  # no vowel of its own, no cluster with the next: an unwritten a
    return "".join(out)


# Thai: the Royal Thai General System (pythainlp's "royin" engine, loaded on first use: ~2 s for its dictionary)
_ROMANIZE: Final[list] = []
_THAI_WORDS: Final[dict[str, str]] = {}
# the engine drops the unwritten o of a closed syllable before a final n, m or ng (มั่นคง "mankng", สุนทร "suntn");
# RTGS never ends a word in two consonants other than ng
_THAI_O: Final = re.compile(r"([bcdfghjklpqrstvwxz])(ng|n|m)$")
_THAI_DOUBLED: Final = re.compile(r"([tkp])h(\1h)")


_THAI_MAX_READINGS: Final = 16


def _thai(text: str) -> list[str]:
    """The readings of a Thai name: each word in RTGS and in its customary spellings, as written and with the short
    a its spelling leaves out written in (``_thai_unwritten_a``); lists mix them word by word (Tongdee Bunmi), so
    the readings are their combinations, those of the first spellings first (at most ``_THAI_MAX_READINGS``)."""
    per_word: list[list[str]] = []
    for chunk in text.split():
        forms: list[str] = []
        for rtgs in dict.fromkeys((_thai_word(chunk), _thai_word(_thai_unwritten_a(chunk)))):
            forms.append(rtgs)
            forms.extend(_thai_customary(rtgs))
        per_word.append(list(dict.fromkeys(forms)))
    size = 1
    for forms in per_word:
        size *= len(forms)
    if size > 4 * _THAI_MAX_READINGS:  # a long name: each spelling for all its words at once
        most = max(len(forms) for forms in per_word)
        return list(dict.fromkeys(" ".join(forms[min(k, len(forms) - 1)] for forms in per_word)
                                  for k in range(most)))
    combos = sorted(product(*[range(len(forms)) for forms in per_word]), key=sum)[:_THAI_MAX_READINGS]
    return [" ".join(per_word[w][k] for w, k in enumerate(combo)) for combo in combos]


def _thai_word(chunk: str) -> str:
    """The RTGS reading of one Thai word (pythainlp's engine, loaded on first use; cached)."""
    hit = _THAI_WORDS.get(chunk)
    if hit is None:
        if not _ROMANIZE:
            from pythainlp.transliterate import romanize

            _ROMANIZE.append(romanize)
        # a final ร after ต is silent (ชินวัตร Chinnawat), which the engine reads as a letter of its own
        word = chunk[:-1] if chunk.endswith("ตร") else chunk
        read = _THAI_O.sub(r"\1o\2", str(_ROMANIZE[0](word, engine="royin")))
        # a letter closing one syllable and starting the next (วิททะยา) is written once as a final: witthaya
        read = _THAI_DOUBLED.sub(r"\1\2", read)
        if chunk.startswith("อ") and read[:1] not in ("", "a", "e", "i", "o", "u"):
            read = "a" + read  # the engine drops a word's first อ that carries an unwritten a (อรุณี aruni)
        hit = remember(_THAI_WORDS, chunk, read)
    return hit


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


def _hangul(text: str, hangul: bool = True) -> list[str]:
    """Three spellings of a Korean name, syllable by syllable: the Revised Romanization (the surname as it is
    customarily spelled: 김 kim, 박 park, 이 lee) also with the given name joined; the customary spellings of South
    Korean passports (정 jung, 성 sung, 준 joon, 희 hee); and McCune-Reischauer without its marks (정 chong, 은 un),
    as North Korean names are listed; a name written in Hangul (``hangul``) also with its given name joined in the
    last two (Kyungwoo, Hyonjong).  What is left between them (jeong ~ jung ~ chung) is folded when syllables are
    compared (``normalize.syllable_key``)."""
    words: list[list[str]] = []
    for chunk in text.split():
        syl = []
        for i, ch in enumerate(chunk):
            if i == 0 and ch in _KOREAN_SURNAMES and len(chunk) >= 2:
                syl.append(_KOREAN_SURNAMES[ch])
            else:
                syl.append(_revised(ch))
        words.append([s for s in syl if s])
    variants = [" ".join(" ".join(w) for w in words)]
    # surname and a given name of two syllables or more, written in Hangul (a name in Chinese characters read as
    # Hanja may as well be Chinese: it keeps four readings)
    one = hangul and len(words) == 1 and len(words[0]) >= 3
    if len(words) == 1 and len(words[0]) >= 2:
        syl = words[0]
        variants.append(syl[0] + " " + "".join(syl[1:]))
    if any(len(w) > 1 for w in words):
        customary = [_customary(x) for w in words for x in w]
        mccune = [_mccune(x, k == 0 or (len(w) > 1 and k == 1)) for w in words for k, x in enumerate(w)]
        variants.append(" ".join(customary))
        variants.append(" ".join(mccune))
        if one:  # the given name joined in these spellings too (Kyungwoo, Hyonjong)
            variants.append(customary[0] + " " + "".join(customary[1:]))
            variants.append(mccune[0] + " " + "".join(mccune[1:]))
    return variants


_RR_INITIALS: Final[tuple[str, ...]] = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
                                        "k", "t", "p", "h")
_RR_VOWELS: Final[tuple[str, ...]] = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
                                      "u", "wo", "we", "wi", "yu", "eu", "ui", "i")
_RR_FINALS: Final[tuple[str, ...]] = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
                                      "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")


def _revised(ch: str) -> str:
    """One Hangul syllable in the Revised Romanization, read on its own (박 bak, 석 seok, 희 hui); other
    characters as ``ascii_of`` renders them."""
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return ascii_of(ch).strip()
    return _RR_INITIALS[code // 588] + _RR_VOWELS[code % 588 // 28] + _RR_FINALS[code % 28]


def _customary(syl: str) -> str:
    """A Revised-Romanization syllable as South Korean passports customarily spell it in given names."""
    if syl == "u":
        return "woo"
    if syl == "hui":
        return "hee"
    if "eo" not in syl and "eu" not in syl and "u" in syl and not syl.startswith("yu") and syl[-1] in "unk":
        syl = syl.replace("u", "oo", 1)  # 준 joon, 수 soo, 훈 hoon, 숙 sook
    if syl == "yeong":
        return "young"
    syl = syl.replace("eo", "u")  # 성 sung, 현 hyun, 명 myung
    if syl.startswith("g"):
        syl = "k" + syl[1:]  # 경 kyung, 기 ki
    return syl


def _mccune(syl: str, initial: bool) -> str:
    """A Revised-Romanization syllable in McCune-Reischauer without its marks (ŏ o, ŭ u): plosives voiceless at
    the start of a name part (김정일 Kim Chong Il, 박봉주 Pak Pong Ju)."""
    if syl in _MR_SURNAMES and initial:
        return _MR_SURNAMES[syl]
    syl = syl.replace("eo", "o").replace("eu", "u")
    if initial and syl[:1] in _DEVOICED:
        syl = _DEVOICED[syl[:1]] + syl[1:]
    if syl.startswith("si"):
        syl = "shi" + syl[2:]
    return syl


_DEVOICED: Final = {"g": "k", "d": "t", "b": "p", "j": "ch"}
# surnames as _KOREAN_SURNAMES spells them -> McCune-Reischauer as North Korean lists write them (이 Ri, 박 Pak)
_MR_SURNAMES: Final = {"lee": "ri", "park": "pak", "jong": "chong", "jo": "cho", "jang": "chang", "lim": "rim",
                       "paek": "paek", "seo": "so", "shin": "sin", "jon": "chon", "choi": "choe", "ryu": "ryu",
                       "bae": "pae", "no": "ro"}


def to_latin_variants(text: str, sc: "set[str] | None" = None) -> tuple[str, ...]:
    """Latin renderings of ``text`` (first is the primary one); ``sc`` is ``scripts(text)`` when known."""
    return tuple(dict.fromkeys(latin for latin, _ in to_latin_readings(text, sc)))


def to_latin_readings(text: str, sc: "set[str] | None" = None) -> tuple[tuple[str, str], ...]:
    """(Latin rendering, how its words compare) for each reading of ``text``, the primary one first.  The second is
    "han" for pinyin syllables (they must nearly agree), "syllabic" for romanised Hangul syllables (compared as
    units, spelling variants folded), "" for words (every other script, Japanese readings included).  A name in
    Chinese characters only may be Chinese, Japanese (kanji) or Korean (Hanja): it keeps all three readings."""
    if sc is None:
        sc = scripts(text)
    if not sc or sc <= {"LATIN"}:
        return ((text, ""),)
    if "KANA" in sc:
        return tuple((v, "") for v in _japanese(text))
    if "HAN" in sc and "HANGUL" not in sc:
        out = [(v, "han") for v in _han(text)]
        if " " in text.strip() or len(text) >= 3:  # a full name (two characters alone: a Chinese name, or a surname)
            out.extend((v, "") for v in _japanese(text))
            korean = _hanja(text)
            if korean:
                out.extend((v, "syllabic") for v in _hangul(korean, False))
        return tuple(dict.fromkeys(out))
    if "HANGUL" in sc:
        return tuple((v, "syllabic") for v in dict.fromkeys(_hangul(text)))
    if "ARABIC" in sc:
        return ((_arabic(text), ""),)
    if "HEBREW" in sc:
        return _with_english(_hebrew(text))
    if "THAI" in sc:
        return tuple((v, "") for v in _thai(text))
    if "GREEK" in sc:
        return _with_english(_greek(text))
    return ((" ".join(map(_ascii_word, text.split(" "))), ""),)


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
