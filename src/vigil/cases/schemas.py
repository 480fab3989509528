from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseIn(Strict):
    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(default="", max_length=20_000)
    restricted: bool = False
    classification: int = Field(default=0, ge=0, le=3)
    legal_basis: str = Field(min_length=3, max_length=300)
    retention_days: int = Field(default=730, ge=1, le=3650)


class SubjectIn(Strict):
    full_name: str = Field(min_length=1, max_length=300)
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
    created_at: datetime


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    full_name: str
    date_of_birth: str
    nationality: str
    document_number: str
    involvement: str
