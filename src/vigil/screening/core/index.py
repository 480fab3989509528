"""In-memory screening index: candidate generation + scoring (pure).

Candidate generation never scans the whole list; it uses inverted indexes:

* token -> name records (postings), over folded, transliterated tokens;
* deletion neighbourhood (every token with one character deleted) -> tokens,
  which finds vocabulary tokens within one edit (typos, transpositions);
* trigram -> token length -> long tokens (>= 8 letters), for unknown long query tokens with two typos;
* consonant skeleton -> tokens (Arabic/Persian/Hebrew have no short vowels,
  and transliterations vary mostly in vowels);
* an exact normalised-name table (fast path);
* the whole spelling of Latin names (letters and digits as typed, no spaces or punctuation): deletion
  neighbourhood for short spellings, their thirds for long ones.

A search's threshold sets a cut under which a name score cannot make it; only records that can reach the cut, by
the query tokens they can align with, are scored (``_needs``, ``_meeting``).

Scoring aligns query and list name tokens greedily by Jaro-Winkler similarity
(on skeletons too when either side is an abjad script), weights tokens by IDF
(rare tokens count more than "muhammad" or "al"), tolerates a missing middle
name and any order, then adjusts for corroborating/contradicting DOB,
nationality, gender and identifiers.  A Latin-script name is also compared letter by letter with the listed
spellings (one or two slips, wherever they fall: EP-IC ~ EP-IEC, S. DE RL.. ~ S. DE R.L., Myvola ~ Mykola); the
name score is the better of the two.
"""
from __future__ import annotations

import gc
import math
import re
from bisect import bisect_left
from itertools import accumulate, chain
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Final, Iterable, Sequence, cast

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import extract as _extract

from .importers import Entry, parse_date
from .normalize import (FUZZY_WEAK, MAX_TOKENS, WEAK, NameForm, abjad_steps, abjad_units, clean,
                        cleaned_name_forms, cleaned_spelling_words, known_skeletons, listed_spellings, name_forms,
                        skeleton, spelled_by, spelling_trie, spellings_in, syllable_key)
from .translit import remember, scripts

if TYPE_CHECKING:  # mypyc's native 64-bit int (``_KeyFilter``), named in annotations only: no import at run time
    from mypy_extensions import i64

__all__ = ["DEFAULT_THRESHOLD", "Query", "Match", "ScreeningIndex"]

#: Default alert threshold, chosen on benchmarks/screening.py (OFAC + UN).  Sweep after the whole-spelling
#: comparison, the dropped-middle-name weight, strict Latin/Han token pairs, weak-token alignment and Hangul
#: syllable order (perturbed recall@5 / original-script recall@5 / negatives alert rate; three seeds of the
#: benchmark's sets, 42 being the benchmark's default):
#:   seed 42:  0.86 -> 0.9945 / 0.873 / 0.42 %;  0.87 -> 0.9940 / 0.873 / 0.32 %;  0.88 -> 0.9940 / 0.870 / 0.20 %;
#:             0.89 -> 0.9905 / 0.868 / 0.16 %;  0.90 -> 0.9875 / 0.855 / 0.16 %
#:   seed 7:   0.87 -> 0.9935 / 0.32 %;  0.88 -> 0.9935 / 0.16 %;  0.89 -> 0.9910 / 0.16 %
#:   seed 123: 0.87 -> 0.9890 / 0.40 %;  0.88 -> 0.9890 / 0.36 %;  0.89 -> 0.9865 / 0.30 %
#: 0.88 is the lowest threshold that keeps the alert rate at or under 0.3 % on the benchmark's set; most alerts
#: left are homonyms (김상호 ~ KIM Sang-ho, 张伟 ~ ZHANG Wei, محمد یزدی ~ YAZDI Mohammad).  Callers that prefer
#: recall can pass a lower threshold (0.86 roughly doubles the alert volume).  Earlier sweeps are in git history.
#: With titles in Arabic/Persian script weak (الدكتور, آقای...), at 0.88: seed 42 -> 0.9940 / 0.873 / 0.22 %;
#: seed 7 -> 0.9935 / 0.18 %; seed 123 -> 0.9890 / 0.36 % (original-script recall 0.8703 -> 0.8728).
DEFAULT_THRESHOLD = 0.88

# Latin-script token pairs: Jaro-Winkler's distance is stretched by this factor (barozzi ~ bazzoni, myers ~ mayer are
# other names; typos are caught by the whole-spelling comparison instead)
_LATIN_STRICT: Final = 1.5
_SHORT_EDIT_SIM: Final = 0.8  # one edit between a 3-letter and a 4-letter token
_GRAM_MIN_LEN: Final = 8  # tokens this long also get trigram candidates (two typos)
_MIN_SIM: Final = 0.8  # token pairs less similar than this are not aligned
_TYPO_WEAK_SIM: Final = 0.9  # an unknown token this close to a weak one (internatonl) is taken as a typo of it
_SKEL_RAISE: Final = 0.78  # Latin tokens with one consonant skeleton and at least this Jaro-Winkler score count as 0.9
_VOWELS: Final = frozenset("aeiou")
_PARTIAL_SIM: Final = 0.7  # abjad only: left-over token pairs at least this similar get partial credit
_STEM_EXTRA: Final = 3  # a token that is another (4+ letters) and this many letters more is a derived name
_STEM_SIM: Final = 0.65  # ... and no more similar than this (under _PARTIAL_SIM)
_KEEP: Final = 0.55  # name scores below this are dropped early (a search's threshold may raise the cut: ``_cut``)
_NEED_MAX_TOKENS: Final = 8  # names with more strong tokens than this are not pruned by ``_needs`` (2^n subsets)
_ROUNDING: Final = 1e-4  # a score this far under the threshold may round up to it (scores are rounded to four places)
_COMMON_POSTINGS: Final = 400  # tokens with more postings don't generate candidates alone
_MAX_CANDIDATES: Final = 64
_DIRECT_SIMS: Final = 3  # a token's expansions up to this many are compared one by one, not scanned first (``_near``)
_WEAK_FACTOR: Final = 0.12
_CJK: Final = 2  # "abjad" argument value meaning a Korean query (romanised syllables, ``NameForm.cjk`` "syllabic")
_HAN: Final = 5  # ... a query in Chinese characters only: pinyin syllables must (nearly) agree
_SYLLABLE_MODES: Final = (_CJK, _HAN)
_HAN_MIN_SIM: Final = 0.85
_SYLLABLE_FOLD_SIM: Final = 0.9  # Korean syllables whose spellings fold together (``normalize.syllable_key``)
# "abjad" argument values when only one side is in an abjad script: its tokens are then checked
# against the other side's Latin spellings with ``abjad_pattern`` (syf ~ saif, kazm ~ kathim)
_ABJAD_Q: Final = 3  # query in Arabic/Persian/Hebrew script, list name in Latin
_ABJAD_C: Final = 4  # list name in an abjad script, query in Latin
_ABJAD_MODES: Final = (1, _ABJAD_Q, _ABJAD_C)
# (``_sim`` only) an abjad-script token against a Latin one that is none of its spellings: letters and skeletons
# compared loosely, without the strictness of two spellings in one script (mode 1)
_UNSPELLED: Final = 6
# (candidates only) a query in Thai script: compared as Latin names are (mode 0), its tokens also looked up two
# deletions away: its reading guesses the vowels and finals Thai does not write, which the list may spell otherwise
# (พรหมมา "phrahomma" ~ Promma, วิทยา "witthaya" ~ Wittaya).  Only Thai: Greek and kana readings are regular, and
# the lookups cost a Greek name ~30% more
_READ: Final = 7
# With two or more name parts matched, a list name part the query lacks (a dropped middle name) counts this much
_MISSING_LIST_PART: Final = 0.22
# ... a list name part between two the query spells exactly, when the query has nothing else (a dropped middle name)
_MISSING_MIDDLE: Final = 0.1
# ... and when the query has one name part and all its other words (legal form, title) match too
_CONTAINED_MISSING_PART: Final = 0.1
_SHORT_PENALTY: Final = 0.02  # per 0.1 of mean token dissimilarity, for names with <= 2 strong tokens
_SYLLABLE_ORDER_PENALTY: Final = 0.15  # Han/Hangul syllables of a given name in another order: another name (광수/수광)
# Whole-spelling comparison (Latin script): a name typed with one or two slips (EP-IC ~ EP-IEC, S. DE RL.. ~
# S. DE R.L., myvola ~ Mykola) is compared letter by letter, ignoring spaces and punctuation.
_SPELL_MAX_EDITS: Final = 2
_SPELL_DEL_MAX: Final = 16  # spellings up to this long are indexed by deletion neighbourhood (one edit)
# Two edits score >= 0.88 only when the longer spelling has 12 letters or more (in one word): a listed spelling of 10
# or 11 letters is two insertions from a 12-letter query.  Listed spellings from 10 letters are indexed by their three
# thirds (two edits leave one third intact, shifted by at most two places).  A third shared by many names
# (...limited) is not looked up: the other two find the name.
_SPELL_PART_MIN: Final = 12  # the longer of the two spellings
_SPELL_PART_LISTED: Final = _SPELL_PART_MIN - _SPELL_MAX_EDITS  # the shortest listed spelling indexed by thirds
_SPELL_PART_BUCKET: Final = 200
# The most a matching date of birth (+0.05) and nationality (+0.03) add to a name score (identifiers aside), with a
# margin for the final rounding to four places
_MAX_RAISE: Final = 0.08 + 1e-4


