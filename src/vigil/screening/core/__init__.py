"""Pure screening core (no web framework / database imports)."""
from .importers import (  # noqa: F401
    Entry, Identifier, ImportResult, ListFormatError, RowError, diff_lists, load_csv, load_csv_result,
    load_ftm, load_ftm_result, load_list, load_list_spec, load_ofac, load_un,
)
from .index import DEFAULT_THRESHOLD, Match, Query, ScreeningIndex  # noqa: F401
from .normalize import name_forms, normalize_name, skeleton  # noqa: F401
