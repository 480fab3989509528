"""Use cases of key sites, the responsibility chain, campaigns, inspections, findings and escalation.

Each takes a session and a Principal, asks ``vigil.platform.policy`` and writes its audit row in the caller's
transaction. Every deadline check reads ``vigil.platform.clock.now()``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from vigil.platform import clock, files, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import Conflict, Forbidden, NotFound, Problem
from vigil.platform.identity.models import User
from vigil.platform.identity.principal import Principal
from vigil.sites import schemas
from vigil.sites.core import geo
from vigil.sites.models import (Activity, Camera, Campaign, ChecklistTemplate, Finding, FindingFile, Inspection, Site,
                                Task, Unit, UnitOfficer)

ATTACHMENT_KINDS = frozenset({"png", "jpeg", "gif", "webp", "pdf"})
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ESCALATION_STEP = timedelta(days=1)  # an overdue item climbs one level per day it stays overdue
MAX_ESCALATION = 3  # officer -> unit -> parent unit -> agency


class Invalid(Problem):
    def __init__(self, detail: str, errors: list[str] | None = None):
        super().__init__(422, detail, title="Invalid input", extra={"errors": errors} if errors else None)


def _log(session: Session, actor: Principal, action: str, summary: str, agency_id: int | None = None,
         unit_id: int | None = None) -> None:
    session.add(Activity(at=clock.now(), actor=actor.username, action=action, summary=summary[:300],
                         agency_id=agency_id if agency_id is not None else (actor.agency_id or None),
                         unit_id=unit_id))


def _future(when: datetime, label: str) -> datetime:
    when = clock.as_utc(when)
    if when <= clock.now():
        raise Conflict(f"The {label} {when:%Y-%m-%d %H:%M} UTC is in the past")
    return when


# ---------------------------------------------------------------------------------------------------------- units
def create_unit(session: Session, actor: Principal, data: schemas.UnitIn, agency_id: int | None = None) -> Unit:
    policy.require(actor, "sites.units.manage")
    agency = agency_id if agency_id is not None else actor.agency_id
    if data.parent_id is not None:
        parent = session.get(Unit, data.parent_id)
        if parent is None or parent.agency_id != agency:
            raise NotFound("The parent unit does not exist in this agency")
    unit = Unit(name=data.name, agency_id=agency, parent_id=data.parent_id)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "sites.unit.create", "site_unit", unit.id, detail={"name": unit.name})
    return unit


def add_officer(session: Session, actor: Principal, unit_id: int, username: str) -> UnitOfficer:
    policy.require(actor, "sites.units.manage")
    unit = _unit(session, actor, unit_id)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or user.agency_id != unit.agency_id:
        raise NotFound(f"No user {username!r} in the unit's agency")
    existing = session.scalars(select(UnitOfficer).where(UnitOfficer.unit_id == unit.id,
                                                         UnitOfficer.user_id == user.id)).first()
    if existing:
        return existing
    link = UnitOfficer(unit_id=unit.id, user_id=user.id)
    session.add(link)
    session.flush()
    audit.record(session, actor, "sites.unit.officer", "site_unit", unit.id, detail={"officer": username})
    return link


def _unit(session: Session, actor: Principal, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or (policy.chain_scope(actor) != "all" and unit.agency_id != actor.agency_id):
        raise NotFound(f"No unit {unit_id}")
    return unit


def list_units(session: Session, actor: Principal) -> list[Unit]:
    policy.require(actor, "sites.read")
    stmt = select(Unit).order_by(Unit.id)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(Unit.agency_id == actor.agency_id)
    return list(session.scalars(stmt))


def subtree(session: Session, roots: set[int]) -> set[int]:
    """The units ``roots`` and every unit below them."""
    links = session.execute(select(Unit.id, Unit.parent_id)).all()
    children: dict[int, list[int]] = {}
    for uid, parent in links:
        children.setdefault(parent, []).append(uid)
    seen, todo = set(), list(roots)
    while todo:
        uid = todo.pop()
        if uid not in seen:
            seen.add(uid)
            todo.extend(children.get(uid, []))
    return seen


def own_units(session: Session, actor: Principal) -> set[int]:
    return set(session.scalars(select(UnitOfficer.unit_id).where(UnitOfficer.user_id == actor.user_id)))


def task_scope(session: Session, actor: Principal):
    """SQL condition for the tasks the actor sees: their own level and the levels below (policy.chain_scope)."""
    scope = policy.chain_scope(actor)
    if scope == "all":
        return Task.id.isnot(None)
    if scope == "agency":
        return Task.agency_id == actor.agency_id
    units = subtree(session, own_units(session, actor))
    return or_(Task.officer_id == actor.user_id, Task.unit_id.in_(units or {-1}))


# ---------------------------------------------------------------------------------------------------------- sites
def _dump(geometry: dict | None) -> str:
    return json.dumps(geometry, separators=(",", ":")) if geometry else ""


def _checked_row(session: Session, actor: Principal, data: schemas.SiteIn) -> geo.SiteRow:
    """The API's site checked by the same rules as an imported row, its outline by shapely."""
    try:
        row = geo.row_from(data.model_dump(exclude={"outline", "unit_id"}), None)
        if data.outline is not None:
            row.outline = geo.check_geometry(data.outline.model_dump())
    except geo.GeometryError as exc:
        raise Invalid(str(exc)) from None
    if data.unit_id is not None:
        _unit(session, actor, data.unit_id)
    return row


