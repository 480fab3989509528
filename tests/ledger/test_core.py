"""The pure rules: units, UN table, compatibility matrix, precursor anomalies, and the ledger state machine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.ledger.core import anomaly, compat, un
from vigil.ledger.core.ledger import Ledger
from vigil.ledger.core.units import to_amount

ALL = ["firearm", "ammunition", "explosive", "detonator", "precursor", "chemical"]


def holder(hid, classes=ALL, valid_to="2027-12-31", **extra):
    return {"type": "holder", "id": hid, "name": f"Holder {hid}", "kind": "dealer",
            "licence": {"number": f"L-{hid}", "classes": classes, "valid_from": "2026-01-01", "valid_to": valid_to,
                        **extra}}


def site(sid, hid, capacity=500, groups=("D", "S")):
    return {"type": "site", "id": sid, "holder": hid, "capacity_kg": capacity, "groups": list(groups)}


def move(mid, kind, hid, at="2026-03-01T08:00:00Z", **fields):
    return {"type": "movement", "id": mid, "at": at, "kind": kind, "holder": hid, **fields}


def lot(name, quantity, unit="kg", un_number="0081", cls="explosive", group=None):
    item = {"class": cls, "lot": name, "quantity": quantity, "unit": unit, "un_number": un_number}
    if group:
        item["group"] = group
    return item


def gun(serial):
    return {"class": "firearm", "serial": serial, "make": "Glock", "model": "17", "calibre": "9mm"}


@pytest.fixture
def ledger():
    led = Ledger()
    for r in (holder("H1"), holder("H2"), site("S1", "H1"), site("S2", "H2")):
        assert led.apply(r).accepted
    return led


def reasons(led, record):
    out = led.apply(record)
    assert not out.accepted, out
    return " ".join(out.reasons)


def test_units_convert_mass_and_refuse_pieces():
    assert to_amount(25000, "g", "kg") == (25_000_000, None)
    assert to_amount(0.5, "t", "kg") == (500_000_000, None)
    assert to_amount(250, "mL", "L") == (250_000, None)
    assert "pieces cannot be converted" in to_amount(3, "pcs", "kg")[1]
    assert "no density" in to_amount(3, "kg", "L")[1]
    assert "unknown unit" in to_amount(3, "lb", "kg")[1]
    assert "whole number" in to_amount(1.5, "pcs", "pcs")[1]
    assert "beyond" in to_amount(10**30, "kg", "kg")[1] and "beyond" in to_amount(2e9, "t", "kg")[1]


def test_un_table_has_explosives_detonators_precursors_and_source():
    assert un.lookup("0081") == {"name": "Explosive, blasting, type A", "kind": "explosive", "class": "1",
                                 "division": "1.1", "group": "D"}
    assert un.lookup("UN0030")["kind"] == "detonator"
    assert un.lookup("1942")["annex"] == "I" and un.lookup("1090")["annex"] == "II"
    assert un.lookup("9999") is None
    assert "2019/1148" in un.source()


def test_compatibility_matrix_is_symmetric_and_follows_adr():
    for a in compat.GROUPS:
        for b in compat.ALLOWED[a]:
            assert a in compat.ALLOWED[b], (a, b)
    assert compat.conflict("D", {"S": {"0012"}}, "0081") is None
    assert "separate compartments" in compat.conflict("B", {"D": {"0081"}}, "0030")
    assert compat.conflict("A", {"S": {"0012"}}, "0129")
    assert compat.conflict("L", {"L": {"0354"}}, "0357")  # L only with the same substance
    assert compat.conflict("L", {"L": {"0357"}}, "0357") is None


def test_anomaly_quantity_and_frequency():
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    history = [(t0 + timedelta(days=30 * i), 100_000_000 + i * 1_000_000) for i in range(8)]
    assert anomaly.unusual(history, t0 + timedelta(days=300), 104_000_000) == []
    assert "robust z-score" in anomaly.unusual(history, t0 + timedelta(days=300), 900_000_000)[0]
    burst = t0 + timedelta(days=400)
    busy = history + [(burst, 100_000_000), (burst + timedelta(days=1), 100_000_000)]
    assert "purchases in 30 days" in anomaly.unusual(busy, burst + timedelta(days=2), 100_000_000)[0]
    assert anomaly.unusual(history[:3], t0 + timedelta(days=300), 10**12) == []  # no pattern yet


def test_receipt_dispatch_confirm_and_in_transit(ledger):
    assert ledger.apply(move("M1", "receipt", "H1", site="S1", item=lot("A", 25000, "g"))).accepted
    assert ledger.apply(move("M2", "dispatch", "H1", at="2026-03-02T08:00:00Z", site="S1", to="H2",
                             item=lot("A", 10))).accepted
    assert ledger.stock[("H1", "S1", "A")] == 15_000_000
    assert ledger.stock.get(("H2", "S2", "A"), 0) == 0  # in transit: nobody's
    assert "disagree" in reasons(ledger, move("M3", "confirm", "H2", at="2026-03-03T08:00:00Z", site="S2",
                                              dispatch="M2", item=lot("A", 9)))
    assert ledger.apply(move("M3", "confirm", "H2", at="2026-03-03T08:00:00Z", site="S2", dispatch="M2",
                             item=lot("A", 10))).accepted
    assert ledger.stock[("H2", "S2", "A")] == 10_000_000
    assert "double confirmation" in reasons(ledger, move("M4", "confirm", "H2", at="2026-03-04T08:00:00Z",
                                                         site="S2", dispatch="M2", item=lot("A", 10)))


def test_refusals_have_clear_reasons(ledger):
    assert ledger.apply(move("M1", "receipt", "H1", site="S1", item=lot("A", 25))).accepted
    assert "insufficient stock" in reasons(ledger, move("M2", "consume", "H1", site="S1", item=lot("A", 26)))
    assert "pieces cannot be converted" in reasons(ledger, move("M2", "consume", "H1", site="S1",
                                                                item=lot("A", 1, "pcs")))
    assert "unknown UN number 9999" in reasons(ledger, move("M2", "receipt", "H1", site="S1",
                                                            item=lot("B", 1, un_number="9999")))
    assert "out of order" in reasons(ledger, move("M2", "consume", "H1", at="2026-02-01T00:00:00Z", site="S1",
                                                  item=lot("A", 1)))
    assert "already on the ledger" in reasons(ledger, move("M1", "receipt", "H1", site="S1", item=lot("A", 1)))
    assert "capacity" in reasons(ledger, move("M2", "receipt", "H1", site="S1", item=lot("C", 480)))
    assert "not licensed for compatibility group B" in reasons(
        ledger, move("M2", "receipt", "H1", site="S1", item=lot("D", 10, "pcs", "0030", "detonator")))
    assert "storage site" in reasons(ledger, move("M2", "receipt", "H1", item=lot("E", 1)))


def test_dispatch_to_unlicensed_expired_or_out_of_scope_holder_refused(ledger):
    for r in (holder("H3", classes=["firearm"]), holder("H4", valid_to="2026-02-01"), site("S3", "H3"),
              move("M1", "receipt", "H1", site="S1", item=lot("A", 25))):
        assert ledger.apply(r).accepted
    assert "does not cover explosive" in reasons(ledger, move("M2", "dispatch", "H1", site="S1", to="H3",
                                                              item=lot("A", 1)))
    assert "expired on 2026-02-01" in reasons(ledger, move("M2", "dispatch", "H1", site="S1", to="H4",
                                                           item=lot("A", 1)))
    assert "unknown holder H9" in reasons(ledger, move("M2", "dispatch", "H1", site="S1", to="H9",
                                                       item=lot("A", 1)))


def test_mixed_groups_at_one_site_follow_the_matrix():
    led = Ledger()
    for r in (holder("H1"), site("S1", "H1", groups="BDS")):
        assert led.apply(r).accepted
    assert led.apply(move("M1", "receipt", "H1", site="S1", item=lot("A", 5))).accepted
    assert "cannot be stored with group D" in reasons(
        led, move("M2", "receipt", "H1", site="S1", item=lot("D", 10, "pcs", "0030", "detonator")))
    assert led.apply(move("M2", "receipt", "H1", site="S1", item=lot("P", 100, "pcs", "0012", "ammunition"))).accepted


def test_serials_are_unique_and_counts_alert(ledger):
    assert ledger.apply(move("M1", "receipt", "H1", item=gun("SN1"))).accepted
    assert "already on the ledger" in reasons(ledger, move("M2", "receipt", "H2", item=gun("SN1")))
    assert ledger.apply(move("M2", "dispatch", "H1", to="H2", item=gun("SN1"))).accepted
    assert "insufficient stock" in reasons(ledger, move("M3", "dispatch", "H1", to="H2", item=gun("SN1")))
    assert ledger.apply(move("M4", "receipt", "H1", site="S1", item=lot("A", 25))).accepted
    out = ledger.apply(move("M5", "count", "H1", site="S1", item=lot("A", 24)))
    assert out.accepted and "count differs from ledger" in out.alerts[0].reason
    assert ledger.stock[("H1", "S1", "A")] == 25_000_000  # a count never adjusts the ledger silently


def test_correction_references_what_it_corrects(ledger):
    assert ledger.apply(move("M1", "receipt", "H1", site="S1", item=lot("A", 25))).accepted
    assert "corrects is required" in reasons(ledger, move("M2", "correction", "H1", site="S1", item=lot("A", -5)))
    assert ledger.apply(move("M2", "correction", "H1", site="S1", corrects="M1", item=lot("A", -5))).accepted
    assert ledger.stock[("H1", "S1", "A")] == 20_000_000
    assert "insufficient" in reasons(ledger, move("M3", "correction", "H1", site="S1", corrects="M1",
                                                  item=lot("A", -50)))


def test_unusual_precursor_purchase_alerts(ledger):
    t0 = datetime(2026, 1, 2, tzinfo=timezone.utc)
    for i in range(8):
        at = (t0 + timedelta(days=20 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = ledger.apply(move(f"P{i}", "receipt", "H1", at=at, item=lot("AN-1", 100 + i, un_number="1942",
                                                                          cls="precursor")))
        assert out.accepted and not out.alerts
    out = ledger.apply(move("P9", "receipt", "H1", at="2026-07-01T00:00:00Z",
                            item=lot("AN-1", 2000, un_number="1942", cls="precursor")))
    assert out.accepted and "unusual precursor purchase" in out.alerts[0].reason


def test_malformed_records_never_crash(ledger):
    for bad in (None, [], "x", {"type": "movement"}, {"type": "movement", "id": "M1", "at": 5},
                move("M1", "receipt", "H1", item={"class": "explosive"}),
                move("M1", "receipt", "H1", site="S1", item=lot("A", "lots")),
                move("M1", "fly", "H1"), {"type": "holder", "id": "H9", "licence": {"classes": ["x"]}},
                site("S9", "H1", capacity=1e300), site("S9", "H1", capacity=float("nan")),
                move("M1", "receipt", "H1", site="S1", item=lot("A", 10**30)), {"type": "movement", "id": ["x"]},
                move("M1", "receipt", "H1", item={"class": "firearm", "serial": ["x"]})):
        assert not ledger.apply(bad).accepted


OPS = st.lists(st.tuples(st.sampled_from(["receipt", "dispatch", "confirm", "consume", "destroy", "loss", "count",
                                          "correction", "move"]),
                         st.sampled_from(["H1", "H2"]), st.sampled_from(["A", "B"]),
                         st.integers(min_value=-30, max_value=60), st.sampled_from(["kg", "g", "t", "pcs"]),
                         st.integers(min_value=-5, max_value=120)),
               max_size=60)


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_no_sequence_of_accepted_movements_makes_a_balance_negative(ops):
    led = Ledger()
    for r in (holder("H1"), holder("H2"), site("S1", "H1", 100_000), site("S2", "H2", 100_000),
              site("S3", "H1", 100_000)):
        led.apply(r)
    t = datetime(2026, 3, 1, tzinfo=timezone.utc)
    dispatches: list[str] = []
    for n, (kind, hid, name, quantity, unit, minutes) in enumerate(ops):
        t2 = t + timedelta(minutes=minutes)
        fields = {"site": "S1" if hid == "H1" else "S2", "item": lot(name, quantity, unit)}
        if kind == "dispatch":
            fields["to"] = "H2" if hid == "H1" else "H1"
        if kind == "confirm" and dispatches:
            fields["dispatch"] = dispatches[quantity % len(dispatches)]
        if kind in ("correction",):
            fields["corrects"] = "M0"
        if kind == "move":
            fields["to_site"] = "S3"
        out = led.apply(move(f"M{n}", kind, hid, at=t2.strftime("%Y-%m-%dT%H:%M:%SZ"), **fields))
        if out.accepted:
            t = max(t, t2)
            if kind == "dispatch":
                dispatches.append(f"M{n}")
        assert all(v >= 0 for v in led.stock.values()), (kind, out)
    held = sum(led.stock.values()) + sum(tr.amount for tr in led.transits.values() if tr.confirmed_by is None)
    for name in ("A", "B"):
        assert led.item_total.get(name, 0) == sum(v for (h, s, k), v in led.stock.items() if k == name) + sum(
            tr.amount for tr in led.transits.values() if tr.item == name and tr.confirmed_by is None)
    assert held >= 0


def test_licence_maximum_and_moves_between_sites():
    led = Ledger()
    for r in (holder("H1", max_quantities={"explosive": 100}), site("S1", "H1"), site("S2", "H1", groups="D")):
        assert led.apply(r).accepted
    assert led.apply(move("M1", "receipt", "H1", site="S1", item=lot("A", 90))).accepted
    assert "at most 100 kg of explosive" in reasons(led, move("M2", "receipt", "H1", site="S1", item=lot("B", 20)))
    assert led.apply(move("M2", "move", "H1", site="S1", to_site="S2", item=lot("A", 40))).accepted
    assert (led.stock[("H1", "S1", "A")], led.stock[("H1", "S2", "A")]) == (50_000_000, 40_000_000)
    assert "capacity" not in " ".join(led.apply(move("M3", "move", "H1", site="S2", to_site="S1",
                                                     item=lot("A", 40))).reasons)
