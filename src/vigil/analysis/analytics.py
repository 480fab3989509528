"""Analytical queries on DuckDB over a Parquet snapshot of the incident history.

The operational database (SQLite or PostgreSQL) stays the system of record; DuckDB has no SQLite scanner offline
here, so the history is exported to `<data_dir>/analysis/incidents.parquet` when it changed (its stamp: row count
and highest id; rows are never updated in place, a changed response incident is replaced by a new row) and every
aggregate runs in DuckDB on that file. Times in the snapshot are naive UTC, so DuckDB's session time zone does
not shift them. `sql_counts` answers the same questions in plain SQL on the operational database (the tests
check both agree)."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.analysis.models import HistoricIncident
from vigil.platform.config import get_settings

COLUMNS = ("id", "source", "occurred_at", "precision", "type", "area", "country", "lat", "lon", "killed",
           "wounded", "priority", "dispatched_at", "on_scene_at", "cleared_at")
_lock = threading.Lock()


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None  # inclusive
    type: str | None = None
    area: str | None = None

    def where(self) -> tuple[str, list]:
        """A DuckDB WHERE clause and its parameters."""
        clauses, params = ["TRUE"], []
        if self.start:
            clauses.append("occurred_at >= ?")
            params.append(self.start)
        if self.end:
            clauses.append("occurred_at < ?")
            params.append(self.end + timedelta(days=1))
        if self.type:
            clauses.append("type = ?")
            params.append(self.type)
        if self.area:
            clauses.append("area = ?")
            params.append(self.area)
        return " AND ".join(clauses), params

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "type": self.type, "area": self.area}


def snapshot_dir() -> Path:
    path = get_settings().ensure_data_dir() / "analysis"
    path.mkdir(exist_ok=True)
    return path


def snapshot(session: Session) -> Path:
    """The Parquet snapshot of the history, exported again when the table changed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    count, top = session.execute(select(func.count(), func.max(HistoricIncident.id))).one()
    stamp = f"{session.get_bind().url.render_as_string(hide_password=True)}|{count}:{top}"
    folder = snapshot_dir()
    target, stamp_file = folder / "incidents.parquet", folder / "incidents.stamp"
    with _lock:
        if target.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
            return target
        cols = [getattr(HistoricIncident, c) for c in COLUMNS]
        data: dict[str, list] = {c: [] for c in COLUMNS}
        for row in session.execute(select(*cols).execution_options(yield_per=20_000)):
            for name, value in zip(COLUMNS, row):
                if hasattr(value, "tzinfo") and value is not None and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)  # naive UTC (see the module's note)
                data[name].append(value)
        table = pa.table(data, schema=_pa_schema())
        types, type_ids = _encode(table["type"])
        areas, area_ids = _encode(table["area"])
        table = table.append_column("month", month_key(table["occurred_at"], table["precision"]))
        table = table.append_column("type_id", type_ids).append_column("area_id", area_ids)
        part = target.with_suffix(".part")
        pq.write_table(table, part)
        write_keys(target, types, areas)
        part.replace(target)
        stamp_file.write_text(stamp)
    return target


