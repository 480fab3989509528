from __future__ import annotations


from pydantic import BaseModel, ConfigDict

from vigil.platform.types import Timestamp


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: Timestamp
    actor: str
    agency: str
    action: str
    record_type: str
    record_id: str
    purpose: str
    detail: str


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    problem: str
    seq: int | None
