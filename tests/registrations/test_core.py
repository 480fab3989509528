"""Pure validation rules: resident IDs, passports and MRZ, IMEI (Luhn), VIN (ISO 3779), dates, CSV reading."""

from datetime import date

import pytest

from vigil.registrations.core.csvin import CsvFormatError, read_rows
from vigil.registrations.core.validate import check_imei, check_record, check_vin, vin_check_digit

TODAY = date(2026, 12, 7)
BASE = {"record_id": "r1", "name": "Zhang Wei", "dob": "1990-03-07", "nationality": "CN", "document_type": "cn_ric",
        "document_number": "110105199003070017"}


def reasons(sector="hotel", **changes):
    return check_record({**BASE, **changes}, sector, TODAY).reasons


def test_valid_resident_id_is_accepted_and_a_bad_check_digit_is_not():
    assert reasons() == []
    assert any("resident ID" in r for r in reasons(document_number="110105199003070010"))


def test_resident_id_with_an_impossible_birth_date_is_rejected():
    assert any("birth date" in r for r in reasons(document_number="11010519900230001X"))


def test_passport_by_pattern_and_by_mrz():
    assert reasons(document_type="passport", document_number="E1234567") == []
    assert reasons(document_type="passport", document_number="E1") != []
    mrz = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
    assert reasons(document_type="passport", document_number="L898902C3", mrz=mrz) == []
    broken = mrz.replace("L898902C36", "L898902C35")
    assert any("MRZ" in r for r in reasons(document_type="passport", document_number="L898902C3", mrz=broken))


def test_imei_luhn():
    assert check_imei("490154203237518") is None
    assert "Luhn" in check_imei("490154203237519")
    assert check_imei("12345") is not None


def test_vin_check_digit_applies_to_north_american_vins_only():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert check_vin("1M8GDM9AXKP042788") is None
    assert "check digit" in check_vin("1M8GDM9A1KP042788")
    assert check_vin("WVWZZZ1JZXW000001") is None  # European: format only
    assert check_vin("WVWZZZ1JZXW00000I") is not None  # I is never used


@pytest.mark.parametrize("dob", ["1800-01-01", "2099-01-01", "1990-02-30", "07/03/1990", ""])
def test_absurd_or_malformed_dates_of_birth_are_rejected(dob):
    assert any("dob" in r for r in reasons(document_type="other", document_number="ABC123", dob=dob))


def test_sector_rules_and_unknown_establishment():
    assert any("departure" in r for r in reasons(arrival="2026-12-05", departure="2026-12-01"))
    assert any("VIN" in r for r in reasons("vehicle_refit"))
    assert any("unknown establishment" in r for r in reasons(None))
    assert any("IMEI" in r for r in reasons("secondhand", imei="490154203237519", item="phone"))


def test_csv_rows_carry_line_numbers_and_bad_rows_do_not_stop_the_file():
    lines = ["establishment,record_id,name,dob,nationality,document_type,document_number\n",
             "H,1,A,1990-01-01,CN,other,X123\n", "H,2,B\n", "H,3,C,1990-01-01,CN,other,X124\n"]
    rows = list(read_rows(lines))
    assert [r[0] for r in rows] == [2, 3, 4]
    assert rows[1][1] is None and "line 3" in rows[1][2]
    with pytest.raises(CsvFormatError):
        list(read_rows(["establishment,name\n"]))
