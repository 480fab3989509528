"""Which class 1 compatibility groups may be stored together at one site.

The matrix follows the mixed-loading table of ADR 7.5.2.2 (which applies the UN Model Regulations' compatibility
groups A-L, N, S). Entries the table allows only under a condition the ledger cannot see are refused here, with
the condition as the reason:
  - B with D: allowed only in separate compartments or containers (note a) -> refused;
  - N with C, D or E: allowed, the N articles then count as group D (note c);
  - N with N: allowed (note b: types proven compatible; the ledger assumes the licence says so);
  - L: only with the same substance (same UN number) (note d); K (toxic, not in the ADR table): treated like L;
  - A: only with A; S: with everything but A, K and L.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

GROUPS = tuple("ABCDEFGHJKLNS")

# Each group's partners (symmetric). Groups mix with themselves unless listed in SAME_SUBSTANCE_ONLY.
ALLOWED: dict[str, frozenset[str]] = {
    "A": frozenset("A"),
    "B": frozenset("BS"),
    "C": frozenset("CDEGNS"),
    "D": frozenset("CDEGNS"),
    "E": frozenset("CDEGNS"),
    "F": frozenset("FS"),
    "G": frozenset("CDEGS"),
    "H": frozenset("HS"),
    "J": frozenset("JS"),
    "K": frozenset("K"),
    "L": frozenset("L"),
    "N": frozenset("CDENS"),
    "S": frozenset("BCDEFGHJNS"),
}
SAME_SUBSTANCE_ONLY = frozenset("KL")
CONDITIONS = {frozenset("BD"): "B with D only in separate compartments, which the ledger cannot verify"}


def conflict(group: str, present: dict[str, AbstractSet[str]], un_number: str) -> str | None:
    """Why ``group`` (of ``un_number``) may not join the groups present at a site ({group: UN numbers}), or None."""
    for other, numbers in sorted(present.items()):
        if other not in ALLOWED[group]:
            why = CONDITIONS.get(frozenset((group, other)), "not allowed by the ADR 7.5.2.2 mixing table")
            return f"compatibility group {group} cannot be stored with group {other} already at the site ({why})"
        if group == other and group in SAME_SUBSTANCE_ONLY and numbers - {un_number}:
            return f"compatibility group {group} may only be stored with the same substance " \
                   f"(UN {', '.join(sorted(numbers))} already at the site)"
    return None