# What scoring knows of one list token against a query (``ScreeningIndex._fill_rows``): bit mask of the query tokens it
# can align with, ((similarity, query token index), ...) for those, its weight, whether it is weak
Row = tuple[int, tuple[tuple[float, int], ...], float, bool]
# What a query token brings to candidate generation (``ScreeningIndex._token_records``): record -> best weight of
# the rarer expansions listing it, (posting set, weight) of the common ones, the records in an abjad script
TokenRecords = tuple[dict[int, float], list[tuple[frozenset, float]], frozenset[int]]

# Bits set in a mask of query tokens (a name form has at most MAX_TOKENS)
_POPCOUNT: Final = [bin(i).count("1") for i in range(1 << MAX_TOKENS)]
# The masks of n tokens, fewest set bits first (``_needs``)
_BY_SIZE: Final = [sorted(range(1 << n), key=_POPCOUNT.__getitem__) for n in range(_NEED_MAX_TOKENS + 1)]

# The attributes that make an index (everything else is a cache)
_PERSISTENT = ("entries", "rec_entry", "rec_tokens", "rec_abjad", "rec_name", "postings", "weights", "del_index",
               "skel_index", "gram_index", "exact", "rec_spell", "spell", "spell_near", "spell_part", "id_index",
               "_n_docs", "blank_rows")


@dataclass(frozen=True)
class Query:
    name: str
    dob: str | None = None
    nationality: str | None = None
    gender: str | None = None
    id_numbers: tuple[str, ...] = ()
    entity_type: str | None = None


@dataclass(frozen=True)
class Match:
    source: str
    source_id: str
    name: str  # matched list name (primary, alias or original script)
    score: float
    explanation: str
    entry: Entry | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"source": self.source, "source_id": self.source_id, "name": self.name,
                "score": self.score, "explanation": self.explanation}


def norm_id(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())


def _is_weak(tok: str) -> bool:
    return tok in WEAK or len(tok) == 1


class _KeyFilter:
    """Whether a string may be a key of a large table, from one bit per hash value (no false negatives): a lookup
    of an absent key in a table of 180,000 keys costs ~0.3 us of cache misses, this check a bit in 256 KB.  Built in
    the process that uses it, from the keys' hashes (str hashes are salted per process)."""

    BITS: Final = 21

    def __init__(self, keys: Iterable[str]) -> None:
        bits = bytearray(1 << (self.BITS - 3))
        for k in keys:
            h = _key_bits(k)
            bits[h >> 3] |= 1 << (h & 7)
        self.bits = bytes(bits)

    def may_hold(self, k: str) -> bool:
        h = _key_bits(k)
        return (self.bits[h >> 3] >> (h & 7)) & 1 == 1


def _key_bits(k: str) -> i64:
    """The low ``_KeyFilter.BITS`` bits of ``k``'s hash.  An i64 once compiled: a str hash is beyond mypyc's tagged
    ints half the time, and masking it as an int takes long-integer arithmetic (a new int object per step; ~200
    instructions more a call)."""
    h: i64 = hash(k)
    return h & ((1 << _KeyFilter.BITS) - 1)


def _as_tuples(table: dict) -> dict:
    """``table`` with its list values turned into tuples, in place: each list is freed as its tuple is made, and its
    memory reused for the next (a copy of the table would hold both at once)."""
    for k, v in table.items():
        table[k] = tuple(v)
    return table


def _score_of(best: dict[int, tuple[float, int, str, bool]], ei: int) -> float:
    """The score an entry has so far in ``_name_matches`` (0 when none): without building a default tuple per
    candidate, as ``best.get(ei, (0.0,))`` does once compiled."""
    got = best.get(ei)
    return 0.0 if got is None else got[0]


def _deletes(tok: str) -> list[str]:
    return [tok[:i] + tok[i + 1:] for i in range(len(tok))]


def _norm_country(c: str) -> str:
    c = c.casefold().strip()
    c = re.sub(r"[^a-z ]", "", c)
    for pre in ("the ", "republic of ", "islamic republic of "):
        if c.startswith(pre):
            c = c[len(pre):]
    return c


_COUNTRY_ALIASES = {
    "russian federation": "russia", "ru": "russia", "rus": "russia", "iran": "iran",
    "ir": "iran", "irn": "iran", "syrian arab republic": "syria", "sy": "syria", "iq": "iraq",
    "irq": "iraq", "af": "afghanistan", "afg": "afghanistan", "kp": "north korea",
    "prk": "north korea", "democratic peoples republic of korea": "north korea",
    "cn": "china", "chn": "china", "peoples republic of china": "china", "us": "united states",
    "usa": "united states", "united states of america": "united states", "gb": "united kingdom",
    "uk": "united kingdom", "gbr": "united kingdom", "de": "germany", "deu": "germany",
    "fr": "france", "fra": "france", "ye": "yemen", "yem": "yemen", "ly": "libya", "lby": "libya",
    "so": "somalia", "som": "somalia", "sd": "sudan", "sdn": "sudan", "pk": "pakistan",
    "pak": "pakistan", "sa": "saudi arabia", "sau": "saudi arabia", "eg": "egypt", "egy": "egypt",
    "lb": "lebanon", "lbn": "lebanon", "tn": "tunisia", "tun": "tunisia", "ma": "morocco",
    "dz": "algeria", "ve": "venezuela", "ven": "venezuela", "cu": "cuba", "cub": "cuba",
    "co": "colombia", "col": "colombia", "mx": "mexico", "mex": "mexico", "by": "belarus",
    "blr": "belarus", "ua": "ukraine", "ukr": "ukraine",
}


def _country_key(c: str) -> str:
    k = _norm_country(c)
    return _COUNTRY_ALIASES.get(k, k)


