"""Campaigns down the chain, inspections with versioned checklists, findings, attachments and escalation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from vigil.platform import clock, jobs
from vigil.platform.database import session_scope
from vigil.platform.errors import Forbidden, Problem
from vigil.platform.registry import load_jobs
from vigil.sites import schemas, service
from vigil.sites.models import Finding, Site, Task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _unit(db, actor, name, parent=None):
    return service.create_unit(db, actor, schemas.UnitIn(name=name, parent_id=parent))


def _chain(db, boss, site_type="port"):
    """A fresh command with one station and a site of its own."""
    top = _unit(db, boss, "Test command")
    station = _unit(db, boss, "Test station", top.id)
    site = service.create_site(db, boss, schemas.SiteIn(name=f"Test {site_type}", type=site_type, lat=42.51,
                                                        lon=1.53, region="Testregion", unit_id=station.id))
    service.add_officer(db, boss, station.id, "viewer")
    service.add_officer(db, boss, station.id, "supervisor")
    return top, station, site


def test_key_site_points_is_every_site_without_personal_data(vigil_db):
    with session_scope() as db:
        points = service.key_site_points(db)
        assert len(points) == db.scalar(select(func.count()).select_from(Site)) > 100
    assert set(points[0]) == {"id", "name", "type", "lat", "lon"}
    assert any(p["type"] == "hospital" for p in points)


def test_campaign_cascades_and_each_level_sees_its_part(vigil_db, who):
    boss = who("supervisor")
    now = clock.now()
    with session_scope() as db:
        _, station, site = _chain(db, boss)
        campaign = service.create_campaign(db, boss, schemas.CampaignIn(
            name="Port check", starts_at=now, ends_at=now + timedelta(days=20), regions=["Testregion"],
            site_types=["port"]))
        assert campaign.target_count == 1
        tasks = service.campaign_tasks(db, boss, campaign.id)
        root, unit_task = tasks
        assert root.unit_id is None and unit_task.unit_id == station.id
        officer_task = service.delegate_task(db, boss, unit_task.id, schemas.DelegateIn(
            title="Inspect the kindergarten", deadline=now + timedelta(days=5), officer="supervisor",
            site_id=site.id))
        # The viewer serves in the station: sees the station's and officers' tasks, not the agency's.
        seen = {t.id for t in service.campaign_tasks(db, who("viewer"), campaign.id)}
        assert seen == {unit_task.id, officer_task.id}
        # Another agency sees nothing of it.
        with pytest.raises(Problem):
            service.get_campaign(db, who("operator"), campaign.id)
        with pytest.raises(Problem, match="still open"):
            service.complete_task(db, boss, unit_task.id)
        service.complete_task(db, boss, officer_task.id)
        progress = {p.task_id: p for p in service.progress(db, boss, campaign.id)}
        assert (progress[root.id].done, progress[root.id].total) == (1, 1)
        with pytest.raises(Problem, match="in the past"):
            service.delegate_task(db, boss, unit_task.id, schemas.DelegateIn(
                title="Late", deadline=now - timedelta(hours=1), officer="supervisor"))
        with pytest.raises(Problem, match="later than its parent"):
            service.delegate_task(db, boss, unit_task.id, schemas.DelegateIn(
                title="Too late", deadline=now + timedelta(days=60), officer="supervisor"))
        with pytest.raises(Problem, match="not an officer"):
            service.delegate_task(db, boss, unit_task.id, schemas.DelegateIn(
                title="Stranger", deadline=now + timedelta(days=2), officer="analyst"))
        # Overlapping campaign: same agency, period, region and type.
        with pytest.raises(Problem, match="Overlaps campaign") as exc:
            service.create_campaign(db, boss, schemas.CampaignIn(
                name="Again", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=30),
                regions=["Testregion"], site_types=["port", "metro"]))
        assert exc.value.status == 409
        with pytest.raises(Problem, match="in the past"):
            service.create_campaign(db, boss, schemas.CampaignIn(
                name="Old", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=2),
                site_types=["bank"]))
        db.rollback()


def test_inspection_keeps_its_checklist_version_and_reinspection_closes(vigil_db, who):
    boss = who("supervisor")
    now = clock.now()
    with session_scope() as db:
        _, station, site = _chain(db, boss, "airport")
        items = [schemas.ChecklistItem(key="gate", text="Gate locked"),
                 schemas.ChecklistItem(key="exits", text="Exits clear")]
        v1 = service.publish_checklist(db, boss, schemas.ChecklistIn(site_type="airport", title="KG",
                                                                     items=items))
        first = service.start_inspection(db, boss, schemas.InspectionStartIn(site_id=site.id))
        v2 = service.publish_checklist(db, boss, schemas.ChecklistIn(
            site_type="airport", title="KG v2", items=items + [schemas.ChecklistItem(key="fence",
                                                                                        text="Fence intact")]))
        assert (first.checklist_version, v2.version) == (v1.version, v1.version + 1)
        answers = {"gate": "ok", "exits": "fail"}
        with pytest.raises(Problem, match="version") as exc:  # the form was reloaded against the new version
            service.submit_inspection(db, boss, first.id, schemas.InspectionSubmitIn(
                checklist_version=v2.version, answers={**answers, "fence": "ok"}))
        assert exc.value.status == 409
        with pytest.raises(Problem, match="in the past"):
            service.submit_inspection(db, boss, first.id, schemas.InspectionSubmitIn(
                checklist_version=v1.version, answers=answers, findings=[schemas.FindingIn(
                    severity="high", description="Exit blocked", deadline=now - timedelta(days=1))]))
        _, (finding,) = service.submit_inspection(db, boss, first.id, schemas.InspectionSubmitIn(
            checklist_version=v1.version, answers=answers, findings=[schemas.FindingIn(
                severity="high", description="Exit blocked", order_text="Clear it", responsible="Director",
                unit_id=station.id, deadline=now + timedelta(days=3))]))
        db.flush()
        # Attachments: by content, size-limited; refused files store nothing.
        with pytest.raises(Problem) as wrong:
            service.attach_file(db, boss, finding.id, "photo.png", b"<html><script>alert(1)</script>")
        assert wrong.value.status == 415
        with pytest.raises(Problem) as big:
            service.attach_file(db, boss, finding.id, "big.png", PNG + b"\x00" * service.ATTACHMENT_MAX_BYTES)
        assert big.value.status == 413
        stored = service.attach_file(db, boss, finding.id, "exit.png", PNG)
        assert stored.kind == "png" and service.finding_files(db, finding.id) == [stored]
        second = service.start_inspection(db, boss, schemas.InspectionStartIn(site_id=site.id))
        assert second.checklist_version == v2.version
        service.submit_inspection(db, boss, second.id, schemas.InspectionSubmitIn(
            checklist_version=v2.version, answers={"gate": "ok", "exits": "ok", "fence": "ok"},
            closes=[finding.id]))
        assert finding.status == "closed" and finding.closed_by_inspection_id == second.id
        with pytest.raises(Problem, match="already submitted"):
            service.submit_inspection(db, boss, second.id, schemas.InspectionSubmitIn(
                checklist_version=v2.version, answers={"gate": "ok", "exits": "ok", "fence": "ok"}))


def test_geometry_and_bad_site_input(vigil_db, who):
    boss = who("supervisor")
    bowtie = {"type": "Polygon", "coordinates": [[[1.5, 42.5], [1.51, 42.51], [1.51, 42.5], [1.5, 42.51],
                                                  [1.5, 42.5]]]}
    with session_scope() as db:
        before = len(service.key_site_points(db))
        with pytest.raises(Problem, match="Self-intersection"):
            service.create_site(db, boss, schemas.SiteIn(name="Bad", type="bank", lat=42.5, lon=1.5, outline=bowtie))
        from vigil.sites.core import geo

        parsed = geo.parse_csv("name,type,lat,lon\nGood,bank,42.5,1.5\nBad,bank,42.5,500\n")
        with pytest.raises(Problem) as exc:
            service.import_sites(db, boss, parsed)
        assert exc.value.extra["errors"] == ["line 3: coordinates out of range (lat 42.5, lon 500.0)"]
        assert len(service.key_site_points(db)) == before  # nothing half-imported
        with pytest.raises(Forbidden):
            service.create_site(db, who("viewer"), schemas.SiteIn(name="X", type="bank", lat=1, lon=1))


def test_escalation_job_moves_overdue_items_up_once_a_day(vigil_db, who):
    boss = who("supervisor")
    now = clock.now()
    with session_scope() as db:
        _, station, site = _chain(db, boss)
        campaign = service.create_campaign(db, boss, schemas.CampaignIn(
            name="Escalation check", starts_at=now, ends_at=now + timedelta(days=10), regions=["Nowhere"],
            site_types=["metro"]))
        root = service.campaign_tasks(db, boss, campaign.id)[0]
        unit_task = service.delegate_task(db, boss, root.id, schemas.DelegateIn(
            title="Station task", deadline=now + timedelta(days=2), unit_id=station.id))
        officer_task = service.delegate_task(db, boss, unit_task.id, schemas.DelegateIn(
            title="Officer task", deadline=now + timedelta(days=1), officer="viewer", site_id=site.id))
    load_jobs()
    overdue_before = _open_overdue(now + timedelta(days=1, hours=1))
    jobs.run("sites.escalate", now)  # the demo's items already overdue climb first
    later = now + timedelta(days=1, hours=1)
    summary = jobs.run("sites.escalate", later)
    with session_scope() as db:
        task = db.get(Task, officer_task.id)
        assert task.escalation_level == 1 and clock.as_utc(task.escalated_at) == later
        assert service.escalated_to(db, task) == "Test station"
        assert db.get(Task, unit_task.id).escalation_level == 0  # not overdue yet
    assert int(summary.split()[-1]) >= 1 and overdue_before >= 1
    assert jobs.run("sites.escalate", later + timedelta(hours=2)) == "escalated 0"  # at most one level a day
    jobs.run("sites.escalate", later + timedelta(days=1, hours=1))
    with session_scope() as db:
        assert db.get(Task, officer_task.id).escalation_level == 2
        assert service.escalated_to(db, db.get(Task, officer_task.id)) == "Test command"
        assert db.get(Task, unit_task.id).escalation_level == 1


def _open_overdue(at: datetime) -> int:
    with session_scope() as db:
        return (db.scalar(select(func.count()).select_from(Task).where(Task.status == "open", Task.deadline < at))
                + db.scalar(select(func.count()).select_from(Finding).where(Finding.status == "open",
                                                                             Finding.deadline < at)))


def test_supervision_dashboard_shows_overdue_and_activity(vigil_db, who):
    with session_scope() as db, clock.frozen(datetime.now(timezone.utc) + timedelta(days=3)):
        view = service.supervision(db, who("supervisor"))
    assert view["overdue_counts"]["findings"] >= 1 and view["overdue_counts"]["tasks"] >= 1
    assert any(a.action == "inspections.submit" for a in view["activity"])
    assert view["regions"]
