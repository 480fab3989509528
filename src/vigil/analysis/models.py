"""Incident history the analysis centre reads: imported histories (GTD, generic CSV), demo data, and incidents
copied from the rapid-response capability (`sync_from_response`). Analysis never reads another capability's
tables: this is its own copy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class ImportBatch(Base):
    __tablename__ = "analysis_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # gtd | csv | response | demo
    filename: Mapped[str] = mapped_column(String(300), default="")
    imported: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [[line, message], ...] (first 1,000)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HistoricIncident(Base):
    """One incident. `precision` says how much of `occurred_at` is known: time | day | month | year (GTD rows
    with an unknown day or month are stored on the 1st and left out of the statistics that need them)."""

    __tablename__ = "analysis_incidents"
    __table_args__ = (UniqueConstraint("source", "source_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_imports.id", ondelete="SET NULL"),
                                                 index=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    precision: Mapped[str] = mapped_column(String(5), default="time")
    type: Mapped[str] = mapped_column(String(80), index=True)
    area: Mapped[str] = mapped_column(String(120), default="", index=True)
    country: Mapped[str] = mapped_column(String(80), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    killed: Mapped[int | None] = mapped_column(Integer)
    wounded: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(20), default="")
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    on_scene_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: source-specific facts (GTD target, weapon)