@contextmanager
def paused_gc():
    """Run a bulk build or load without the cyclic collector: it allocates millions of small acyclic objects, and
    the collector's passes over them cost more than the work itself (OFAC + UN build 4.9 s -> 3.4 s).  What was
    built is then frozen (``gc.freeze``) so that later collections never walk it; an index is acyclic, so reference
    counting still frees it when it is replaced."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


class ScreeningIndex:
    """Build with :meth:`build`; query with :meth:`search` / :meth:`screen`."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.rec_entry: list[int] = []
        self.rec_tokens: list[tuple[str, ...]] = []
        self.rec_abjad: list[bool] = []
        self.rec_name: list[str] = []
        self.postings: dict[str, list[int]] = {}
        self.weights: dict[str, float] = {}
        self.del_index: dict[str, tuple[str, ...]] = {}
        self.skel_index: dict[str, list[str]] = {}
        self.gram_index: dict[str, dict[int, list[str]]] = {}  # trigram -> length -> long tokens (two-edit typos)
        self.exact: dict[tuple[str, ...], list[int]] = {}
        self.rec_spell: list[tuple[str, ...]] = []  # spelling keys of the record's listed name (none if not Latin)
        self.spell: dict[str, list[int]] = {}  # spelling key -> first record of each listed name
        # a short spelling key, or one minus a character -> the keys (one deletion apart, or equal)
        self.spell_near: dict[str, tuple[str, ...]] = {}
        # text -> its place (``_place``: length and third) -> long keys
        self.spell_part: dict[str, dict[int, tuple[str, ...]]] = {}
        self.id_index: dict[str, list[int]] = {}
        self._n_docs = 0
        self._cache: dict = {}
        self._exp_cache: dict = {}
        self._sim_cache: dict = {}
        # (query token, mode) -> {list token: its ``_sim`` when at least the rows' floor, else 0.0} (``_fill_rows``)
        self._pair_sims: dict[tuple[str, int], dict[str, float]] = {}
        self._pair_count = 0
        self._psets: dict = {}
        self._tok_cache: dict = {}  # (query token, mode) -> _token_records
        self._tok_info: dict[str, tuple[bool, float]] = {}  # query token -> ``_token_info``
        self._tok_records = 0
        self._abjad_postings: dict[str, tuple[int, ...]] = {}  # list token -> its records in an abjad script
        self._reaches: dict = {}  # abjad query token -> ``_reach``
        # the list's Latin tokens as a trie (``spelling_trie``), and each one's place in the list's token order
        self._latin_trie: dict = {}
        self._latin_rank: dict[str, int] = {}
        self._spellings_of: dict[str, frozenset[str]] = {}  # abjad query token -> ``_spellings``
        self._one_letter_skeleton: dict[str, list[str]] = {}  # skeleton -> the list tokens it is the skeleton of
        # Korean syllable key -> the list tokens that have it (``normalize.syllable_key``), built on first use
        self._syllable_index: dict[str, list[str]] = {}
        self.blank_rows: dict[str, Row] = {}  # list token -> its row when it aligns with no query token
        self._result_cache: dict = {}  # used by batch.py (serialised results per query)
        # bit filters (``_KeyFilter``) of the keys of spell_near, spell_part and del_index, built in each process
        self._filters: tuple[_KeyFilter, _KeyFilter, _KeyFilter] | None = None

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, entries: Iterable[Entry], reference: "ScreeningIndex | None" = None,
              prepared: "dict[str, PreparedName] | None" = None) -> "ScreeningIndex":
        """Index ``entries``.  Cost is linear in the number of names, so a small
        subset (e.g. entries added since the last list version) builds in
        milliseconds; pass ``reference`` (the full index) to reuse its token
        frequencies so scores stay comparable with the full index.  ``prepared`` may hold what
        :func:`prepare_names` made of some of the names (in other processes, say); the rest are prepared here."""
        with paused_gc():
            return cls._build(entries, reference, prepared or {})

    @classmethod
    def _build(cls, entries: Iterable[Entry], reference: "ScreeningIndex | None",
               prepared: "dict[str, PreparedName]") -> "ScreeningIndex":
        self = cls()
        self.entries = list(entries)
        df: dict[str, int] = {}
        for ei, e in enumerate(self.entries):
            seen_tokens: set[str] = set()
            for raw in e.names:
                spellings, forms = prepared.get(raw) or prepare_name(raw)
                for sk in spellings:
                    self.spell.setdefault(sk, []).append(len(self.rec_entry))
                for form in forms:
                    rid = len(self.rec_entry)
                    self.rec_spell.append(spellings)
                    self.rec_entry.append(ei)
                    self.rec_tokens.append(form.tokens)
                    self.rec_abjad.append(form.abjad)
                    self.rec_name.append(raw)
                    for t in set(form.tokens):
                        self.postings.setdefault(t, []).append(rid)
                    seen_tokens.update(form.tokens)
                    self.exact.setdefault(tuple(sorted(form.strong)), []).append(rid)
            for t in seen_tokens:
                df[t] = df.get(t, 0) + 1
            for ident in e.identifiers:
                k = norm_id(ident.number)
                if len(k) >= 4:
                    self.id_index.setdefault(k, []).append(ei)
        if reference is not None:
            n = reference._n_docs + len(self.entries)
            ref_w = reference.weights
        else:
            n = len(self.entries)
            ref_w = {}
        self._n_docs = n
        denom = math.log(n + 50)
        dels: dict[str, list[str]] = {}
        for t, d in df.items():
            if t in ref_w:
                w = ref_w[t]
            else:
                w = max(0.05, min(1.0, math.log((n + 50) / (d + 0.5)) / denom))
                if t in WEAK:
                    w *= _WEAK_FACTOR
            self.weights[t] = w
            if len(t) >= 4:
                for k in _deletes(t):
                    dels.setdefault(k, []).append(t)
            if len(t) >= _GRAM_MIN_LEN:
                for g in {t[i:i + 3] for i in range(len(t) - 2)}:
                    self.gram_index.setdefault(g, {}).setdefault(len(t), []).append(t)
            sk = skeleton(t)
            if len(sk) >= 2:
                self.skel_index.setdefault(sk, []).append(t)
        # what scoring asks of every list token, once per token rather than once per query
        self.blank_rows = {t: (0, (), self._weight(t), self._weak(t)) for t in self.weights}
        near: dict[str, list[str]] = {}
        parts: dict[str, dict[int, list[str]]] = {}
        for sk in self.spell:
            if len(sk) <= _SPELL_DEL_MAX + 1:  # the longest a query spelling looked up by deletions can be
                near.setdefault(sk, []).append(sk)
            if len(sk) <= _SPELL_DEL_MAX:
                for k in set(_deletes(sk)):
                    near.setdefault(k, []).append(sk)
            if len(sk) >= _SPELL_PART_LISTED:
                for i, (a, b) in enumerate(_thirds(len(sk))):
                    parts.setdefault(sk[a:b], {}).setdefault(_place(len(sk), i), []).append(sk)
        # the three largest tables, read-only from here on, kept as tuples: a pickle (the batch CLI's index cache,
        # loaded before any worker starts) reads them ~20% faster than lists (153 -> 126 ms of its ~290 ms)
        self.del_index = _as_tuples(dels)
        self.spell_near = _as_tuples(near)
        for by in parts.values():
            _as_tuples(by)
        self.spell_part = cast(dict, parts)
        return self

    def warm(self, han: bool = True) -> None:
        """Load, once per process, what the first queries would otherwise load one by one: the spelling tries of
        the abjad-script list tokens (``abjad_steps``, ~5 ms for OFAC + UN), the bit filters of the large tables'
        keys (``_key_filters``, ~20 ms), the skeletons of the list tokens, and the romanisation of Chinese
        characters (pypinyin, ~0.5 s to import).  The service calls it after a build; batch workers
        call it while the reader fills their first block, without pypinyin (``han=False``): the one process the
        batch router sends Chinese names to loads it with the first of them."""
        for t in {t for toks, ab in zip(self.rec_tokens, self.rec_abjad) if ab for t in toks}:
            abjad_steps(t)
        self._key_filters()
        # the skeletons of the list's tokens, which scoring meets again and again, read back from their index
        known_skeletons({t: sk for sk, toks in self.skel_index.items() for t in toks})
        if han:
            name_forms("王")

    def _key_filters(self) -> tuple["_KeyFilter", "_KeyFilter", "_KeyFilter"]:
        """The bit filters of ``spell_near``'s, ``spell_part``'s and ``del_index``'s keys, built once per process
        (``warm``, or the first lookup; ~20 ms for OFAC + UN)."""
        filters = self._filters
        if filters is None:
            filters = self._filters = (_KeyFilter(self.spell_near), _KeyFilter(self.spell_part),
                                       _KeyFilter(self.del_index))
        return filters

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self) -> dict:
        """What a pickle keeps (the on-disk cache, Spark's broadcast): the index, not the per-process caches.  Named
        explicitly, because a class compiled by mypyc has no ``__dict__``."""
        return {name: getattr(self, name) for name in _PERSISTENT}

    def __setstate__(self, state: dict) -> None:
        ScreeningIndex.__init__(self)  # fresh caches
        for name in _PERSISTENT:
            setattr(self, name, state[name])

    # ------------------------------------------------------------- candidates
    def _weak(self, tok: str) -> bool:
        return tok in WEAK or len(tok) == 1 or (tok in FUZZY_WEAK and tok not in self.weights)

    def _weight(self, tok: str) -> float:
        w = self.weights.get(tok)
        if w is None:
            return _WEAK_FACTOR if self._weak(tok) else 0.8
        if len(tok) == 1:  # initials carry little evidence
            return min(w, _WEAK_FACTOR)
        return w

    def _token_info(self, tok: str) -> tuple[bool, float]:
        """(``_weak``, ``_weight``) of a query token (cached: a batch's names share their tokens)."""
        hit = self._tok_info.get(tok)
        if hit is None:
            hit = remember(self._tok_info, tok, (self._weak(tok), self._weight(tok)))
        return hit

    def _syllable_weight(self, tok: str) -> float:
        """The weight of a romanised Han or Hangul syllable of a query (``NameForm.cjk``): a syllable is a name part,
        never an initial, title or particle (송지아 "song ji a": a, like 안 an, 두 du or 潘 pan, is part of the name),
        so it weighs as the list weighs it, uncapped, and a syllable left over costs the name its whole weight."""
        w = self.weights.get(tok)
        return 0.8 if w is None else w

    def _expand(self, tok: str, abjad: int) -> tuple[tuple[str, float], ...]:
        key = (tok, abjad)
        hit = self._exp_cache.get(key)
        if hit is not None:
            return hit
        found: set[str] = set()
        if tok in self.postings:
            found.add(tok)
        read = abjad == _READ
        if read:
            abjad = 0
        if len(tok) >= 3:
            di = self.del_index
            found.update(di.get(tok, ()))
            if len(tok) >= 4:
                del_keys = self._key_filters()[2]
                for k in _deletes(tok):
                    if k in self.postings:
                        found.add(k)
                    if del_keys.may_hold(k):  # most deletions are no list token's
                        found.update(di.get(k, ()))
                    if read and len(k) >= 4:
                        for k2 in _deletes(k):
                            if k2 in self.postings:
                                found.add(k2)
                            if del_keys.may_hold(k2):
                                found.update(di.get(k2, ()))
        if len(tok) >= _GRAM_MIN_LEN and tok not in self.postings:
            # long unknown token: up to two edits (pjurnaghshbad ~ pournaghshband) by trigram
            # count filter -- two edits destroy at most six of the token's trigrams
            # (and a length at most two letters off: the trigram lists are kept by token length)
            grams = {tok[i:i + 3] for i in range(len(tok) - 2)}
            need = max(3, len(grams) - 6)
            gi = self.gram_index
            lengths = range(len(tok) - 2, len(tok) + 3)
            cnt: dict[str, int] = {}  # counted here: a Counter's Python-level set-up costs more than the counting
            for g in grams:
                by_len = gi.get(g)
                if by_len is not None:
                    for n in lengths:
                        ts = by_len.get(n)
                        if ts is not None:
                            for t in ts:
                                times = cnt.get(t, 0) + 1
                                cnt[t] = times
                                if times == need:
                                    found.add(t)
        sk = skeleton(tok)
        if len(sk) >= 3 or (abjad and len(sk) >= 2):
            found.update(self.skel_index.get(sk, ()))
        if abjad == _CJK:  # a Korean syllable's other spellings (chong ~ jong ~ jung)
            found.update(self._syllable_spellings(tok))
        out = sorted(found)
        if len(out) <= _DIRECT_SIMS:  # a few: ``_sim`` on each costs less than the scans that would filter them
            res = tuple((t, s) for t in out if (s := self._sim(tok, t, abjad)) >= _MIN_SIM)
        else:
            near = self._near((tok,), out, abjad, _MIN_SIM)
            res = tuple((t, s) for k, t in enumerate(out) if k in near and (s := self._sim(tok, t, abjad)) >= _MIN_SIM)
        return remember(self._exp_cache, key, res, 500000)

    def _syllable_spellings(self, tok: str) -> list[str]:
        """The list tokens that spell Korean syllable ``tok`` another way (the same ``syllable_key``)."""
        index = self._syllable_index
        if not index:  # the first Korean query of this process: ~40,000 keys
            for t in self.postings:
                index.setdefault(syllable_key(t), []).append(t)
        return index.get(syllable_key(tok), [])

    def _candidates(self, strong: Sequence[str], abjad: int, needs: list[tuple[str, ...]] | None = None) -> list[int]:
        """The records worth scoring for a name form, at most _MAX_CANDIDATES.  ``needs`` (``_needs``), when given,
        keeps only the records that can reach the search's cut: those found by every token of one of its sets."""
        found = {q: self._token_records(q, abjad) for q in dict.fromkeys(strong)}
        rare = [best for best, _, _ in found.values() if best]
        common = [big for _, big, _ in found.values() if big]
        if needs is not None and rare:
            return self._ranked(self._meeting(needs, found, abjad), rare, common)
        # the weights only rank records when there are too many: most names have fewer, and their union is a
        # C-level set operation
        if len(rare) == 1 and len(rare[0]) <= _MAX_CANDIDATES:
            return sorted(rare[0])
        if len(rare) > 1:
            keys = set(rare[0]).union(*rare[1:])
            if len(keys) <= _MAX_CANDIDATES:
                return sorted(keys)
        if not rare and common:
            # only very common tokens: intersect their postings (C-level set ops)
            if len(common) >= 2:
                sets = sorted((max(big, key=lambda x: x[1])[0] for big in common), key=len)
                inter = sets[0].intersection(*sets[1:])
                return sorted(inter)[: _MAX_CANDIDATES * 4]
            return []
        acc: dict[int, float] = dict(rare[0]) if rare else {}  # a copy: the token's records are cached
        for best in rare[1:]:
            for r, w in best.items():
                acc[r] = acc.get(r, 0.0) + w
        return self._top(acc, common)

    def _ranked(self, keep: set[int], rare: list[dict[int, float]], common: list) -> list[int]:
        """``keep`` in record order when there are few, else the best by summed weight (``_top``)."""
        if len(keep) <= _MAX_CANDIDATES:
            return sorted(keep)
        acc: dict[int, float] = {}
        for r in keep:  # the weights summed in a loop: ``sum`` of a list per record cost more than the sums
            w = 0.0
            for best in rare:
                got = best.get(r)
                if got is not None:
                    w += got
            acc[r] = w
        return self._top(acc, common)

    def _top(self, acc: dict[int, float], common: list) -> list[int]:
        """The records of ``acc`` (record -> summed weight of the rare tokens listing it) worth scoring: the common
        tokens re-rank them, and when there are too many, the best _MAX_CANDIDATES weighing at least half the best."""
        if common:
            # common tokens (muhammad, al, abu) only re-rank candidates found by rarer tokens
            for big in common:
                for r in acc:
                    bw = 0.0
                    for st, w in big:
                        if w > bw and r in st:
                            bw = w
                    acc[r] += bw
        if len(acc) > _MAX_CANDIDATES:
            # records weighing at least half the best, best first, equal weights by record (a stable sort of the
            # sorted records, C-level keys); the cut comes first, so that only those few are sorted
            cut = max(acc.values()) * 0.5
            top = sorted([r for r, w in acc.items() if w >= cut])
            top.sort(key=acc.__getitem__, reverse=True)
            return top[:_MAX_CANDIDATES]
        return sorted(acc)

    def _needs(self, qt: Sequence[str], weak_q: Sequence[bool], weights: Sequence[float],
               cut: float) -> list[tuple[str, ...]] | None:
        """The smallest sets of strong query tokens that a list name must align with for its score to reach ``cut``
        (None: any record may).  A list token aligned with query token q adds at most 1 (the largest weight) to
        both sides of the score's fraction; a strong query token left over adds its weight to the denominator, a
        weak one at least nothing (counted here as aligned).  So, with A the aligned strong tokens, the score is at
        most (weak + |A|) / (weak + |A| + weight of the strong tokens not in A).  A record qualifies when the tokens
        that reach it (``_reach``) include one of these sets.  In "Ivan Petrov" both tokens are needed: a
        record found by one of them alone scores at most 1 / (1 + 0.8) whatever it holds."""
        n = 0
        weak = total = 0.0
        for i in range(len(weak_q)):
            if weak_q[i]:
                weak += weights[i]
            else:
                n += 1
                total += weights[i]
        if not n or n > _NEED_MAX_TOKENS:
            return None
        strong = [i for i in range(len(weak_q)) if not weak_q[i]]
        held = [0.0] * (1 << n)  # mask of strong tokens -> their summed weight
        for b in range(n):
            w = weights[strong[b]]
            bit = 1 << b
            for m in range(bit):
                held[m | bit] = held[m] + w
        floor = cut - 1e-9
        minimal: list[int] = []
        for mask in _BY_SIZE[n]:
            smaller = False
            for m in minimal:
                if m & mask == m:  # holds a smaller qualifying set
                    smaller = True
                    break
            if smaller:
                continue
            aligned = weak + _POPCOUNT[mask]
            if aligned / (aligned + total - held[mask]) >= floor:
                if not mask:
                    return None
                minimal.append(mask)
        out: list[tuple[str, ...]] = []
        for m in minimal:
            need = tuple(sorted({qt[strong[b]] for b in range(n) if m >> b & 1}))
            if need not in out:
                out.append(need)
        return out

    def _meeting(self, needs: list[tuple[str, ...]], found: dict, abjad: int) -> set[int]:
        """The records listed by every token of one of ``needs`` (C-level set operations, smallest token first), and
        every record in an abjad script any token lists: Latin tokens align with those by their spellings, which
        the tokens' records do not show."""
        out: set[int] = set()
        for need in needs:
            parts = [self._reach(q, abjad, found[q]) for q in need]
            if len(parts) == 2:  # most needs: one comparison, not a sort with a key function
                if _members_size(parts[1]) < _members_size(parts[0]):
                    parts.reverse()
            elif len(parts) > 2:
                parts.sort(key=_members_size)
            rare, big = parts[0]
            if len(parts) == 1:
                out.update(rare)
                for st in big:
                    out |= st
                continue
            rest = 1
            if not big and not parts[1][1]:  # the common case: one C-level intersection, no copy of the first part
                have: set[int] = set(rare & parts[1][0])
                rest = 2
            else:
                have = set(rare)
                for st in big:
                    have |= st
            for rare, big in parts[rest:]:
                meet = have & rare
                for st in big:
                    meet |= have & st
                have = meet
                if not have:
                    break
            out |= have
        for records in found.values():
            out |= records[2]  # the records in an abjad script (``_token_records``)
        return out

    def _reach(self, q: str, abjad: int, records: tuple) -> tuple:
        """The records query token ``q`` may align with, as (records, [posting sets of common tokens]): those of its
        expansions (``_token_records``), and for an abjad-script token also those listing a Latin token it spells
        (ktyb ~ kateeb: ``abjad_pattern``), which its expansions by edits and skeletons miss (cached)."""
        best, big, _ = records
        if abjad != _ABJAD_Q:
            return best.keys(), [st for st, _ in big]
        hit = self._reaches.get(q)
        if hit is None:
            rare: set[int] = set(best)
            sets = [st for st, _ in big]
            for t in self._spelled(q):
                if len(self.postings[t]) > _COMMON_POSTINGS:
                    sets.append(self._posting_set(t))
                else:
                    rare.update(self.postings[t])
            hit = remember(self._reaches, q, (frozenset(rare), sets), 100000)
        return hit

    def _spelled(self, q: str) -> list[str]:
        """List tokens that abjad token ``q`` aligns with and its expansions (edits, skeletons of 2+ letters) miss:
        its Latin spellings (ktyb ~ kateeb, ``_spellings``), by first letter and then in the list's order, and
        tokens of its one-letter skeleton (ysy ~ issa: close, but not a spelling)."""
        spelled = self._spellings(q)  # sorts the vocabulary first, once per process
        rank = self._latin_rank
        out = sorted(spelled, key=lambda t: (t[0], rank[t]))
        sk = skeleton(q)
        if len(sk) == 1:  # one skeleton, both starting with a vowel or neither: ``_sim`` gives at least 0.85
            vowel = q[0] in _VOWELS
            out.extend([t for t in self._one_letter_skeleton.get(sk, ()) if (t[0] in _VOWELS) == vowel])
        return out

    def _spellings(self, q: str) -> frozenset[str]:
        """The list's Latin tokens that are spellings of abjad token ``q`` (``abjad_pattern``; none when it has no
        pattern): one walk of the list's token trie (cached)."""
        hit = self._spellings_of.get(q)
        if hit is None:
            if not self._latin_trie:
                self._sort_vocabulary()
            steps = abjad_steps(q)
            found = frozenset(spellings_in(self._latin_trie, steps)) if steps is not None else frozenset()
            hit = remember(self._spellings_of, q, found, 100000)
        return hit

    def _sort_vocabulary(self) -> None:
        """Once per process, for ``_spellings`` and ``_spelled``: the trie of the Latin list tokens and their order,
        and the tokens whose skeleton is one letter long, by skeleton."""
        latin: list[str] = []
        for t in self.postings:
            if t.isalpha() and t.isascii():
                latin.append(t)
            sk = skeleton(t)
            if len(sk) == 1:
                self._one_letter_skeleton.setdefault(sk, []).append(t)
        self._latin_rank = {t: k for k, t in enumerate(latin)}
        self._latin_trie = spelling_trie(latin)

    def _abjad_records(self, expansions: tuple[tuple[str, float], ...]) -> frozenset[int]:
        """The records listing one of a query token's ``expansions`` whose listed name is in an abjad script."""
        out: set[int] = set()
        for t, _ in expansions:
            listed = self._abjad_postings.get(t)
            if listed is None:  # once per list token
                rec_abjad = self.rec_abjad
                listed = self._abjad_postings[t] = tuple([r for r in self.postings[t] if rec_abjad[r]])
            out.update(listed)
        return frozenset(out)

    def _token_records(self, q: str, abjad: int) -> TokenRecords:
        """What query token ``q`` brings to candidate generation, the same in every name that has it (cached):
        record -> the best weight x similarity of the expansions listing it, for expansions with at most
        _COMMON_POSTINGS records; (posting set, weight x similarity) for the commoner ones; and the records of its
        expansions whose listed name is in an abjad script (``_abjad_records``, for ``_meeting``: kept here, one
        lookup of the token's entry in a large cache rather than two)."""
        key = (q, abjad)
        hit = self._tok_cache.get(key)
        if hit is not None:
            return hit
        postings, weights = self.postings, self.weights
        best: dict[int, float] = {}
        big: list[tuple[frozenset, float]] = []
        rare: list[tuple[float, list[int]]] = []
        expansions = self._expand(q, abjad)
        for t, sim in expansions:
            p = postings[t]
            w = weights[t] * sim
            if len(p) > _COMMON_POSTINGS:
                big.append((self._posting_set(t), w))
            else:
                rare.append((w, p))
        # each record keeps the best weight of the expansions listing it: written in ascending order, so the last
        # (highest) wins -- dict.update runs in C
        rare.sort(key=lambda wp: wp[0])
        for w, p in rare:
            best.update(dict.fromkeys(p, w))
        self._tok_records += len(best)
        if self._tok_records > 2_000_000:  # bounded memory (~40 MB) over a long batch
            self._tok_cache.clear()
            self._tok_records = len(best)
        hit = self._tok_cache[key] = (best, big, self._abjad_records(expansions))
        return hit

    def _posting_set(self, t: str) -> frozenset:
        ps = self._psets.get(t)
        if ps is None:
            ps = self._psets[t] = frozenset(self.postings[t])
        return ps

    # ---------------------------------------------------------------- scoring
    def _sim(self, q: str, c: str, abjad: int) -> float:
        if q == c:
            return 1.0
        key = (q, c, abjad)
        s = self._sim_cache.get(key)
        if s is not None:
            return s
        if abjad in _SYLLABLE_MODES:
            # romanised Han/Hangul syllables: an edit ratio, no prefix bonus or skeletons
            # (zhong ~ zheng is a different syllable; JW/skeletons made 钟刚 ~ Zheng Guanghua)
            s = Levenshtein.normalized_similarity(q, c)
            if abjad == _CJK and s < _SYLLABLE_FOLD_SIM and syllable_key(q) == syllable_key(c):
                s = _SYLLABLE_FOLD_SIM  # one Korean syllable spelled two customary ways (jeong ~ jung ~ chung)
            elif s < _HAN_MIN_SIM:
                # pinyin is regular: zhong ~ zhang, cheng ~ chen are other characters; so are Korean syllables
                # whose spellings do not fold together (kyong ~ yong, chung ~ chang)
                s = 0.0
            return remember(self._sim_cache, key, s, 1000000)
        if abjad in (_ABJAD_Q, _ABJAD_C):
            sp = self._spelling_sim(q, c, abjad)
            if sp is not None:
                # the abjad token's spellings are known: one that is not among them is a weaker match
                s = sp if sp > 0 else min(_UNSPELLED_MAX, self._sim(q, c, _UNSPELLED))
                return remember(self._sim_cache, key, s, 1000000)
        m = min(len(q), len(c))
        if m <= 3:  # JW over-rewards short prefixes (li ~ liang)
            s = OSA.normalized_similarity(q, c)
            if m == 3 and q[0] == c[0] and OSA.distance(q, c) == 1:
                # one edit in a 3-4 letter token (taha ~ taa, bank ~ bnk), first letter kept
                s = max(s, _SHORT_EDIT_SIM)
        else:
            s = JaroWinkler.normalized_similarity(q, c)
            if not abjad or abjad == 1:
                # two Latin spellings, or two in one abjad script (which leave out the same vowels, so their letters
                # compare as written: کرمانی krmany !~ المدانی mdany, جهانی jhany !~ حقانی hqany)
                s = 1.0 - (1.0 - s) * _LATIN_STRICT
        sq, sc = skeleton(q), skeleton(c)
        if abjad:
            if (q[0] in _VOWELS) != (c[0] in _VOWELS):
                # a skeleton match must be backed by the first letter: prham !~ ibrahim
                pass
            elif sq == sc:  # short skeletons collide often (prham ~ ibrahim)
                s = max(s, 0.95 if len(sq) >= 4 else 0.91 if len(sq) == 3 else 0.86)
            else:
                s = max(s, 0.92 * JaroWinkler.normalized_similarity(sq, sc))
        elif sq == sc and len(sq) >= 3 and s >= _SKEL_RAISE:
            s = max(s, 0.9)
        if m >= 4 and abs(len(q) - len(c)) >= _STEM_EXTRA and (q.startswith(c) or c.startswith(q)):
            # one token is the other and a suffix of three letters or more: a name derived from it or a compound
            # that holds it (Ivan ~ Ivanov, محمد mhmd ~ محمدحسين mhmdhsyn), not the same name spelled another way
            # (Jaro-Winkler's prefix bonus gave them 0.85-0.9); no partial credit either
            s = min(s, _STEM_SIM)
        return remember(self._sim_cache, key, s, 1000000)

    def _spelling_sim(self, q: str, c: str, mode: int) -> float | None:
        """``_spelling_sim`` of query token ``q`` and list token ``c`` in an abjad mode: for an abjad query token
        (_ABJAD_Q) read from its spellings in the list (``_spellings``), as any list token ``c`` is one of the
        list's tokens; for an abjad list token (_ABJAD_C) by reading ``q`` along its spelling tries (``spelled_by``)."""
        if mode != _ABJAD_Q:
            return _spelling_sim(c, q)
        if c not in self.postings:  # not a list token (none reaches here from scoring): the pattern itself
            return _spelling_sim(q, c)
        units = abjad_units(q)
        if units is None or not c.isalpha():
            return None
        return _SPELLING_SIM[min(units, len(_SPELLING_SIM) - 1)] if c in self._spellings(q) else 0.0

    def _spells_pair(self, q: str, c: str, mode: int) -> bool:
        """Whether the abjad-script token of a query/list pair can be spelled as the Latin one (syd ~ sayyid)."""
        if mode == _ABJAD_Q or mode == _ABJAD_C:
            return bool(self._spelling_sim(q, c, mode))
        return False

    def _mistyped_weak(self, q: str, c: str, s: float, abjad: int) -> bool:
        """Whether query token ``q`` may stand for list token ``c`` when only one of them is weak: a spelling of
        it in the other script (syd ~ sayyid) or a close typo of a weak word the list does not know (tradyng)."""
        if self._spells_pair(q, c, abjad):
            return True
        return s >= _TYPO_WEAK_SIM and (q not in self.weights if self._weak(c) else c not in self.weights)

    def _near(self, qt: Sequence[str], cs: Sequence[str], abjad: int, floor: float) -> dict[int, int]:
        """For the list tokens ``cs``: index -> bit mask of the query tokens ``qt`` whose ``_sim`` may reach
        ``floor``.  A superset, found by C-level scans (rapidfuzz ``process.extract``) of the scores ``_sim`` starts
        from, so that ``_sim`` itself runs only on the few pairs that can matter:

        * the base score: Jaro-Winkler between tokens of 4+ letters, OSA similarity when one is shorter (one edit
          in a 3-letter token scores at least 2/3 there); Levenshtein for Han/Hangul syllables;
        * Latin pairs reach 0.9 by skeleton only from a base score of ``_SKEL_RAISE``;
        * abjad modes: 0.92 x Jaro-Winkler of the skeletons (1 when equal), and a Latin token that is one of the
          abjad token's spellings (``abjad_pattern``).
        The scans use a cut-off 1e-6 below the exact one: their scores may differ from single calls in the last bit."""
        out: dict[int, int] = {}
        cs = list(cs)
        if abjad in _SYLLABLE_MODES:
            keys = [syllable_key(c) for c in cs] if abjad == _CJK else []
            for i, q in enumerate(qt):
                _scan_into(out, i, q, cs, None, Levenshtein.normalized_similarity, floor)
                if keys:  # Korean syllables whose spellings fold together (``_sim``)
                    qk = syllable_key(q)
                    for k, ck in enumerate(keys):
                        if ck == qk:
                            out[k] = out.get(k, 0) | 1 << i
            return out
        base = floor if abjad else min(floor, _SKEL_RAISE)
        long_at = [k for k, c in enumerate(cs) if len(c) > 3]
        longer = [cs[k] for k in long_at]
        # OSA similarity reaches 2/3 only between lengths that differ little: at most 3 letters against 4 (one edit),
        # never 3 against 5 or more (3/5).  So a 4-letter query token is compared with the 3-letter list tokens
        # only, one of 5+ letters with no short one, and a short one with list tokens of up to 4 letters.
        three_at = [k for k, c in enumerate(cs) if len(c) == 3] if any(len(q) == 4 for q in qt) else []
        upto4_at = [k for k, c in enumerate(cs) if len(c) <= 4] if any(len(q) <= 3 for q in qt) else []
        three, upto4 = [cs[k] for k in three_at], [cs[k] for k in upto4_at]
        short_cut = min(base, 2 / 3)
        skels = [skeleton(c) for c in cs] if abjad else []
        for i, q in enumerate(qt):
            n = len(q)
            if n > 3:
                _scan_into(out, i, q, longer, long_at, JaroWinkler.normalized_similarity, base)
                if n == 4 and three:
                    _scan_into(out, i, q, three, three_at, OSA.normalized_similarity, short_cut)
            elif upto4:
                _scan_into(out, i, q, upto4, upto4_at, OSA.normalized_similarity, short_cut)
            if abjad:
                _scan_into(out, i, skeleton(q), skels, None, JaroWinkler.normalized_similarity, floor / 0.92)
        if abjad == _ABJAD_Q:  # list tokens that are spellings of an abjad query token (``_spellings``)
            for i, tok in enumerate(qt):
                spelled = self._spellings(tok)
                if spelled:
                    for k, c in enumerate(cs):
                        if c in spelled:
                            out[k] = out.get(k, 0) | 1 << i
        elif abjad == _ABJAD_C:  # query tokens that are spellings of an abjad list token
            for k, tok in enumerate(cs):
                steps = abjad_steps(tok)  # fetched once per list token, not once per pair
                if steps is not None:
                    for i, latin in enumerate(qt):
                        if spelled_by(steps, latin):  # letters only: a token with others never matches
                            out[k] = out.get(k, 0) | 1 << i
        return out

    def _fill_rows(self, qt: Sequence[str], cs: Iterable[str], abjad: int) -> dict[str, Row]:
        """The rows of the list tokens ``cs`` against the query tokens ``qt`` (``_pairs``): a row is (bit mask of
        the query tokens the list token can align with, ((sim, i), ...) for those, its weight, whether it is weak).
        Only similarities that ``_name_score`` can use are kept: >= _MIN_SIM, or >= _PARTIAL_SIM in abjad modes.
        Only tokens that align with something are in the table (a few of the candidates' tokens); any other
        token's row is its blank row (``_blank``), which scoring looks up instead."""
        cs = list(dict.fromkeys(cs))
        table: dict[str, Row] = {}
        if not cs:
            return table
        known = [self._pairs(q, abjad, cs) for q in qt]
        for k, c in enumerate(cs):
            sims: list[tuple[float, int]] = []
            mask = 0
            for i in range(len(qt)):
                s = known[i][k]
                if s:
                    sims.append((s, i))
                    mask |= 1 << i
            if mask:
                _, _, weight, weak = self._blank(c)
                table[c] = (mask, tuple(sims), weight, weak)
        return table

    def _pairs(self, q: str, abjad: int, cs: list[str]) -> list[float | None]:
        """``_sim(q, c, abjad)`` of each token of ``cs`` (distinct) when it reaches the rows' floor (>= _PARTIAL_SIM in
        abjad modes, else _MIN_SIM), else 0.0, in the order of ``cs`` (typed optional, never None once filled).
        Cached per list token: the candidates of names that share a token share most of their list tokens, so only
        the new ones are scanned (``_near``); each token is looked up once in the cache (large for a common query
        token), not once to find it new and again to read it."""
        key = (q, abjad)
        seen = self._pair_sims.get(key)
        if seen is None:
            if self._pair_count > 2_000_000:  # bounded memory over a long batch
                self._pair_sims.clear()
                self._pair_count = 0
            seen = self._pair_sims[key] = {}
        # the cached floats as they are (None: not met yet), not unboxed and boxed again
        sims: list[float | None] = [seen.get(c) for c in cs]
        new_at = [k for k, s in enumerate(sims) if s is None]
        if new_at:
            floor = _PARTIAL_SIM if abjad in _ABJAD_MODES else _MIN_SIM
            new = [cs[k] for k in new_at]
            near = self._near((q,), new, abjad, floor)
            for j, c in enumerate(new):
                s = self._sim(q, c, abjad) if j in near else 0.0
                s = s if s >= floor else 0.0
                seen[c] = s
                sims[new_at[j]] = s
            self._pair_count += len(new)
        return sims

    def _blank(self, c: str) -> Row:
        """The row of list token ``c`` when it aligns with no query token."""
        row = self.blank_rows.get(c)
        if row is None:  # a token the index's weights do not know (never one of its own list tokens)
            row = (0, (), self._weight(c), self._weak(c))
        return row

    def _score_bound(self, qt: Sequence[str], q_missing: list[float], q_strong: int, ct: tuple[str, ...],
                     abjad: int, table: dict[str, Row]) -> float:
        """An upper bound on ``_name_score(qt, ct, abjad)``: every list token that can align adds at most its
        weight to the numerator and the denominator (similarity <= 1); tokens on either side with nothing to
        align with weigh in the denominator at least as much as ``_name_score`` counts them.  ``q_missing`` is what
        each query token adds when left over, ``q_strong`` the bit mask of its strong tokens."""
        top = rest = strong_left = 0.0
        q_mask = 0
        strong_c = 0
        blank = self.blank_rows
        for c in ct:
            row = table.get(c)  # ``table`` was filled for every candidate's tokens at once
            if row is None:
                row = blank.get(c)
                if row is None:
                    row = self._blank(c)
            mask, _, w, weak = row
            if mask:
                top += w
                q_mask |= mask
                if not weak:
                    strong_c += 1
            elif weak:
                rest += w * 0.3
            else:
                strong_left += w
        max_strong = min(strong_c, _POPCOUNT[q_mask & q_strong])
        if not max_strong:
            return 0.0
        if abjad in _SYLLABLE_MODES:
            beta = 1.0
        elif q_mask == (1 << len(qt)) - 1 and len(qt) >= 2:
            beta = min(_CONTAINED_MISSING_PART, _MISSING_MIDDLE)
        else:
            beta = min(_MISSING_LIST_PART, _MISSING_MIDDLE) if max_strong >= 2 else 1.0
        rest += strong_left * beta
        for i in range(len(q_missing)):
            if not q_mask >> i & 1:
                rest += q_missing[i]
        return top / (top + rest)

    def _name_score(self, qt: Sequence[str], ct: Sequence[str], abjad: int,
                    table: dict[str, Row] | None = None) -> tuple[float, list]:
        if table is None:
            table = self._fill_rows(qt, ct, abjad)
        full = [table.get(c) or self._blank(c) for c in ct]
        rows = [row[1] for row in full]
        weak_c = [row[3] for row in full]
        syllables = abjad in _SYLLABLE_MODES
        weak_q = [False if syllables else self._weak(q) for q in qt]
        # a name part only resembling a title, particle or legal form (shlan ~ shaykh) is not matched: it would
        # hide a name part behind the small weight of the weak one
        pairs = [(s, i, j) for j, row in enumerate(rows) for s, i in row if s >= _MIN_SIM and (
            s >= 1.0 or weak_q[i] == weak_c[j] or self._mistyped_weak(qt[i], ct[j], s, abjad))]
        if not pairs:
            return 0.0, []
        pairs.sort(reverse=True)
        used_q: set[int] = set()
        used_c: set[int] = set()
        num = den = 0.0
        strong_matched = 0
        aligned = []
        for s, i, j in pairs:
            if i in used_q or j in used_c:
                continue
            used_q.add(i)
            used_c.add(j)
            w = self._weight(ct[j])
            if weak_c[j] or weak_q[i]:
                w = min(self._weight(ct[j]), self._syllable_weight(qt[i]) if syllables else self._weight(qt[i]))
            else:
                strong_matched += 1
            num += w * s
            den += w
            aligned.append((i, j, s))
        if strong_matched == 0:
            return 0.0, []
        if abjad in _ABJAD_MODES and len(aligned) < min(len(qt), len(ct)):
            # unvowelled script: a left-over token pair that nearly matches (طه "th" ~ "taha")
            # gets partial credit instead of counting as missing on both sides
            for i, q in enumerate(qt):
                if i in used_q:
                    continue
                bj, bs = -1, _PARTIAL_SIM
                for j, row in enumerate(rows):
                    if j not in used_c and (weak_c[j] == weak_q[i] or self._spells_pair(q, ct[j], abjad)):
                        for s, k in row:
                            if k == i and s >= bs:
                                bj, bs = j, s
                if bj >= 0:
                    used_q.add(i)
                    used_c.add(bj)
                    w = min(self._weight(ct[bj]), self._weight(q))
                    num += w * bs
                    den += w
                    aligned.append((i, bj, bs))
        beta = _MISSING_LIST_PART if strong_matched >= 2 and abjad not in _SYLLABLE_MODES else 1.0
        if strong_matched == 1 and len(used_q) == len(qt) >= 2 and abjad not in _SYLLABLE_MODES:
            # the whole query (one name part + legal form/title) is inside the list name: a dropped
            # word (Tropicana GmbH ~ Tropicana Tours GmbH)
            beta = _CONTAINED_MISSING_PART
        for i, q in enumerate(qt):
            if i not in used_q:
                den += (self._syllable_weight(q) if syllables else self._weight(q)) * (1.0 if not weak_q[i] else 0.5)
        inner = (min(used_c), max(used_c)) if beta == _MISSING_LIST_PART and all(
            s >= 1.0 for _, _, s in aligned) and len(used_q) == len(qt) else (0, 0)
        for j, c in enumerate(ct):
            if j not in used_c:
                # a middle name the query leaves out, between name parts it spells exactly, costs less
                part = _MISSING_MIDDLE if inner[0] < j < inner[1] else beta
                den += self._weight(c) * (part if not weak_c[j] else 0.3)
        score = num / den if den else 0.0
        if strong_matched <= 2 and any(s < 1.0 for _, _, s in aligned):
            # few, inexact tokens: weak evidence (common short names collide)
            score -= _SHORT_PENALTY * sum(1.0 - s for _, _, s in aligned) / len(aligned) / 0.1
        if abjad in _SYLLABLE_MODES and not _in_order(aligned):
            score -= _SYLLABLE_ORDER_PENALTY
        return score, aligned

    def _name_matches(self, name: str, cut: float = _KEEP) -> list[tuple[int, int, float, str]]:
        """(entry index, record index, name score, explanation of the name score) for one name, the scores at least
        ``cut`` (no lower than _KEEP), cached."""
        key = clean(name)
        hit = self._cache.get((key, cut))
        if hit is not None:
            return hit
        sc = scripts(key)
        read = "THAI" in sc  # read by an engine that guesses the vowels Thai leaves unwritten
        forms = cleaned_name_forms(key, sc)  # ``key`` is the cleaned name
        if not forms:
            raise ValueError("empty name")
        best: dict[int, tuple[float, int, str, bool]] = {}  # entry -> (score, record, query or spelling, spelled)
        token_cands: set[int] = set()
        for f in forms:
            qt = f.tokens
            qn = " ".join(qt)
            # the same name parts in any order (Han/Hangul syllables: their order is scored)
            ex = self.exact.get(tuple(sorted(f.strong))) if not f.cjk else None
            if ex:
                for r in ex:
                    ei = self.rec_entry[r]
                    if _score_of(best, ei) < 1.0:
                        best[ei] = (1.0, r, qn, False)
            weak_q: list[bool] = []
            weights: list[float] = []
            for q in qt:  # unpacked as they come: a list of the pairs would box each one
                if f.cjk:
                    weak, weight = False, self._syllable_weight(q)
                else:
                    weak, weight = self._token_info(q)
                weak_q.append(weak)
                weights.append(weight)
            q_missing = [w * (0.5 if weak else 1.0) for w, weak in zip(weights, weak_q)]
            q_strong = sum(1 << i for i, weak in enumerate(weak_q) if not weak)
            tables: dict[int, dict[str, Row]] = {}  # per mode: the rows of the list tokens that align
            needs = self._needs(qt, weak_q, weights, cut)  # only the records that can reach the cut
            # (romanised Korean syllables: their other spellings too)
            cands = self._candidates(f.strong, _ABJAD_Q if f.abjad else _CJK if f.cjk == "syllabic" else
                                     _READ if not f.cjk and read else 0, needs)
            token_cands.update(cands)
            modes = self._modes(f, cands)
            for r, mode in zip(cands, modes):
                ei = self.rec_entry[r]
                prev = _score_of(best, ei)
                if prev >= 1.0:
                    continue
                table = tables.get(mode)
                if table is None:  # the rows of every candidate's tokens in this mode, in one pass
                    table = tables[mode] = self._fill_rows(
                        qt, [t for r2, m2 in zip(cands, modes) if m2 == mode for t in self.rec_tokens[r2]], mode)
                ct = self.rec_tokens[r]
                # most candidates cannot reach the keep cut: skip the alignment (1e-9: rounding in either sum)
                bound = self._score_bound(qt, q_missing, q_strong, ct, mode, table) + 1e-9
                if bound < cut or bound <= prev:
                    continue
                s, _ = self._name_score(qt, ct, mode, table)
                if s >= cut and s > prev:
                    best[ei] = (s, r, qn, False)
        words = cleaned_spelling_words(key, sc)
        if words:
            for r, s, how in self._spelling_matches(words, token_cands, cut):
                ei = self.rec_entry[r]
                if s > _score_of(best, ei):
                    best[ei] = (s, r, how, True)
        res = [(ei, r, s, how if spelled else self._head(r, how)) for ei, (s, r, how, spelled) in best.items()]
        return remember(self._cache, (key, cut), res)

    def _modes(self, f, records: Sequence[int]) -> list[int]:
        """How query form ``f`` is compared with each of ``records`` (by the script of each side)."""
        if f.cjk:
            return [_HAN if f.cjk == "han" else _CJK] * len(records)
        on_abjad, on_latin = _abjad_mode(f.abjad, True), _abjad_mode(f.abjad, False)
        rec_abjad = self.rec_abjad
        return [on_abjad if rec_abjad[r] else on_latin for r in records]

    def _head(self, r: int, query: str) -> str:
        """The name part of an explanation for a match on name parts: normalised query ~ listed form."""
        return f"name '{query}' ~ '{' '.join(self.rec_tokens[r])}'"

    def _spelling_matches(self, words: tuple[str, ...], token_cands: set[int], cut: float
                          ) -> list[tuple[int, float, str]]:
        """(record, score >= ``cut``, explanation) for listed Latin names within two edits of the query's spelling."""
        qk = "".join(words)
        n = len(qk)
        # the candidates' spellings of about the same length (more than two letters longer or shorter is more
        # than two edits away)
        keys: set[str] = {k for k in chain.from_iterable(map(self.rec_spell.__getitem__, token_cands))
                          if -_SPELL_MAX_EDITS <= len(k) - n <= _SPELL_MAX_EDITS}
        near_keys, part_keys, _ = self._key_filters()
        if len(qk) <= _SPELL_DEL_MAX + 1:
            # symmetric deletion: one deletion on either side or both covers one edit (and a transposition); one
            # table holds the keys and their deletions; nearly all are absent, which the key filter tells first
            near = self.spell_near
            hit = near.get(qk)
            if hit is not None:
                keys.update(hit)
            for k in _deletes(qk):
                if near_keys.may_hold(k):
                    hit = near.get(k)
                    if hit is not None:
                        keys.update(hit)
        if len(qk) >= _SPELL_PART_LISTED:
            keys.update(self._long_spellings(qk, part_keys))
        if not keys:
            return []
        out: list[tuple[int, float, str]] = []
        # one C-level scan; the few hits sorted by spelling: equal scores resolve the same way in every process
        hits = _extract(qk, list(keys), scorer=OSA.distance, score_cutoff=_SPELL_MAX_EDITS, limit=None)
        for ck, d, _ in sorted(hits):
            s = spelling_score(d, max(len(qk), len(ck)), d < 2 or _one_word_edited(words, qk, ck))
            if s < cut:
                continue
            how = f"spelling '{qk}' ~ '{ck}': {d} edit{'s' if d != 1 else ''} in {max(len(qk), len(ck))} letters"
            out.extend((r, s, how) for r in self.spell[ck])
        return out

    def _long_spellings(self, qk: str, part_keys: "_KeyFilter") -> set[str]:
        """Listed spellings of 10+ letters that share a third with ``qk`` (at most two places off), of the lengths
        ``_third_slices`` allows."""
        parts = self.spell_part
        out: set[str] = set()
        for a, b, places in _third_slices(len(qk)):
            part = qk[a:b]
            if not part_keys.may_hold(part):  # most slices are no listed third at all
                continue
            found = parts.get(part)
            if found is not None:
                for place in places:
                    bucket = found.get(place)
                    if bucket and len(bucket) <= _SPELL_PART_BUCKET:
                        out.update(bucket)
        return out

    # ----------------------------------------------------------------- public
    def search(self, query: "Query | str", threshold: float | None = None, limit: int | None = None) -> list[Match]:
        """Matches with score >= threshold (default DEFAULT_THRESHOLD), best first.

        Raises ValueError for an empty/blank name."""
        if isinstance(query, str):
            return self._search(query, None, None, None, (), threshold, limit)
        return self._search(query.name, query.dob, query.nationality, query.gender, query.id_numbers, threshold, limit)

    def screen(self, name: str, dob: str | None = None, nationality: str | None = None,
               id_number: str | None = None, threshold: float | None = None) -> list[Match]:
        return self._search(name, dob or None, nationality or None, None, (id_number,) if id_number else (),
                            threshold, None)

    def _search(self, name: str, dob: str | None, nationality: str | None, gender: str | None,
                id_numbers: Sequence[str], threshold: float | None, limit: int | None) -> list[Match]:
        """``search`` of a query given by its fields (a batch screens without building a Query per row)."""
        if threshold is None:
            threshold = DEFAULT_THRESHOLD
        if name is None or not str(name).strip():
            raise ValueError("empty name")
        id_hits: dict[int, str] = {}
        for raw in id_numbers or ():
            k = norm_id(raw)
            for ei in self.id_index.get(k, ()) if len(k) >= 4 else ():
                id_hits[ei] = raw
        qdob = parse_date(dob) if dob else None
        qnat = _country_key(nationality) if nationality else None
        cands = self._name_matches(str(name), _cut(threshold, bool(id_hits)))
        qgen = (gender or "").strip().lower()[:1] or None
        raise_ = _MAX_RAISE if qdob or qnat else _ROUNDING
        out = []
        seen = set()
        for ei, r, s, head in cands:
            seen.add(ei)
            if s + raise_ < threshold and ei not in id_hits:
                continue  # below the threshold whatever the date of birth and nationality add: not explained
            out.append(self._finish(ei, r, s, head, qdob, qnat, qgen, id_hits.get(ei)))
        for ei, raw in id_hits.items():
            if ei not in seen:
                out.append(self._finish(ei, None, 0.0, clean(name), qdob, qnat, qgen, raw))
        out = [m for m in out if m.score >= threshold]
        # equal scores: matches on the entry's primary name first
        out.sort(key=lambda m: (-m.score, m.entry is None or m.name != m.entry.name, m.source, m.source_id))
        return out[:limit] if limit else out

    def _finish(self, ei, r, s, head, qdob, qnat, qgen, id_raw) -> Match:
        """``head`` explains the name score (the query alone when only an identifier matched)."""
        e = self.entries[ei]
        listed = self.rec_name[r] if r is not None else e.name
        parts = [f"{head} {s:.2f}" if r is not None else f"name '{head}' ~ '{e.name}' {s:.2f}"]
        score = s
        if qdob and e.dobs:
            adj, msg = _dob_adjust(qdob, e.dobs)
            if adj or msg:
                score += adj
                parts.append(msg)
        if qnat and e.nationalities:
            keys = {_country_key(n) for n in e.nationalities}
            if qnat in keys:
                score += 0.03
                parts.append(f"nationality {qnat} matches (+0.03)")
            else:
                score -= 0.05
                parts.append(f"nationality {qnat} not in list ({'; '.join(e.nationalities)}) (-0.05)")
        if qgen and e.gender and qgen in "mf":
            if e.gender[0] != qgen:
                score -= 0.10
                parts.append(f"gender differs ({e.gender}) (-0.10)")
        if id_raw:
            before = score
            score = max(score + 0.25, 0.95)
            parts.append(f"identifier {id_raw} matches (+{score - before:.2f})")
        score = round(min(1.0, max(0.0, score)), 4)
        return Match(e.source, e.source_id, listed, score, "; ".join(parts), e)


