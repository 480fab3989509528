from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from vigil.platform.types import Int, StrictModel, Timestamp
from vigil.screening.problems import OneLine as Line

Sector = Literal["hotel", "secondhand", "vehicle_refit", "venue", "logistics"]
Opt = Field(default="", max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$")


Strict = StrictModel


class EstablishmentIn(Strict):
    licence: Line(64)
    sector: Sector
    name: Line(200)
    retention_days: Int | None = Field(default=None, ge=1, le=3650)


class EstablishmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    licence: str
    sector: str
    name: str
    retention_days: int | None
    created_at: Timestamp


class RecordIn(Strict):
    """One record as an establishment sends it; checks beyond the shape happen per record (reasons)."""

    establishment: str = Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")
    record_id: str = Field(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")
    name: str = Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
    dob: str = Field(default="", max_length=10, pattern=r"^[^\x00-\x1f\x7f]*$")
    nationality: str = Field(default="", max_length=3, pattern=r"^[^\x00-\x1f\x7f]*$")
    document_type: Literal["cn_ric", "passport", "other"]
    document_number: str = Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")
    imei: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$")
    vin: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$")
    serial: str = Field(default="", max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")
    item: str = Opt
    arrival: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$")
    departure: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$")
    room: str = Field(default="", max_length=20, pattern=r"^[^\x00-\x1f\x7f]*$")
    plate: str = Field(default="", max_length=20, pattern=r"^[^\x00-\x1f\x7f]*$")
    work: str = Opt
    entry_time: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$")
    mrz: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")


class BatchIn(Strict):
    records: list[RecordIn] = Field(min_length=1, max_length=10_000)


class AlertBrief(BaseModel):
    kind: Literal["watchlist", "document", "stolen_property"]
    detail: str


class OutcomeOut(BaseModel):
    record_id: str
    status: Literal["accepted", "rejected", "duplicate"]
    reasons: list[str]
    alerts: list[AlertBrief]


class BatchOut(BaseModel):
    results: list[OutcomeOut]


class RegistrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    record_id: str
    status: str
    reasons: str
    name: str
    dob: str
    nationality: str
    document_type: str
    document_number: str
    received_at: Timestamp
    retain_until: Timestamp


class AlertOut(BaseModel):
    id: int
    kind: str
    detail: str
    score: float
    status: str
    reason: str
    decided_by: str
    case_id: int | None
    created_at: Timestamp
    establishment: str
    record_id: str
    name: str
    dob: str
    nationality: str
    document_number: str


class DecisionIn(Strict):
    decision: Literal["confirmed", "dismissed"]
    reason: Line(2000, min_length=5)
    open_case: StrictBool = False
    legal_basis: str = Field(default="", max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$")


class SearchHit(BaseModel):
    establishment: str
    registration: RegistrationOut
