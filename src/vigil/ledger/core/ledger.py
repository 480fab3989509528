"""The ledger's rules over an in-memory state.

``Ledger.apply(record)`` checks one input record (holder, site or movement) against the state, and either refuses
it with reasons (the state unchanged) or accepts it: the state moves on and the rows to store are queued in
``pending``. The service loads the part of the state a batch of records touches before applying them and writes
the queue afterwards, in one transaction. Quantities are integers in millionths of the item's unit (units.py).

Every movement touches at most one (holder, site, item) balance, except ``move`` (two sites of one holder):
receipt +, dispatch - (the goods are then in transit and belong to no holder), confirm + at the receiver,
consume/destroy/loss -, correction +/- (it names the entry it corrects), count 0 (an observation: a difference is
an alert, never a silent adjustment)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from vigil.ledger.core import anomaly, compat, un
from vigil.ledger.core.units import label, to_amount

CLASSES = ("firearm", "ammunition", "explosive", "detonator", "precursor", "chemical")
CLASS_SET = frozenset(CLASSES)
CLASS_ONE = frozenset({"ammunition", "explosive", "detonator"})  # UN class 1 goods: stored only at a site
UN_KINDS = {"explosive": {"explosive"}, "detonator": {"detonator"}, "ammunition": {"ammunition"},
            "precursor": {"precursor"}, "chemical": {"chemical", "precursor"}}
KINDS = ("receipt", "dispatch", "confirm", "consume", "destroy", "loss", "count", "move", "correction")
OUTFLOWS = frozenset({"dispatch", "consume", "destroy", "loss"})
MAX_ID = 64


class Refused(Exception):
    """A record the ledger will not accept; the message is the reason."""


@dataclass
class Licence:
    number: str
    classes: frozenset[str]
    valid_from: date
    valid_to: date
    max_quantities: dict[str, int] = field(default_factory=dict)  # class -> millionths of its unit

    def problem(self, cls: str, at: datetime, role: str, holder: str) -> str | None:
        """Why the licence of ``holder`` (the ``role``: holder, receiver) does not allow ``cls`` at ``at``."""
        day = at.date()
        if cls in self.classes and self.valid_from <= day <= self.valid_to:
            return None  # the usual case, without building a name
        whose = f"{role} {holder}'s"
        if cls not in self.classes:
            return f"{whose} licence {self.number} does not cover {cls}"
        if day < self.valid_from:
            return f"{whose} licence {self.number} is not valid before {self.valid_from}"
        if day > self.valid_to:
            return f"{whose} licence {self.number} expired on {self.valid_to}"
        return None


@dataclass
class Holder:
    id: str
    name: str
    kind: str
    licence: Licence


@dataclass
class Site:
    id: str
    holder: str
    capacity: int  # millionths of a kg of explosives (net explosive quantity)
    groups: frozenset[str]
    name: str = ""


@dataclass
class Item:
    key: str  # the serial or the lot
    cls: str
    unit: str  # kg, L or pcs
    un_number: str = ""
    division: str = ""
    group: str = ""
    make: str = ""
    model: str = ""
    calibre: str = ""

    @property
    def serialised(self) -> bool:
        return self.cls == "firearm"


@dataclass
class Transit:
    dispatch: str
    sender: str
    site: str
    receiver: str
    item: str
    amount: int
    at: datetime
    planned_arrival: datetime | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None


@dataclass
class Alert:
    kind: str
    holder: str
    subject: str
    reason: str
    key: str  # one alert per key: a job that runs again does not raise it twice


@dataclass
class Outcome:
    id: str
    accepted: bool
    reasons: list[str]
    alerts: list[Alert]

    def as_output(self) -> dict[str, Any]:
        return {"id": self.id or None, "status": "accepted" if self.accepted else "rejected", "reasons": self.reasons,
                "alerts": [a.reason for a in self.alerts]}


@dataclass
class Pending:
    """Rows to store, in order: what the service writes after a batch."""

    holders: dict[str, Holder] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    movements: list[dict[str, Any]] = field(default_factory=list)
    balances: set[tuple[str, str, str]] = field(default_factory=set)
    transits: dict[str, Transit] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)


def parse_time(value: Any, what: str = "at") -> datetime:
    if not isinstance(value, str):
        raise Refused(f"{what} must be an ISO 8601 time such as 2026-03-01T08:00:00Z")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise Refused(f"{what} {value!r} is not an ISO 8601 time") from None
    # A time without an offset is taken as UTC, the ledger's only zone.
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def parse_day(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Refused(f"{what} must be a date YYYY-MM-DD") from None


def text(record: dict, name: str, required: bool = True, limit: int = MAX_ID) -> str:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise Refused(f"{name} is required")
        return ""
    if type(value) is str and len(value) <= limit and value.isprintable() and value.strip() == value:
        return value  # the usual case, checked quickly
    if not isinstance(value, str) or not value.strip() or len(value) > limit or any(ord(c) < 32 for c in value):
        raise Refused(f"{name} must be a non-empty line of at most {limit} characters")
    return value.strip()


class Ledger:
    def __init__(self, expiry_warning_days: int = 30):
        self.expiry_warning = timedelta(days=expiry_warning_days)
        self.holders: dict[str, Holder] = {}
        self.sites: dict[str, Site] = {}
        self.sites_of: dict[str, list[str]] = defaultdict(list)
        self.items: dict[str, Item] = {}
        self.stock: dict[tuple[str, str, str], int] = {}  # (holder, site or "", item) -> amount
        self.last_at: dict[tuple[str, str], datetime] = {}  # (holder, item) -> newest accepted movement
        self.stock_at: dict[str, list[tuple[str, str]]] = defaultdict(list)  # item -> [(holder, site)] rows
        self.item_total: dict[str, int] = defaultdict(int)  # held + in transit, per item
        self.site_kg: dict[str, int] = defaultdict(int)
        self.site_groups: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        self.class_total: dict[tuple[str, str], int] = defaultdict(int)
        self.transits: dict[str, Transit] = {}
        self.ids: set[str] = set()
        self.purchases: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
        self.raised: set[str] = set()
        self.pending = Pending()

    # ---- loading (the service calls these with stored rows) ------------------------------------------------

    def load_holder(self, holder: Holder) -> None:
        self.holders[holder.id] = holder

    def load_site(self, site: Site) -> None:
        self.sites[site.id] = site
        if site.id not in self.sites_of[site.holder]:
            self.sites_of[site.holder].append(site.id)

    def load_balance(self, holder: str, site: str, item: str, amount: int, last_at: datetime | None) -> None:
        self.stock[(holder, site, item)] = amount
        self.stock_at[item].append((holder, site))
        self.item_total[item] += amount
        if last_at is not None:
            key = (holder, item)
            self.last_at[key] = max(last_at, self.last_at.get(key, last_at))

    def load_site_usage(self, site: str, group: str, un_number: str, amount: int, unit: str) -> None:
        """What a site stores already (class 1 goods): its net explosive quantity and groups."""
        if unit == "kg":
            self.site_kg[site] += amount
        if amount:
            numbers = self.site_groups[site][group]
            numbers[un_number] = numbers.get(un_number, 0) + amount

    def load_transit(self, transit: Transit) -> None:
        self.transits[transit.dispatch] = transit
        if transit.confirmed_by is None:
            self.item_total[transit.item] += transit.amount

    # ---- applying records --------------------------------------------------------------------------------

    def apply(self, record: Any) -> Outcome:
        rid = record.get("id") if isinstance(record, dict) else None
        rid = rid if isinstance(rid, str) else ""
        alerts: list[Alert] = []
        try:
            if not isinstance(record, dict):
                raise Refused("each line must be a JSON object")
            kind = record.get("type")
            if kind == "holder":
                self._holder(record)
            elif kind == "site":
                self._site(record)
            elif kind == "movement":
                alerts = self._movement(record)
            else:
                raise Refused("type must be holder, site or movement")
        except Refused as exc:
            return Outcome(rid, False, [str(exc)], [])
        if not alerts:
            return Outcome(rid, True, [], alerts)
        fresh = [a for a in alerts if a.key not in self.raised]
        for a in fresh:
            self.raised.add(a.key)
        self.pending.alerts.extend(fresh)
        return Outcome(rid, True, [], fresh)

    def _holder(self, r: dict) -> None:
        hid = text(r, "id")
        lic = r.get("licence")
        if not isinstance(lic, dict):
            raise Refused("licence is required: number, classes, valid_from, valid_to")
        classes = lic.get("classes")
        if not isinstance(classes, list) or not classes or any(c not in CLASSES for c in classes):
            raise Refused(f"licence classes must be a non-empty list of {', '.join(CLASSES)}")
        valid_from, valid_to = parse_day(lic.get("valid_from"), "valid_from"), parse_day(lic.get("valid_to"),
                                                                                        "valid_to")
        if valid_to < valid_from:
            raise Refused("licence valid_to is before valid_from")
        maxima = {}
        for cls, value in (lic.get("max_quantities") or {}).items():
            if cls not in CLASSES or not isinstance(value, (int, float)) or isinstance(value, bool) \
                    or not 0 <= value <= 1e9:
                raise Refused("max_quantities maps an item class to a non-negative quantity in its unit")
            maxima[cls] = round(value * 1_000_000)
        holder = Holder(hid, text(r, "name", limit=200), text(r, "kind", limit=40),
                        Licence(text(lic, "number"), frozenset(classes), valid_from, valid_to, maxima))
        self.holders[hid] = self.pending.holders[hid] = holder

    def _site(self, r: dict) -> None:
        sid, hid = text(r, "id"), text(r, "holder")
        if hid not in self.holders:
            raise Refused(f"unknown holder {hid}")
        old = self.sites.get(sid)
        if old is not None and old.holder != hid:
            raise Refused(f"site {sid} belongs to holder {old.holder}")
        capacity = r.get("capacity_kg", 0)
        if not isinstance(capacity, (int, float)) or isinstance(capacity, bool) or not 0 <= capacity <= 1e9:
            raise Refused("capacity_kg must be a number from 0 to 1,000,000,000")
        groups = r.get("groups", [])
        if not isinstance(groups, list) or any(g not in compat.GROUPS for g in groups):
            raise Refused(f"groups must be a list of compatibility groups ({''.join(compat.GROUPS)})")
        site = Site(sid, hid, round(capacity * 1_000_000), frozenset(groups), text(r, "name", False, 200))
        if self.site_kg[sid] > site.capacity:
            raise Refused(f"site {sid} already stores {label(self.site_kg[sid], 'kg')}, above the new capacity")
        self.load_site(site)
        self.pending.sites[sid] = site

    # ---- movements ---------------------------------------------------------------------------------------

    def _movement(self, r: dict) -> list[Alert]:
        mid = text(r, "id")
        if mid in self.ids:
            raise Refused(f"movement id {mid} is already on the ledger")
        at = parse_time(r.get("at"))
        kind = r.get("kind")
        handler = HANDLERS.get(kind) if type(kind) is str else None
        if handler is None:
            raise Refused(f"kind must be one of {', '.join(KINDS)}")
        holder = self._known_holder(text(r, "holder"))
        row, alerts = handler(self, r, mid, at, holder)
        row.update(id=mid, at=at, kind=kind)
        corrects = text(r, "corrects", required=True) if kind == "correction" or "corrects" in r else ""
        if corrects:
            if corrects not in self.ids:
                raise Refused(f"corrects {corrects}, which is not an accepted movement")
            row["corrects"] = corrects
        self._commit(row)
        return alerts

    def _known_holder(self, hid: str) -> Holder:
        holder = self.holders.get(hid)
        if holder is None:
            raise Refused(f"unknown holder {hid}")
        return holder

    def _item(self, r: dict, required: bool = True) -> tuple[Item, int | None]:
        """The item a movement names (registered on first receipt) and its quantity in millionths."""
        spec = r.get("item")
        if spec is None and not required:
            return None, None  # type: ignore[return-value]
        if not isinstance(spec, dict):
            raise Refused("item is required: class, serial or lot, quantity, unit")
        cls = spec.get("class")
        if type(cls) is not str or cls not in CLASS_SET:
            raise Refused(f"item class must be one of {', '.join(CLASSES)}")
        if cls == "firearm":
            serial = spec.get("serial")
            item = self.items.get(serial) if type(serial) is str else None  # known: skip make, model, calibre
            if item is None or item.cls != "firearm":
                item = Item(text(spec, "serial"), cls, "pcs", make=text(spec, "make", False, 100),
                            model=text(spec, "model", False, 100), calibre=text(spec, "calibre", False, 40))
            quantity, unit = spec.get("quantity", 1), spec.get("unit", "pcs")
            if unit != "pcs" or quantity != 1:
                raise Refused("a firearm is one serialised piece: quantity 1, unit pcs")
        else:
            item = self._lot(spec, cls)
            quantity, unit = spec.get("quantity"), spec.get("unit", item.unit)
            if not isinstance(unit, str):
                raise Refused("unit must be text (g, kg, t, mL, L or pcs)")
        known = self.items.get(item.key)
        if known is not None:
            if known.cls != item.cls or (item.un_number and known.un_number != item.un_number):
                raise Refused(f"{item.key} is on the ledger as {known.cls}"
                              f"{' UN ' + known.un_number if known.un_number else ''}, not as {item.cls}"
                              f"{' UN ' + item.un_number if item.un_number else ''}")
            item = known
        if quantity is None:
            return item, None
        if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
            raise Refused("quantity must be a number")
        amount, why = to_amount(quantity, unit, item.unit)
        if why:
            raise Refused(why)
        return item, amount

    def _lot(self, spec: dict, cls: str) -> Item:
        key = text(spec, "lot")
        known = self.items.get(key)
        number = spec.get("un_number")
        if number is None and known is not None:
            return known
        entry = None
        if number is not None or cls != "ammunition":
            if not isinstance(number, str):
                raise Refused(f"un_number is required for {cls}")
            entry = un.lookup(number)
            if entry is None:
                raise Refused(f"unknown UN number {number}: not in the ledger's table of controlled goods")
            if entry["kind"] not in UN_KINDS[cls]:
                raise Refused(f"UN {number} ({entry['name']}) is {entry['kind']}, not {cls}")
        group = spec.get("group") or (entry or {}).get("group") or ("S" if cls == "ammunition" else "")
        if entry and entry.get("division", "").startswith("1.") and spec.get("group") not in (None, entry["group"]):
            raise Refused(f"UN {number} is compatibility group {entry['group']}, not {spec.get('group')}")
        unit = known.unit if known else self._unit_of(spec, cls)
        return Item(key, cls, unit, un_number=(number or "").upper().removeprefix("UN").strip(),
                    division=(entry or {}).get("division", "1.4" if cls == "ammunition" else ""), group=group)

    @staticmethod
    def _unit_of(spec: dict, cls: str) -> str:
        from vigil.ledger.core.units import base_unit

        unit = spec.get("unit")
        base = base_unit(unit) if isinstance(unit, str) else None
        if base is None:
            raise Refused(f"unit {unit!r} is not one of g, kg, t, mL, L, pcs")
        if cls == "explosive" and base != "kg":
            raise Refused("explosives are recorded by mass (g, kg, t)")
        if cls in ("detonator", "ammunition") and base == "L":
            raise Refused(f"{cls} is counted in pieces or weighed, not measured in litres")
        return base

    def _site_of(self, r: dict, holder: Holder, item: Item, name: str = "site") -> str:
        sid = text(r, name, required=False)
        if sid:
            site = self.sites.get(sid)
            if site is None or site.holder != holder.id:
                raise Refused(f"site {sid} is not a site of holder {holder.id}")
            return sid
        if item.cls in CLASS_ONE:
            raise Refused(f"{item.cls} must be recorded at a storage site ({name} is required)")
        return ""

    def _not_older(self, holder: str, item: Item, at: datetime) -> None:
        last = self.last_at.get((holder, item.key))
        if last is not None and at < last:
            raise Refused(f"out of order: {at:%Y-%m-%dT%H:%M:%SZ} is older than the last accepted movement of "
                          f"{item.key} at holder {holder} ({last:%Y-%m-%dT%H:%M:%SZ}); record movements in time "
                          "order or enter a correction")

    def _take(self, holder: str, site: str, item: Item, amount: int) -> None:
        held = self.stock.get((holder, site, item.key), 0)
        if amount > held:
            where = f" at site {site}" if site else ""
            raise Refused(f"insufficient stock: holder {holder} holds {label(held, item.unit)} of {item.key}"
                          f"{where}, {label(amount, item.unit)} requested")

    def _room(self, holder: Holder, site: str, item: Item, amount: int, at: datetime, moved: bool = False) -> None:
        """May ``amount`` of ``item`` come into ``site`` of ``holder``? (licence, maxima, capacity, groups) A move
        between the holder's own sites leaves its total, and so its licence maximum, unchanged."""
        why = holder.licence.problem(item.cls, at, "holder", holder.id)
        if why:
            raise Refused(why)
        limit = holder.licence.max_quantities.get(item.cls)
        if limit is not None and not moved and self.class_total[(holder.id, item.cls)] + amount > limit:
            raise Refused(f"holder {holder.id}'s licence allows at most {label(limit, item.unit)} of {item.cls}")
        if item.cls not in CLASS_ONE or not site:
            return
        place = self.sites[site]
        if item.group not in place.groups:
            raise Refused(f"site {site} is not licensed for compatibility group {item.group or '-'} "
                          f"(allowed: {', '.join(sorted(place.groups)) or 'none'})")
        present = {g: n.keys() for g, n in self.site_groups[site].items() if any(n.values())}
        why = compat.conflict(item.group, present, item.un_number)
        if why:
            raise Refused(why)
        if item.unit == "kg" and self.site_kg[site] + amount > place.capacity:
            raise Refused(f"site {site} capacity {label(place.capacity, 'kg')} exceeded: it stores "
                          f"{label(self.site_kg[site], 'kg')}, {label(amount, 'kg')} more requested")

    def _amount(self, item: Item, amount: int | None, positive: bool = True) -> int:
        if amount is None:
            raise Refused("item quantity is required")
        if positive and amount <= 0:
            raise Refused("quantity must be greater than zero")
        return amount

    def _receipt(self, r, mid, at, holder):
        item, amount = self._item(r)
        amount = self._amount(item, amount)
        site = self._site_of(r, holder, item)
        if item.serialised and self.item_total.get(item.key, 0) > 0:
            raise Refused(f"serial {item.key} is already on the ledger")
        self._not_older(holder.id, item, at)
        self._room(holder, site, item, amount, at)
        return {"holder": holder.id, "site": site, "item": item, "delta": amount}, self._purchase(holder, item,
                                                                                                 mid, at, amount)

    def _dispatch(self, r, mid, at, holder):
        item, amount = self._item(r)
        amount = self._amount(item, amount)
        receiver = self._known_holder(text(r, "to"))
        if receiver.id == holder.id:
            raise Refused("a dispatch goes to another holder (use move between own sites)")
        why = receiver.licence.problem(item.cls, at, "receiver", receiver.id)
        if why:
            raise Refused(why)
        site = self._site_of(r, holder, item) or self._only_site_holding(holder.id, item)
        self._not_older(holder.id, item, at)
        self._take(holder.id, site, item, amount)
        transport = r.get("transport") or {}
        if not isinstance(transport, dict):
            raise Refused("transport must be an object: vehicle, driver, escort, planned_departure, planned_arrival")
        planned = parse_time(transport["planned_arrival"], "planned_arrival") \
            if transport.get("planned_arrival") else None
        if planned is not None and planned < at:
            raise Refused("planned_arrival is before the dispatch")
        detail = {k: text(transport, k, False, 100) for k in ("vehicle", "driver", "escort") if transport.get(k)}
        if transport.get("planned_departure"):
            detail["planned_departure"] = parse_time(transport["planned_departure"], "planned_departure").isoformat()
        if planned:
            detail["planned_arrival"] = planned.isoformat()
        self.pending.transits[mid] = self.transits[mid] = Transit(mid, holder.id, site, receiver.id, item.key,
                                                                  amount, at, planned)
        self.item_total[item.key] += amount  # still on the ledger: in transit
        alerts = []
        if receiver.licence.valid_to - at.date() <= self.expiry_warning:
            alerts.append(Alert("licence_expiring", receiver.id, receiver.licence.number,
                                f"licence {receiver.licence.number} of receiver {receiver.id} expires on "
                                f"{receiver.licence.valid_to}", f"licence_expiring:{receiver.id}:"
                                                                f"{receiver.licence.number}"))
        return {"holder": holder.id, "site": site, "item": item, "delta": -amount, "to": receiver.id,
                "detail": detail}, alerts

    def _only_site_holding(self, holder: str, item: Item) -> str:
        rows = [s for h, s in self.stock_at.get(item.key, []) if h == holder and self.stock.get((h, s, item.key))]
        if len(rows) > 1:
            raise Refused(f"holder {holder} holds {item.key} at several sites: name the site")
        return rows[0] if rows else ""

    def _confirm(self, r, mid, at, holder):
        ref = text(r, "dispatch")
        transit = self.transits.get(ref)
        if transit is None:
            raise Refused(f"dispatch {ref} is not on the ledger")
        if transit.receiver != holder.id:
            raise Refused(f"dispatch {ref} was sent to {transit.receiver}, not to {holder.id}")
        if transit.confirmed_by is not None:
            raise Refused(f"dispatch {ref} was already confirmed by {transit.confirmed_by} (double confirmation)")
        item = self.items[transit.item]
        if at < transit.at:
            raise Refused(f"out of order: confirmation at {at:%Y-%m-%dT%H:%M:%SZ} precedes dispatch {ref} "
                          f"({transit.at:%Y-%m-%dT%H:%M:%SZ})")
        stated, amount = self._item(r, required=False)
        if stated is not None:
            if stated.key != item.key:
                raise Refused(f"dispatch {ref} carried {item.key}, not {stated.key}")
            if amount is not None and amount != transit.amount:
                raise Refused(f"quantities disagree: {label(amount, item.unit)} confirmed, "
                              f"{label(transit.amount, item.unit)} dispatched in {ref}")
        site = self._site_of(r, holder, item)
        if not site and item.cls in CLASS_ONE:
            raise Refused("site is required")
        self._not_older(holder.id, item, at)
        self._room(holder, site, item, transit.amount, at)
        transit.confirmed_by, transit.confirmed_at = mid, at
        self.pending.transits[ref] = transit
        self.item_total[item.key] -= transit.amount  # _commit adds it back as held stock
        alerts = self._purchase(holder, item, mid, at, transit.amount)
        return {"holder": holder.id, "site": site, "item": item, "delta": transit.amount, "dispatch": ref}, alerts

    def _outflow(self, r, at, holder, parsed=None):
        item, amount = parsed or self._item(r)
        amount = self._amount(item, amount)
        site = self._site_of(r, holder, item)
        self._not_older(holder.id, item, at)
        self._take(holder.id, site, item, amount)
        return {"holder": holder.id, "site": site, "item": item, "delta": -amount}, []

    def _consume(self, r, mid, at, holder):
        parsed = self._item(r)
        why = holder.licence.problem(parsed[0].cls, at, "holder", holder.id)
        if why:
            raise Refused(why)
        return self._outflow(r, at, holder, parsed)

    def _destroy(self, r, mid, at, holder):
        return self._outflow(r, at, holder)

    def _loss(self, r, mid, at, holder):
        return self._outflow(r, at, holder)

    def _count(self, r, mid, at, holder):
        item, counted = self._item(r)
        counted = self._amount(item, counted, positive=False)
        if counted < 0:
            raise Refused("a counted quantity cannot be negative")
        site = self._site_of(r, holder, item)
        self._not_older(holder.id, item, at)
        held = self.stock.get((holder.id, site, item.key), 0)
        alerts = []
        if counted != held:
            where = f" at site {site}" if site else ""
            alerts.append(Alert("count_mismatch", holder.id, mid,
                                f"count differs from ledger: {label(counted, item.unit)} of {item.key} counted"
                                f"{where}, ledger holds {label(held, item.unit)}", f"count_mismatch:{mid}"))
        return {"holder": holder.id, "site": site, "item": item, "delta": 0, "detail": {"counted": counted}}, alerts

    def _move(self, r, mid, at, holder):
        row, _ = self._outflow(r, at, holder)
        item, amount = row["item"], -row["delta"]
        to_site = self._site_of(r, holder, item, "to_site")
        if not to_site or to_site == row["site"]:
            raise Refused("a move needs to_site, another site of the same holder")
        self._room(holder, to_site, item, amount, at, moved=True)
        row["to_site"] = to_site
        return row, []

    def _correction(self, r, mid, at, holder):
        item, amount = self._item(r)
        if amount is None:
            raise Refused("item quantity is required")
        if amount == 0:
            raise Refused("a correction changes the quantity (positive adds, negative removes)")
        site = self._site_of(r, holder, item)
        self._not_older(holder.id, item, at)
        if amount < 0:
            self._take(holder.id, site, item, -amount)
        else:
            self._room(holder, site, item, amount, at)
        return {"holder": holder.id, "site": site, "item": item, "delta": amount}, []

    def _purchase(self, holder: Holder, item: Item, mid: str, at: datetime, amount: int) -> list[Alert]:
        """Precursor inflows are judged against the buyer's own earlier purchases of that substance."""
        if item.cls != "precursor":
            return []
        history = self.purchases[(holder.id, item.un_number)]
        reasons = anomaly.unusual(history, at, amount)
        history.append((at, amount))
        return [Alert("unusual_purchase", holder.id, mid,
                      f"unusual precursor purchase by {holder.id} (UN {item.un_number}): {why}",
                      f"unusual_purchase:{mid}:{n}") for n, why in enumerate(reasons)]

    # ---- the accepted movement changes the state ----------------------------------------------------------

    def _commit(self, row: dict[str, Any]) -> None:
        item: Item = row["item"]
        if item.key not in self.items:
            self.items[item.key] = self.pending.items[item.key] = item
        self.ids.add(row["id"])
        if row["delta"]:
            self._shift(row["holder"], row["site"], item, row["delta"])
        if row.get("to_site"):
            self._shift(row["holder"], row["to_site"], item, -row["delta"])
        holder = row["holder"]
        self.last_at[(holder, item.key)] = row["at"]
        for owner, site in self.stock_at.get(item.key, ()):  # each of its balance rows carries that time, even
            if owner == holder:                             # when this movement (a count) changed no amount
                self.pending.balances.add((holder, site, item.key))
        self.pending.movements.append(row)

    def _shift(self, holder: str, site: str, item: Item, delta: int) -> None:
        key = (holder, site, item.key)
        stock = self.stock
        held = stock.get(key)
        if held is None:
            self.stock_at[item.key].append((holder, site))
            held = 0
        held += delta
        assert held >= 0, "a checked movement never makes stock negative"
        stock[key] = held
        self.pending.balances.add(key)
        self.item_total[item.key] += delta
        self.class_total[(holder, item.cls)] += delta
        if site and item.cls in CLASS_ONE:
            if item.unit == "kg":
                self.site_kg[site] += delta
            numbers = self.site_groups[site][item.group]
            numbers[item.un_number] = numbers.get(item.un_number, 0) + delta
            if not numbers[item.un_number]:
                del numbers[item.un_number]


HANDLERS = {kind: getattr(Ledger, f"_{kind}") for kind in KINDS}  # movement kind -> its rule
