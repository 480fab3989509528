"""Demo intelligence: the default collection, a sharing group and objects at every TLP level. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from vigil.intel import service
from vigil.intel.core import stix as core
from vigil.intel.models import SharingGroup
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import Principal

TS = "2026-01-05T10:00:00.000Z"
DEMO_GROUP = "ct-partners"


def _obj(type_: str, uid: str, tlp: str, **props) -> dict:
    return {"type": type_, "spec_version": "2.1", "id": f"{type_}--{uid}", "created": TS, "modified": TS,
            "object_marking_refs": [core.TLP_MARKING_ID[tlp]], **props}


DEMO_IDS = {
    "red": "threat-actor--0d6d1c6a-1111-4f00-9a00-000000000001",
    "strict": "intrusion-set--0d6d1c6a-1111-4f00-9a00-000000000002",
    "amber": "campaign--0d6d1c6a-1111-4f00-9a00-000000000003",
    "green": "report--0d6d1c6a-1111-4f00-9a00-000000000004",
    "clear": "location--0d6d1c6a-1111-4f00-9a00-000000000005",
}


def seed(session, actor: Principal) -> None:
    if session.get(service.Collection, service.DEFAULT_COLLECTION_ID) is not None:
        return
    service.ensure_collection(session, default_tlp="AMBER")
    group = session.scalars(select(SharingGroup).where(SharingGroup.name == DEMO_GROUP)).first()
    if group is None:
        group = service.create_sharing_group(session, actor, DEMO_GROUP, ["ctb", "city"],
                                             "Counter-terrorism partners: CTB and City Police")
    users = {u.username: identity.principal_of(u, "token") for u in identity.list_users(session)}
    ctb, city, transport = users["analyst"], users["supervisor"], users["operator"]
    red = _obj("threat-actor", DEMO_IDS["red"].split("--")[1], "RED", name="North District Cell",
               description="Source-protected reporting on a suspected cell.", threat_actor_types=["terrorist"])
    strict = _obj("intrusion-set", DEMO_IDS["strict"].split("--")[1], "AMBER+STRICT", name="Precursor Buyers",
                  description="Purchasing pattern of explosive precursors.")
    amber = _obj("campaign", DEMO_IDS["amber"].split("--")[1], "AMBER", name="Station Reconnaissance",
                 description="Hostile reconnaissance at the central station.")
    service.ingest_or_raise(session, ctb, [red, strict], service.DEFAULT_COLLECTION_ID, source="demo")
    service.ingest_or_raise(session, ctb, [amber], service.DEFAULT_COLLECTION_ID, sharing_group_id=group.id,
                            source="demo")
    loc = _obj("location", DEMO_IDS["clear"].split("--")[1], "CLEAR", name="Central Station", country="XX",
               region="europe")
    report = _obj("report", DEMO_IDS["green"].split("--")[1], "GREEN", name="Pickpocketing series, central station",
                  published=TS, report_types=["observed-data"], object_refs=[DEMO_IDS["clear"]],
                  description="Series of thefts on platforms 3-5.")
    service.ingest_or_raise(session, transport, [loc], service.DEFAULT_COLLECTION_ID, source="demo")
    service.ingest_or_raise(session, city, [report], service.DEFAULT_COLLECTION_ID, source="demo")
    rel = _obj("relationship", "0d6d1c6a-1111-4f00-9a00-000000000006", "RED", relationship_type="targets",
               source_ref=DEMO_IDS["red"], target_ref=DEMO_IDS["clear"])
    service.ingest_or_raise(session, ctb, [rel], service.DEFAULT_COLLECTION_ID, source="demo")