PreparedName = tuple[tuple[str, ...], list[NameForm]]  # (listed spellings, normalised forms)


def prepare_name(raw: str) -> PreparedName:
    """What indexing needs of one listed name, and most of its cost: its whole spellings and normalised forms."""
    return tuple(listed_spellings(raw)), name_forms(raw)


def prepare_names(names: Iterable[str]) -> dict[str, PreparedName]:
    return {raw: prepare_name(raw) for raw in names}


def _cut(threshold: float, id_hit: bool) -> float:
    """The least name score that can still make ``threshold``: a matching date of birth and nationality add up to
    _MAX_RAISE; a matching identifier lifts any name score (then every name score counts).

    The cut allows for a date of birth and nationality whether or not the query gives them, so that one cached
    name search serves every query with that name: a batch meets the same name with and without a date of birth,
    and two searches cost nearly twice one (the lower cut costs no more).  The few scores between the cuts are
    dropped in ``_search``."""
    if id_hit:
        return _KEEP
    return max(_KEEP, threshold - _MAX_RAISE)


def _members_size(reach: tuple) -> int:
    """How many records a query token's ``_reach`` holds (an upper bound: its sets may overlap)."""
    rare, big = reach
    return len(rare) + sum([len(st) for st in big])


def _scan_into(out: dict[int, int], i: int, q: str, choices: list[str], at: list[int] | None, scorer: Callable,
               cut: float) -> None:
    """Set bit ``i`` in ``out`` for the choices whose ``scorer`` score with ``q`` may reach ``cut`` (one C-level scan;
    ``at`` maps a choice's place in ``choices`` to its index in ``out``, when they differ)."""
    bit = 1 << i
    for _, _, k in _extract(q, choices, scorer=scorer, score_cutoff=cut - 1e-6, limit=None):
        if at is not None:
            k = at[k]
        out[k] = out.get(k, 0) | bit


