"""A search's threshold prunes the candidates: only records that can still reach it are scored."""
import random

from vigil.screening import Entry, ScreeningIndex
from vigil.screening.core.normalize import name_forms


def keys(ms):
    return [(m.source, m.source_id) for m in ms]


def person_index(*names, filler=200):
    entries = [Entry("custom", f"e{i}", "person", n) for i, n in enumerate(names)]
    # other people, so that the test names' words are rare (weighty) as they are in a real list
    entries += [Entry("custom", f"f{i}", "person", f"FILLER{i:04d}X Person{i:04d}Y") for i in range(filler)]
    return ScreeningIndex.build(entries)


def candidates(ix, name, cut):
    """The entries whose records ``_name_matches`` would score for ``name`` at ``cut`` (first form)."""
    f = name_forms(name)[0]
    needs = ix._needs(f.tokens, [ix._weak(t) for t in f.tokens], [ix._weight(t) for t in f.tokens], cut)
    return needs, {ix.entries[ix.rec_entry[r]].source_id for r in ix._candidates(f.strong, 0, needs)}


def test_every_strong_part_is_needed_at_the_default_threshold():
    ix = person_index("PETROV, Ivan", "SIDOROV, Ivan", "PETROVA, Olga", "PETROV, Ivan Ivanovich")
    needs, found = candidates(ix, "Ivan Petrov", 0.88)
    # a record listed by one of the two words scores at most 1 / (1 + the other's weight): under 0.88
    assert needs == [("ivan", "petrov")]
    assert found == {"e0", "e3"}
    assert keys(ix.search("Ivan Petrov"))[:1] == [("custom", "e0")]
    assert ix.search("Ivan Kuznetsov") == []
    # three parts: at the default threshold all three are needed, at the lowest cut any two
    needs, found = candidates(ix, "Ivan Ivanovich Petrov", 0.88)
    assert needs == [("ivan", "ivanovich", "petrov")] and found == {"e3"}
    needs, found = candidates(ix, "Ivan Ivanovich Petrov", 0.55)
    assert sorted(needs) == [("ivan", "ivanovich"), ("ivan", "petrov"), ("ivanovich", "petrov")]
    assert found == {"e0", "e3"}


def test_date_of_birth_and_nationality_lower_the_cut():
    # what they can add (up to 0.08) may lift a name score under the threshold over it, so those records are kept
    ix = ScreeningIndex.build([Entry("custom", "a", "person", "Abdulrahman Mohammed AL-HARBI", dobs=("1970-01-01",),
                                     nationalities=("Saudi Arabia",))]
                              + [Entry("custom", f"f{i}", "person", f"FILLER{i:04d}X Person{i:04d}Y")
                                 for i in range(100)])
    query = "Abdulrahman Mohammed Zaid AL-HARBI"  # a part the list name lacks: the name scores under 0.88
    f = name_forms(query)[0]
    weak, weights = [ix._weak(t) for t in f.tokens], [ix._weight(t) for t in f.tokens]
    assert ix._needs(f.tokens, weak, weights, 0.88) == [tuple(sorted(set(f.strong)))]
    bare = ix.search(query, threshold=0)
    assert bare and 0.80 < bare[0].score < 0.88
    assert ix.search(query) == []
    ms = ix.screen(query, dob="1970-01-01", nationality="SA")
    assert keys(ms) == [("custom", "a")] and ms[0].score >= 0.88 and "DOB 1970-01-01 matches" in ms[0].explanation


def test_one_name_search_serves_a_name_with_and_without_a_date_of_birth():
    entries = [Entry("custom", "a", "person", "Abdulrahman Mohammed AL-HARBI", dobs=("1970-01-01",),
                     nationalities=("Saudi Arabia",)),
               Entry("custom", "b", "person", "Abdulrahman Mohamed AL-HARBY")]
    entries += [Entry("custom", f"f{i}", "person", f"FILLER{i:04d}X Person{i:04d}Y") for i in range(100)]
    query = "Abdulrahman Mohammed Zaid AL-HARBI"
    first, second = ScreeningIndex.build(entries), ScreeningIndex.build(entries)
    # either order, one search of the name (the batch meets names with and without a date of birth)
    bare, dated = first.search(query), first.screen(query, dob="1970-01-01", nationality="SA")
    assert len(first._cache) == 1
    assert (second.screen(query, dob="1970-01-01", nationality="SA"), second.search(query)) == (dated, bare)
    assert len(second._cache) == 1
    # date of birth and nationality lift a name score under the threshold; without them, nothing under it shows
    assert keys(dated) == [("custom", "a")] and bare == []
    assert all(m.score >= 0.88 for m in first.search(query, threshold=0.85))


def test_pruning_keeps_the_best_match_of_list_names_and_their_typos(full_index):
    rng = random.Random(5)
    names = [n for e in rng.sample(full_index.entries, 300) for n in (e.name,) if sum(c.isalpha() for c in n) >= 6]
    for name in names:
        i = rng.randrange(1, len(name) - 1)
        for q in (name, name[:i] + name[i + 1:]):  # as listed, and with one letter dropped
            low = [m for m in full_index.search(q, threshold=0.55) if m.score >= 0.88]
            assert [(m.source_id, m.score) for m in full_index.search(q)][:1] == [(m.source_id, m.score)
                                                                                  for m in low][:1], q


def test_an_arabic_query_reaches_the_latin_spellings_of_its_words():
    ix = person_index("Uday Saddam Husayn AL-TIKRITI", "Issa Ahmad AL-AANI")
    # ady ~ uday is a spelling the edits and skeletons of "ady" miss; aysy ~ issa shares a one-letter skeleton
    assert "uday" in ix._spelled("ady")
    assert "issa" in ix._spelled("aysy")
    assert keys(ix.search("عدي صدام حسين التكريتي"))[:1] == [("custom", "e0")]
    assert keys(ix.search("عيسى أحمد العاني"))[:1] == [("custom", "e1")]
