"""Demo: a hotel and a carrier, each with a desk user of the reporter role (hotel-desk / hotel-desk-demo-pass,
carrier-desk / carrier-desk-demo-pass), a few records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform.identity import service as identity
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import Principal
from vigil.registrations import service
from vigil.registrations.models import Establishment

DESK_USER = "hotel-desk"
CARRIER_USER = "carrier-desk"


def seed(session: Session, actor: Principal) -> None:
    if session.scalars(select(Establishment)).first() is not None:
        return
    hotel = service.add_establishment(session, actor, "HOTEL-0001", "hotel", "Harbour View Hotel")
    service.add_establishment(session, actor, "SH-0001", "secondhand", "Old Town Phones")
    carrier = service.add_establishment(session, actor, "EXP-0001", "logistics", "Swift Express")
    if session.scalars(select(Agency).where(Agency.code == "establishments")).first() is None:
        identity.create_agency(session, actor, "establishments", "Reporting establishments", "establishment", "XX")
    for username, establishment in ((DESK_USER, hotel), (CARRIER_USER, carrier)):
        user = identity.create_user(session, actor, username, f"{username}-demo-pass", "establishments", "reporter", 0)
        session.flush()
        service.link_user(session, actor, establishment.id, user.id)
    rows = [(1, {"establishment": "HOTEL-0001", "record_id": "G-1001", "name": "Li Na", "dob": "1990-03-07",
                 "nationality": "CN", "document_type": "cn_ric", "document_number": "110105199003070017",
                 "arrival": "2026-12-01", "room": "304"}, None),
            (2, {"establishment": "HOTEL-0001", "record_id": "G-1002", "name": "Karim Haddad", "dob": "1988-04-02",
                 "nationality": "XX", "document_type": "passport", "document_number": "X1234567",
                 "arrival": "2026-12-02", "room": "210"}, None)]
    service.ingest(session, actor, rows)
