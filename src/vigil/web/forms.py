"""Console forms validated by the same Pydantic schemas as the API."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from vigil.platform.errors import Problem

M = TypeVar("M", bound=BaseModel)


def form_model(model: type[M], **fields) -> M:
    try:
        return model(**fields)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise Problem(422, detail, title="Please correct the form") from None
