"""Hotspots and near-repeat analysis on plain numpy arrays.

Coordinates are projected to metres locally (equirectangular around the data's centre): good to well under 1 % over
a city, which is all a 1 km grid needs. Gi* uses esda's G_Local (star=True) with queen contiguity from libpysal on
the grid's cells; p-values are the normal approximation (no permutations: the grid is large and the z-scores are
what the map shows). Near-repeat: Knox test, pairs close in space and time against a Monte Carlo distribution of
the same statistic with the times shuffled (seeded)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EARTH_M_PER_DEG_LAT = 110_574.0
EARTH_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Grid:
    lat0: float
    lon0: float
    cell_m: float
    nx: int
    ny: int

    @property
    def m_per_deg_lon(self) -> float:
        return EARTH_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def cell_bounds(self, ix: int, iy: int) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        west = self.lon0 + ix * self.cell_m / self.m_per_deg_lon
        south = self.lat0 + iy * self.cell_m / EARTH_M_PER_DEG_LAT
        return (west, south, west + self.cell_m / self.m_per_deg_lon, south + self.cell_m / EARTH_M_PER_DEG_LAT)


def grid_for(lat: np.ndarray, lon: np.ndarray, cell_m: float = 1000.0, max_cells: int = 250_000) -> Grid:
    """The grid covering the points, with its origin at the south-west corner."""
    south, west = float(np.min(lat)), float(np.min(lon))
    lat0 = float(np.mean([south, float(np.max(lat))]))
    m_lon = EARTH_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    nx = int((float(np.max(lon)) - west) * m_lon // cell_m) + 1
    ny = int((float(np.max(lat)) - south) * EARTH_M_PER_DEG_LAT // cell_m) + 1
    if nx * ny > max_cells:
        raise ValueError(f"{nx} x {ny} cells of {cell_m:.0f} m: narrow the area or enlarge the cells")
    return Grid(lat0=south, lon0=west, cell_m=cell_m, nx=nx, ny=ny)


def cell_index(grid: Grid, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ix = ((lon - grid.lon0) * grid.m_per_deg_lon // grid.cell_m).astype(np.int64)
    iy = ((lat - grid.lat0) * EARTH_M_PER_DEG_LAT // grid.cell_m).astype(np.int64)
    return np.clip(ix, 0, grid.nx - 1), np.clip(iy, 0, grid.ny - 1)


def counts_on_grid(grid: Grid, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Counts per cell, shape (ny, nx)."""
    ix, iy = cell_index(grid, lat, lon)
    return np.bincount(iy * grid.nx + ix, minlength=grid.nx * grid.ny).reshape(grid.ny, grid.nx).astype(float)


def kernel_density(counts: np.ndarray, bandwidth_cells: float = 1.5) -> np.ndarray:
    """Gaussian kernel density on the grid (counts smoothed, then scaled to sum to 1)."""
    from scipy.ndimage import gaussian_filter

    smooth = gaussian_filter(counts, sigma=bandwidth_cells, mode="constant")
    total = smooth.sum()
    return smooth / total if total > 0 else smooth


@dataclass(frozen=True)
class Hotspot:
    ix: int
    iy: int
    count: int
    z: float
    p: float

    @property
    def kind(self) -> str:
        return "hot" if self.z > 0 else "cold"


def getis_ord(counts: np.ndarray, alpha: float = 0.05) -> list[Hotspot]:
    """Gi* z-scores per cell (queen neighbours, the cell itself included); the cells significant at `alpha`."""
    import warnings

    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    ny, nx = counts.shape
    if nx * ny < 9 or counts.sum() == 0:
        return []
    weights = lat2W(ny, nx, rook=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = G_Local(counts.ravel(), weights, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(result.Zs, dtype=float))
    p = np.nan_to_num(np.asarray(result.p_norm, dtype=float), nan=1.0)
    flat = counts.ravel()
    return [Hotspot(int(i % nx), int(i // nx), int(flat[i]), float(z[i]), float(p[i]))
            for i in np.flatnonzero(p < alpha)]


@dataclass(frozen=True)
class KnoxResult:
    events: int
    close_pairs_space: int
    observed: int
    expected: float
    p_value: float
    simulations: int
    distance_m: float
    days: float

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected else float("nan")


def project(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat0 = float(np.mean(lat))
    x = (lon - float(np.mean(lon))) * EARTH_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    y = (lat - lat0) * EARTH_M_PER_DEG_LAT
    return np.column_stack([x, y])


def knox_test(lat: np.ndarray, lon: np.ndarray, days: np.ndarray, distance_m: float = 200.0,
              window_days: float = 14.0, simulations: int = 99, seed: int = 0) -> KnoxResult:
    """Knox statistic (pairs within `distance_m` AND `window_days`) and its Monte Carlo p-value: the times are
    permuted among the events `simulations` times; p = (1 + #simulated >= observed) / (1 + simulations)."""
    from scipy.spatial import cKDTree

    points = project(lat, lon)
    pairs = cKDTree(points).query_pairs(r=distance_m, output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]

    def close_in_time(t: np.ndarray) -> int:
        return int(np.count_nonzero(np.abs(t[first] - t[second]) <= window_days))

    observed = close_in_time(days)
    rng = np.random.default_rng(seed)
    simulated = np.array([close_in_time(rng.permutation(days)) for _ in range(simulations)])
    p_value = (1 + int(np.count_nonzero(simulated >= observed))) / (1 + simulations)
    expected = float(simulated.mean()) if simulations else float("nan")
    return KnoxResult(len(days), len(first), observed, expected, p_value, simulations, distance_m, window_days)


def warm_up() -> None:
    """Import esda and libpysal ahead of the first hotspot request: their import takes 3 s on a quiet machine, far
    more on a busy one, longer than a client waits.  The server calls this on a background thread at start."""
    from esda.getisord import G_Local  # noqa: F401
    from libpysal.weights import lat2W  # noqa: F401
