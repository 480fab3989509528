"""Vigil screening engine: list importers, fuzzy name matching, travel documents.

Public API::

    entries = load_list("ofac", "data/ofac") + load_list("un", "consolidated.xml")
    index = ScreeningIndex.build(entries)
    index.search(Query(name="Usama bin Ladin", dob="1957"))  # -> [Match, ...]
"""
from .core import (  # noqa: F401
    DEFAULT_THRESHOLD, Entry, Identifier, ImportResult, ListFormatError, Match, Query, RowError,
    ScreeningIndex, diff_lists, load_csv, load_csv_result, load_ftm, load_ftm_result, load_list,
    load_list_spec, load_ofac, load_un, name_forms, normalize_name,
)

try:  # travel documents (added alongside)
    from .core.mrz import MRZResult, parse_mrz  # noqa: F401
    from .core.documents import (  # noqa: F401
        LostDocument, LostDocumentIndex, load_lost_documents, normalize_doc_number, validate_cn_ric,
    )
except ImportError:  # pragma: no cover
    pass
