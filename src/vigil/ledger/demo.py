"""Demo ledger: a dealer, a mine with a magazine, a chemical plant; a few weeks of movements and an open alert."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.ledger import service
from vigil.ledger.models import LedgerHolder
from vigil.platform import clock
from vigil.platform.identity.principal import Principal

ALL = ["firearm", "ammunition", "explosive", "detonator", "precursor", "chemical"]


def records() -> list[dict]:
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    year = now.date().replace(month=1, day=1)

    def at(days: float) -> str:
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def licence(number, classes, valid_to):
        return {"number": number, "classes": classes, "valid_from": str(year - timedelta(days=365)),
                "valid_to": str(valid_to)}

    def move(mid, days, kind, holder, item, **fields):
        return {"type": "movement", "id": mid, "at": at(days), "kind": kind, "holder": holder, "item": item, **fields}

    emulsion = {"class": "explosive", "un_number": "0241", "group": "D", "lot": "EMU-2611-A", "unit": "kg"}
    dets = {"class": "detonator", "un_number": "0360", "group": "B", "lot": "DET-2611-07", "unit": "pcs"}
    an = {"class": "precursor", "un_number": "1942", "lot": "AN-PRILL-44", "unit": "kg"}
    return [
        {"type": "holder", "id": "DLR-01", "name": "Northgate Arms & Supplies", "kind": "dealer",
         "licence": licence("FD-2026-0141", ["firearm", "ammunition", "explosive", "detonator"],
                            now.date() + timedelta(days=20))},
        {"type": "holder", "id": "MIN-01", "name": "Red Valley Quarry", "kind": "mine",
         "licence": licence("BL-2026-0007", ["explosive", "detonator"], now.date() + timedelta(days=400))},
        {"type": "holder", "id": "CHM-01", "name": "Eastport Chemical Works", "kind": "chemical_plant",
         "licence": licence("CH-2026-0033", ["precursor", "chemical"], now.date() + timedelta(days=700))},
        {"type": "site", "id": "DLR-01-STORE", "holder": "DLR-01", "name": "Dealer strongroom", "capacity_kg": 100,
         "groups": ["D", "S"]},
        {"type": "site", "id": "MIN-01-MAG-A", "holder": "MIN-01", "name": "Magazine A (bulk explosives)",
         "capacity_kg": 2000, "groups": ["D"]},
        {"type": "site", "id": "MIN-01-MAG-B", "holder": "MIN-01", "name": "Magazine B (detonators)",
         "capacity_kg": 50, "groups": ["B"]},
        {"type": "site", "id": "CHM-01-TANK", "holder": "CHM-01", "name": "Oxidiser store", "capacity_kg": 0,
         "groups": []},
        move("DEMO-1", 30, "receipt", "DLR-01", dict(emulsion, quantity=80), site="DLR-01-STORE"),
        move("DEMO-2", 29, "receipt", "MIN-01", dict(dets, quantity=400), site="MIN-01-MAG-B"),
        move("DEMO-3", 28, "receipt", "DLR-01", {"class": "firearm", "serial": "NGA-0001923", "make": "Beretta",
                                                 "model": "92FS", "calibre": "9x19mm"}),
        move("DEMO-4", 21, "dispatch", "DLR-01", dict(emulsion, quantity=60), site="DLR-01-STORE", to="MIN-01",
             transport={"vehicle": "ADR-TRK-17", "driver": "permit DRV-5521", "escort": "permit ESC-0932",
                        "planned_arrival": at(20.8)}),
        move("DEMO-5", 20.7, "confirm", "MIN-01", dict(emulsion, quantity=60), site="MIN-01-MAG-A",
             dispatch="DEMO-4"),
        move("DEMO-6", 14, "consume", "MIN-01", dict(emulsion, quantity=22.5), site="MIN-01-MAG-A"),
        move("DEMO-7", 13, "consume", "MIN-01", dict(dets, quantity=45), site="MIN-01-MAG-B"),
        move("DEMO-8", 7, "count", "MIN-01", dict(emulsion, quantity=37), site="MIN-01-MAG-A"),
        *[move(f"DEMO-AN-{i}", 200 - 25 * i, "receipt", "CHM-01", dict(an, quantity=1000 + 50 * (i % 3)),
               site="CHM-01-TANK") for i in range(7)],
        move("DEMO-AN-9", 2, "receipt", "CHM-01", dict(an, quantity=9000), site="CHM-01-TANK"),
        move("DEMO-9", 3, "dispatch", "DLR-01", dict(emulsion, quantity=10), site="DLR-01-STORE", to="MIN-01",
             transport={"vehicle": "ADR-TRK-09", "planned_arrival": at(2.9)}),
    ]


def seed(session: Session, actor: Principal) -> None:
    if session.scalar(select(LedgerHolder.id).limit(1)) is not None:
        return
    for _ in service.apply_records(session, actor, records(), source="demo"):
        pass
    service.scan_alerts(session, clock.now())
