"""API shapes of the tip line (public and officers') and of volunteers and patrol shifts."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StringConstraints,
)

from vigil.platform.types import Int, Line, StrictModel, Timestamp, _no_controls_text

CATEGORIES = ("theft", "burglary", "assault", "vandalism", "drugs", "fraud", "suspicious_activity",
              "suspicious_object", "traffic_danger", "public_danger", "violence_threat", "other")
CATEGORY_LABELS = {"theft": "Theft", "burglary": "Burglary", "assault": "Assault", "vandalism": "Vandalism",
                   "drugs": "Drugs", "fraud": "Fraud or scam", "suspicious_activity": "Suspicious activity",
                   "suspicious_object": "Suspicious object or package", "traffic_danger": "Danger on the road",
                   "public_danger": "Other danger to the public", "violence_threat": "Threat of violence",
                   "other": "Something else"}
Category = Literal["theft", "burglary", "assault", "vandalism", "drugs", "fraud", "suspicious_activity",
                   "suspicious_object", "traffic_danger", "public_danger", "violence_threat", "other"]
TipStatus = Literal["new", "in_review", "awaiting_reply", "closed"]
# Free text that must say something: not blank (the pattern needs one non-space character).
# Multi-line text that says something: tabs and newlines allowed, other control characters not, and at least one
# character that is not a space (the pattern states both, so the schema says what the server checks).
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_SAID = rf"^[^{_CONTROLS}]*[^\s{_CONTROLS}][^{_CONTROLS}]*$"


def Said(max_length: int):  # noqa: N802 - reads as a type
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=_SAID),
                     AfterValidator(_no_controls_text)]

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value):
    """An RFC 3339 time with its offset, as the schema's date-time says (pydantic would take a number too)."""
    if not isinstance(value, datetime) and not (isinstance(value, str) and _RFC3339.fullmatch(value)):
        raise ValueError("use an RFC 3339 time with an offset, e.g. 2027-01-10T18:00:00Z")
    return value


When = Annotated[Timestamp, BeforeValidator(_rfc3339)]
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]


Strict = StrictModel


class Position(Strict):
    lat: Latitude
    lon: Longitude


class PublicTipIn(Strict):
    category: Category = Field(description="What the report is about: " + ", ".join(CATEGORIES))
    text: Said(5000) = Field(description="What happened or what you saw")
    place: Line(200) | None = Field(default=None, description="Where (an address or a description)")
    position: Position | None = Field(default=None, description="Where, as WGS 84 coordinates")
    contact: Line(200) | None = Field(default=None, description="Optional: how we may contact you")


class PublicTipOut(BaseModel):
    code: str = Field(description="Keep this code: it is the only way to follow the report")
    status: TipStatus


class QuestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    question: str
    asked_at: Timestamp
    answer: str
    answered_at: Timestamp | None


class PublicStatusOut(BaseModel):
    status: TipStatus
    category: str
    created_at: Timestamp
    questions: list[QuestionOut]


class AnswerIn(Strict):
    question_id: Int = Field(ge=1, le=2**31 - 1)
    answer: Said(2000)


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    size: int


class RewardIn(Strict):
    amount_cents: Int = Field(ge=1, le=100_000_000)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    reason: Line(300)
    status: Literal["approved", "paid"] = "approved"


class RewardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    amount_cents: int
    currency: str
    reason: str
    status: str
    recorded_by: str
    created_at: Timestamp


class TipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    category: str
    text: str
    place: str
    lat: float | None
    lon: float | None
    status: TipStatus
    has_contact: bool
    duplicate_of: int | None
    flag: str
    incident_ref: str
    case_id: int | None
    outcome: str
    created_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None
    retention_until: date
    questions: list[QuestionOut]
    files: list[FileOut]
    rewards: list[RewardOut]


class TipSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    category: str
    place: str
    status: TipStatus
    duplicate_of: int | None
    flag: str
    incident_ref: str
    case_id: int | None
    created_at: Timestamp


class LinkIncident(Strict):
    incident_ref: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class LinkCase(Strict):
    case_id: Int = Field(ge=1, le=2**31 - 1)


LinkIn = LinkIncident | LinkCase  # exactly one of the two


class QuestionIn(Strict):
    question: Said(2000)


class CloseIn(Strict):
    outcome: Line(300)


class ContactOut(BaseModel):
    id: int
    contact: str


class VolunteerIn(Strict):
    display_name: Line(200)
    phone: str = Field(default="", max_length=40, pattern=r"^[+0-9 ()-]*$")
    email: str = Field(default="", max_length=200, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")
    area: Line(120)
    consent_text: Line(300) = Field(description="What the volunteer agreed to, in their words or the form's")
    retention_days: Int = Field(default=730, ge=30, le=1825)


class VolunteerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    display_name: str
    area: str
    active: bool
    consent_text: str
    consent_at: Timestamp
    retention_until: date
    created_at: Timestamp


class VolunteerContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    phone: str
    email: str


class ShiftIn(Strict):
    area: Line(120)
    starts_at: When
    hours: StrictFloat = Field(gt=0, le=24, description="length of the shift (at most 24 hours)")
    notes: Line(300) | None = None

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(hours=self.hours)


class ShiftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    volunteer_id: int
    area: str
    starts_at: Timestamp
    ends_at: Timestamp
    status: str
    notes: str


class ShiftStatusIn(Strict):
    status: Literal["planned", "done", "cancelled"]


class IncidentCreatedOut(BaseModel):
    incident_ref: str


