from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictFloat,
    StringConstraints,
)

from vigil.platform.types import Int, StrictModel, Timestamp
from vigil.screening.problems import MultiLine as Text
from vigil.screening.problems import OneLine as Line

Strict = StrictModel


class ParcelIn(Strict):
    tracking_number: Line(64)
    sender_name: Line(200)
    sender_dob: str = Field(default="", max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    sender_nationality: str = Field(default="", max_length=3, pattern=r"^([A-Z]{2,3})?$")
    sender_document_type: Literal["cn_ric", "passport", "other"]
    sender_document_number: Line(64)
    receiver_name: Line(200)
    contents: Text(2000)
    weight_kg: StrictFloat = Field(gt=0, le=100_000)
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
    flagged: StrictBool
    categories: list[str]
    un_numbers: list[str]
    matched_terms: list[str]


class QueuedParcel(BaseModel):
    id: Int
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


class OwnParcel(BaseModel):
    """A carrier's own parcel as the carrier sees it: the classification of its declared contents and whether an
    officer asked it to hold the parcel; never a screening result on its sender."""

    tracking_number: str
    receiver_name: str
    contents: str
    weight_kg: float
    destination: str
    categories: list[str]
    un_numbers: list[str]
    held: bool
    received_at: Timestamp


class ParcelDecisionIn(Strict):
    decision: Literal["released", "held"]
    reason: Line(2000, min_length=5)


Term = Line(100)
Category = Literal["firearms", "ammunition", "explosives", "precursors", "flammable", "toxic_corrosive", "gases",
                   "knives", "drugs", "dangerous_goods"]
UnNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]


class CategoryTerms(Strict):
    label: Line(200)
    en: list[Term] = Field(default=[], max_length=5000)
    zh: list[Term] = Field(default=[], max_length=5000)
    pinyin: list[Term] = Field(default=[], max_length=5000)


class Categories(Strict):
    firearms: CategoryTerms
    ammunition: CategoryTerms
    explosives: CategoryTerms
    precursors: CategoryTerms
    flammable: CategoryTerms
    toxic_corrosive: CategoryTerms
    gases: CategoryTerms
    knives: CategoryTerms
    drugs: CategoryTerms
    dangerous_goods: CategoryTerms


class Exclusions(Strict):
    en: list[Term] = Field(default=[], max_length=10_000)
    zh: list[Term] = Field(default=[], max_length=10_000)
    pinyin: list[Term] = Field(default=[], max_length=10_000)


class UnEntry(Strict):
    number: UnNumber
    category: Category


class Catalogue(Strict):
    """Terms per category (English and other Latin-script languages, Chinese, pinyin); look-alikes that take the
    words they cover away from every category; UN numbers by category; words never "corrected" as misspellings."""

    version: Int = Field(default=1, ge=1, le=1_000_000)
    note: str = Field(default="", max_length=2000)
    categories: Categories
    exclusions: Exclusions = Exclusions()
    benign_words: list[Term] = Field(default=[], max_length=20_000)
    un_numbers: list[UnEntry] = Field(default=[], max_length=4000)

    @classmethod
    def from_stored(cls, data: dict) -> "Catalogue":
        """The stored form keeps UN numbers as a mapping number -> category (catalogue.json)."""
        un = [{"number": k, "category": v} for k, v in data.get("un_numbers", {}).items()]
        return cls.model_validate({**data, "un_numbers": un})

    def to_stored(self) -> dict:
        data = self.model_dump()
        data["un_numbers"] = {e["number"]: e["category"] for e in data["un_numbers"]}
        return data


class CatalogueIn(Strict):
    catalogue: Catalogue
    note: Line(300)
