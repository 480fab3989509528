import pytest

from vigil.screening import LostDocumentIndex, load_lost_documents, parse_mrz, validate_cn_ric

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]


@pytest.mark.parametrize("mrz,fmt,num", [(TD3, "TD3", "L898902C3"), (TD1, "TD1", "D23145890"), (TD2, "TD2", "D23145890")])
def test_mrz_valid(mrz, fmt, num):
    r = parse_mrz(mrz)
    assert r.valid and r.errors == [] and r.format == fmt and r.document_number == num
    assert r.surname == "ERIKSSON" and r.given_names == "ANNA MARIA" and r.birth_date == "740812"


def test_mrz_corrupted_check_digits():
    bad = [TD3[0], TD3[1][:9] + "7" + TD3[1][10:]]
    r = parse_mrz(bad)
    assert not r.valid and any("document number" in e for e in r.errors)
    r = parse_mrz("\n".join([TD1[0], TD1[1][:14] + "8" + TD1[1][15:], TD1[2]]))
    assert any("expiry" in e for e in r.errors)
    with pytest.raises(ValueError):
        parse_mrz(["P<UTO", "123"])


def test_lost_documents(tmp_path):
    f = tmp_path / "lost.csv"
    f.write_text("document_number,issuing_country,type,reported_date\nAB 123-456,UTO,passport,2024-01-02\n,UTO,id,\n")
    docs, errs = load_lost_documents(f)
    assert len(docs) == 1 and errs[0].line == 3
    ix = LostDocumentIndex(docs)
    assert ix.lookup("ab123456")[0].doc_type == "passport"
    assert ix.lookup("AB-123 456", "UTO") and not ix.lookup("AB123456", "FRA") and not ix.lookup("AB12345")


def test_cn_ric():
    ok = validate_cn_ric("11010519491231002X")
    assert ok["valid"] and ok["birth_date"] == "1949-12-31"
    assert not validate_cn_ric("110105194912310021")["valid"]
    assert not validate_cn_ric("abc")["valid"]