def _thirds(length: int) -> tuple[tuple[int, int], ...]:
    a, b = length // 3, 2 * length // 3
    return ((0, a), (a, b), (b, length))


def _place(length: int, third: int) -> int:
    """The key of a third of a listed spelling of ``length`` letters in ``spell_part``'s tables: an int, which
    hashes at once where a (length, third) tuple is hashed anew at every lookup."""
    return length * 3 + third


# query spelling length -> ``_third_slices`` (a dict, as ``normalize._FOLDED``)
_THIRD_SLICES: Final[dict[int, tuple[tuple[int, int, tuple[int, ...]], ...]]] = {}


def _third_slices(n: int) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    hit = _THIRD_SLICES.get(n)
    if hit is None:
        hit = _THIRD_SLICES[n] = _slices_of_thirds(n)
    return hit


def _slices_of_thirds(n: int) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    """(start, end, (place of a listed third, ...)): where, in a query spelling of ``n`` letters, each third of a
    listed spelling two edits or fewer away may lie (shifted by up to two places), one entry per distinct slice.
    Listed lengths are those where the longer of the two spellings has 12 letters or more: from 12 for a shorter
    query, from ``n`` - 2 for a query of 12 letters or more."""
    places: dict[tuple[int, int], list[int]] = {}
    shortest = n - _SPELL_MAX_EDITS if n >= _SPELL_PART_MIN else _SPELL_PART_MIN
    for length in range(shortest, n + _SPELL_MAX_EDITS + 1):
        for i, (a, b) in enumerate(_thirds(length)):
            for shift in range(-_SPELL_MAX_EDITS, _SPELL_MAX_EDITS + 1):
                if a + shift >= 0 and b + shift <= n:
                    places.setdefault((a + shift, b + shift), []).append(_place(length, i))
    return tuple((a, b, tuple(p)) for (a, b), p in places.items())


