"""Parcels API: manifests, classification, the flagged queue, the catalogue."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from vigil.parcels import service
from vigil.parcels.catalogue import classifier_for
from vigil.parcels.schemas import (Catalogue, CatalogueIn, Classified, ClassifyIn, ManifestIn, OwnParcel,
                                   ParcelDecisionIn, ParcelResult, QueuedParcel)
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import Page
from vigil.registrations.service import CURSOR_PATTERN
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1/parcels", tags=["parcels"])


@router.post("/manifests", response_model=list[ParcelResult],
             description="A carrier's manifest (one transaction): senders screened, declared contents classified.")
def manifest(data: ManifestIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        outcomes = service.submit_manifest(db, who, data.carrier, [p.model_dump() for p in data.parcels])
        return [ParcelResult(**o.__dict__) for o in outcomes]


@router.post("/classify", response_model=list[Classified])
def classify(data: ClassifyIn, who: Principal = Depends(current_principal)):
    policy.require(who, "parcels.classify")
    with session_scope() as db:
        classifier = classifier_for(db)
    return [Classified(**(r := classifier.classify(line)).to_dict(), matched_terms=r.matched_terms)
            for line in data.lines]


def queued(p) -> QueuedParcel:
    return QueuedParcel(id=p.id, tracking_number=p.tracking_number, sender_name=p.sender_name, contents=p.contents,
                        categories=[c for c in p.categories.split(",") if c], matched_terms=json.loads(p.matched_terms),
                        un_numbers=[u for u in p.un_numbers.split(",") if u], sender_hits=json.loads(p.sender_hits),
                        status=p.status, reason=p.reason, received_at=p.received_at)


@router.get("/mine", response_model=Page[OwnParcel],
            description="A carrier's own parcels, newest first: the classification of what it declared and whether "
                        "an officer asked it to hold one.")
def mine(cursor: str | None = Query(None, pattern=CURSOR_PATTERN), limit: int = Query(50, ge=1, le=500),
         who: Principal = Depends(current_principal)):
    with session_scope() as db:
        _, rows, nxt = service.own_parcels(db, who, cursor, limit)
        return Page[OwnParcel](items=[OwnParcel(**r) for r in rows], next_cursor=nxt)


@router.get("/queue", response_model=Page[QueuedParcel], description="Flagged parcels with the matched terms.")
def queue(status: Literal["open", "released", "held"] = "open", cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
          limit: int = Query(50, ge=1, le=500), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows, nxt = service.queue(db, who, status, cursor, limit)
        return Page[QueuedParcel](items=[queued(p) for p in rows], next_cursor=nxt)


@router.post("/{parcel_id}/decision", response_model=QueuedParcel)
def decide(parcel_id: Annotated[int, Path(ge=1, le=2_147_483_647)], data: ParcelDecisionIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return queued(service.decide(db, who, parcel_id, data.decision, data.reason))


@router.get("/catalogue", response_model=Catalogue,
            description="The prohibited and restricted items catalogue in force.")
def get_catalogue(who: Principal = Depends(current_principal)):
    policy.require(who, "parcels.catalogue.read")
    with session_scope() as db:
        return Catalogue.from_stored(service.catalogue(db))


@router.put("/catalogue", description="Replace the catalogue (admins); kept as a new version, audited.")
def put_catalogue(data: CatalogueIn, who: Principal = Depends(current_principal)) -> dict:
    with session_scope() as db:
        row = service.edit_catalogue(db, who, data.catalogue.to_stored(), data.note)
        return {"version": row.id, "note": row.note}
