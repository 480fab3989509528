"""API shapes. Inputs state every constraint the ledger's parser enforces on shape; the ledger's rules (stock,
licences, capacity, groups, time order) answer with a rejected outcome and its reasons, as the import does."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StringConstraints,
)

from vigil.platform.types import Line, StrictModel, Timestamp

Ident = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
ItemClass = Literal["firearm", "ammunition", "explosive", "detonator", "precursor", "chemical"]
Group = Literal["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "N", "S"]
Kind = Literal["receipt", "dispatch", "confirm", "consume", "destroy", "loss", "count", "move", "correction"]
Unit = Literal["mg", "g", "kg", "t", "mL", "ml", "L", "l", "pcs"]


def _text_time(value: Any) -> Any:
    """A time or date in a request is RFC 3339 text, as the schema says; not a number of seconds."""
    if not isinstance(value, str):
        raise ValueError("must be RFC 3339 text such as 2026-03-01T08:00:00Z or 2026-03-01")
    return value


Moment = Annotated[Timestamp, BeforeValidator(_text_time)]
Day = Annotated[date, BeforeValidator(_text_time)]
AT_PATTERN = (r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
              r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-4]):?[0-5][0-9])?)?$")
Quantity = Annotated[float, Field(ge=-1_000_000_000, le=1_000_000_000, allow_inf_nan=False, strict=True)]


class Strict(StrictModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LicenceIn(Strict):
    number: Line(64)
    classes: list[ItemClass] = Field(min_length=1, max_length=6)
    valid_from: Day
    valid_to: Day
    max_quantities: dict[ItemClass, Annotated[StrictFloat, Field(ge=0, le=1_000_000_000, allow_inf_nan=False,
                                                          strict=True)]] = {}


class HolderIn(Strict):
    type: Literal["holder"]
    id: Ident
    name: Line(200)
    kind: Line(40) = Field(description="manufacturer, dealer, blasting, mine, chemical_plant, shooting_range, …")
    licence: LicenceIn


class SiteIn(Strict):
    type: Literal["site"]
    id: Ident
    holder: Ident
    name: Line(200) | None = None
    capacity_kg: StrictFloat = Field(ge=0, le=1_000_000_000, allow_inf_nan=False, strict=True,
                               description="net explosive quantity")
    groups: list[Group] = Field(default=[], max_length=13)


class ItemIn(Strict):
    item_class: ItemClass = Field(alias="class")
    serial: Ident | None = None
    lot: Ident | None = None
    make: Line(100) | None = None
    model: Line(100) | None = None
    calibre: Line(40) | None = None
    un_number: Annotated[str, StringConstraints(pattern=r"^(UN)?[0-9]{4}$")] | None = None
    group: Group | None = None
    quantity: Quantity | None = None
    unit: Unit | None = None


class TransportIn(Strict):
    vehicle: Line(100) | None = None
    driver: Line(100) | None = Field(None, description="a driver's permit number; never returned by the API")
    escort: Line(100) | None = None
    planned_departure: Moment | None = None
    planned_arrival: Moment | None = None


class MovementIn(Strict):
    type: Literal["movement"]
    id: Ident
    at: Moment
    kind: Kind
    holder: Ident
    site: Ident | None = None
    to: Ident | None = Field(None, description="dispatch: the receiving holder")
    to_site: Ident | None = Field(None, description="move: the holder's other site")
    dispatch: Ident | None = Field(None, description="confirm: the dispatch confirmed")
    corrects: Ident | None = Field(None, description="the movement this entry corrects")
    item: ItemIn | None = None
    transport: TransportIn | None = None


RecordIn = Annotated[Union[HolderIn, SiteIn, MovementIn], Field(discriminator="type")]


def record_dict(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json", by_alias=True, exclude_none=True)


class OutcomeOut(BaseModel):
    id: str | None
    status: Literal["accepted", "rejected"]
    reasons: list[str]
    alerts: list[str]


class ItemLine(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    item_class: str = Field(alias="class")
    serial: str | None = None
    lot: str | None = None
    quantity: StrictFloat
    unit: str
    site: str | None = None
    un_number: str | None = None
    group: str | None = None


class BalanceOut(BaseModel):
    holder: str
    at: Timestamp | None = None
    items: list[ItemLine]


class LicenceOut(BaseModel):
    number: str
    classes: list[str]
    valid_from: date
    valid_to: date
    status: str
    max_quantities: dict[str, float]


class SiteOut(BaseModel):
    id: str
    holder: str
    name: str
    capacity_kg: float
    groups: list[str]


class SiteDetailOut(SiteOut):
    items: list[ItemLine]
    stored_kg: float


class TransitOut(BaseModel):
    """Goods dispatched and not yet confirmed: they belong to no holder."""

    model_config = ConfigDict(populate_by_name=True)
    dispatch: str
    sender: str = Field(alias="from")
    to: str
    quantity: float
    item: str | None = None
    unit: str | None = None
    at: Timestamp | None = None
    planned_arrival: Timestamp | None = None


class HolderOut(BaseModel):
    id: str
    name: str
    kind: str
    licence: LicenceOut
    open_alerts: int = 0


class HolderDetailOut(HolderOut):
    sites: list[SiteOut]
    in_transit: list[TransitOut]


class MovementOut(BaseModel):
    id: str
    at: Timestamp
    kind: str
    holder: str
    site: str | None
    quantity: float
    unit: str
    to: str | None
    to_site: str | None
    dispatch: str | None
    corrects: str | None
    seq: int


class HeldOut(BaseModel):
    holder: str
    site: str | None
    quantity: float
    unit: str


class HoldingsOut(BaseModel):
    at: Timestamp
    held: list[HeldOut]
    in_transit: list[TransitOut]


class TraceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    key: str
    item_class: str = Field(alias="class")
    unit: str
    un_number: str | None
    movements: list[MovementOut]
    held_at: HoldingsOut | None = None


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    holder: str
    subject: str
    reason: str
    raised_at: Timestamp
    status: str
    closed_by: str
    closed_at: Timestamp | None


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    problem: str
    entry: int | None
    movement: str | None
