import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
# Spark python workers are separate processes: make the package importable there too.
import os  # noqa: E402

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")]))

DATA = REPO / "data" / "sanctions"


@pytest.fixture(scope="session")
def un_entries():
    from vigil.screening import load_un
    return load_un(DATA / "un" / "consolidated.xml")


@pytest.fixture(scope="session")
def ofac_entries():
    from vigil.screening import load_ofac
    return load_ofac(DATA / "ofac")


@pytest.fixture(scope="session")
def full_index(un_entries, ofac_entries):
    from vigil.screening import ScreeningIndex
    return ScreeningIndex.build(ofac_entries + un_entries)



@pytest.fixture
def source_index(full_index):
    """The full index as an instance of the Python-source ScreeningIndex (same data, empty caches): the methods of
    the compiled class cannot be patched."""
    from vigil.screening.core import native

    cls = native.load_source("index").ScreeningIndex
    copy = cls.__new__(cls)
    copy.__setstate__(full_index.__getstate__())
    return copy
