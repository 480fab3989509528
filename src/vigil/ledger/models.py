"""Ledger tables. ``ledger_movements`` is the hash-chained, append-only record; balances, transits and alerts are
derived from it (and rebuilt by ``reconcile`` to prove it). Quantities are integers in millionths of the item's
unit (kg, L or pcs)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vigil.platform.database import Base, UtcDateTime

BIG = BigInteger().with_variant(Integer, "sqlite")


class LedgerHolder(Base):
    """A licensed holder and its current licence (a renewal replaces it; the audit log keeps the history)."""

    __tablename__ = "ledger_holders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    licence_number: Mapped[str] = mapped_column(String(64))
    classes: Mapped[str] = mapped_column(String(200))  # comma-separated item classes
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date, index=True)
    max_quantities: Mapped[str] = mapped_column(Text, default="{}")  # JSON: class -> millionths
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerSite(Base):
    __tablename__ = "ledger_sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder_id: Mapped[str] = mapped_column(ForeignKey("ledger_holders.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(BIG)  # millionths of a kg, net explosive quantity
    groups: Mapped[str] = mapped_column(String(20))  # compatibility groups allowed, e.g. "DS"


class LedgerItem(Base):
    """A serialised firearm or a lot, registered by its first receipt."""

    __tablename__ = "ledger_items"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # serial or lot
    item_class: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(4))
    un_number: Mapped[str] = mapped_column(String(8), default="")
    division: Mapped[str] = mapped_column(String(8), default="")
    compat_group: Mapped[str] = mapped_column(String(2), default="")
    make: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    calibre: Mapped[str] = mapped_column(String(40), default="")


class LedgerMovement(Base):
    """One accepted movement; ``hash`` covers every other column and the previous row's hash."""

    __tablename__ = "ledger_movements"
    __table_args__ = (Index("ix_ledger_movements_holder_at", "holder", "at"),
                      Index("ix_ledger_movements_item_at", "item", "at"))

    # Assigned by the writer (head.count + 1), so a gap proves a deleted row.
    seq: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    holder: Mapped[str] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64))
    item_class: Mapped[str] = mapped_column(String(20))
    delta: Mapped[int] = mapped_column(BIG)  # change of the (holder, site, item) balance
    to_holder: Mapped[str] = mapped_column(String(64))
    to_site: Mapped[str] = mapped_column(String(64))
    dispatch: Mapped[str] = mapped_column(String(64))
    corrects: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON: transport, counted quantity
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """The chain's length and last hash: catches deletion of the newest rows; its row lock serialises writers."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(BIG, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class LedgerBalance(Base):
    """Derived: the current balance of each (holder, site, item), kept in the movement's transaction."""

    __tablename__ = "ledger_balances"

    holder: Mapped[str] = mapped_column(String(64), primary_key=True)
    site: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    amount: Mapped[int] = mapped_column(BIG)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerTransit(Base):
    """Derived: a dispatch, in transit (belonging to no holder) until its confirmation."""

    __tablename__ = "ledger_transits"

    dispatch: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), index=True)
    site: Mapped[str] = mapped_column(String(64))
    receiver: Mapped[str] = mapped_column(String(64), index=True)
    item: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[int] = mapped_column(BIG)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    planned_arrival: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LedgerAlert(Base):
    __tablename__ = "ledger_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # one alert per key
    kind: Mapped[str] = mapped_column(String(32), index=True)
    holder: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(1000))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | closed
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LedgerRejection(Base):
    """A refused record, kept for the console (not part of the chain)."""

    __tablename__ = "ledger_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), default="")
    line: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
