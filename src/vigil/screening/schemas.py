from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordIn(Strict):
    id: str = Field(default="1", max_length=100)
    name: str = Field(max_length=10_000)
    dob: str = Field(default="", max_length=20)
    nationality: str = Field(default="", max_length=60)
    id_number: str = Field(default="", max_length=60)


class ScreenIn(Strict):
    """One record (fields at the top level) or a batch (`records`)."""

    records: list[RecordIn] | None = Field(default=None, max_length=10_000)
    id: str | None = None
    name: str | None = Field(default=None, max_length=10_000)
    dob: str = ""
    nationality: str = ""
    id_number: str = ""
    threshold: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def one_or_batch(self):
        if (self.records is None) == (self.name is None):
            raise ValueError("give either `name` (one record) or `records` (a batch)")
        return self

    def batch(self) -> list[RecordIn]:
        if self.records is not None:
            return self.records
        return [RecordIn(id=self.id or "1", name=self.name or "", dob=self.dob, nationality=self.nationality,
                         id_number=self.id_number)]


class MatchOut(BaseModel):
    source: str
    source_id: str
    name: str
    score: float
    explanation: str
    list_name: str = ""


class DocumentHitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: str
    issuing_country: str
    doc_type: str
    reported_date: str


class ResultOut(BaseModel):
    id: str
    matches: list[MatchOut]
    document_hits: list[DocumentHitOut] = []
    error: str | None = None


class ScreenOut(BaseModel):
    threshold: float
    results: list[ResultOut]


class WatchlistIn(Strict):
    name: str = Field(min_length=2, max_length=200)
    kind: str = Field(pattern=r"^(un|ofac|csv|ftm|manual)$")
    legal_basis: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=2000)


class WatchlistOut(BaseModel):
    id: int
    name: str
    kind: str
    owner_agency_id: int
    legal_basis: str
    entries: int
    version: int
    updated_at: datetime | None


class ImportOut(BaseModel):
    version: int
    added: int
    changed: int
    removed: int
    added_ids: list[str]
    row_errors: list[str]


class EntryIn(Strict):
    name: str = Field(min_length=1, max_length=500)
    aliases: list[str] = Field(default=[], max_length=50)
    dob: str = Field(default="", pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    nationality: str = Field(default="", max_length=60)
    gender: str = Field(default="", pattern=r"^(male|female)?$")
    id_numbers: list[str] = Field(default=[], max_length=20)
    entity_type: str = Field(default="person", pattern=r"^(person|organization)$")
    legal_basis: str = Field(min_length=3, max_length=500)
    grounds: str = Field(min_length=3, max_length=2000, description="The conduct or designation the listing rests on")
    review_date: date
    source_id: str = Field(default="", max_length=100)


class EntryPatch(Strict):
    legal_basis: str | None = Field(default=None, min_length=3, max_length=500)
    grounds: str | None = Field(default=None, min_length=3, max_length=2000)
    review_date: date | None = None
    aliases: list[str] | None = Field(default=None, max_length=50)


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    watchlist_id: int
    source_id: str
    name: str
    entity_type: str
    legal_basis: str
    grounds: str
    review_date: date | None


class MRZIn(Strict):
    mrz: str = Field(min_length=10, max_length=200)


class DocumentCheckIn(Strict):
    number: str = Field(min_length=1, max_length=60)
    country: str = Field(default="", max_length=3)


class StolenCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9 \-./]+$")
