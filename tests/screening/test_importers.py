import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from vigil.screening import (
    Entry, ListFormatError, diff_lists, load_csv_result, load_ftm_result, load_list_spec, load_ofac, load_un,
)

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
DATA = REPO / "data" / "sanctions"


def test_un_counts(un_entries):
    c = Counter(e.entity_type for e in un_entries)
    assert c == {"person": 730, "organization": 273}
    e = next(e for e in un_entries if e.source_id == "6907993")
    assert e.name == "ERIC BADEGE" and e.dobs == ("1971",) and e.gender == "male"
    assert e.legal_basis == ("DRC CDi.001",) and e.listed_on == "2012-12-31"
    assert any(x.original_script_names for x in un_entries)


def test_ofac_counts_and_remarks(ofac_entries):
    assert len(ofac_entries) == 8976
    e = next(e for e in ofac_entries if e.source_id == "2674")
    assert e.name == "ABBAS, Abu" and "ZAYDAN, Muhammad" in e.aliases and e.dobs == ("1948-12-10",)
    assert sum(1 for e in ofac_entries if e.identifiers) > 1000
    assert any(e.gender == "male" for e in ofac_entries)
    assert all(isinstance(e, Entry) for e in ofac_entries[:10])


def test_bad_files(tmp_path):
    bad = tmp_path / "un.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>\n<DATAID>1</DATAID>")
    with pytest.raises(ListFormatError) as ei:
        load_un(bad)
    assert "un.xml" in str(ei.value) and "line" in str(ei.value)
    d = tmp_path / "ofac"
    d.mkdir()
    (d / "sdn.csv").write_bytes(b'1,"SMITH, John","individual"\r\n')
    with pytest.raises(ListFormatError, match="line 1"):
        load_ofac(d)
    c = tmp_path / "l.csv"
    c.write_text("id,fullname\n1,x\n")
    with pytest.raises(ListFormatError, match="missing required column"):
        load_csv_result(c)
    c.write_bytes("id,name\n1,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ListFormatError, match="UTF-8"):
        load_csv_result(c)
    with pytest.raises(ValueError):
        load_list_spec("nonsense")


def test_csv_row_errors(tmp_path):
    c = tmp_path / "agency.csv"
    c.write_text("id,name,aliases,dob,nationality,gender,id_numbers,type\n"
                 "a1,Xi Jinping,习近平;Hsi Chin-p'ing,1953-06-15,China,male,passport:E123,person\n"
                 "a2,,,,,,,person\n"
                 "a3,Foo,,,,,\n"
                 "a4,Acme Ltd,,,,,,organization\n", encoding="utf-8")
    res = load_csv_result(c)
    assert [e.source_id for e in res.entries] == ["a1", "a4"]
    assert res.entries[0].original_script_names == ("习近平",)
    assert res.entries[0].identifiers[0].number == "E123"
    assert [r.line for r in res.row_errors] == [3, 4]


def test_ftm(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(json.dumps(o) for o in [
        {"id": "NK-1", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "alias": ["Иван Петров"],
                                                          "birthDate": ["1970-02"], "passportNumber": ["123"]}},
        {"id": "addr", "schema": "Address", "properties": {"full": ["x"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Acme"]}}]), encoding="utf-8")
    res = load_ftm_result(f)
    assert [e.source_id for e in res.entries] == ["NK-1", "c1"]
    assert res.entries[0].dobs == ("1970-02",) and res.entries[0].original_script_names == ("Иван Петров",)
    f.write_text('{"id": 1\n')
    with pytest.raises(ListFormatError, match="line 1"):
        load_ftm_result(f)


def test_diff_lists():
    a = Entry("custom", "1", "person", "A")
    b = Entry("custom", "2", "person", "B")
    b2 = Entry("custom", "2", "person", "B", aliases=("BB",))
    c = Entry("custom", "3", "person", "C")
    added, changed, removed = diff_lists([a, b], [b2, c])
    assert added == [c] and changed == [(b, b2)] and removed == [a]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_fuzz_csv_importer(tmp_path, data):
    f = tmp_path / "f.csv"
    f.write_bytes(b"id,name,dob\n" + data)
    try:
        load_csv_result(f)
    except ListFormatError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_fuzz_ftm_importer(tmp_path, text):
    f = tmp_path / "f.jsonl"
    f.write_text(text, encoding="utf-8", errors="surrogatepass") if False else f.write_bytes(text.encode("utf-8", "replace"))
    try:
        load_ftm_result(f)
    except ListFormatError:
        pass
