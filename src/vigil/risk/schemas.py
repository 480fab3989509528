"""API shapes of the risk capability."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vigil.platform.types import Line, Text, Timestamp

StixId = Field(pattern=r"^[a-z][a-z0-9-]{0,60}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
               max_length=120)
Id = Field(ge=1, le=2**31 - 1)
Level = Field(ge=1, le=5)
Criterion = Field(ge=1, le=10)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class NamedGeometry(Strict):
    name: Line(200)
    geometry: dict = Field(description="GeoJSON LineString (routes) or Polygon (perimeters); must be valid")


class Phase(Strict):
    name: Line(200)
    starts_at: Timestamp
    ends_at: Timestamp


class EventIn(Strict):
    name: Line(200)
    description: Text(10_000) = ""
    starts_at: Timestamp
    ends_at: Timestamp
    venue_site_ids: list[int] = Field(default_factory=list, max_length=200)
    routes: list[NamedGeometry] = Field(default_factory=list, max_length=50)
    perimeters: list[NamedGeometry] = Field(default_factory=list, max_length=50)
    phases: list[Phase] = Field(default_factory=list, max_length=50)
    unit_ids: list[int] = Field(default_factory=list, max_length=200)
    stix_refs: list[str] = Field(default_factory=list, max_length=100)
    accreditation_retention_days: int = Field(default=30, ge=0, le=3650)


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


class RiskIn(Strict):
    site_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    event_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    threat: Line(200)
    description: Text(10_000) = ""
    stix_refs: list[str] = Field(default_factory=list, max_length=50,
                                 description="STIX ids (threat actors, attack patterns, reports) you can read")
    likelihood: int = Level
    impact: int = Level
    controls: Text(10_000) = ""
    residual_likelihood: int = Level
    residual_impact: int = Level
    owner: Line(200, min_length=0) = ""


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


class CarverIn(Strict):
    site_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    event_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    target: Line(200)
    criticality: int = Criterion
    accessibility: int = Criterion
    recuperability: int = Criterion
    vulnerability: int = Criterion
    effect: int = Criterion
    recognizability: int = Criterion
    shock: int = Criterion


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
    imported: int
    hits: int
    for_review: int


class DecisionIn(Strict):
    decision: Literal["cleared", "confirmed"]
    reason: Line(500, min_length=3)


class AccreditationSummary(BaseModel):
    total: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    pending_hits: int
