import pytest
from hypothesis import given, settings, strategies as st

from vigil.screening import DEFAULT_THRESHOLD, Entry, Query, ScreeningIndex, name_forms, normalize_name


def keys(ms):
    return [(m.source, m.source_id) for m in ms]


def test_un_original_script_arabic(full_index, un_entries):
    e = next(e for e in un_entries if e.original_script_names and e.source_id == "6908048")
    from dataclasses import replace
    latin = [replace(x, original_script_names=()) for x in un_entries]
    ix = ScreeningIndex.build(latin)
    ms = ix.search(e.original_script_names[0])
    assert ("un", "6908048") in keys(ms[:5])


def test_xi_jinping_han():
    ix = ScreeningIndex.build([Entry("custom", "x1", "person", "习近平"), Entry("custom", "x2", "person", "John Smith")])
    ms = ix.search("Xi Jinping")
    assert keys(ms) == [("custom", "x1")] and ms[0].score >= 0.95
    ix2 = ScreeningIndex.build([Entry("custom", "x1", "person", "XI Jinping")])
    assert keys(ix2.search("习近平")) == [("custom", "x1")]


def test_mohamed_muhammad_and_reordering(full_index):
    ms = full_index.search("Mohamed Ali")
    assert any(m.name == "'ALI, Muhammad" for m in ms)
    ms = full_index.search("Manuel Antonio Noriega")
    assert keys(ms)[0] == ("ofac", "1572")
    assert keys(full_index.search("Noriega Manuel Antonio"))[0] == ("ofac", "1572")


def test_missing_middle_name(full_index):
    ms = full_index.search("Manuel Noriega")
    assert ("ofac", "1572") in keys(ms)


def test_dob_contradiction_lowers_score(full_index):
    base = {m.source_id: m.score for m in full_index.search(Query("Usama bin Ladin"), threshold=0)}
    good = {m.source_id: m for m in full_index.search(Query("Usama bin Ladin", dob="1957"), threshold=0)}
    bad = {m.source_id: m for m in full_index.search(Query("Usama bin Ladin", dob="1990-01-01"), threshold=0)}
    assert bad["6365"].score < base["6365"] <= good["6365"].score
    assert "DOB" in bad["6365"].explanation


def test_explanation_and_fields(full_index):
    m = full_index.search("Osama bin Laden")[0]
    assert m.source == "ofac" and 0 <= m.score <= 1 and "name '" in m.explanation


def test_identifier_boost(full_index, ofac_entries):
    e = next(e for e in ofac_entries if e.source_id == "4325")
    ms = full_index.search(Query("Diego Galindo", id_numbers=(e.identifiers[1].number,)))
    assert keys(ms)[0] == ("ofac", "4325")


def test_edge_inputs(full_index):
    for bad in ["", "   ", "\x00\x01", "..."]:
        with pytest.raises(ValueError):
            full_index.search(bad)
    full_index.search("a" * 10000)
    full_index.search("Иван 习近平 Smith محمد")
    full_index.search("x\u200b\ty\nz")


def test_small_subset_build_is_cheap(full_index, un_entries):
    import time
    t = time.perf_counter()
    ix = ScreeningIndex.build(un_entries[:5], reference=full_index)
    assert time.perf_counter() - t < 0.5
    assert keys(ix.search(un_entries[0].name))[0] == ("un", un_entries[0].source_id)


def test_normalize():
    assert normalize_name("NORIEGA, Manuel Antonio") == "manuel antonio noriega"
    assert normalize_name("Abdul Rahman") == normalize_name("Abd al-Rahman")
    assert name_forms("Mr. José Ángel") and normalize_name("Mr. José Ángel") == "mr jose angel"
    assert DEFAULT_THRESHOLD > 0.5


@pytest.mark.parametrize("titled, title", [("الدكتورة آلاء حسن", "dktwra"), ("السيد شهير خثعم", "syd"),
                                           ("جناب آقای حسین رضایی", "aqay"), ("ملا محمد عمر", "mla"),
                                           ("الأستاذ كتوم بنو شعبة", "astadh")])
