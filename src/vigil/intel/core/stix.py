"""STIX 2.0 -> 2.1 upgrade, validation, TLP markings and timestamps. Pure: no web or database imports."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any

import stix2
from stix2.exceptions import STIXError

# --- TLP -----------------------------------------------------------------------------------------------------------
TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
TLP_RANK = {name: rank for rank, name in enumerate(TLP_LEVELS)}

# TLP 2.0 marking definitions (OASIS TLP 2.0 extension) and TLP 1.0 definitions of STIX 2.0/2.1.
TLP2_IDS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR",
    "marking-definition--bab4a63c-beff-4e6b-a4f3-2b5a0da87b8f": "GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
}
TLP1_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR",  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
}
TLP_IDS = {**TLP2_IDS, **TLP1_IDS}
TLP_MARKING_ID = {level: mid for mid, level in TLP2_IDS.items()}


def normalise_tlp(value: str | None) -> str:
    text = (value or "").strip().upper().removeprefix("TLP:")
    if text == "WHITE":
        text = "CLEAR"
    if text not in TLP_RANK:
        raise ValueError(f"unknown TLP level {value!r}; use one of {', '.join(TLP_LEVELS)}")
    return text


def tlp_of(obj: dict[str, Any], default: str) -> str:
    """The most restrictive TLP among the object's markings (object and granular), else ``default``."""
    refs = list(obj.get("object_marking_refs") or [])
    for gm in obj.get("granular_markings") or []:
        if isinstance(gm, dict) and gm.get("marking_ref"):
            refs.append(gm["marking_ref"])
    levels = [TLP_IDS[r] for r in refs if r in TLP_IDS]
    if obj.get("type") == "marking-definition" and obj.get("id") in TLP_IDS:
        return "CLEAR"  # the definitions themselves are public
    if not levels:
        return default
    return max(levels, key=TLP_RANK.__getitem__)


def has_tlp_marking(obj: dict[str, Any]) -> bool:
    """Whether the object carries a TLP marking (2.0 or 1.0 definition; object or granular)."""
    refs = list(obj.get("object_marking_refs") or [])
    for gm in obj.get("granular_markings") or []:
        if isinstance(gm, dict) and gm.get("marking_ref"):
            refs.append(gm["marking_ref"])
    return any(isinstance(r, str) and r in TLP_IDS for r in refs)


def add_tlp_marking(obj: dict[str, Any], level: str) -> bool:
    """Give an object without a TLP marking the TLP 2.0 marking-definition of ``level`` (the level it is stored
    at, e.g. the collection default), so every exported or TAXII copy carries it. Objects that already carry a
    TLP marking, and the TLP marking definitions themselves, are left as they are. True when a ref was added."""
    if obj.get("type") == "marking-definition" and obj.get("id") in TLP_IDS:
        return False
    if has_tlp_marking(obj):
        return False
    refs = obj.get("object_marking_refs")
    obj["object_marking_refs"] = (list(refs) if isinstance(refs, list) else []) + [TLP_MARKING_ID[level]]
    return True