def create_site(session: Session, actor: Principal, data: schemas.SiteIn) -> Site:
    policy.require(actor, "sites.write")
    row = _checked_row(session, actor, data)
    site = Site(name=row.name, type=row.type, lat=row.lat, lon=row.lon, outline=_dump(row.outline),
                region=row.region, osm_id=row.osm_id, agency_id=_agency_for(session, actor), unit_id=data.unit_id,
                contacts=row.contacts, protective_measures=row.protective_measures)
    session.add(site)
    session.flush()
    audit.record(session, actor, "sites.create", "site", site.id, detail={"name": site.name})
    return site


def _first_agency(session: Session) -> int | None:
    from vigil.platform.identity.models import Agency

    return session.scalars(select(Agency.id).order_by(Agency.id)).first()


def _agency_for(session: Session, actor: Principal) -> int:
    """Sites belong to the actor's agency; the CLI (system) files them under the first agency."""
    if actor.agency_id:
        return actor.agency_id
    agency = _first_agency(session)
    if agency is None:
        raise Invalid("No agency exists yet: create one first (or run `vigil demo --no-serve`)")
    return agency


def import_sites(session: Session, actor: Principal, parsed: geo.Parsed, unit_id: int | None = None) -> int:
    """All rows or none: any bad row refuses the file with every row's error."""
    policy.require(actor, "sites.write")
    if parsed.errors:
        raise Invalid(f"{len(parsed.errors)} row(s) refused; nothing imported",
                      [str(e) for e in parsed.errors[:1000]])
    if not parsed.rows:
        raise Invalid("The file holds no sites")
    agency = actor.agency_id or _first_agency(session)
    rows = []
    for r in parsed.rows:
        rows.append({"name": r.name, "type": r.type, "lat": r.lat, "lon": r.lon,
                     "outline": _dump(r.outline),
                     "region": r.region, "osm_id": r.osm_id, "agency_id": agency, "unit_id": unit_id,
                     "contacts": r.contacts, "protective_measures": r.protective_measures,
                     "created_at": clock.now()})
    for start in range(0, len(rows), 5000):
        session.execute(insert(Site), rows[start:start + 5000])
    audit.record(session, actor, "sites.import", "site", "", detail={"imported": len(rows)})
    _log(session, actor, "sites.import", f"imported {len(rows)} sites", agency)
    return len(rows)


