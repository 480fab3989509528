from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ObjectSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    stix_id: str
    stix_type: str
    name: str
    tlp: str
    modified_text: str
    revoked: bool
    collection_id: str
    owner_agency_id: int
    date_added: datetime


class ObjectDetail(BaseModel):
    object: dict[str, Any]
    tlp: str
    collection_id: str
    owner_agency_id: int
    versions: list[str]
    related: list[ObjectSummary]


class IngestOut(BaseModel):
    total: int
    stored: int
    duplicates: int
    collection_id: str


class CollectionOut(BaseModel):
    id: str
    title: str
    description: str
    default_tlp: str
    can_read: bool
    can_write: bool


class SuggestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    source_ref: str
    target_ref: str
    reason: str
    score: float
    tlp: str
    status: str
    relationship_ref: str