# --- types ---------------------------------------------------------------------------------------------------------
SDO_SRO = {
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
    "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
    "opinion", "report", "threat-actor", "tool", "vulnerability", "relationship", "sighting", "marking-definition",
    "language-content", "extension-definition",
}
SCO = {
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file",
    "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software", "url",
    "user-account", "windows-registry-key", "x509-certificate",
}
KNOWN_TYPES = SDO_SRO | SCO
VIGIL_CUSTOM = {
    "x-vigil-vehicle": ("name",),
    "x-vigil-phone-number": ("value",),
    "x-vigil-travel-document": ("document_number",),
}
ID_RE = re.compile(r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
TS_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$")

# Refs that must resolve for the graph to stay consistent (source/target of SROs).
REQUIRED_REFS = {
    "relationship": ("source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
}


def is_custom_type(t: str) -> bool:
    return t.startswith("x-")


def parse_timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be a string, got {value!r}")
    m = TS_RE.match(value)
    if not m:
        raise ValueError(f"invalid timestamp {value!r} (expected YYYY-MM-DDTHH:MM:SS[.s+]Z)")
    frac = (m.group(2) or ".0")[1:7].ljust(6, "0")
    return datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(microsecond=int(frac), tzinfo=timezone.utc)


def format_timestamp(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_timestamp() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def agency_identity_id(agency_code: str) -> str:
    return "identity--" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://vigil.invalid/agency/{agency_code}"))


# --- 2.0 -> 2.1 ----------------------------------------------------------------------------------------------------
_LABEL_TO_VOCAB = {"malware": "malware_types", "tool": "tool_types", "threat-actor": "threat_actor_types",
                   "indicator": "indicator_types", "report": "report_types", "infrastructure": "infrastructure_types"}


def upgrade_object(obj: dict[str, Any]) -> dict[str, Any]:
    """Return a STIX 2.1 copy of a 2.0 (or 2.1) object. Objects already at 2.1 are returned unchanged."""
    if not isinstance(obj, dict):
        return obj
    if obj.get("spec_version") == "2.1":
        return obj
    out = dict(obj)
    t = out.get("type", "")
    if t in SCO:
        return out  # 2.0 had no top-level SCOs; leave for validation to judge
    out["spec_version"] = "2.1"
    if t in _LABEL_TO_VOCAB and "labels" in out and _LABEL_TO_VOCAB[t] not in out:
        out[_LABEL_TO_VOCAB[t]] = list(out["labels"])
    if t == "malware":
        out.setdefault("is_family", True)
    if t == "identity":
        out.setdefault("identity_class", "unknown")
    if t == "indicator":
        out.setdefault("pattern_type", "stix")
        out.setdefault("valid_from", out.get("created"))
    if t == "marking-definition":
        out.pop("modified", None)
    return out


def upgrade_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in bundle.items() if k != "spec_version"}
    out["objects"] = [upgrade_object(o) for o in bundle.get("objects") or []]
    return out


# --- validation ----------------------------------------------------------------------------------------------------
def _check_common(obj: dict[str, Any]) -> list[str]:
    errors = []
    t = obj.get("type")
    oid = obj.get("id")
    if not isinstance(t, str) or not t:
        return ["missing required property 'type'"]
    if not isinstance(oid, str) or not ID_RE.match(oid):
        errors.append(f"invalid or missing identifier {oid!r} (expected {t}--<uuid>)")
    elif oid.split("--", 1)[0] != t:
        errors.append(f"identifier {oid} does not match type {t}")
    if t in SCO:
        return errors
    if obj.get("spec_version") != "2.1":
        errors.append("spec_version must be '2.1'")
    for prop in ("created", "modified") if t != "marking-definition" else ("created",):
        if prop not in obj:
            errors.append(f"missing required property '{prop}'")
        else:
            try:
                parse_timestamp(obj[prop])
            except ValueError as exc:
                errors.append(f"{prop}: {exc}")
    return errors


def validate_object(obj: Any) -> list[str]:
    """Validation messages for one STIX 2.1 object (empty when valid)."""
    if not isinstance(obj, dict):
        return ["each object must be a JSON object"]
    t = obj.get("type")
    if isinstance(t, str) and t not in KNOWN_TYPES and not is_custom_type(t):
        return [f"unknown STIX type {t!r} (custom types must start with 'x-')"]
    errors = _check_common(obj)
    if errors:
        return errors
    if is_custom_type(t):
        for prop in VIGIL_CUSTOM.get(t, ()):
            if not obj.get(prop):
                errors.append(f"missing required property '{prop}' for {t}")
        for key in obj:
            if not re.match(r"^[a-z0-9_]{1,250}$", key):
                errors.append(f"invalid property name {key!r}")
        return errors
    try:
        stix2.parse(obj, allow_custom=True, version="2.1")
    except (STIXError, ValueError, TypeError, KeyError) as exc:
        errors.append(str(exc))
    except Exception as exc:  # the library raises a few odd types on garbage input
        errors.append(f"{type(exc).__name__}: {exc}")
    return errors


def refs_of(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, referenced id) pairs used by the graph: *_ref and *_refs except markings/creator."""
    out: list[tuple[str, str]] = []
    for key, value in obj.items():
        if key in ("created_by_ref", "object_marking_refs"):
            continue
        if key.endswith("_ref") and isinstance(value, str):
            out.append((key, value))
        elif key.endswith("_refs") and isinstance(value, list):
            out.extend((key, v) for v in value if isinstance(v, str))
    return out


def display_name(obj: dict[str, Any]) -> str:
    for key in ("name", "value", "document_number", "registration", "pattern", "abstract", "content",
                "relationship_type"):
        v = obj.get(key)
        if isinstance(v, str) and v:
            return v[:300]
    return obj.get("id", "")[:300]


def search_text(obj: dict[str, Any]) -> str:
    parts = []
    for key in ("name", "description", "aliases", "labels", "value", "document_number", "registration", "pattern",
                "abstract", "content", "explanation", "x_mitre_aliases", "first_name", "last_name", "phone_number",
                "roles", "sectors", "country", "city"):
        v = obj.get(key)
        if isinstance(v, str):
            parts.append(v)
        elif isinstance(v, list):
            parts.extend(str(x) for x in v if isinstance(x, (str, int)))
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and ref.get("external_id"):
            parts.append(str(ref["external_id"]))
    return " ".join(parts)[:20000].lower()
