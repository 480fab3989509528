"""API shapes of the sites capability."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StringConstraints,
)

from vigil.platform.types import Int, Line, StrictModel, Timestamp, _no_controls_text
from vigil.sites.core.geo import SITE_TYPES

SiteType = Literal[SITE_TYPES]  # type: ignore[valid-type]
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def Prose(max_length: int = 10_000):  # noqa: N802 - reads as a type
    """Multi-line text (platform ``Text``) whose refusal of control characters is also stated in the schema."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=TEXT_PATTERN),
                     AfterValidator(_no_controls_text)]


def OptionalLine(max_length: int = 200):  # noqa: N802
    """One line of text that may be empty (the platform's ``Line`` needs a non-blank character)."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=r"^[^\x00-\x1f\x7f]*$"),
                     AfterValidator(_no_controls_text)]


Lon = Annotated[float, Field(ge=-180, le=180)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Position = tuple[Lon, Lat]


class PolygonGeometry(BaseModel):
    """A GeoJSON Polygon; rings of at least 4 positions. Validity (no self-intersection) is checked by shapely."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["Polygon"]
    coordinates: list[Annotated[list[Position], Field(min_length=4, max_length=5000)]] = Field(min_length=1,
                                                                                              max_length=50)


class MultiPolygonGeometry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["MultiPolygon"]
    coordinates: list[Annotated[list[Annotated[list[Position], Field(min_length=4, max_length=5000)]],
                                Field(min_length=1, max_length=50)]] = Field(min_length=1, max_length=200)


class LineGeometry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2, max_length=5000)
Severity = Literal["low", "medium", "high", "critical"]
Answer = Literal["ok", "fail", "n/a"]


Strict = StrictModel


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UnitIn(Strict):
    name: Line(200)
    parent_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)


class UnitOut(Out):
    id: int
    name: str
    agency_id: int
    parent_id: int | None


class OfficerIn(Strict):
    username: Line(64)


class SiteIn(Strict):
    name: Line(200)
    type: SiteType
    lat: StrictFloat = Field(ge=-90, le=90)
    lon: StrictFloat = Field(ge=-180, le=180)
    outline: PolygonGeometry | MultiPolygonGeometry | None = Field(default=None, description="must be a valid polygon (no "
                                                                       "self-intersection)")
    region: OptionalLine(100) = ""
    osm_id: str = Field(default="", max_length=40, pattern=r"^((node|way|relation)/\d{1,19})?$")
    unit_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)
    contacts: Prose(2000) = ""
    protective_measures: Prose(5000) = ""


class SitePoint(BaseModel):
    id: Int
    name: str
    type: str
    lat: StrictFloat
    lon: StrictFloat


class SiteOut(Out):
    id: int
    name: str
    type: str
    lat: float
    lon: float
    region: str
    osm_id: str
    agency_id: int | None
    unit_id: int | None
    contacts: str
    protective_measures: str
    outline: dict | None = None


class ImportResult(BaseModel):
    imported: int


class CameraIn(Strict):
    label: Line(100)
    lat: StrictFloat = Field(ge=-90, le=90)
    lon: StrictFloat = Field(ge=-180, le=180)
    bearing: Int = Field(default=0, ge=0, le=359)
    fov: Int = Field(default=90, ge=1, le=360)
    range_m: Int = Field(default=30, ge=1, le=1000)
    working: StrictBool = True


class CameraOut(Out):
    id: int
    site_id: int
    label: str
    lat: float
    lon: float
    bearing: int
    fov: int
    range_m: int
    working: bool


class ChecklistItem(Strict):
    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    text: Line(300)


class ChecklistIn(Strict):
    site_type: SiteType
    title: Line(200)
    items: list[ChecklistItem] = Field(min_length=1, max_length=100)


class ChecklistOut(Out):
    id: int
    site_type: str
    version: int
    title: str
    items: list[ChecklistItem]


class CampaignIn(Strict):
    name: Line(200)
    goals: Prose(5000) = ""
    starts_at: Timestamp
    ends_at: Timestamp
    regions: list[Line(100)] = Field(default_factory=list, max_length=50)
    site_types: list[SiteType] = Field(min_length=1, max_length=len(SITE_TYPES))
    cascade: StrictBool = Field(default=True, description="create a task per responsible unit of the targeted sites")


class CampaignOut(Out):
    id: int
    name: str
    goals: str
    agency_id: int
    starts_at: Timestamp
    ends_at: Timestamp
    regions: list[str]
    site_types: list[str]
    target_count: int
    created_by: str


class DelegateIn(Strict):
    title: Line(200)
    deadline: Timestamp
    unit_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)
    officer: OptionalLine(64) = ""
    site_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)


class TaskOut(Out):
    id: int
    campaign_id: int
    parent_id: int | None
    agency_id: int
    unit_id: int | None
    officer_id: int | None
    site_id: int | None
    title: str
    deadline: Timestamp
    status: str
    escalation_level: int
    escalated_at: Timestamp | None
    done_at: Timestamp | None
    done_by: str


class Progress(BaseModel):
    task_id: Int
    level: str
    title: str
    done: Int
    total: Int
    overdue: Int


class InspectionStartIn(Strict):
    site_id: Int = Field(ge=1, le=2**31 - 1)
    task_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)


class FindingIn(Strict):
    severity: Severity
    description: Prose(5000) = Field(min_length=3)
    order_text: Prose(5000) = ""
    responsible: OptionalLine(200) = ""
    unit_id: Int | None = Field(default=None, ge=1, le=2**31 - 1)
    deadline: Timestamp


class InspectionSubmitIn(Strict):
    checklist_version: Int = Field(ge=1, le=10_000, description="the version the form was filled against")
    answers: dict[str, Answer] = Field(max_length=100)
    notes: Prose(5000) = ""
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    closes: list[Int] = Field(default_factory=list, max_length=100,
                              description="ids of open findings of this site that are now rectified")


class InspectionOut(Out):
    id: int
    site_id: int
    task_id: int | None
    checklist_id: int
    checklist_version: int
    answers: dict[str, str]
    notes: str
    status: str
    inspector: str
    started_at: Timestamp
    submitted_at: Timestamp | None


class FindingOut(Out):
    id: int
    inspection_id: int
    site_id: int
    severity: str
    description: str
    order_text: str
    responsible: str
    unit_id: int | None
    deadline: Timestamp
    status: str
    escalation_level: int
    closed_by_inspection_id: int | None
    closed_at: Timestamp | None


class FindingFileOut(Out):
    id: int
    finding_id: int
    filename: str
    kind: str
    size: int


class EscalationResult(BaseModel):
    escalated: int
