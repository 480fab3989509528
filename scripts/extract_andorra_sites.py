"""Regenerate src/vigil/sites/data/andorra_sites.geojson from data/osm/andorra-latest.osm.pbf (pyrosm).

    PYTHONPATH=src python scripts/extract_andorra_sites.py
Data © OpenStreetMap contributors, ODbL 1.0."""

from vigil.sites.osm import CACHED, write_cache

if __name__ == "__main__":
    print(f"{write_cache()} sites written to {CACHED}")
