from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    field_validator,
    model_validator,
)

from vigil.platform.types import Line, StrictModel, Text, Timestamp

Strict = StrictModel


class RecordIn(Strict):
    id: str = Field(default="1", max_length=100)
    name: str = Field(max_length=10_000)
    dob: str = Field(default="", max_length=20)
    nationality: str = Field(default="", max_length=60)
    id_number: str = Field(default="", max_length=60)


def _one_or_batch_schema(schema: dict) -> None:
    """The document states the rule below: exactly one of `name` and `records`, neither null."""
    props = schema["properties"]
    props["name"] = {"type": "string", "maxLength": 10_000, "title": "Name"}
    props["records"] = {"type": "array", "items": props["records"]["anyOf"][0]["items"], "maxItems": 10_000,
                        "title": "Records"}
    schema["oneOf"] = [{"required": ["name"], "not": {"required": ["records"]}},
                       {"required": ["records"], "not": {"required": ["name"]}}]


class ScreenIn(Strict):
    """One record (fields at the top level) or a batch (`records`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_or_batch_schema)

    records: list[RecordIn] | None = Field(default=None, max_length=10_000)
    id: str | None = None
    name: str | None = Field(default=None, max_length=10_000)
    dob: str = ""
    nationality: str = ""
    id_number: str = ""
    threshold: StrictFloat | None = Field(default=None, ge=0, le=1)

    @field_validator("name", "records", mode="before")
    @classmethod
    def not_null(cls, value):
        if value is None:  # left out is fine; an explicit null is not what the document allows
            raise ValueError("must be left out rather than null")
        return value

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
    name: Line(200, 2)
    kind: Literal["un", "ofac", "csv", "ftm", "manual"]
    legal_basis: Line(300, 3)
    description: Text(2000) = ""


class WatchlistOut(BaseModel):
    id: int
    name: str
    kind: str
    owner_agency_id: int
    legal_basis: str
    entries: int
    version: int
    updated_at: Timestamp | None


class ImportOut(BaseModel):
    version: int
    added: int
    changed: int
    removed: int
    added_ids: list[str]
    row_errors: list[str]


class EntryIn(Strict):
    name: Line(500)
    aliases: list[Line(500)] = Field(default=[], max_length=50)
    dob: str = Field(default="", pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    nationality: str = Field(default="", max_length=60)
    gender: str = Field(default="", pattern=r"^(male|female)?$")
    id_numbers: list[str] = Field(default=[], max_length=20)
    entity_type: str = Field(default="person", pattern=r"^(person|organization)$")
    legal_basis: Line(500, 3)
    grounds: Annotated[Text(2000), Field(min_length=3, pattern=r"\S.*\S.*\S|\S\S\S", description="The conduct or designation the listing rests on")]
    review_date: date
    source_id: str = Field(default="", max_length=100)


class EntryPatch(Strict):
    legal_basis: Line(500, 3) | None = None
    grounds: Annotated[Text(2000), Field(min_length=3, pattern=r"\S.*\S.*\S|\S\S\S")] | None = None
    review_date: date | None = None
    aliases: list[Line(500)] | None = Field(default=None, max_length=50)


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


MRZ_PATTERN = (r"^(?:[A-Z0-9<]{30}\r?\n[A-Z0-9<]{30}\r?\n[A-Z0-9<]{30}|[A-Z0-9<]{36}\r?\n[A-Z0-9<]{36}"
               r"|[A-Z0-9<]{44}\r?\n[A-Z0-9<]{44})\r?\n?$")


class MRZIn(Strict):
    # Two lines of 44 (TD3) or 36 (TD2) characters, or three of 30 (TD1), one per line.
    mrz: str = Field(min_length=60, max_length=200, pattern=MRZ_PATTERN)


class DocumentCheckIn(Strict):
    number: str = Field(min_length=1, max_length=60)
    country: str = Field(default="", max_length=3)


class StolenCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9 \-./]+$")