def spelling_score(edits: int, length: int, one_word: bool = True) -> float:
    """Score of two spellings ``edits`` apart: each edit costs a tenth, or less in a long name -- 0.72/length
    when the edits fall in one word (a typo: two slips in 12 letters ~ 0.88), 1/length when they are spread over
    several words (Michael Warner ~ Mihael Karner is another name, 0.85)."""
    if length < 3:
        return 1.0 if edits == 0 else 0.0
    return 1.0 - edits * min(0.1, (0.72 if one_word else 1.0) / length)


def _one_word_edited(words: Sequence[str], qk: str, ck: str) -> bool:
    """Whether every edit turning ``qk`` (the query's words joined) into ``ck`` falls inside one query word."""
    ends = list(accumulate(len(w) for w in words))
    last = len(ends) - 1
    touched = {min(last, bisect_left(ends, op.src_pos + 1)) for op in Levenshtein.editops(qk, ck)}
    return len(touched) <= 1


def _in_order(aligned: Sequence[tuple[int, int, float]]) -> bool:
    """Whether the aligned list positions keep the query's order, the surname allowed to move from one end
    to the other (김수광 "kim su gwang" ~ "Su-gwang KIM", but not 김광수 "kim gwang su")."""
    if len(aligned) < 3:
        return True
    order = [j for _, j, _ in sorted(aligned)]
    start = order.index(min(order))
    rotated = order[start:] + order[:start]
    return rotated == sorted(order)


