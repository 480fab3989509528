from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from vigil.platform.types import Int, Line, StrictModel, Text, Timestamp

Strict = StrictModel


class CaseIn(Strict):
    title: Line(200, 3)
    summary: Text(20_000) = ""
    restricted: StrictBool = False
    classification: Int = Field(default=0, ge=0, le=3)
    legal_basis: Line(300, 3)
    retention_days: Int = Field(default=730, ge=1, le=3650)


class SubjectIn(Strict):
    full_name: Line(300)
    date_of_birth: str = Field(default="", pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    nationality: str = Field(default="", pattern=r"^([A-Z]{2})?$")
    document_number: str = Field(default="", max_length=40)
    involvement: Literal["subject", "witness", "victim"] = "subject"


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    reference: str
    title: str
    summary: str
    agency_id: int
    restricted: bool
    classification: int
    status: str
    legal_basis: str
    retention_until: date
    created_by: str
    created_at: Timestamp


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    full_name: str
    date_of_birth: str
    nationality: str
    document_number: str
    involvement: str
