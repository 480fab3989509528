"""Console: holders, holder and site pages with balances, movement forms, the alert queue, the trace view."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from vigil.ledger import service
from vigil.ledger.core.ledger import KINDS
from vigil.ledger.schemas import MovementIn, record_dict
from vigil.platform import clock, policy
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest
from vigil.platform.identity.principal import Principal
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/ledger", include_in_schema=False)


def _when(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return clock.parse_as_of(text)
    except ValueError:
        raise BadRequest(f"{text!r} is not a date or ISO time") from None


@router.get("")
def home(request: Request, q: str = "", who: Principal = Depends(current_principal)):
    with session_scope() as db:
        holders = service.list_holders(db, who, q[:100])
        alerts = service.list_alerts(db, who, "open", limit=10)
        movements = service.recent_movements(db, who, limit=15)
        rejections = service.recent_rejections(db, who, limit=10)
    return render(request, "ledger/home.html", {"section": "ledger", "holders": holders, "alerts": alerts,
                                                "movements": movements, "rejections": rejections, "q": q})


@router.get("/holders/{holder_id}")
def holder_page(request: Request, holder_id: str, at: str = "", result: str = "",
                who: Principal = Depends(current_principal)):
    when = _when(at)
    with session_scope() as db:
        holder = service.get_holder(db, who, holder_id)
        balance = service.balance(db, who, holder_id, when)
        movements = service.recent_movements(db, who, holder_id, limit=30)
        alerts = service.list_alerts(db, who, "open", holder_id)
    return render(request, "ledger/holder.html", {"section": "ledger", "holder": holder, "balance": balance,
                                                  "movements": movements, "alerts": alerts, "at": at,
                                                  "kinds": KINDS, "result": result,
                                                  "now": clock.now().strftime("%Y-%m-%dT%H:%M")})


@router.get("/sites/{site_id}")
def site_page(request: Request, site_id: str, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        site = service.get_site(db, who, site_id)
    return render(request, "ledger/site.html", {"section": "ledger", "site": site})


@router.post("/movements")
def record_movement(request: Request, holder: str = Form(""), kind: str = Form(""), at: str = Form(""),
                    site: str = Form(""), to: str = Form(""), to_site: str = Form(""), dispatch: str = Form(""),
                    corrects: str = Form(""), item_class: str = Form(""), key: str = Form(""),
                    quantity: str = Form(""), unit: str = Form(""), un_number: str = Form(""), group: str = Form(""),
                    make: str = Form(""), model: str = Form(""), calibre: str = Form(""),
                    who: Principal = Depends(current_principal)):
    when = _when(at) or clock.now()
    try:
        amount = float(quantity) if quantity.strip() else None
    except ValueError:
        raise BadRequest(f"quantity {quantity!r} is not a number") from None
    item = {"class": item_class, ("serial" if item_class == "firearm" else "lot"): key.strip() or None,
            "quantity": amount, "unit": unit or None, "un_number": un_number.strip() or None,
            "group": group or None, "make": make.strip() or None, "model": model.strip() or None,
            "calibre": calibre.strip() or None}
    fields = {"type": "movement", "id": f"WEB-{clock.now():%Y%m%d%H%M%S%f}", "at": when.isoformat(), "kind": kind,
              "holder": holder, "site": site or None, "to": to or None, "to_site": to_site or None,
              "dispatch": dispatch or None, "corrects": corrects or None,
              "item": {k: v for k, v in item.items() if v is not None} if item_class else None}
    record = form_model(MovementIn, **fields)
    with session_scope() as db:
        outcome = service.apply_one(db, who, record_dict(record))
    message = "accepted" if outcome.accepted else "rejected: " + "; ".join(outcome.reasons)
    if outcome.alerts:
        message += " — alerts: " + "; ".join(outcome.alerts)
    return RedirectResponse(f"/ledger/holders/{quote(holder)}?result={quote(f'{record.id} {message}')}",
                            status_code=303)


@router.get("/alerts")
def alert_queue(request: Request, status: str = "open", who: Principal = Depends(current_principal)):
    status = status if status in ("open", "closed", "all") else "open"
    with session_scope() as db:
        alerts = service.list_alerts(db, who, status)
    return render(request, "ledger/alerts.html", {"section": "ledger", "alerts": alerts, "status": status})


@router.post("/alerts/{alert_id}/close")
def alert_close(alert_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.close_alert(db, who, alert_id)
    return RedirectResponse("/ledger/alerts", status_code=303)


@router.get("/trace")
def trace_page(request: Request, key: str = "", at: str = "", who: Principal = Depends(current_principal)):
    policy.require(who, "ledger.read")  # the empty form too: the page is for officers
    data = held = None
    when = _when(at)
    if key:
        with session_scope() as db:
            data = service.trace(db, who, key.strip()[:64])
            if when:
                held = service.holdings_at(db, who, key.strip()[:64], when)
    return render(request, "ledger/trace.html", {"section": "ledger", "key": key, "at": at, "trace": data,
                                                 "held": held})
