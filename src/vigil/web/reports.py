"""PDF reports from the console's templates (WeasyPrint), shared by every capability.

`render_pdf("risk/event_report.html", {...})` renders a Jinja template (capabilities register their template
folders as for pages) to HTML and then to PDF bytes. Reports are self-contained: no network fetches (WeasyPrint is
given a URL fetcher that refuses everything but `data:` URLs), so maps in a report are inline SVG
(`svg_map` draws GeoJSON without tiles)."""

from __future__ import annotations

import html
from typing import Any

from vigil.web.templating import templates


def _offline_fetcher(url: str, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"reports fetch nothing from the network ({url[:40]})")


def render_html(template: str, context: dict[str, Any]) -> str:
    return templates.env.get_template(template).render(**context)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(template, context), url_fetcher=_offline_fetcher).write_pdf()


def pdf_text(data: bytes) -> str:
    """The text of a PDF (tests read a report back with it)."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def svg_map(features: list[dict], width: int = 640, height: int = 400) -> str:
    """A plain SVG drawing of GeoJSON features (points, lines, polygons) in an equirectangular projection fitted
    to their bounds: a map for a PDF, without tiles. Properties `color` and `label` are used."""
    coords = [pt for f in features for pt in _points(f.get("geometry") or {})]
    if not coords:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span_x, span_y = max(east - west, 1e-6), max(north - south, 1e-6)
    scale = min((width - 20) / span_x, (height - 20) / span_y)

    def xy(pt):
        return 10 + (pt[0] - west) * scale, height - 10 - (pt[1] - south) * scale

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#f4f6f8"/>']
    for feature in features:
        geom, props = feature.get("geometry") or {}, feature.get("properties") or {}
        color = html.escape(str(props.get("color", "#1f5fa8")))
        for ring in _lines(geom):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, ring))
            closed = geom.get("type", "").endswith("Polygon")
            tag = "polygon" if closed else "polyline"
            fill = color if closed else "none"
            parts.append(f'<{tag} points="{path}" fill="{fill}" fill-opacity="0.3" stroke="{color}"/>')
        if geom.get("type") == "Point":
            x, y = xy(geom["coordinates"])
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>')
            if props.get("label"):
                parts.append(f'<text x="{x + 6:.1f}" y="{y + 4:.1f}" font-size="9">'
                             f'{html.escape(str(props["label"]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _lines(geom: dict) -> list[list]:
    kind, coords = geom.get("type"), geom.get("coordinates")
    if kind == "LineString":
        return [coords]
    if kind in ("Polygon", "MultiLineString"):
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    return []


def _points(geom: dict) -> list:
    if geom.get("type") == "Point":
        return [geom["coordinates"]]
    if geom.get("type") == "MultiPoint":
        return list(geom["coordinates"])
    return [pt for line in _lines(geom) for pt in line]
