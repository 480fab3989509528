"""The compiled matcher (mypyc, scripts/build_native.py): built and used by setup, identical in results to its Python
source, and never used once it is older than the source."""

from __future__ import annotations

import shutil
import subprocess
import sys

from faker import Faker

from tests.conftest import REPO
from vigil.screening.core import native


def test_setup_builds_the_compiled_matcher_and_it_is_used():
    assert native.built_files(), "scripts/setup.sh builds it (scripts/build_native.py)"
    assert native.build_is_current() and native.compiled()


def test_compiled_and_source_matchers_give_identical_results(full_index, source_index, un_entries):
    assert type(full_index) is not type(source_index)
    queries = ["Usama bin Ladin", "Kim Jong Un", "习近平", "Tropicana GmbH", "S. DE R.L. DE C.V.", "pjurnaghshbad"]
    queries += [n for e in un_entries[:80] for n in (e.name, *e.aliases[:1], *e.original_script_names[:1])]
    for i, locale in enumerate(("en_US", "de_DE", "ru_RU", "zh_CN", "ko_KR", "ar_AA", "fa_IR", "tr_TR")):
        fake = Faker(locale)
        fake.seed_instance(900 + i)
        queries += [fake.name() for _ in range(25)]

    def results(ix):
        return [[(m.source, m.source_id, m.score, m.name, m.explanation) for m in ix.search(q, 0.0, 20)]
                for q in queries]

    compiled, source = results(full_index), results(source_index)
    assert compiled == source and sum(map(len, compiled)) > 300


def _compiled_flag(src, **env) -> subprocess.CompletedProcess:
    code = ("import warnings; warnings.simplefilter('always'); import vigil.screening.core; "
            "from vigil.screening.core import native; print(native.compiled())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", **env})


def test_a_build_older_than_its_sources_is_not_used(tmp_path):
    shutil.copytree(REPO / "src" / "vigil", tmp_path / "vigil", ignore=shutil.ignore_patterns("__pycache__"))
    assert _compiled_flag(tmp_path).stdout.strip() == "True"
    with (tmp_path / "vigil" / "screening" / "core" / "index.py").open("a") as fh:
        fh.write("\n# edited after the build\n")
    stale = _compiled_flag(tmp_path)
    assert stale.stdout.strip() == "False" and "older than its sources" in stale.stderr
    forced = _compiled_flag(REPO / "src", VIGIL_PURE_PYTHON="1")
    assert forced.stdout.strip() == "False" and "older" not in forced.stderr


def test_a_pickled_index_keeps_everything_a_build_makes():
    """ScreeningIndex pickles the attributes named in _PERSISTENT (a compiled class has no __dict__ to copy):
    every other attribute must be a cache, empty right after a build, so a structure added to the build but not to
    that list fails here instead of vanishing from the CLI's cached index."""
    from vigil.screening import Entry

    source = native.load_source("index")
    ix = source.ScreeningIndex.build([Entry("custom", "p1", "person", "Saif Kazim", aliases=("سيف كاظم",)),
                                      Entry("custom", "o1", "organization", "Tropicana Tours GmbH")])
    caches = {name: value for name, value in vars(ix).items() if name not in source._PERSISTENT}
    assert caches and all(not value for value in caches.values()), caches
    assert all(getattr(ix, name) for name in source._PERSISTENT if name != "id_index")