def _pa_schema():
    import pyarrow as pa

    return pa.schema([("id", pa.int64()), ("source", pa.string()), ("occurred_at", pa.timestamp("us")),
                      ("precision", pa.string()), ("type", pa.string()), ("area", pa.string()),
                      ("country", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
                      ("killed", pa.int64()), ("wounded", pa.int64()), ("priority", pa.string()),
                      ("dispatched_at", pa.timestamp("us")), ("on_scene_at", pa.timestamp("us")),
                      ("cleared_at", pa.timestamp("us"))])


# ---- grouping keys: monthly counts group by three small integers, not by a timestamp and two strings (at 10M
# rows that halves the work); the names come back from two small side files when the groups are formatted.

def _encode(column):
    """(distinct names, int32 index of each row's name)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column).combine_chunks()
    return encoded.dictionary.to_pylist(), encoded.indices.cast(pa.int32())


def month_key(occurred_at, precision):
    """yyyymm as an int32, null where only the year is known."""
    import pyarrow as pa
    import pyarrow.compute as pc

    key = pc.add(pc.multiply(pc.year(occurred_at), 100), pc.month(occurred_at)).cast(pa.int32())
    return pc.if_else(pc.equal(precision, "year"), pa.scalar(None, pa.int32()), key)


def write_keys(target: Path, types: list[str], areas: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, values in (("types", types), ("areas", areas)):
        pq.write_table(pa.table({"id": pa.array(range(len(values)), pa.int32()), "name": pa.array(values)}),
                       _side(target, name))


def _side(target: Path, name: str) -> Path:
    return Path(target).with_name(f"{Path(target).stem}.{name}.parquet")


def connect(parquet: Path | str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW incidents AS SELECT * FROM read_parquet('{Path(parquet).as_posix()}')")
    for name in ("types", "areas"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_side(Path(parquet), name).as_posix()}')")
    return con


def _rows(con, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def monthly_counts(con, filters: Filters = Filters()) -> list[dict]:
    """Incidents per calendar month, type and area (the benchmark's query): grouped by the integer keys, named and
    formatted afterwards (57,600 groups instead of 10M rows)."""
    where, params = filters.where()
    return _rows(con, f"""WITH g AS (SELECT month, type_id, area_id, count(*) AS incidents FROM incidents
                                      WHERE {where} AND month IS NOT NULL GROUP BY ALL)
                          SELECT printf('%04d-%02d', g.month // 100, g.month % 100) AS month, t.name AS type,
                                 a.name AS area, g.incidents
                          FROM g JOIN types t ON t.id = g.type_id JOIN areas a ON a.id = g.area_id
                          ORDER BY month, type, area""", params)


def statistics(con, filters: Filters = Filters()) -> dict:
    """Every figure the dashboard and the API show, for one set of filters."""
    where, params = filters.where()
    one = con.execute(f"""SELECT count(*), count(lat), sum(killed), sum(wounded), min(occurred_at),
                                 max(occurred_at), count(DISTINCT strftime(occurred_at, '%Y-%m')),
                                 median(date_diff('second', occurred_at, on_scene_at)) / 60.0
                          FROM incidents WHERE {where}""",
                      params).fetchone()
    total, located, killed, wounded, first, last, months, to_scene = one
    months = max(months or 0, 1)
    by = {
        "type": _rows(con, f"""SELECT type AS key, count(*) AS incidents, sum(killed) AS killed,
                                  sum(wounded) AS wounded FROM incidents WHERE {where}
                               GROUP BY type ORDER BY incidents DESC, key""", params),
        "area": _rows(con, f"""SELECT area AS key, count(*) AS incidents, round(count(*) / {months}.0, 2)
                                  AS per_month, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS share_pct
                               FROM incidents WHERE {where} GROUP BY area ORDER BY incidents DESC, key""", params),
        "hour": _rows(con, f"""SELECT hour(occurred_at) AS key, count(*) AS incidents FROM incidents
                               WHERE {where} AND precision = 'time' GROUP BY key ORDER BY key""", params),
        "weekday": _rows(con, f"""SELECT isodow(occurred_at) AS key, count(*) AS incidents FROM incidents
                                  WHERE {where} AND precision IN ('time', 'day') GROUP BY key ORDER BY key""",
                         params),
        "month": _rows(con, f"""SELECT month(occurred_at) AS key, count(*) AS incidents FROM incidents
                                WHERE {where} AND precision <> 'year' GROUP BY key ORDER BY key""", params),
        "trend": _rows(con, f"""SELECT strftime(occurred_at, '%Y-%m') AS key, count(*) AS incidents
                                FROM incidents WHERE {where} AND precision <> 'year'
                                GROUP BY key ORDER BY key""", params),
    }
    for row in by["weekday"]:
        row["key"] = WEEKDAYS[row["key"] - 1]
    years = _rows(con, f"""SELECT year(occurred_at) AS year, count(*) AS incidents FROM incidents
                           WHERE {where} GROUP BY year ORDER BY year""", params)
    for previous, current in zip(years, years[1:]):
        base = previous["incidents"]
        current["change_pct"] = round(100.0 * (current["incidents"] - base) / base, 1) if base else None
    if years:
        years[0]["change_pct"] = None
    return {"filters": filters.as_dict(), "total": total, "located": located, "killed": killed or 0,
            "wounded": wounded or 0, "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "median_minutes_to_scene": round(to_scene, 1) if to_scene is not None else None,
            "by": by, "years": years}


def choices(con) -> dict[str, list[str]]:
    return {"types": [r[0] for r in con.execute("SELECT DISTINCT type FROM incidents ORDER BY 1").fetchall()],
            "areas": [r[0] for r in con.execute("SELECT DISTINCT area FROM incidents WHERE area <> '' "
                                                "ORDER BY 1").fetchall()]}


def points(con, filters: Filters = Filters()):
    """(lat, lon, day number) numpy arrays of the located incidents."""
    import numpy as np

    where, params = filters.where()
    arrays = con.execute(f"""SELECT lat, lon, epoch(occurred_at) / 86400.0 AS day FROM incidents
                             WHERE {where} AND lat IS NOT NULL""", params).fetchnumpy()
    return (np.asarray(arrays["lat"], dtype=float), np.asarray(arrays["lon"], dtype=float),
            np.asarray(arrays["day"], dtype=float))


def grid_counts(con, filters: Filters = Filters(), cell_m: float = 1000.0):
    """(grid, counts per cell) of the located incidents, binned inside DuckDB: only the cells' counts leave it,
    not millions of points. None when no incident is located."""
    import numpy as np

    from vigil.analysis.core import spatial

    where, params = filters.where()
    located = f"FROM incidents WHERE {where} AND lat IS NOT NULL"
    south, north, west, east = con.execute(f"SELECT min(lat), max(lat), min(lon), max(lon) {located}",
                                           params).fetchone()
    if south is None:
        return None
    grid = spatial.grid_for(np.array([south, north]), np.array([west, east]), cell_m)
    per_lon = grid.cell_m / grid.m_per_deg_lon
    per_lat = grid.cell_m / spatial.EARTH_M_PER_DEG_LAT
    cells = con.execute(f"""SELECT least(floor((lat - {grid.lat0!r}) / {per_lat!r}), {grid.ny - 1})::BIGINT
                                   * {grid.nx} + least(floor((lon - {grid.lon0!r}) / {per_lon!r}),
                                   {grid.nx - 1})::BIGINT AS cell, count(*) AS n
                            {located} GROUP BY cell""", params).fetchnumpy()
    counts = np.zeros(grid.nx * grid.ny)
    counts[np.asarray(cells["cell"], dtype=np.int64)] = np.asarray(cells["n"], dtype=float)
    return grid, counts.reshape(grid.ny, grid.nx)


def dumps(value) -> str:
    return json.dumps(value, default=str)


# ---- the same answers in plain SQL on the operational database (PostgreSQL or SQLite) ------------------------

def _utc(session: Session, column):
    return func.timezone("UTC", column) if session.get_bind().dialect.name == "postgresql" else column


def sql_counts(session: Session, key: str) -> dict:
    """Counts by `type`, `area` or `year-month` straight from the database, for cross-checking DuckDB."""
    if key == "year-month":
        when = _utc(session, HistoricIncident.occurred_at)
        year, month = func.extract("year", when), func.extract("month", when)
        rows = session.execute(select(year, month, func.count()).where(HistoricIncident.precision != "year")
                               .group_by(year, month)).all()
        return {f"{int(y):04d}-{int(m):02d}": n for y, m, n in rows}
    column = getattr(HistoricIncident, key)
    return dict(session.execute(select(column, func.count()).group_by(column)).all())
