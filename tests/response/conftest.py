from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA


@pytest.fixture(scope="session")
def oakland(tmp_path_factory):
    from vigil.response.core.graph import load_graph

    return load_graph(SHARED_DATA / "osm" / "West-Oakland.osm.bz2", tmp_path_factory.mktemp("graph-cache"))


@pytest.fixture(scope="session")
def andorra(tmp_path_factory):
    from vigil.response.core.graph import load_graph

    return load_graph(SHARED_DATA / "osm" / "andorra-latest.osm.pbf", tmp_path_factory.mktemp("graph-cache"))


def osm_path(name: str) -> Path:
    return SHARED_DATA / "osm" / name
