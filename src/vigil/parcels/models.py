"""Parcel manifests from carriers (establishments of the `logistics` sector) and the editable catalogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime, utcnow


class Parcel(Base):
    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("establishments.id", ondelete="CASCADE"))
    tracking_number: Mapped[str] = mapped_column(String(64))
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_document_type: Mapped[str] = mapped_column(String(10))
    sender_document_number: Mapped[str] = mapped_column(String(64))
    receiver_name: Mapped[str] = mapped_column(String(200))
    contents: Mapped[str] = mapped_column(Text)
    weight_kg: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(200))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    categories: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    matched_terms: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    un_numbers: Mapped[str] = mapped_column(String(200), default="")  # comma-separated
    sender_hits: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of screening hits on the sender
    status: Mapped[str] = mapped_column(String(10), default="clear")  # clear | open | released | held
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    retain_until: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (UniqueConstraint("carrier_id", "tracking_number", name="uq_parcels_carrier_tracking"),)


class CatalogueVersion(Base):
    """The prohibited and restricted items catalogue: every admin edit is a new version; the newest applies."""

    __tablename__ = "parcel_catalogue_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # the whole catalogue as JSON
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
