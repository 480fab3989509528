"""Pure screening core (no web framework / database imports)."""
from . import native as _native

_native.use_sources_if_stale(__name__)  # a compiled build older than its sources is never used

from .importers import (  # noqa: E402,F401
    Entry, Identifier, ImportResult, ListFormatError, RowError, diff_lists, load_csv, load_csv_result,
    load_ftm, load_ftm_result, load_list, load_list_spec, load_ofac, load_un,
)
from .index import DEFAULT_THRESHOLD, Match, Query, ScreeningIndex  # noqa: E402,F401
from .normalize import name_forms, normalize_name, skeleton  # noqa: E402,F401
