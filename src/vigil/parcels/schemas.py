from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vigil.platform.types import Line, Text, Timestamp


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParcelIn(Strict):
    tracking_number: Line(64)
    sender_name: Line(200)
    sender_dob: str = Field(default="", max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    sender_nationality: str = Field(default="", max_length=3, pattern=r"^([A-Z]{2,3})?$")
    sender_document_type: Literal["cn_ric", "passport", "other"]
    sender_document_number: Line(64)
    receiver_name: Line(200)
    contents: Text(2000)
    weight_kg: float = Field(gt=0, le=100_000)
    origin: Line(200)
    destination: Line(200)


class ManifestIn(Strict):
    carrier: Line(64)
    parcels: list[ParcelIn] = Field(min_length=1, max_length=5000)


class ParcelResult(BaseModel):
    tracking_number: str
    status: Literal["accepted", "rejected", "duplicate"]
    reasons: list[str]
    flagged: bool
    categories: list[str]
    un_numbers: list[str]
    matched_terms: list[str]
    alerts: list[dict[str, str]]


class ClassifyIn(Strict):
    lines: list[Text(2000)] = Field(min_length=1, max_length=10_000)


class Classified(BaseModel):
    text: str
    flagged: bool
    categories: list[str]
    un_numbers: list[str]
    matched_terms: list[str]


class QueuedParcel(BaseModel):
    id: int
    tracking_number: str
    sender_name: str
    contents: str
    categories: list[str]
    matched_terms: list[str]
    un_numbers: list[str]
    sender_hits: list[dict[str, str]]
    status: str
    reason: str
    received_at: Timestamp


class ParcelDecisionIn(Strict):
    decision: Literal["released", "held"]
    reason: Line(2000, min_length=5)


class CatalogueIn(Strict):
    catalogue: dict
    note: Line(300)
