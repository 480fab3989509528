"""API shapes of the rapid-response capability."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    field_validator,
    model_validator,
)

from vigil.platform.types import Int, Line, StrictModel, Text, Timestamp

INCIDENT_TYPES = ("assault", "burglary", "robbery", "theft", "traffic collision", "disturbance", "fire",
                  "medical", "mental health crisis", "suspicious object", "alarm", "missing person", "other")
IncidentType = Literal["assault", "burglary", "robbery", "theft", "traffic collision", "disturbance", "fire",
                       "medical", "mental health crisis", "suspicious object", "alarm", "missing person", "other"]
UNIT_KINDS = ("patrol car", "motorcycle", "foot patrol", "armed response", "fire", "medical", "mental health")
UnitKind = Literal["patrol car", "motorcycle", "foot patrol", "armed response", "fire", "medical", "mental health"]
UnitStatus = Literal["available", "dispatched", "en_route", "on_scene", "off_duty"]
States = Literal["acknowledged", "en_route", "on_scene", "cleared"]
Lat = Field(strict=True, ge=-90, le=90)
Lon = Field(strict=True, ge=-180, le=180)
UNIT_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"


Strict = StrictModel


class IncidentIn(Strict):
    type: IncidentType
    priority: Int = Field(default=2, ge=1, le=4, description="1 most urgent")
    lat: StrictFloat | None = Field(default=None, strict=True, ge=-90, le=90)
    lon: StrictFloat | None = Field(default=None, strict=True, ge=-180, le=180)
    address: Line(200) | None = Field(default=None, description="a street or place on the road network; used "
                                                                 "when lat/lon are not given")
    caller_name: Line(200) | None = None
    caller_phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()-]{3,30}$")
    notes: Text(4000) = ""

    @model_validator(mode="after")
    def _located(self):
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.lat is None and not self.address:
            raise ValueError("give lat and lon, or an address")
        return self


class IncidentOut(BaseModel):
    id: str
    received_at: Timestamp
    type: str
    priority: int
    status: str
    lat: float | None
    lon: float | None
    address: str
    area: str | None
    key_area: bool
    source: str
    unit_id: str | None
    dispatched_at: Timestamp | None
    acknowledged_at: Timestamp | None
    en_route_at: Timestamp | None
    on_scene_at: Timestamp | None
    cleared_at: Timestamp | None
    scene_target_s: int


class CallerOut(BaseModel):
    incident_id: str
    caller_name: str
    caller_phone: str


class TimelineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: Timestamp
    state: str
    unit_id: str | None
    actor: str
    detail: str


class AssignIn(Strict):
    unit_id: str = Field(pattern=UNIT_ID)


class TransitionIn(Strict):
    state: States
    detail: Text(500) = ""


class UnitIn(Strict):
    id: str = Field(pattern=UNIT_ID)
    kind: UnitKind
    lat: StrictFloat | None = Field(default=None, strict=True, ge=-90, le=90)
    lon: StrictFloat | None = Field(default=None, strict=True, ge=-180, le=180)
    status: Literal["available", "off_duty"] = "available"


class UnitOut(BaseModel):
    id: str
    kind: str
    status: str
    lat: float | None
    lon: float | None
    position_at: Timestamp | None
    incident_id: str | None


class UnitStatusIn(Strict):
    status: Literal["available", "off_duty"]


class PositionIn(Strict):
    unit_id: str = Field(pattern=UNIT_ID)
    lat: StrictFloat = Field(strict=True, ge=-90, le=90)
    lon: StrictFloat = Field(strict=True, ge=-180, le=180)
    at: Timestamp = Field(description="when the position was taken (RFC 3339)")

    @field_validator("at", mode="before")
    @classmethod
    def _text_time(cls, value):
        if not isinstance(value, (str, datetime)):  # a number would be read as seconds since 1970
            raise ValueError("must be an RFC 3339 date-time")
        return value


class PositionBatchIn(Strict):
    updates: list[PositionIn] = Field(min_length=1, max_length=5_000)


class PositionBatchOut(BaseModel):
    received: int
    applied: int = Field(description="units whose stored position moved")
    stale: int = Field(description="updates older than (or as old as) the stored one: ignored")
    superseded: int = Field(description="updates for a unit with a newer update in the same batch: ignored")
    unknown_units: list[str]


class RecommendIn(Strict):
    lat: StrictFloat = Field(strict=True, ge=-90, le=90)
    lon: StrictFloat = Field(strict=True, ge=-180, le=180)
    limit: Int = Field(default=50, ge=1, le=1000)
    kinds: list[UnitKind] | None = Field(default=None, max_length=7,
                                         description="only these unit kinds (e.g. a mental-health co-responder)")


class RankedUnitOut(BaseModel):
    id: str
    kind: str
    travel_time_s: float


class RecommendOut(BaseModel):
    units: list[RankedUnitOut]
    snapped_m: float = Field(description="distance from the point to the road network")


Lon = Annotated[StrictFloat, Field(ge=-180, le=180)]
Lat = Annotated[StrictFloat, Field(ge=-90, le=90)]


class KeyAreaIn(Strict):
    """A circle (lat, lon, radius_m) or a polygon ring of [lon, lat] points; left-out fields are not null."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "anyOf": [{"required": ["polygon"]}, {"required": ["lat", "lon", "radius_m"]}]})
    name: Line(120)
    lat: Lat = None  # type: ignore[assignment]
    lon: Lon = None  # type: ignore[assignment]
    radius_m: StrictFloat = Field(default=None, ge=10, le=5000)  # type: ignore[assignment]
    polygon: list[tuple[Lon, Lat]] = Field(default=None, min_length=3, max_length=500,  # type: ignore[assignment]
                                           description="a ring of [lon, lat] points")

    @model_validator(mode="after")
    def _shape(self):
        if not self.polygon and (self.lat is None or self.lon is None or self.radius_m is None):
            raise ValueError("give lat, lon and radius_m, or a polygon")
        return self


