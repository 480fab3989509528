"""The OpenAPI document states what the API really answers.

Every operation can answer with the platform's errors, and the document says so: problem+json (RFC 9457) on the
API, TAXII 2.1 error messages under /taxii2/. FastAPI lists only the success and its own 422 shape; this adds the
error statuses the handlers in web/errors.py produce, with their real media type, so a client generated from the
document (or schemathesis' conformance checks) sees every answer it can get."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from vigil.platform.errors import PROBLEM_JSON

TAXII_MEDIA = "application/taxii+json;version=2.1"
# Statuses any operation may answer: bad input, authentication, authorisation, unknown ids, wrong method, conflicts,
# too large, wrong media type, validation, purpose required, rate limited.
ERROR_STATUSES = (400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429)

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "description": "per-field or per-row errors: objects (loc, msg, type) or lines"},
    },
    "required": ["title", "status"],
}
TAXII_ERROR_SCHEMA = {
    "type": "object",
    "description": "TAXII 2.1 error message",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "error_id": {"type": "string"},
        "error_code": {"type": "string"},
        "http_status": {"type": "string"},
        "external_details": {"type": "string"},
        "details": {"type": "object"},
    },
    "required": ["title"],
}


def _error_responses(taxii: bool) -> dict:
    media, ref = (TAXII_MEDIA, "TaxiiError") if taxii else (PROBLEM_JSON, "Problem")
    content = {media: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    return {str(code): {"description": HTTPStatus(code).phrase, "content": content} for code in ERROR_STATUSES}


def _taxii_success(responses: dict) -> None:
    """TAXII answers in its own media type; FastAPI documents application/json."""
    for code, response in responses.items():
        content = response.get("content")
        if code.startswith("2") and content and "application/json" in content:
            content[TAXII_MEDIA] = content.pop("application/json")


# Pydantic writes a constraint it could not push into a wrapped type (an optional `Int` with ge=1) under its own
# name; JSON Schema calls these:
LEAKED_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum",
                   "min_length": "minLength", "max_length": "maxLength"}


def _keywords(node) -> None:
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number", "string"):
            for leaked, name in LEAKED_KEYWORDS.items():
                if leaked in node:
                    node[name] = node.pop(leaked)
        for value in node.values():
            _keywords(value)
    elif isinstance(node, list):
        for value in node:
            _keywords(value)


def complete(schema: dict) -> dict:
    _keywords(schema)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    components["TaxiiError"] = TAXII_ERROR_SCHEMA
    for path, item in schema.get("paths", {}).items():
        taxii = path.startswith("/taxii2")
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            _bound_integer_ids(operation)
            responses = operation.setdefault("responses", {})
            errors = _error_responses(taxii)
            for code, response in errors.items():
                responses[code] = response if code == "422" or code not in responses else _merged(responses[code],
                                                                                                  response)
            if taxii:
                _taxii_success(responses)
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return schema


# Record ids are database integers; PostgreSQL's `integer` is the narrowest store (web/errors.py turns a larger
# value into a 422 rather than a server error).
ID_MAX = 2_147_483_647


def _bound_integer_ids(operation: dict) -> None:
    for param in operation.get("parameters", []):
        schema = param.get("schema", {})
        if param.get("in") == "path" and schema.get("type") == "integer":
            schema.setdefault("maximum", ID_MAX)
            schema.setdefault("minimum", -ID_MAX)


def _merged(declared: dict, error: dict) -> dict:
    """A route that documents an error status itself keeps its description; the media type is the platform's."""
    return {"description": declared.get("description") or error["description"], "content": error["content"]}


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(title=app.title, version=app.version, routes=app.routes,
                                                      description=app.description))
        return app.openapi_schema

    app.openapi = openapi