def test_titles_in_arabic_script_are_weak_like_latin_ones(titled, title):
    """Mr., Dr., Mullah... written in Arabic or Persian script are kept as weak tokens, as their Latin spellings are:
    they are not name parts to find matches by."""
    form = name_forms(titled)[0]
    assert title in form.tokens and title not in form.strong and len(form.strong) >= 2


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_normaliser(text):
    forms = name_forms(text)
    for f in forms:
        assert all(isinstance(t, str) and t for t in f.tokens)


def test_typo_tolerance():
    ix = ScreeningIndex.build([Entry("custom", "a", "person", "AL-GADDAFI, Ayesha"),
                               Entry("custom", "b", "person", "Taha al-Khuwayt"),
                               Entry("custom", "c", "person", "Mohamed Lebachir"),
                               Entry("custom", "d", "organization", "DANDONG HONGDA TRADE CO. LTD."),
                               Entry("custom", "e", "person", "POURNAGHSHBAND, Hossein")])
    assert keys(ix.search("Ayesha ALGADDAFI")) == [("custom", "a")]
    assert keys(ix.search("taa al-khuwayt")) == [("custom", "b")]
    assert keys(ix.search("mohmaed lebachir")) == [("custom", "c")]
    assert keys(ix.search("DANDONG HONGDA TRADE CO. LD.")) == [("custom", "d")]
    assert keys(ix.search("Hossein PjURNAGHSHBAD")) == [("custom", "e")]


def test_typo_in_a_particle_is_not_a_missing_name_part():
    """'alt-ousta' / 'ale-ubaydi': a mistyped al/ul/abu is weak, so the name still scores like the listed one."""
    ix = ScreeningIndex.build([Entry("custom", "p1", "person", "AL-OUSTA, Raw'a"),
                               Entry("custom", "p2", "person", "AL-UBAYDI, Khalid Sa'id Ghabish")])
    assert keys(ix.search("Raw'a ALt-OUSTA")) == [("custom", "p1")]
    assert keys(ix.search("khalid sa'id ghabish ale-ubaydi")) == [("custom", "p2")]
    # the weak treatment is only for unknown tokens: a listed token that looks like a particle stays strong
    assert not ix.search("Raw'a Ale")


def test_compound_with_a_typo_still_found_as_written():
    """Compounds are indexed split (jund allah) and as written (jundollah), so a typo inside one still finds it."""
    ix = ScreeningIndex.build([Entry("custom", "o1", "organization", "JUNDOLLAH"),
                               Entry("custom", "o2", "organization", "JUNDALLAH BRIGADE")])
    assert ("custom", "o1") in keys(ix.search("JUNzDOLLH"))
    assert ("custom", "o1") in keys(ix.search("Jund Allah"))  # the split form still matches


def test_arabic_compounds_split_like_latin_lists():
    """Joined compounds (Jalaluddin, Abderrahmane, Abubakar, Binalshibh; عبدالله, نورالدين, أبوغيث,
    Urdu اللہ) get a form split the way the other script writes them."""
    def forms(n):
        return {f.tokens for f in name_forms(n)}

    assert forms("جلال الدين") == {("jlal", "al", "dyn")} and ("jalal", "al", "din") in forms("Jalaluddin")
    assert ("abd", "al", "rahmane") in forms("Abderrahmane")
    assert ("abd", "al", "rahman") in forms("Abdurrahman") and ("abd", "al", "rahman") in forms("Abdirahman")
    assert ("nour", "al", "din") in forms("Noureddine")
    assert ("abu", "bakar") in forms("Abubakar") and ("bin", "al", "shibh") in forms("Binalshibh")
    assert ("al", "sabar") in forms("Essabar")
    assert forms("عبدالله") == {("abdallah",)} and forms("عبد الله") == {("abdallah",)}
    assert ("thna", "allah", "ghfary") in forms("ثناء اللہ غفاری")  # Urdu heh goal
    assert ("abu", "ghyth") in forms("أبوغيث") and ("nwr", "al", "dyn") in forms("نورالدين")
    # the as-written form stays, and ordinary names are untouched
    assert ("jalaluddin",) in forms("Jalaluddin") and forms("Bourdin") == {("bourdin",)}