class KeyAreaOut(BaseModel):
    id: int
    name: str
    lat: float
    lon: float
    radius_m: float | None
    polygon: list[list[StrictFloat]] | None
    source: str


class ImportIn(Strict):
    format: Literal["csv", "geojson"]
    content: str = Field(max_length=2_000_000)


class ImportOut(BaseModel):
    created: int
    errors: list[str]


class PostIn(Strict):
    name: Line(120)
    lat: StrictFloat = Field(strict=True, ge=-90, le=90)
    lon: StrictFloat = Field(strict=True, ge=-180, le=180)


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    lat: float
    lon: float


class CoverageOut(BaseModel):
    posts: int
    covered_share: dict[str, float] = Field(description="share of network length within 60/180/300 s")
    places: list[dict]


class PlacementIn(Strict):
    units: Int = Field(ge=1, le=100)
    demand: Literal["history", "key_places", "both"] = "both"
    candidates: Int = Field(default=300, ge=10, le=2000)
    standard_s: Int = Field(default=300, ge=30, le=1800)
    time_limit_s: StrictFloat = Field(default=20, strict=True, ge=1, le=60)


class PlacementOut(BaseModel):
    posts: list[dict]
    covered_share: float
    demand_points: int
    gap: float
    status: str
    seconds: float


class AlarmIn(Strict):
    event_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    type: IncidentType = "alarm"
    priority: Int = Field(default=1, ge=1, le=4)
    lat: StrictFloat = Field(strict=True, ge=-90, le=90)
    lon: StrictFloat = Field(strict=True, ge=-180, le=180)
    notes: Text(2000) = ""


class AlarmSourceIn(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: Line(120)


class AlarmSourceOut(BaseModel):
    id: str
    name: str
    secret: str | None = Field(default=None, description="shown once, at creation")


class BoardRow(BaseModel):
    incident: IncidentOut
    step: str
    state: str
    elapsed_s: float
    target_s: int


class AttainmentOut(BaseModel):
    overall: dict
    by_area: dict[str, dict]
    by_hour: dict[str, dict]
