"""API shapes of the risk capability."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from vigil.platform.types import Int, Line, StrictModel, Timestamp
from vigil.sites.schemas import LineGeometry, OptionalLine, PolygonGeometry, Prose

StixRef = Annotated[str, StringConstraints(
    pattern=r"^[a-z][a-z0-9-]{0,60}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", max_length=120)]
Level = Field(ge=1, le=5)
Criterion = Field(ge=1, le=10)


Strict = StrictModel


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Route(Strict):
    name: Line(200)
    geometry: LineGeometry


class Perimeter(Strict):
    name: Line(200)
    geometry: PolygonGeometry = Field(description="must be a valid polygon (no self-intersection)")


class Phase(Strict):
    name: Line(200)
    starts_at: Timestamp
    ends_at: Timestamp


class EventIn(Strict):
    name: Line(200)
    description: Prose(10_000) = ""
    starts_at: Timestamp
    ends_at: Timestamp
    venue_site_ids: list[Annotated[Int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=200)
    routes: list[Route] = Field(default_factory=list, max_length=50)
    perimeters: list[Perimeter] = Field(default_factory=list, max_length=50)
    phases: list[Phase] = Field(default_factory=list, max_length=50)
    unit_ids: list[Annotated[Int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=200)
    stix_refs: list[StixRef] = Field(default_factory=list, max_length=100)
    accreditation_retention_days: Int = Field(default=30, ge=0, le=3650)


class EventSummary(BaseModel):
    id: int
    name: str


class EventOut(BaseModel):
    id: int
    name: str
    description: str
    agency_id: int
    starts_at: Timestamp
    ends_at: Timestamp
    venue_site_ids: list[int]
    routes: list[dict]
    perimeters: list[dict]
    phases: list[dict]
    unit_ids: list[int]
    stix_refs: list[str]
    accreditation_retention_days: int


class RiskFields(Strict):
    threat: Line(200)
    description: Prose(10_000) = ""
    stix_refs: list[StixRef] = Field(default_factory=list, max_length=50,
                                     description="STIX ids (threat actors, attack patterns, reports) you can read")
    likelihood: Int = Level
    impact: Int = Level
    controls: Prose(10_000) = ""
    residual_likelihood: Int = Level
    residual_impact: Int = Level
    owner: OptionalLine(200) = ""


class RiskIn(RiskFields):
    """A register entry with its target: exactly one of a site or an event."""

    site_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)
    event_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)


class RiskOut(Out):
    id: int
    site_id: int | None
    event_id: int | None
    threat: str
    description: str
    stix_refs: list[str]
    likelihood: int
    impact: int
    inherent: int
    inherent_level: str
    controls: str
    residual_likelihood: int
    residual_impact: int
    residual: int
    residual_level: str
    owner: str
    updated_by: str
    updated_at: Timestamp


class CarverFields(Strict):
    target: Line(200)
    criticality: Int = Criterion
    accessibility: Int = Criterion
    recuperability: Int = Criterion
    vulnerability: Int = Criterion
    effect: Int = Criterion
    recognizability: Int = Criterion
    shock: Int = Criterion


class CarverIn(CarverFields):
    site_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)
    event_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)


class CarverOut(Out):
    id: int
    site_id: int | None
    event_id: int | None
    target: str
    criticality: int
    accessibility: int
    recuperability: int
    vulnerability: int
    effect: int
    recognizability: int
    shock: int
    total: int


class ThreatRef(BaseModel):
    id: str
    type: str
    name: str
    tlp: str


class AccreditationOut(Out):
    id: int
    event_id: int
    category: str
    full_name: str
    dob: str
    nationality: str
    id_number: str
    organisation: str
    status: str
    purge_after: Timestamp


class HitOut(Out):
    id: int
    accreditation_id: int
    list_name: str
    entry_name: str
    entry_ref: str
    score: float
    decision: str
    reason: str
    decided_by: str
    decided_at: Timestamp | None


class AccreditationImport(BaseModel):
    imported: Int
    hits: Int
    for_review: Int


class DecisionIn(Strict):
    decision: Literal["cleared", "confirmed"]
    reason: Line(500, min_length=3)


class AccreditationSummary(BaseModel):
    total: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    pending_hits: int
