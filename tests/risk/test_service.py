"""Registers with threat links (TLP through the intel service), CARVER, events, accreditation review, retention,
and the PDF report read back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from vigil.intel.demo import DEMO_IDS
from vigil.platform import clock
from vigil.platform.audit.models import AuditEvent
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.risk import report, schemas, service
from vigil.risk.demo import EVENT_NAME
from vigil.risk.models import Accreditation
from vigil.web.reports import pdf_text


def _event_id():
    with session_scope() as db:
        from vigil.risk.models import Event

        return db.scalars(select(Event.id).where(Event.name == EVENT_NAME)).one()


def test_register_entries_link_only_readable_intelligence(vigil_db, who):
    analyst, city = who("analyst"), who("supervisor")  # CTB owns the RED threat actor; City does not
    with session_scope() as db:
        site_id = db.scalars(select(service.sites.Site.id).order_by(service.sites.Site.id)).first()
        entry = service.add_risk(db, analyst, schemas.RiskIn(
            site_id=site_id, threat="Attack by the north district cell", likelihood=4, impact=5,
            controls="Guarding", residual_likelihood=2, residual_impact=4, owner="CTB",
            stix_refs=[DEMO_IDS["red"], DEMO_IDS["green"]]))
        out = service.risk_out(entry)
        assert (out.inherent, out.inherent_level, out.residual, out.residual_level) == (20, "extreme", 8, "medium")
        shown, hidden = service.threat_refs(db, city, json.loads(entry.stix_refs))
        assert [t.id for t in shown] == [DEMO_IDS["green"]] and hidden == 1  # RED stays with its owner
        shown, hidden = service.threat_refs(db, analyst, json.loads(entry.stix_refs))
        assert hidden == 0 and {t.type for t in shown} == {"threat-actor", "report"}
        with pytest.raises(Problem, match="unreadable"):  # City cannot link what it may not read
            service.add_risk(db, city, schemas.RiskIn(site_id=site_id, threat="x", likelihood=1, impact=1,
                                                      residual_likelihood=1, residual_impact=1,
                                                      stix_refs=[DEMO_IDS["red"]]))
        with pytest.raises(Problem, match="exactly one"):
            service.add_risk(db, analyst, schemas.RiskIn(threat="x", likelihood=1, impact=1, residual_likelihood=1,
                                                         residual_impact=1))
        assert {t.id for t in service.search_threats(db, city, "")} >= {DEMO_IDS["green"], DEMO_IDS["amber"]}
        assert DEMO_IDS["red"] not in {t.id for t in service.search_threats(db, city, "")}
        levels = service.site_levels(db, analyst)
        assert levels[site_id] in ("medium", "high", "extreme")
        db.rollback()


def test_event_geometry_and_dates_are_checked(vigil_db, who):
    boss = who("supervisor")
    now = clock.now()
    bowtie = {"type": "Polygon", "coordinates": [[[1.5, 42.5], [1.51, 42.51], [1.51, 42.5], [1.5, 42.51],
                                                  [1.5, 42.5]]]}
    with session_scope() as db:
        with pytest.raises(Problem, match="perimeter 1 .*Self-intersection"):
            service.create_event(db, boss, schemas.EventIn(
                name="Bad", starts_at=now, ends_at=now + timedelta(days=1),
                perimeters=[schemas.Perimeter(name="p", geometry=bowtie)]))
        with pytest.raises(Problem, match="ends before"):
            service.create_event(db, boss, schemas.EventIn(name="Bad", starts_at=now, ends_at=now))
        with pytest.raises(ValueError, match="LineString"):
            schemas.Route(name="r", geometry={"type": "Point", "coordinates": [1, 2]})


def test_demo_event_accreditation_hit_review_is_audited(vigil_db, who):
    boss = who("supervisor")
    event_id = _event_id()
    with session_scope() as db:
        with pytest.raises(Problem) as exc:
            service.accreditations(db, boss, event_id, None)
        assert exc.value.status == 428
        people = service.accreditations(db, boss, event_id, "checking the summit list")
        flagged = [p for p in people if p.status == "review"]
        assert [p.full_name for p in flagged] == ["Kareem Hadad"]
        hit = service.hits_of(db, [flagged[0].id])[flagged[0].id][0]
        assert hit.entry_name and hit.score > 0 and hit.decision == "pending"
        service.decide_hit(db, boss, hit.id, schemas.DecisionIn(decision="confirmed", reason="same DOB and ID"))
        assert flagged[0].status == "refused"
        with pytest.raises(Problem, match="already decided"):
            service.decide_hit(db, boss, hit.id, schemas.DecisionIn(decision="cleared", reason="changed mind"))
        summary = service.accreditation_summary(db, boss, event_id)
        assert summary.total == 6 and summary.by_status["refused"] == 1 and summary.pending_hits == 0
    with session_scope() as db:
        actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(
            ["accreditation.decide", "personal_data.read", "accreditation.import", "screening.run"]))))
        assert {"accreditation.decide", "personal_data.read", "accreditation.import", "screening.run"} <= set(actions)


def test_bad_accreditation_rows_store_nothing(vigil_db, who):
    boss = who("supervisor")
    event_id = _event_id()
    text = "category,full_name,dob,nationality\nstaff,Ok Person,1990-01-01,AD\nguest,Bad Row,1990-13-01,ADX\n"
    with session_scope() as db:
        before = service.accreditation_summary(db, boss, event_id).total
        with pytest.raises(Problem) as exc:
            service.import_accreditations(db, boss, event_id, text)
        assert exc.value.extra["errors"][0].startswith("line 3: category must be one of")
        assert "dob '1990-13-01'" in exc.value.extra["errors"][0]
        db.rollback()
    with session_scope() as db:
        assert service.accreditation_summary(db, boss, event_id).total == before


def test_a_new_watchlist_entry_rescreens_the_accreditations_held(vigil_db, who):
    from datetime import date

    from vigil.platform.registry import load_jobs
    from vigil.screening import service as screening
    from vigil.screening.models import Watchlist

    load_jobs()  # registers the risk capability's subscriber
    manager = who("analyst", "supervisor")
    event_id = _event_id()
    with session_scope() as db:
        own = db.scalars(select(Watchlist).where(Watchlist.kind == "manual")).first()
        screening.add_entry(db, manager, own.id, screening.ManualEntry(
            name="Pere Soler", dob="1975-09-09", nationality="AD", legal_basis="test", grounds="test listing",
            review_date=date(2030, 1, 1)))
    with session_scope() as db:
        people = service.accreditations(db, who("supervisor"), event_id, "checking the rescreen")
        pere = next(p for p in people if p.full_name == "Pere Soler")
        assert pere.status == "review"
        assert [h.entry_name for h in service.hits_of(db, [pere.id])[pere.id]] == ["Pere Soler"]


def test_accreditations_are_purged_after_the_event_and_retention(vigil_db, who):
    event_id = _event_id()
    with session_scope() as db:
        event = service.get_event(db, who("supervisor"), event_id)
        keep_until = clock.as_utc(event.ends_at) + timedelta(days=event.accreditation_retention_days)
    from vigil.platform import jobs
    from vigil.platform.registry import load_jobs

    load_jobs()
    assert jobs.run("risk.purge_accreditations", keep_until - timedelta(hours=1)) == "purged 0"
    assert jobs.run("risk.purge_accreditations", keep_until + timedelta(hours=1)).startswith("purged ")
    with session_scope() as db:
        assert db.scalars(select(Accreditation).where(Accreditation.event_id == event_id)).first() is None


def test_site_report_reads_back(vigil_db, who):
    boss = who("supervisor")
    with session_scope() as db:
        site = db.scalars(select(service.sites.Site).where(service.sites.Site.region == "Andorra la Vella")
                          .order_by(service.sites.Site.id)).first()
        name, pdf = report.site_pdf(db, boss, site.id)
    text = " ".join(pdf_text(pdf).split())
    assert site.name in text and "Risk heat map" in text and "Risk register" in text and "Arson" in text
