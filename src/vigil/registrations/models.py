"""Reporting establishments, their portal users, the records they send and the alerts those raise.

A record holds only what the issue lists for a person (name, date of birth, nationality, document) plus its
sector's fields; non-hit records are purged when `retain_until` passes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.cases import models as _cases  # noqa: F401 - alerts refer to cases
from vigil.platform.database import Base, UtcDateTime, utcnow


class Establishment(Base):
    __tablename__ = "establishments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence: Mapped[str] = mapped_column(String(64), unique=True)
    sector: Mapped[str] = mapped_column(String(20))  # hotel | secondhand | vehicle_refit | venue | logistics
    name: Mapped[str] = mapped_column(String(200))
    retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: the sector's default
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EstablishmentUser(Base):
    """A platform user who submits for one establishment (the portal shows only that establishment's records)."""

    __tablename__ = "establishment_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)


class Registration(Base):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishments.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))  # accepted | rejected
    reasons: Mapped[str] = mapped_column(Text, default="")  # why it was rejected, "; "-separated
    name: Mapped[str] = mapped_column(String(200), default="")
    dob: Mapped[str] = mapped_column(String(10), default="")
    nationality: Mapped[str] = mapped_column(String(3), default="")
    document_type: Mapped[str] = mapped_column(String(10), default="")  # cn_ric | passport | other
    # Not indexed: re-screening by number (a list import, rare) scans the records in retention, while every
    # intake and every purge would pay for two more indexes on a table of millions of rows.
    document_number: Mapped[str] = mapped_column(String(64), default="")
    item_number: Mapped[str] = mapped_column(String(64), default="")  # IMEI, else VIN, else serial
    details: Mapped[str] = mapped_column(Text, default="{}")  # the sector's fields as JSON (room, imei, vin, ...)
    hit: Mapped[bool] = mapped_column(Boolean, default=False)  # an alert was raised: kept beyond retention
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    retain_until: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("establishment_id", "record_id", name="uq_registrations_establishment_record"),
                      Index("ix_registrations_purge", "hit", "retain_until"))


class RegistrationAlert(Base):
    """A hit on arrival or on re-screening: an officer confirms or dismisses it with a reason (audited)."""

    __tablename__ = "registration_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # watchlist | document | stolen_property
    detail: Mapped[str] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | confirmed | dismissed
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
