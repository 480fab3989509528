"""Quantities as integers in millionths of the item's base unit (kg, L or pcs): sums are exact, so the ledger
cannot lose a gram to floating-point rounding, and a refusal says why."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

SCALE = 1_000_000
LIMIT = 1_000_000_000 * SCALE  # a billion kg, L or pieces in one record: beyond any licence, and far from 2**63
MASS = {"mg": Decimal("0.000001"), "g": Decimal("0.001"), "kg": Decimal(1), "t": Decimal(1000)}
VOLUME = {"ml": Decimal("0.001"), "l": Decimal(1)}
BASE = {**{u: "kg" for u in MASS}, **{u: "L" for u in VOLUME}, "pcs": "pcs"}
# Units whose whole numbers are whole millionths of the base unit: (base unit, millionths per unit).
WHOLE = {"mg": ("kg", 1), "g": ("kg", 1000), "kg": ("kg", SCALE), "t": ("kg", 1000 * SCALE),
         "mL": ("L", 1000), "ml": ("L", 1000), "L": ("L", SCALE), "l": ("L", SCALE), "pcs": ("pcs", SCALE)}


def base_unit(unit: str) -> str | None:
    """kg, L or pcs for a known unit (case-insensitive for volume: L, l, mL, ml), else None."""
    return BASE.get(unit if unit in MASS or unit == "pcs" else unit.lower())


def to_amount(quantity, unit: str, item_unit: str) -> tuple[int | None, str | None]:
    """(millionths of ``item_unit``, None) or (None, reason)."""
    if type(quantity) is int and type(unit) is str:  # whole numbers of a unit of the item's kind: exact at once
        base, factor = WHOLE.get(unit, ("", 0))
        if base == item_unit and 0 < quantity * factor <= LIMIT:
            return quantity * factor, None
    base = base_unit(unit)
    if base is None:
        return None, f"unknown unit {unit!r} (use g, kg, t, mL, L or pcs)"
    if base != item_unit:
        if "pcs" in (base, item_unit):
            return None, f"pieces cannot be converted to or from mass or volume ({unit} given, item counted in " \
                         f"{item_unit})"
        return None, f"{unit} is a unit of {'mass' if base == 'kg' else 'volume'} but the item is measured in " \
                     f"{item_unit} (no density is assumed)"
    try:
        value = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        return None, f"quantity {quantity!r} is not a number"
    if not value.is_finite():
        return None, f"quantity {quantity!r} is not a number"
    factor = MASS.get(unit) or VOLUME.get(unit.lower()) or Decimal(1)
    scaled = value * factor * SCALE
    if scaled != scaled.to_integral_value():
        return None, f"quantity {quantity} {unit} is finer than a millionth of a {item_unit}"
    if item_unit == "pcs" and value != value.to_integral_value():
        return None, f"quantity {quantity} pcs is not a whole number of pieces"
    if abs(scaled) > LIMIT:
        return None, f"quantity {quantity} {unit} is beyond what one record may move (a billion {item_unit})"
    return int(scaled), None


def show(amount: int) -> int | float:
    """The amount as a number in the base unit, for output (a whole number stays an integer: 1 pcs, 25 kg)."""
    whole, rest = divmod(amount, SCALE)
    return whole if rest == 0 else amount / SCALE


def label(amount: int, unit: str) -> str:
    return f"{show(amount):g} {unit}"
