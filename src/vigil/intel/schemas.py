from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from vigil.platform.types import Int, Line, Text, Timestamp


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
    date_added: Timestamp


class ObjectDetail(BaseModel):
    object: dict[str, Any]
    tlp: str
    collection_id: str
    owner_agency_id: Int
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
    kind: str = "link"
    explanation: str = ""


# --- sharing groups and collection access (vigil.intel.sharing) ------------------------------------------------------
class GroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line(120)
    description: Text(2000) = ""
    agencies: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]] = Field(
        default_factory=list, max_length=500, description="member agency codes")


class GroupPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line(120) | None = None
    description: Text(2000) | None = None


class GroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str
    agencies: list[str]


class GroupDeleted(BaseModel):
    id: Int
    objects_unbound: Int
    suggestions_unbound: Int


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    can_read: StrictBool = True
    can_write: StrictBool = False


class CollectionAccessPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    # Left out means unchanged; null is not a setting (the document says boolean).
    open_read: StrictBool = None  # type: ignore[assignment]
    open_write: StrictBool = None  # type: ignore[assignment]


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    agency: str
    can_read: bool
    can_write: bool


class CollectionAccessOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    title: str
    default_tlp: str
    open_read: bool
    open_write: bool
    grants: list[GrantOut]
