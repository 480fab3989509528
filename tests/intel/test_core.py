"""Pure helpers: 2.0 -> 2.1 upgrade, validation messages, TLP parsing."""

from __future__ import annotations

import pytest

from vigil.intel.core import stix as core

TS = "2024-01-01T00:00:00.000Z"


def test_ics_bundle_upgrades_and_validates(ics_bundle):
    assert ics_bundle.get("spec_version") == "2.0"
    up = core.upgrade_bundle(ics_bundle)
    assert "spec_version" not in up and len(up["objects"]) == 1825
    assert all(o["spec_version"] == "2.1" for o in up["objects"])
    assert all(o["is_family"] is True for o in up["objects"] if o["type"] == "malware")
    assert [e for o in up["objects"] for e in core.validate_object(o)] == []


def test_invalid_objects_have_library_messages():
    assert "unknown STIX type" in core.validate_object({"type": "spaceship", "id": "spaceship--x"})[0]
    bad_id = core.validate_object({"type": "malware", "id": "malware--nope", "spec_version": "2.1",
                                   "created": TS, "modified": TS, "name": "x", "is_family": True})
    assert "invalid or missing identifier" in bad_id[0]
    missing = core.validate_object({"type": "malware", "id": "malware--0d6d1c6a-1111-4f00-9a00-000000000001",
                                    "spec_version": "2.1", "created": TS, "modified": TS, "name": "x"})
    assert missing and "is_family" in missing[0]
    vehicle = core.validate_object({"type": "x-vigil-vehicle", "id": "x-vigil-vehicle--0d6d1c6a-1111-4f00-9a00-"
                                    "000000000001", "spec_version": "2.1", "created": TS, "modified": TS})
    assert "name" in vehicle[0]


@pytest.mark.parametrize("refs, level", [
    ([], "AMBER"),
    (["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"], "CLEAR"),
    (["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"], "GREEN"),
    (["marking-definition--bab4a63c-beff-4e6b-a4f3-2b5a0da87b8f",
      "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"], "AMBER+STRICT"),
    (["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"], "RED"),
    (["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"], "RED"),
])
def test_tlp_of(refs, level):
    assert core.tlp_of({"type": "report", "object_marking_refs": refs}, "AMBER") == level


def test_normalise_tlp():
    assert core.normalise_tlp("tlp:white") == "CLEAR"
    assert core.normalise_tlp("amber+strict") == "AMBER+STRICT"
    with pytest.raises(ValueError):
        core.normalise_tlp("purple")
