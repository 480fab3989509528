"""The catalogue in force: the shipped file until an admin edits it, then the newest version in the database."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vigil.parcels.core.classifier import CATEGORIES, Classifier, default_catalogue, load_catalogue_file

_lock = threading.Lock()
_cached: tuple[int | None, Classifier] | None = None


def newest_version(session: Session):
    from vigil.parcels.models import CatalogueVersion

    return session.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1)).first()


def classifier_for(session: Session) -> Classifier:
    """Rebuilt only when a new version appears (one cheap query per call)."""
    global _cached
    from vigil.parcels.models import CatalogueVersion

    newest = session.scalar(select(func.max(CatalogueVersion.id)))
    with _lock:
        if _cached is None or _cached[0] != newest:
            if newest is None:
                built = default_catalogue()
            else:
                built = Classifier(json.loads(session.get(CatalogueVersion, newest).data))
            _cached = (newest, built)
        return _cached[1]


def current_classifier() -> Classifier:
    """For the CLI: the database's catalogue when there is a database with one, else the shipped file."""
    try:
        from vigil.platform.database import session_scope

        with session_scope() as db:
            return classifier_for(db)
    except SQLAlchemyError:
        return default_catalogue()


def validate_catalogue(data: dict) -> list[str]:
    """What is wrong with an edited catalogue (empty list: fine)."""
    problems = []
    cats = data.get("categories")
    if not isinstance(cats, dict) or set(cats) != set(CATEGORIES):
        problems.append(f"categories must be exactly: {', '.join(CATEGORIES)}")
    else:
        for name, spec in cats.items():
            for lang in ("en", "zh", "pinyin"):
                terms = spec.get(lang, [])
                if not isinstance(terms, list) or not all(isinstance(t, str) and 0 < len(t) <= 100 for t in terms):
                    problems.append(f"{name}.{lang} must be a list of terms of 1-100 characters")
    un = data.get("un_numbers", {})
    if not isinstance(un, dict) or any(not (isinstance(k, str) and k.isdigit() and len(k) == 4) or v not in CATEGORIES
                                       for k, v in un.items()):
        problems.append("un_numbers maps four-digit UN numbers to a category")
    excl = data.get("exclusions", {})
    if not isinstance(excl, dict) or any(not isinstance(v, list) for v in excl.values()):
        problems.append("exclusions maps en/zh/pinyin to lists of look-alike terms")
    return problems


__all__ = ["classifier_for", "current_classifier", "load_catalogue_file", "validate_catalogue", "newest_version"]