def test_assimilated_article_folds_only_before_its_letter():
    """ud/ur/as/an... are the article al- before a word starting with their consonant (nasr ad-din, abd ur-rahman,
    jabhat an-nusra); elsewhere they are name parts (Kim Jong Un, An Jung-geun), not a weak article."""
    def tokens(n):
        return name_forms(n)[0].tokens

    assert tokens("Nasr ad-Din") == tokens("Nasr al-Din")
    assert tokens("Abd ur Rahman") == ("abd", "al", "rahman") and tokens("Jabhat an-Nusrah")[1] == "al"
    assert tokens("Ash-Shabaab") == ("al", "shabaab") and tokens("Zia ul Haq") == ("zia", "al", "haq")
    assert tokens("Kim Jong Un") == ("kim", "jong", "un") and "un" in name_forms("Kim Jong Un")[0].strong
    assert tokens("An Jung-geun")[0] == "an" and tokens("Kim Jong Il") != tokens("Kim Jong Un")
    ix = ScreeningIndex.build([Entry("custom", "k1", "person", "KIM, Jong Un")])
    assert ix.search("Kim Jong Un") and not ix.search("Kim Jong Il")


def test_abjad_pattern_accepts_spellings_only():
    from vigil.screening.core.normalize import (abjad_pattern, abjad_steps, spelled_by, spelling_trie, spellings_in,
                                                spells)
    ok = [("syf", "saif"), ("dyn", "din"), ("kazm", "kathim"), ("dhakr", "zakir"), ("thaqb", "saqib"),
          ("fdl", "fazl"), ("hqana", "haqqani"), ("mhmd", "muhammad"), ("lwnysy", "lounici"), ("qdyr", "ghedeir")]
    bad = [("mhdys", "muhammad"), ("rshdy", "rashid"), ("jwyn", "ghani"), ("shrf", "sarafi")]
    for a, b in ok:
        assert spells(abjad_pattern(a)[0], b) and spelled_by(abjad_steps(a), b), (a, b)
    for a, b in bad:
        assert not spells(abjad_pattern(a)[0], b) and not spelled_by(abjad_steps(a), b), (a, b)
    assert not spelled_by(abjad_steps("syf"), "sai") and not spelled_by(abjad_steps("syf"), "saif-")
    assert abjad_pattern("muhammad") is None and abjad_steps("muhammad") is None  # Latin spelling: no pattern
    # the trie walk finds among many tokens exactly the whole spellings the pattern accepts
    latin = [b for _, b in ok + bad] + ["saifx", "xsaif", "sayf", "saif", "sef", "sa", "saifa"]
    trie = spelling_trie(latin)
    for a, _ in ok + bad:
        pattern = abjad_pattern(a)[0]
        assert sorted(spellings_in(trie, abjad_steps(a))) == sorted({b for b in latin if spells(pattern, b)}), a
    assert sorted(spellings_in(trie, abjad_steps("syf"))) == ["saif", "saifa", "sayf"]  # a final vowel too


def test_trie_walk_finds_what_the_pattern_scan_finds(full_index):
    """Over the whole Latin vocabulary of OFAC + UN, for the list's abjad tokens and transliterated query tokens,
    the trie walk (``spellings_in``) gives the tokens the regular expression matches as whole lines."""
    from vigil.screening.core.normalize import (abjad_pattern, abjad_steps, name_forms, spelled_by, spelling_trie,
                                                spellings_in, spells)
    vocab = [t for t in full_index.postings if t.isalpha() and t.isascii()]
    trie, text = spelling_trie(vocab), "\n" + "\n".join(vocab) + "\n"
    tokens = {t for toks, ab in zip(full_index.rec_tokens, full_index.rec_abjad) if ab for t in toks}
    for name in ("عبد الرحمن بن محمد الظواهري", "سيد محمد حقانی", "طه ياسين رمضان", "ذاكر قاسم ثاقب"):
        tokens.update(name_forms(name)[0].tokens)
    tokens = sorted(t for t in tokens if abjad_pattern(t) is not None)
    assert len(tokens) > 300
    for k, t in enumerate(tokens):
        pattern, steps = abjad_pattern(t)[0], abjad_steps(t)
        scanned = {m.group(0)[1:] for m in pattern.finditer(text)}
        assert set(spellings_in(trie, steps)) == scanned, t
        # one token at a time (``spelled_by``): the spellings, the near misses around them, and a slice of the rest
        near = scanned | {s[:-1] for s in scanned} | {s + c for s in scanned for c in "aeh"} | set(vocab[k::97])
        for c in near:
            assert spelled_by(steps, c) == spells(pattern, c), (t, c)