def get_site(session: Session, actor: Principal, site_id: int) -> Site:
    policy.require(actor, "sites.read")
    return get_or_404(session, Site, site_id, f"No site {site_id}")


def _writable_site(session: Session, actor: Principal, site_id: int) -> Site:
    site = get_site(session, actor, site_id)
    if policy.chain_scope(actor) != "all" and site.agency_id not in (None, actor.agency_id):
        raise Forbidden("The site belongs to another agency")
    return site


def update_site(session: Session, actor: Principal, site_id: int, data: schemas.SiteIn) -> Site:
    policy.require(actor, "sites.write")
    site = _writable_site(session, actor, site_id)
    row = _checked_row(session, actor, data)
    for key in ("name", "type", "lat", "lon", "region", "osm_id", "contacts", "protective_measures"):
        setattr(site, key, getattr(row, key))
    site.outline = _dump(row.outline)
    site.unit_id = data.unit_id
    audit.record(session, actor, "sites.update", "site", site.id, detail={"name": site.name})
    return site


def list_sites(session: Session, actor: Principal, site_type: str | None = None, region: str | None = None,
               q: str | None = None, limit: int | None = None) -> list[Site]:
    policy.require(actor, "sites.read")
    stmt = select(Site).order_by(Site.id)
    if site_type:
        stmt = stmt.where(Site.type == site_type)
    if region:
        stmt = stmt.where(Site.region == region)
    if q:
        stmt = stmt.where(Site.name.contains(q, autoescape=True))
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def key_site_points(session: Session) -> list[dict]:
    """Every key site as {id, name, type, lat, lon} (no personal data): the rapid-response capability defines its
    key areas from these."""
    rows = session.execute(select(Site.id, Site.name, Site.type, Site.lat, Site.lon).order_by(Site.id))
    return [{"id": i, "name": n, "type": t, "lat": la, "lon": lo} for i, n, t, la, lo in rows]


def count_sites(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Site)) or 0


def sites_view(session: Session, width_px: int = 900, height_px: int = 480) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show every site in a map of about that size, so the map is drawn once at its final
    view (fitting the bounds after adding thousands of sites would project and draw them all twice)."""
    import math

    south, north, west, east = session.execute(select(func.min(Site.lat), func.max(Site.lat), func.min(Site.lon),
                                                      func.max(Site.lon))).one()
    if south is None:
        return None

    def mercator(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-4) / 360
    span_y = max(mercator(north) - mercator(south), 1e-4) / (2 * math.pi)
    zoom = math.floor(min(math.log2(width_px / 256 / span_x), math.log2(height_px / 256 / span_y)))
    return ((south + north) / 2, (west + east) / 2), max(2, min(zoom, 16))


def open_findings_by_site(session: Session) -> dict[int, dict[str, int]]:
    rows = session.execute(select(Finding.site_id, Finding.severity, func.count())
                           .where(Finding.status == "open").group_by(Finding.site_id, Finding.severity))
    out: dict[int, dict[str, int]] = {}
    for site_id, severity, n in rows:
        out.setdefault(site_id, {})[severity] = n
    return out


# --------------------------------------------------------------------------------------------------------- cameras
def add_camera(session: Session, actor: Principal, site_id: int, data: schemas.CameraIn) -> Camera:
    policy.require(actor, "sites.write")
    site = _writable_site(session, actor, site_id)
    camera = Camera(site_id=site.id, **data.model_dump())
    session.add(camera)
    session.flush()
    audit.record(session, actor, "sites.camera.add", "site_camera", camera.id, detail={"site": site.id})
    return camera


def camera_wedge(camera: Camera, steps: int = 12) -> dict:
    """The ground a camera covers, as a GeoJSON polygon: a wedge of its field of view out to its range (the
    coverage map; a full circle for 360 degrees)."""
    import math

    metres_lat = 111_320.0
    metres_lon = metres_lat * max(math.cos(math.radians(camera.lat)), 1e-6)
    half = min(camera.fov, 360) / 2
    ring = [] if camera.fov >= 360 else [[camera.lon, camera.lat]]
    for i in range(steps + 1):
        angle = math.radians(camera.bearing - half + (2 * half) * i / steps)
        ring.append([camera.lon + camera.range_m * math.sin(angle) / metres_lon,
                     camera.lat + camera.range_m * math.cos(angle) / metres_lat])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def list_cameras(session: Session, actor: Principal, site_id: int) -> list[Camera]:
    get_site(session, actor, site_id)
    return list(session.scalars(select(Camera).where(Camera.site_id == site_id).order_by(Camera.id)))


# ------------------------------------------------------------------------------------------------------ checklists
def publish_checklist(session: Session, actor: Principal, data: schemas.ChecklistIn) -> ChecklistTemplate:
    """A new version of the site type's checklist; inspections already started keep theirs."""
    policy.require(actor, "campaigns.manage")
    keys = [i.key for i in data.items]
    if len(set(keys)) != len(keys):
        raise Conflict("Checklist item keys must be unique")
    last = session.scalar(select(func.max(ChecklistTemplate.version))
                          .where(ChecklistTemplate.site_type == data.site_type)) or 0
    tpl = ChecklistTemplate(site_type=data.site_type, version=last + 1, title=data.title,
                            items=json.dumps([i.model_dump() for i in data.items]))
    session.add(tpl)
    session.flush()
    audit.record(session, actor, "sites.checklist.publish", "site_checklist", tpl.id,
                 detail={"site_type": tpl.site_type, "version": tpl.version})
    return tpl


