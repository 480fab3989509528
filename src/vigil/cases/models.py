from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vigil.platform.database import Base, UtcDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    classification: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    retention_until: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    subjects: Mapped[list["CaseSubject"]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                          order_by="CaseSubject.id")


class CaseSubject(Base):
    """A person tied to a case. Only identifying facts; no opinion, ethnicity, religion or health fields."""

    __tablename__ = "case_subjects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(300))
    date_of_birth: Mapped[str] = mapped_column(String(10), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    document_number: Mapped[str] = mapped_column(String(40), default="")
    involvement: Mapped[str] = mapped_column(String(20), default="subject")  # subject | witness | victim
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="subjects")