def test_cross_script_scores_spellings_high_and_others_low():
    ix = ScreeningIndex.build([
        Entry("custom", "r", "person", "SAIF-AL-DIN FULAYYIH HASSAN TAHA AL-RAWI"),
        Entry("custom", "h", "person", "JALALUDDIN HAQQANI"),
        Entry("custom", "s", "person", "SOLTANI, Mohammad"),
        Entry("custom", "z", "person", "ZAKARYA ESSABAR")])
    assert keys(ix.search("سيف الدين فليح حسن طه الراوي")[:1]) == [("custom", "r")]
    assert keys(ix.search("جلال الدين حقانى")[:1]) == [("custom", "h")]
    assert keys(ix.search("زكريا الصبار")[:1]) == [("custom", "z")]
    # Mahdis is not a spelling of Muhammad: one shared surname does not alert
    assert not ix.search("مهدیس سلطانی")
    assert ix._sim("mhdys", "muhammad", 3) <= 0.85 < ix._sim("sltany", "soltani", 3)


def test_query_contained_in_list_name():
    """A dropped word: the whole query (name + legal form) is inside the list name."""
    ix = ScreeningIndex.build([Entry("custom", "t", "organization", "TROPICANA TOURS GMBH"),
                               Entry("custom", "n", "organization", "NOVIN ENERGY COMPANY")])
    assert keys(ix.search("TROPICANA GMBH")) == [("custom", "t")]
    assert keys(ix.search("NOVIN COMPANY")) == [("custom", "n")]
    # not when a query word is missing from the list name
    assert not ix.search("NOVIN SHIPPING COMPANY")


def test_pruned_scoring_matches_exhaustive_scoring(source_index, un_entries, monkeypatch):
    """The score bound that skips candidates and the C-level scans that skip token pairs only save work: scoring
    every token pair of every candidate gives the same matches and scores."""
    queries = ["Usama bin Ladin", "Mohamed Ali", "Hans-Albert Etzler", "Tropicana GmbH", "Kim Jong Un", "习近平",
               "Кононов Марк Виленович", "السيدة ناردين بنو شهر", "عبد الرّحمن بنو عجل", "Jalaluddin Haqani",
               "pjurnaghshbad", "Al Qaida"] + [n for e in un_entries[:60] for n in e.original_script_names[:1]]

    ix = source_index  # the Python-source class: a compiled one's methods cannot be patched

    def run():
        ix._cache.clear()
        ix._exp_cache.clear()
        ix._tok_cache.clear()
        return {q: [(m.source_id, m.score, m.name) for m in ix.search(q, threshold=0.0)] for q in queries}

    pruned = run()
    monkeypatch.setattr(ix, "_score_bound", lambda *args: 1.0)
    monkeypatch.setattr(ix, "_near", lambda qt, cs, *args: dict.fromkeys(range(len(cs)), (1 << len(qt)) - 1))
    exhaustive = run()
    assert pruned == exhaustive
    assert sum(map(len, pruned.values())) > 50


def test_pinyin_fast_path_reads_like_pypinyin():
    """Names without a phrase of pypinyin's dictionary are read character by character from a cache; with one
    (重庆 chong qing, not zhong qing), through pypinyin itself: the same syllables either way."""
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    from vigil.screening.core.translit import _pinyin

    chunks = ["王秀英", "张伟", "重庆", "重量", "李重庆", "欧阳娜娜", "司马光", "银行", "行长", "习近平", "王A", "長谷川"]
    chunks += [p for p in list(PHRASES_DICT)[:3000:7] if 2 <= len(p) <= 4]
    for chunk in chunks:
        assert _pinyin(chunk) == [s for s in lazy_pinyin(chunk) if s.strip()], chunk
    assert _pinyin("重庆") == ["chong", "qing"] and _pinyin("重") == ["zhong"]


