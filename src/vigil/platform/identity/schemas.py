from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from vigil.platform.types import Int, Line, StrictModel, Text, Timestamp

Role = Literal["reporter", "viewer", "analyst", "operator", "supervisor", "admin"]


Strict = StrictModel


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class AgencyIn(Strict):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[a-z0-9_-]+$")
    name: Line(200, 2)
    kind: Literal["police", "transport", "counter_terrorism", "liaison"] = "police"
    country: str = Field(default="", pattern=r"^([A-Z]{2})?$")


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    country: str


class UserIn(Strict):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=8, max_length=200)
    agency: str
    role: Role
    clearance: Int = Field(default=1, ge=0, le=3)
    display_name: Annotated[Text(200), Field(pattern=r"^[^\x00-\x1f\x7f]*$")] = ""


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    agency_id: int
    role: str
    clearance: int
    active: bool


class TokenIn(Strict):
    username: str
    name: Line(100) = "api"


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown once, store it safely")


class Me(BaseModel):
    username: str
    agency: str
    role: str
    clearance: Int
    csrf_token: str | None = None
