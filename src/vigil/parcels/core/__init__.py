"""Pure declared-contents classification (no web framework, no database)."""
from .classifier import CATEGORIES, Classification, Classifier, default_catalogue, normalise  # noqa: F401
