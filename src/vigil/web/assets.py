"""Front-end assets from installed packages (npm's node_modules), never a CDN or copied files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

# url path under /static/vendor -> folder inside node_modules
VENDOR = {
    "htmx": "htmx.org/dist",
    "cytoscape": "cytoscape/dist",
    "leaflet": "leaflet/dist",            # maps: web/templates/_map.html
    "plotly": "plotly.js-dist-min",       # charts: web/templates/_chart.html
}


def node_modules() -> Path:
    return Path(os.environ.get("VIGIL_NODE_MODULES", REPO_ROOT / "node_modules"))


def vendor_dirs() -> dict[str, Path]:
    base = node_modules()
    return {name: base / sub for name, sub in VENDOR.items() if (base / sub).is_dir()}
