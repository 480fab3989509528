"""JSON API: /api/v1/ledger/..."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query

from vigil.ledger import service
from vigil.ledger.schemas import (
    AT_PATTERN,
    AlertOut,
    BalanceOut,
    HolderDetailOut,
    HolderOut,
    OutcomeOut,
    RecordIn,
    SiteDetailOut,
    TraceOut,
    VerifyOut,
    record_dict,
)
from vigil.platform import clock, policy
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest
from vigil.platform.identity.principal import Principal
from vigil.platform.types import QUERY_TEXT
from vigil.web.security import current_principal

PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"],
                   responses={400: dict(PROBLEM, description="Bad request"),
                              401: dict(PROBLEM, description="Not signed in"),
                              403: dict(PROBLEM, description="Not allowed"),
                              404: dict(PROBLEM, description="No such holder, site, item or alert")})
IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
At = Annotated[str | None, Query(max_length=40, pattern=AT_PATTERN,
                                 description="a past moment: YYYY-MM-DD or ISO 8601 time (UTC when no offset)")]


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return clock.parse_as_of(text)
    except ValueError:
        raise BadRequest(f"at={text!r} is not a valid date or time") from None


@router.post("/records", response_model=OutcomeOut,
             description="Apply one holder, site or movement record, as one line of `vigil ledger import`. A record "
                         "the ledger refuses (stock, licence, capacity, groups, time order) comes back with status "
                         "`rejected` and its reasons; nothing of it is stored but the rejection.")
def apply_record(record: Annotated[RecordIn, Body()], who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.apply_one(db, who, record_dict(record)).as_output()


@router.get("/holders", response_model=list[HolderOut])
def list_holders(q: Annotated[str, Query(max_length=100, pattern=QUERY_TEXT)] = "", who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.list_holders(db, who, q)


@router.get("/holders/{holder_id}", response_model=HolderDetailOut)
def get_holder(holder_id: IdPath, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.get_holder(db, who, holder_id)


@router.get("/holders/{holder_id}/balance", response_model=BalanceOut)
def balance(holder_id: IdPath, at: At = None, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.balance(db, who, holder_id, _moment(at))


@router.get("/sites/{site_id}", response_model=SiteDetailOut)
def get_site(site_id: IdPath, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.get_site(db, who, site_id)


@router.get("/trace/{key}", response_model=TraceOut,
            description="The accepted movements of a serial or lot, oldest first; with `at`, who held it where then.")
def trace(key: IdPath, at: At = None, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        data = service.trace(db, who, key)
        if at:
            data["held_at"] = service.holdings_at(db, who, key, _moment(at))
        return data


@router.get("/alerts", response_model=list[AlertOut])
def alerts(status: Literal["open", "closed", "all"] = "open",
           holder: Annotated[str | None, Query(max_length=64, pattern=QUERY_TEXT)] = None, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [AlertOut.model_validate(a) for a in service.list_alerts(db, who, status, holder)]


@router.post("/alerts/{alert_id}/close", response_model=AlertOut)
def close_alert(alert_id: Annotated[int, Path(ge=1, le=2_147_483_647)], who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return AlertOut.model_validate(service.close_alert(db, who, alert_id))


@router.get("/verify", response_model=VerifyOut, description="Walk the movement hash chain.")
def verify(who: Principal = Depends(current_principal)):
    policy.require(who, "ledger.read")
    with session_scope() as db:
        r = service.verify(db)
    return {"ok": r.ok, "checked": r.checked, "problem": r.problem, "entry": r.seq, "movement": r.movement}
