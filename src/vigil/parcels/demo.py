"""Demo: the catalogue copied into the database (admins edit it there) and a small manifest."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.parcels import service
from vigil.parcels.models import Parcel
from vigil.platform.identity.principal import Principal


def seed(session: Session, actor: Principal) -> None:
    service.seed_catalogue(session, actor)
    session.flush()
    if session.scalars(select(Parcel)).first() is not None:
        return
    base = {"sender_document_type": "passport", "receiver_name": "Chen Jie", "weight_kg": 1.2,
            "origin": "Shenzhen", "destination": "Harbour City"}
    service.submit_manifest(session, actor, "EXP-0001", [
        {**base, "tracking_number": "SE100000001", "sender_name": "Wang Fang", "sender_document_number": "E1234567",
         "contents": "T恤 3件, phone case"},
        {**base, "tracking_number": "SE100000002", "sender_name": "Zhou Min", "sender_document_number": "E7654321",
         "contents": "打火机油 2瓶 UN1203"},
        {**base, "tracking_number": "SE100000003", "sender_name": "Liu Yang", "sender_document_number": "E2345678",
         "contents": "hot glue gun, massage gun"}])
