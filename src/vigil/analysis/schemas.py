"""API shapes of the analysis centre."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from vigil.analysis.analytics import Filters
from vigil.platform.errors import Problem
from vigil.platform.types import QUERY_TEXT, Int, Timestamp

ExportFormat = Literal["csv", "xlsx", "pdf"]


def _iso_only(value):
    """Only YYYY-MM-DD: pydantic would otherwise take a number as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]


def filters(start: IsoDate | None = Query(None, description="first day (UTC), inclusive"),
            end: IsoDate | None = Query(None, description="last day (UTC), inclusive"),
            type: str | None = Query(None, max_length=80, pattern=QUERY_TEXT, description="incident type"),
            area: str | None = Query(None, max_length=120, pattern=QUERY_TEXT, description="area")) -> Filters:
    """FastAPI dependency: the dashboard's filters (blank values mean all)."""
    return Filters(start=start, end=end, type=type or None, area=area or None)


def form_filters(start: str = "", end: str = "", type: str = "", area: str = "") -> Filters:
    """The console's filter form sends blank fields as empty strings: blank means all."""
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError:
        raise Problem(422, "dates are YYYY-MM-DD", title="Please correct the filters") from None
    return filters(first, last, type[:80], area[:120])


class ImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    source: str
    filename: str
    imported: int
    rejected: int
    created_by: str
    created_at: Timestamp


class MonthlyCount(BaseModel):
    month: str
    type: str
    area: str
    incidents: Int


class NearRepeatOut(BaseModel):
    events: int
    close_pairs_space: int
    observed: int
    expected: float
    ratio: float | None
    p_value: float | None = Field(description="Monte Carlo p-value; null when fewer than 3 incidents are located")
    simulations: int
    distance_m: float
    days: float


class SyncOut(BaseModel):
    installed: bool
    copied: int
