"""Synthetic incident histories around Andorra (made up with a seeded generator: no real events).

Used by the demo, the tests and `vigil analysis sample`: the GTD-layout file follows the codebook's column names;
both files end with a few deliberately bad rows (absurd coordinates, a missing year, a bad date) so imports show
their per-row errors."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import numpy as np

# Parish centres (approximate) and a weight: most incidents happen in the capital.
PLACES = [("Andorra la Vella", 42.5063, 1.5218, 0.32), ("Escaldes-Engordany", 42.5097, 1.5386, 0.22),
          ("Encamp", 42.5343, 1.5803, 0.12), ("Sant Julia de Loria", 42.4637, 1.4913, 0.1),
          ("La Massana", 42.5450, 1.5148, 0.1), ("Ordino", 42.5563, 1.5332, 0.07), ("Canillo", 42.5670, 1.5977, 0.07)]
TYPES = [("Theft", 0.35), ("Burglary", 0.15), ("Assault", 0.12), ("Vandalism", 0.13), ("Traffic collision", 0.15),
         ("Drugs", 0.1)]
GTD_TYPES = ["Bombing/Explosion", "Armed Assault", "Facility/Infrastructure Attack", "Hostage Taking (Kidnapping)"]


def incidents(n: int, end: datetime, seed: int = 7, years: float = 2.0) -> list[dict]:
    """`n` incidents over the `years` before `end`; a tight cluster in central Andorra la Vella (a hotspot)."""
    rng = np.random.default_rng(seed)
    weights = np.array([p[3] for p in PLACES])
    place = rng.choice(len(PLACES), size=n, p=weights / weights.sum())
    kind = rng.choice(len(TYPES), size=n, p=np.array([t[1] for t in TYPES]))
    spread = np.where(rng.random(n) < 0.25, 0.0015, 0.008)  # a quarter in the central cluster
    lat = np.array([PLACES[i][1] for i in place]) + rng.normal(0, 1, n) * spread
    lon = np.array([PLACES[i][2] for i in place]) + rng.normal(0, 1, n) * spread * 1.3
    seconds = rng.uniform(0, years * 365 * 86400, n)
    evening = rng.random(n) < 0.4  # more in the evening
    rows = []
    for i in range(n):
        when = end - timedelta(seconds=float(seconds[i]))
        if evening[i]:
            when = when.replace(hour=int(rng.integers(18, 24)))
        rows.append({"source_ref": f"demo-{seed}-{i}", "occurred_at": when, "precision": "time",
                     "type": TYPES[kind[i]][0], "area": PLACES[place[i]][0], "country": "Andorra",
                     "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
                     "killed": 0 if TYPES[kind[i]][0] != "Assault" else int(rng.random() < 0.01),
                     "wounded": int(rng.poisson(0.3)) if TYPES[kind[i]][0] in ("Assault", "Traffic collision")
                     else 0, "summary": "", "detail": {}})
    return rows


def gtd_csv(n: int, seed: int = 11) -> str:
    from vigil.analysis.core.importers import GTD_COLUMNS

    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(GTD_COLUMNS) + ["region_txt", "extended"])
    for i in range(n):
        place = PLACES[int(rng.integers(len(PLACES)))]
        month = int(rng.integers(0, 13)) if rng.random() < 0.05 else int(rng.integers(1, 13))
        day = 0 if rng.random() < 0.1 else int(rng.integers(1, 29))
        writer.writerow([f"19{70 + i % 30}{i:08d}", 1990 + i % 30, month, day, "Andorra", "Andorra", place[0],
                         round(place[1] + rng.normal(0, 0.01), 6), round(place[2] + rng.normal(0, 0.01), 6),
                         GTD_TYPES[i % len(GTD_TYPES)], "Business", "Explosives", int(rng.poisson(0.5)),
                         int(rng.poisson(1.5)), "Unknown", f"Synthetic event {i}", "Western Europe", 0])
    writer.writerow(["bad-1", 2001, 5, 3, "Andorra", "", "Encamp", 95.0, 1.5, "Armed Assault", "", "", 0, 0, "",
                     "", "", ""])
    writer.writerow(["bad-2", "", 5, 3, "Andorra", "", "Encamp", 42.5, 1.5, "Armed Assault", "", "", 0, 0, "", "",
                     "", ""])
    return out.getvalue()


def generic_csv(n: int, seed: int = 13) -> str:
    end = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "date", "type", "lat", "lon", "area", "casualties", "summary"])
    for row in incidents(n, end, seed):
        writer.writerow([row["source_ref"], row["occurred_at"].strftime("%Y-%m-%dT%H:%M:%SZ"), row["type"],
                         row["lat"], row["lon"], row["area"], row["wounded"], "synthetic"])
    writer.writerow(["bad-a", "2025-02-30", "Theft", 42.5, 1.52, "Encamp", 0, ""])
    writer.writerow(["bad-b", "2025-03-01", "Theft", 42.5, 181.0, "Encamp", 0, ""])
    writer.writerow(["bad-c", "2025-03-01", "", 42.5, 1.5, "Encamp", 0, ""])
    return out.getvalue()