def current_checklist(session: Session, site_type: str) -> ChecklistTemplate | None:
    return session.scalars(select(ChecklistTemplate).where(ChecklistTemplate.site_type == site_type)
                           .order_by(ChecklistTemplate.version.desc())).first()


def list_checklists(session: Session, actor: Principal) -> list[ChecklistTemplate]:
    policy.require(actor, "sites.read")
    return list(session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.site_type,
                                                                   ChecklistTemplate.version)))


def checklist_items(tpl: ChecklistTemplate) -> list[dict]:
    return json.loads(tpl.items)


# ------------------------------------------------------------------------------------------------------- campaigns
def _matching_sites(session: Session, campaign: Campaign):
    stmt = select(Site).where(Site.type.in_(json.loads(campaign.site_types)))
    regions = json.loads(campaign.regions)
    if regions:
        stmt = stmt.where(Site.region.in_(regions))
    return stmt


def _overlaps(a: list[str], b: list[str]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def create_campaign(session: Session, actor: Principal, data: schemas.CampaignIn) -> Campaign:
    """A campaign and its agency-level task; with ``cascade`` one task per unit responsible for targeted sites.
    Refused when it overlaps another campaign of the agency (same period, region and site type)."""
    policy.require(actor, "campaigns.manage")
    if data.ends_at <= data.starts_at:
        raise Conflict("The campaign ends before it starts")
    _future(data.ends_at, "campaign end")
    agency = _agency_for(session, actor)
    for other in session.scalars(select(Campaign).where(Campaign.agency_id == agency,
                                                        Campaign.starts_at < data.ends_at,
                                                        Campaign.ends_at > data.starts_at)):
        if _overlaps(json.loads(other.site_types), list(data.site_types)) and \
                _overlaps(json.loads(other.regions), list(data.regions)):
            raise Conflict(f"Overlaps campaign {other.id} ({other.name}) in period, region and site type")
    campaign = Campaign(name=data.name, goals=data.goals, agency_id=agency, starts_at=data.starts_at,
                        ends_at=data.ends_at, regions=json.dumps(sorted(set(data.regions))),
                        site_types=json.dumps(sorted(set(data.site_types))), created_by=actor.username)
    session.add(campaign)
    session.flush()
    sites = list(session.scalars(_matching_sites(session, campaign)))
    campaign.target_count = len(sites)
    root = Task(campaign_id=campaign.id, agency_id=agency, title=f"{campaign.name}: inspect {len(sites)} sites",
                deadline=campaign.ends_at)
    session.add(root)
    session.flush()
    if data.cascade:
        by_unit: dict[int, list[Site]] = {}
        for site in sites:
            if site.unit_id is not None:
                by_unit.setdefault(site.unit_id, []).append(site)
        for unit_id, unit_sites in sorted(by_unit.items()):
            session.add(Task(campaign_id=campaign.id, parent_id=root.id, agency_id=agency, unit_id=unit_id,
                             title=f"{campaign.name}: inspect {len(unit_sites)} sites", deadline=campaign.ends_at))
    audit.record(session, actor, "campaigns.create", "site_campaign", campaign.id,
                 detail={"name": campaign.name, "targets": len(sites)})
    _log(session, actor, "campaigns.create", f"created campaign {campaign.name} ({len(sites)} sites)", agency)
    return campaign


def list_campaigns(session: Session, actor: Principal) -> list[Campaign]:
    policy.require(actor, "sites.read")
    stmt = select(Campaign).order_by(Campaign.starts_at.desc())
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(Campaign.agency_id == actor.agency_id)
    return list(session.scalars(stmt))


def get_campaign(session: Session, actor: Principal, campaign_id: int) -> Campaign:
    policy.require(actor, "sites.read")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or (policy.chain_scope(actor) != "all" and campaign.agency_id != actor.agency_id):
        raise NotFound(f"No campaign {campaign_id}")
    return campaign


def campaign_tasks(session: Session, actor: Principal, campaign_id: int) -> list[Task]:
    get_campaign(session, actor, campaign_id)
    return list(session.scalars(select(Task).where(Task.campaign_id == campaign_id, task_scope(session, actor))
                                .order_by(Task.id)))


def get_task(session: Session, actor: Principal, task_id: int) -> Task:
    policy.require(actor, "sites.read")
    task = session.scalars(select(Task).where(Task.id == task_id, task_scope(session, actor))).first()
    if task is None:
        raise NotFound(f"No task {task_id}")
    return task


def delegate_task(session: Session, actor: Principal, task_id: int, data: schemas.DelegateIn) -> Task:
    """Cascade one level down: agency task -> unit task, unit task -> officer task (optionally for one site)."""
    policy.require(actor, "campaigns.work")
    parent = get_task(session, actor, task_id)
    if parent.status != "open":
        raise Conflict("The task is already done")
    deadline = _future(data.deadline, "deadline")
    if deadline > clock.as_utc(parent.deadline):
        raise Conflict("A delegated task's deadline cannot be later than its parent's")
    officer_id = unit_id = None
    if parent.officer_id is not None:
        raise Conflict("An officer's task is the last level of the chain")
    if parent.unit_id is None:
        if data.unit_id is None:
            raise Conflict("An agency task is delegated to a unit (unit_id)")
        unit = _unit(session, actor, data.unit_id)
        if unit.agency_id != parent.agency_id:
            raise NotFound("The unit is not in the task's agency")
        unit_id = unit.id
    else:
        if not data.officer:
            raise Conflict("A unit task is delegated to an officer of the unit (officer)")
        user = session.scalars(select(User).where(User.username == data.officer)).first()
        members = subtree(session, {parent.unit_id})
        linked = user is not None and session.scalar(select(func.count()).select_from(UnitOfficer).where(
            UnitOfficer.user_id == user.id, UnitOfficer.unit_id.in_(members)))
        if not linked:
            raise NotFound(f"{data.officer!r} is not an officer of the unit")
        officer_id, unit_id = user.id, parent.unit_id
    if data.site_id is not None:
        get_site(session, actor, data.site_id)
    task = Task(campaign_id=parent.campaign_id, parent_id=parent.id, agency_id=parent.agency_id, unit_id=unit_id,
                officer_id=officer_id, site_id=data.site_id, title=data.title, deadline=deadline)
    session.add(task)
    session.flush()
    audit.record(session, actor, "campaigns.task.delegate", "site_task", task.id, detail={"parent": parent.id})
    _log(session, actor, "campaigns.task.delegate", f"delegated task {parent.id} -> {task.id}: {task.title}",
         parent.agency_id, unit_id)
    return task


def complete_task(session: Session, actor: Principal, task_id: int) -> Task:
    policy.require(actor, "campaigns.work")
    task = get_task(session, actor, task_id)
    if task.status == "done":
        return task
    open_children = session.scalar(select(func.count()).select_from(Task).where(Task.parent_id == task.id,
                                                                                Task.status == "open"))
    if open_children:
        raise Conflict(f"{open_children} delegated task(s) are still open")
    task.status, task.done_at, task.done_by = "done", clock.now(), actor.username
    audit.record(session, actor, "campaigns.task.complete", "site_task", task.id)
    _log(session, actor, "campaigns.task.complete", f"completed task {task.id}: {task.title}", task.agency_id,
         task.unit_id)
    return task


def progress(session: Session, actor: Principal, campaign_id: int) -> list[schemas.Progress]:
    """Each visible task with the done/total/overdue count of the tasks below it (itself when it has none)."""
    tasks = campaign_tasks(session, actor, campaign_id)
    every = list(session.scalars(select(Task).where(Task.campaign_id == campaign_id)))
    children: dict[int | None, list[Task]] = {}
    for t in every:
        children.setdefault(t.parent_id, []).append(t)
    now = clock.now()

    def leaves(task: Task) -> list[Task]:
        below = children.get(task.id, [])
        return [task] if not below else [leaf for c in below for leaf in leaves(c)]

    out = []
    for t in tasks:
        items = leaves(t)
        level = "officer" if t.officer_id else "unit" if t.unit_id else "agency"
        out.append(schemas.Progress(task_id=t.id, level=level, title=t.title,
                                    done=sum(1 for i in items if i.status == "done"), total=len(items),
                                    overdue=sum(1 for i in items if i.status == "open" and
                                                clock.as_utc(i.deadline) < now)))
    return out


# ----------------------------------------------------------------------------------------------------- inspections
def start_inspection(session: Session, actor: Principal, data: schemas.InspectionStartIn) -> Inspection:
    policy.require(actor, "campaigns.work")
    site = get_site(session, actor, data.site_id)
    if data.task_id is not None:
        get_task(session, actor, data.task_id)
    tpl = current_checklist(session, site.type) or current_checklist(session, "other")
    if tpl is None:
        raise Conflict(f"No checklist is published for {site.type} sites")
    inspection = Inspection(site_id=site.id, task_id=data.task_id, checklist_id=tpl.id,
                            checklist_version=tpl.version, inspector=actor.username, started_at=clock.now())
    session.add(inspection)
    session.flush()
    audit.record(session, actor, "inspections.start", "site_inspection", inspection.id, detail={"site": site.id})
    return inspection


def get_inspection(session: Session, actor: Principal, inspection_id: int) -> Inspection:
    policy.require(actor, "sites.read")
    return get_or_404(session, Inspection, inspection_id, f"No inspection {inspection_id}")


def submit_inspection(session: Session, actor: Principal, inspection_id: int,
                      data: schemas.InspectionSubmitIn) -> tuple[Inspection, list[Finding]]:
    """Answers against the checklist version the inspection started with; new findings; rectified ones closed."""
    policy.require(actor, "campaigns.work")
    inspection = get_inspection(session, actor, inspection_id)
    if inspection.status != "started":
        raise Conflict("The inspection was already submitted")
    if data.checklist_version != inspection.checklist_version:
        raise Conflict(f"The form was filled against checklist version {data.checklist_version}; this inspection "
                       f"uses version {inspection.checklist_version}. Reload the form: nothing was saved")
    tpl = session.get(ChecklistTemplate, inspection.checklist_id)
    keys = {i["key"] for i in checklist_items(tpl)}
    unknown, missing = set(data.answers) - keys, keys - set(data.answers)
    if unknown or missing:
        raise Problem(409, "Answers do not match the inspection's checklist version; nothing was saved",
                      extra={"errors": [f"unknown item {k}" for k in sorted(unknown)] +
                             [f"unanswered item {k}" for k in sorted(missing)]})
    new = [_finding(session, actor, inspection, f) for f in data.findings]
    _close_findings(session, actor, inspection, data.closes)
    inspection.answers = json.dumps(data.answers)
    inspection.notes = data.notes
    inspection.status, inspection.submitted_at = "submitted", clock.now()
    if inspection.task_id is not None:
        task = session.get(Task, inspection.task_id)
        if task is not None and task.status == "open" and task.officer_id is not None:
            task.status, task.done_at, task.done_by = "done", clock.now(), actor.username
    session.flush()
    audit.record(session, actor, "inspections.submit", "site_inspection", inspection.id,
                 detail={"findings": len(new), "closed": list(data.closes)})
    _log(session, actor, "inspections.submit",
         f"inspected site {inspection.site_id}: {len(new)} finding(s), {len(data.closes)} closed")
    return inspection, new


def _finding(session: Session, actor: Principal, inspection: Inspection, data: schemas.FindingIn) -> Finding:
    if data.unit_id is not None:
        _unit(session, actor, data.unit_id)
    finding = Finding(inspection_id=inspection.id, site_id=inspection.site_id, severity=data.severity,
                      description=data.description, order_text=data.order_text, responsible=data.responsible,
                      unit_id=data.unit_id, deadline=_future(data.deadline, "rectification deadline"),
                      created_at=clock.now())
    session.add(finding)
    return finding


def _close_findings(session: Session, actor: Principal, inspection: Inspection, ids: list[int]) -> None:
    for fid in ids:
        finding = session.get(Finding, fid)
        if finding is None or finding.site_id != inspection.site_id:
            raise NotFound(f"Finding {fid} is not a finding of this site")
        if finding.status != "open":
            raise Conflict(f"Finding {fid} is already closed")
        finding.status, finding.closed_at = "closed", clock.now()
        finding.closed_by_inspection_id = inspection.id


def site_findings(session: Session, actor: Principal, site_id: int, only_open: bool = False) -> list[Finding]:
    get_site(session, actor, site_id)
    stmt = select(Finding).where(Finding.site_id == site_id).order_by(Finding.id)
    if only_open:
        stmt = stmt.where(Finding.status == "open")
    return list(session.scalars(stmt))


def get_finding(session: Session, actor: Principal, finding_id: int) -> Finding:
    policy.require(actor, "sites.read")
    return get_or_404(session, Finding, finding_id, f"No finding {finding_id}")


def attach_file(session: Session, actor: Principal, finding_id: int, filename: str, data: bytes) -> FindingFile:
    """A photo or PDF for a finding; its type is decided by content (files.store), too large or wrong: 413/415."""
    policy.require(actor, "campaigns.work")
    finding = get_finding(session, actor, finding_id)
    stored = files.store(data, ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES, label="attachment")
    row = FindingFile(finding_id=finding.id, filename=(filename or "attachment")[:200], sha256=stored.sha256,
                      kind=stored.kind, size=stored.size, uploaded_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "findings.attach", "site_finding", finding.id,
                 detail={"file": row.id, "kind": row.kind, "size": row.size})
    return row


def finding_files(session: Session, finding_id: int) -> list[FindingFile]:
    return list(session.scalars(select(FindingFile).where(FindingFile.finding_id == finding_id)
                                .order_by(FindingFile.id)))


def get_file(session: Session, actor: Principal, file_id: int) -> FindingFile:
    policy.require(actor, "sites.read")
    return get_or_404(session, FindingFile, file_id, f"No file {file_id}")


# ------------------------------------------------------------------------------------------------------ escalation
def _escalation_clause(model, as_of: datetime):
    return and_(model.status == "open", model.deadline < as_of, model.escalation_level < MAX_ESCALATION,
                or_(model.escalated_at.is_(None), model.escalated_at <= as_of - ESCALATION_STEP))


def escalate(session: Session, as_of: datetime | None = None) -> int:
    """Overdue open tasks and rectification orders climb one level of the chain (at most one a day): two bulk
    UPDATE statements, whatever their number, so 100,000 overdue items escalate in one round trip each."""
    at = clock.as_utc(as_of or clock.now())
    total = 0
    for model in (Task, Finding):
        result = session.execute(update(model).where(_escalation_clause(model, at))
                                 .values(escalation_level=model.escalation_level + 1, escalated_at=at)
                                 .execution_options(synchronize_session=False))
        total += result.rowcount or 0
    if total:
        from vigil.platform.identity.principal import SYSTEM

        audit.record(session, SYSTEM, "campaigns.escalate", "site_task", "", detail={"escalated": total,
                                                                                       "as_of": at.isoformat()})
        session.add(Activity(at=at, actor="system", action="campaigns.escalate",
                             summary=f"escalated {total} overdue item(s)"))
    return total


def escalated_to(session: Session, task: Task) -> str:
    """Who an escalated task now sits with: its unit, then the units above, then the agency."""
    if not task.escalation_level:
        return ""
    unit_id, steps = task.unit_id, task.escalation_level - (1 if task.officer_id else 0)
    while steps > 0 and unit_id is not None:
        unit_id = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
        steps -= 1
    if unit_id is None:
        return "agency"
    return session.scalar(select(Unit.name).where(Unit.id == unit_id)) or "agency"


# ------------------------------------------------------------------------------------------------------- dashboard
def supervision(session: Session, actor: Principal) -> dict:
    """Progress by region, overdue items and recent activity, within the actor's part of the chain."""
    policy.require(actor, "sites.read")
    now = clock.now()
    scope = task_scope(session, actor)
    site_region = select(Site.region).where(Site.id == Task.site_id).scalar_subquery()
    rows = session.execute(select(func.coalesce(site_region, ""), Task.status, func.count())
                           .where(scope, Task.officer_id.isnot(None)).group_by(site_region, Task.status)).all()
    regions: dict[str, dict[str, int]] = {}
    for region, status, n in rows:
        regions.setdefault(region or "(no region)", {"open": 0, "done": 0})[status] = n
    overdue_tasks = list(session.scalars(select(Task).where(scope, Task.status == "open", Task.deadline < now)
                                         .order_by(Task.deadline).limit(50)))
    overdue_findings = list(session.scalars(select(Finding).where(Finding.status == "open", Finding.deadline < now)
                                            .order_by(Finding.deadline).limit(50)))
    stmt = select(Activity).order_by(Activity.id.desc()).limit(50)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(or_(Activity.agency_id == actor.agency_id, Activity.agency_id.is_(None)))
    return {"regions": regions, "overdue_tasks": overdue_tasks, "overdue_findings": overdue_findings,
            "activity": list(session.scalars(stmt)),
            "overdue_counts": {
                "tasks": session.scalar(select(func.count()).select_from(Task)
                                        .where(scope, Task.status == "open", Task.deadline < now)),
                "findings": session.scalar(select(func.count()).select_from(Finding)
                                           .where(Finding.status == "open", Finding.deadline < now))}}
