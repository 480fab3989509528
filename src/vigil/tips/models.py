"""Tips from the public, officers' follow-up questions, files, rewards, community volunteers and patrol shifts.

An anonymous tip holds no network address: neither the tip, its files nor its audit rows record where it came
from. The tip code is kept only as a SHA-256 hash (the code is the reporter's bearer secret)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vigil.platform.database import Base, UtcDateTime, utcnow


class Tip(Base):
    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    contact: Mapped[str] = mapped_column(String(200), default="")  # personal data: read with a purpose
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)  # new|in_review|awaiting_reply|closed
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    flag: Mapped[str] = mapped_column(String(60), default="")  # why it may be junk (spam.suspicion), for triage
    incident_ref: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_until: Mapped[date] = mapped_column(Date)

    questions: Mapped[list["TipQuestion"]] = relationship(cascade="all, delete-orphan", order_by="TipQuestion.id")
    files: Mapped[list["TipFile"]] = relationship(cascade="all, delete-orphan", order_by="TipFile.id")
    rewards: Mapped[list["TipReward"]] = relationship(cascade="all, delete-orphan", order_by="TipReward.id")


class TipQuestion(Base):
    __tablename__ = "tip_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TipFile(Base):
    __tablename__ = "tip_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TipReward(Base):
    __tablename__ = "tip_rewards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="approved")  # approved | paid
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Volunteer(Base):
    """A registered community volunteer. Contact data is personal data (read with a purpose, audited); kept
    until `retention_until`, on the volunteer's recorded consent."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(120), default="")
    consent_text: Mapped[str] = mapped_column(String(300))
    consent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    retention_until: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    shifts: Mapped[list["PatrolShift"]] = relationship(cascade="all, delete-orphan", order_by="PatrolShift.starts_at")


class PatrolShift(Base):
    __tablename__ = "patrol_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned | done | cancelled
    notes: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(64))