def _abjad_mode(query_abjad: bool, list_abjad: bool) -> int:
    if query_abjad and list_abjad:
        return 1
    return _ABJAD_Q if query_abjad else _ABJAD_C if list_abjad else 0


def _spelling_sim(abjad_tok: str, latin_tok: str) -> float | None:
    """Similarity of a token from an abjad script to a Latin token: high when the Latin token is
    one of its spellings (more letters placed, more certain), else 0."""
    steps = abjad_steps(abjad_tok)
    if steps is None or not latin_tok.isalpha():
        return None
    if not spelled_by(steps, latin_tok):
        return 0.0
    units = abjad_units(abjad_tok) or 0
    return _SPELLING_SIM[min(units, len(_SPELLING_SIM) - 1)]


_SPELLING_SIM: Final = (0.0, 0.85, 0.92, 0.95, 0.97)  # by number of letters in the abjad token
_UNSPELLED_MAX: Final = 0.85  # cap for a Latin token that is not a spelling of the abjad token (cut false alerts)


def _dob_adjust(qdob: str, dobs: Sequence[str]) -> tuple[float, str]:
    best = None
    for d in dobs:
        if d == qdob:
            return 0.05, f"DOB {qdob} matches (+0.05)"
        qy, ly = qdob[:4], d[:4]
        if qy == ly:
            if len(qdob) >= 10 and len(d) >= 10:
                cand = (-0.05, f"DOB {qdob} differs from {d} in the same year (-0.05)")
            elif qdob.startswith(d) or d.startswith(qdob):
                cand = (0.03, f"DOB {qy} matches (+0.03)")
            else:
                cand = (-0.02, f"DOB {qdob} ~ {d} (-0.02)")
        elif abs(int(qy) - int(ly)) <= 1:
            cand = (0.0, f"DOB {qdob} close to {d} (+0.00)")
        else:
            cand = (-0.15, f"DOB {qdob} contradicts {', '.join(dobs[:3])} (-0.15)")
        if best is None or cand[0] > best[0]:
            best = cand
    return best or (0.0, "")
