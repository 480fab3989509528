"""Integer path ids match only digits: `/api/v1/sites/import` must not reach `PUT /api/v1/sites/{site_id}` and fail
validation (422); with an `int` convertor it matches no route of that method and answers 405 with its Allow."""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import compile_path


def int_path_convertors(router: APIRouter) -> None:
    """Rewrite a router's routes before it is included (the app builds its own routes from theirs)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        ints = {p.name for p in route.dependant.path_params if p.field_info.annotation is int}
        if not ints:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: f"{{{m.group(1)}:int}}" if m.group(1) in ints else m.group(0),
                      route.path)
        route.path = path
        route.path_regex, route.path_format, route.param_convertors = compile_path(path)


def served_routes(app) -> list[tuple[str, frozenset[str]]]:
    """(path, methods) of every route the app serves, included routers flattened: FastAPI keeps an included router
    as one entry of ``app.routes`` (its routes are resolved on first use), so a walk over ``app.routes`` alone
    would see only the app's own."""
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            out += [(c.path, frozenset(c.methods or ())) for c in contexts()]
        elif getattr(route, "path", None):
            out.append((route.path, frozenset(getattr(route, "methods", None) or ())))
    return out