def with_fresh_caches(index: ScreeningIndex) -> ScreeningIndex:
    """The same index data with empty per-index caches (what a pickle keeps), without building it again."""
    copy = ScreeningIndex.__new__(ScreeningIndex)
    copy.__setstate__(index.__getstate__())
    return copy


def test_results_do_not_depend_on_what_was_screened_before(full_index, un_entries):
    """The matcher caches per token and per token pair (``_pairs``); a name's matches are the same on a fresh index
    as after hundreds of other names, in any order."""
    names = [n for e in un_entries[:120] for n in (e.name, *e.original_script_names[:1])]
    names += ["Mohamed Ali", "محمد علي", "Manuel Noriega", "王秀英", "Abdul Rahman", "عبد الرحمن الحسن"]
    fresh = {n: keys(with_fresh_caches(full_index).search(n, threshold=0.7)) for n in names[::9]}
    warm = with_fresh_caches(full_index)
    seen = {n: keys(warm.search(n, threshold=0.7)) for n in reversed(names)}
    assert all(seen[n] == fresh[n] for n in fresh)
    assert any(fresh.values()) and any(len(v) > 1 for v in fresh.values())


def test_token_pair_cache_keeps_the_comparison_modes_apart(un_entries):
    """The same query and list tokens compare differently by script (Latin pair, abjad query or list, Han or
    Hangul syllables) and keep different floors: the rows of one mode never come from another's cache."""
    entries = un_entries[:200]
    qt = ("muhammad", "ali", "hasan", "zhang")
    cs = ["mhmd", "aly", "hsn", "muhammad", "mohamed", "ali", "hassan", "zhang", "zhan", "hasn"]
    warm = ScreeningIndex.build(entries)
    for mode in (0, 4, 1, 3, 2, 5, 0, 3):
        assert warm._fill_rows(qt, cs, mode) == ScreeningIndex.build(entries)._fill_rows(qt, cs, mode), mode


def test_ascii_of_renders_like_unidecode():
    """unidecode renders each character on its own; ``ascii_of`` caches those renderings."""
    from unidecode import unidecode

    from vigil.screening.core.translit import ascii_of

    samples = ["Ærøskøbing", "Łódź", "Ψαράς", "Щукин Ёж", "İstanbul ığdır", "Nguyễn Thị", "ﬁnance", "マリア", "€1,5",
               "", "plain ASCII", "दिल्ली", "\u0301e\u200b"] + [chr(c) * 2 for c in range(0x80, 0x3000, 7)]
    for text in samples:
        assert ascii_of(text) == unidecode(text), text


def test_typo_tables_use_only_edits_inside_a_word_where_both_ends_must_stay():
    """``_edit1(..., inside=True)`` (import-time tables) gives exactly the one-edit strings that keep a word's first and
    last letters, for every variant spelling the typo table is built from and for words with doubled ends."""
    from vigil.screening.core import normalize as nz

    words = [w for w in nz.FOLD if len(w) >= 5] + ["aabcc", "abcba", "mmmmm", "xyzzy", "abcde"]
    for w in words:
        for subs in (False, True):
            kept = {v for v in nz._edit1(w, subs) if v[:1] == w[:1] and v[-1:] == w[-1:]}
            assert nz._edit1(w, subs, inside=True) == kept, w


def test_key_filter_holds_every_key_and_turns_away_most_others():
    """The bit filter in front of the large spelling and deletion tables: never a false "absent" (a lookup it
    skips would lose a match), and most absent keys answered without the table."""
    from vigil.screening.core.index import _KeyFilter

    keys = [f"spelling{i}" for i in range(20000)]
    kept = _KeyFilter(keys)
    assert all(kept.may_hold(k) for k in keys)
    others = [f"another{i}" for i in range(20000)]
    assert sum(kept.may_hold(k) for k in others) < 0.05 * len(others)
    assert not any(_KeyFilter([]).may_hold(k) for k in keys[:100])
