"""Cleaning one file's polygons: reprojection, polygons only, repair, clipping, dissolving.

Every step that changes something appends a line to the file's report (see ``_report``):
nothing is dropped, repaired or cut silently.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata._regions import ukraine
from geodata.io._errors import ControlImportError
from geodata.io._report import plural

__all__ = [
    "UKRAINE_SOURCES",
    "Features",
    "FileResult",
    "clip_features",
    "clip_geometry",
    "dissolve",
    "polygon_mask",
    "polygonal",
    "repair",
    "to_wgs84",
    "ukraine_outline",
]

# The archives of Russia's war on Ukraine: clipped to Ukraine unless clip= says otherwise.
UKRAINE_SOURCES = ("deepstate", "deepstate-daily", "isw")
_KM_PER_DEGREE = 111.32


@dataclass
class FileResult:
    """What is kept of one file: its dissolved rows, its report lines and its timestamp."""

    rows: list  # (date, status, geometry, layer)
    lines: list  # report lines
    stamp: pd.Timestamp


@dataclass
class Features:
    """Parallel arrays of the polygons still in play while one file is cleaned."""

    geoms: np.ndarray
    statuses: np.ndarray
    dates: np.ndarray
    layers: np.ndarray | None
    labels: np.ndarray  # what the report calls each polygon (its name or layer), or None

    def take(self, mask: np.ndarray) -> Features:
        layers = self.layers[mask] if self.layers is not None else None
        return Features(
            self.geoms[mask], self.statuses[mask], self.dates[mask], layers, self.labels[mask]
        )


# --------------------------------------------------------------------------- clip outlines


@functools.lru_cache(maxsize=1)
def ukraine_outline():
    """Ukraine's outline (``detail="web"``), valid and prepared, built once."""
    outline = shapely.make_valid(ukraine(detail="web"))
    shapely.prepare(outline)
    return outline


def clip_geometry(clip, source: str):
    """Return (prepared outline or None, its name for the report)."""
    if clip is None:
        clip = source in UKRAINE_SOURCES
    if clip is True:
        return ukraine_outline(), "Ukraine"
    if clip is False or clip is None:
        return None, ""
    if isinstance(clip, shapely.Geometry):
        outline = shapely.make_valid(clip)
        shapely.prepare(outline)
        return outline, "the clip outline"
    raise ControlImportError(
        f"clip={clip!r} is not allowed: pass True (clip to Ukraine), False, None (the "
        "default: Ukraine for the DeepStateMap and ISW archives, nothing for plain series) or "
        "a shapely polygon.",
        rule="bad-argument",
    )


# --------------------------------------------------------------------------- geometry helpers


def polygonal(geom):
    """Polygonal part of a geometry (after make_valid), or None when it has none."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        return geom
    if kind == "GeometryCollection" or kind.startswith("Multi"):
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
        if not parts:
            return None
        merged = shapely.union_all(parts)
        return merged if not merged.is_empty else None
    return None


def _approx_km2(geoms: np.ndarray) -> float:
    """Rough area in km² of lon/lat geometries (enough for a report line)."""
    if len(geoms) == 0:
        return 0.0
    lat = shapely.get_y(shapely.centroid(geoms))
    area = shapely.area(geoms) * np.cos(np.radians(np.nan_to_num(lat)))
    return float(np.nansum(area)) * _KM_PER_DEGREE**2


def _type_counts(geoms: np.ndarray) -> str:
    found = Counter(shapely.get_type_id(geoms).tolist())
    names = {0: "point", 1: "line", 2: "ring", 4: "multipoint", 5: "multiline"}
    return ", ".join(plural(n, names.get(t, "geometry")) for t, n in sorted(found.items()))


# --------------------------------------------------------------------------- cleaning steps


def to_wgs84(path: Path, frame: gpd.GeoDataFrame, lines: list) -> np.ndarray:
    """The frame's geometries in EPSG:4326; refuses projected coordinates posing as degrees."""
    geoms = np.asarray(frame.geometry.array, dtype=object)
    crs = frame.crs
    if crs is None or crs.is_geographic:
        present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
        if len(present):
            xmin, ymin, xmax, ymax = shapely.total_bounds(present)
            if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
                claimed = crs.to_string() if crs is not None else "EPSG:4326"
                raise ControlImportError(
                    f"{path.name}: holds projected coordinates (x {xmin:,.0f} … {xmax:,.0f}, "
                    f"y {ymin:,.0f} … {ymax:,.0f}) where degrees are expected ({claimed}, "
                    "declared or GeoJSON's default), which allow only -180…180 and -90…90. "
                    "Declare the real CRS in the file "
                    "(e.g. with ogr2ogr -a_srs EPSG:3857) or export it in EPSG:4326.",
                    rule="projected-coordinates",
                    file=path.name,
                )
    if crs is not None and not (crs.equals("EPSG:4326") or crs.equals("OGC:CRS84")):
        geoms = np.asarray(frame.geometry.to_crs("EPSG:4326").array, dtype=object)
        lines.append(f"{path.name}: reprojected from {crs.to_string()} to EPSG:4326")
    return geoms


def polygon_mask(name: str, geoms: np.ndarray, source: str, lines: list):
    """Keep Polygons and MultiPolygons (and the polygons of collections); report the rest."""
    type_ids = shapely.get_type_id(geoms)  # -1 for missing geometries
    is_poly = np.isin(type_ids, (3, 6))
    collections = type_ids == 7
    if collections.any():
        geoms = geoms.copy()
        geoms[collections] = [polygonal(g) for g in geoms[collections]]
        is_poly |= collections & ~shapely.is_missing(geoms)
        lines.append(
            f"{name}: kept only the polygons of "
            f"{plural(int(collections.sum()), 'geometry collection')}"
        )
    missing = type_ids == -1
    other = ~is_poly & ~missing & ~collections
    if not is_poly.any():
        kinds = _type_counts(geoms[other]) or "nothing"
        raise ControlImportError(
            f"{name}: contains no polygons (found {kinds}); control files must hold Polygon "
            "or MultiPolygon features.",
            rule="no-polygons",
            file=name,
        )
    if missing.any():
        lines.append(f"{name}: dropped {plural(int(missing.sum()), 'feature')} with no geometry")
    if other.any():
        label = " (labels, attack arrows)" if source == "deepstate" else ""
        lines.append(f"{name}: dropped {_type_counts(geoms[other])}{label}")
    return geoms, is_poly


def repair(name: str, features: Features, lines: list) -> Features:
    """Drop empty polygons and Z, repair invalid polygons, keeping only polygonal parts."""
    empty = shapely.is_empty(features.geoms)
    if empty.any():
        lines.append(f"{name}: dropped {plural(int(empty.sum()), 'empty polygon')}")
        features = features.take(~empty)
    geoms = features.geoms
    three_d = shapely.has_z(geoms)
    if three_d.any():
        geoms = shapely.force_2d(geoms)
        lines.append(f"{name}: dropped Z coordinates from {plural(int(three_d.sum()), 'polygon')}")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        # "structure" is 25x faster than "linework" on large rings and returns polygons.
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = [polygonal(g) for g in fixed]
        lines.append(
            f"{name}: repaired {plural(int(invalid.sum()), 'invalid polygon')} "
            "(self-intersections, bad rings) with make_valid"
        )
    features = dataclasses.replace(features, geoms=geoms)
    gone = shapely.is_missing(geoms)
    if gone.any():
        lines.append(
            f"{name}: dropped {plural(int(gone.sum()), 'polygon')} with no area left after repair"
        )
        features = features.take(~gone)
    return features


def clip_features(name: str, features: Features, clip, lines: list) -> Features:
    """Clip to ``clip``, an (outline, label) pair from :func:`clip_geometry`; None keeps all."""
    outline, label = clip
    if outline is None or not len(features.geoms):
        return features
    geoms, kept = _clip(name, features, outline, lines, label)
    return dataclasses.replace(features, geoms=geoms).take(kept)


def _clip(name: str, features: Features, outline, lines: list, label: str):
    """Clip to ``outline``: whole polygons inside stay as they are, only border ones are cut."""
    geoms = features.geoms
    inside = shapely.contains_properly(outline, geoms)
    if inside.all():
        return geoms, inside
    touching = shapely.intersects(outline, geoms)
    outside = ~touching
    border = touching & ~inside
    removed = _approx_km2(geoms[outside])
    geoms = geoms.copy()
    if border.any():
        before = _approx_km2(geoms[border])
        cut = shapely.intersection(geoms[border], outline)
        cut = np.array([polygonal(g) for g in cut], dtype=object)
        geoms[border] = cut
        present = ~shapely.is_missing(cut)
        removed += before - _approx_km2(cut[present])
        outside[np.flatnonzero(border)[~present]] = True
    kept = ~outside
    n_border = int(border.sum() - (border & outside).sum())
    parts = []
    if n_border:
        parts.append(f"cut {plural(n_border, 'polygon')} at the border")
    if outside.any():
        names = sorted({str(n) for n in features.labels[outside] if n})
        listing = f" ({', '.join(repr(n) for n in names[:8])})" if names else ""
        parts.append(
            f"dropped {plural(int(outside.sum()), 'polygon')} lying wholly outside{listing}"
        )
    if parts and removed >= 0.5:
        lines.append(
            f"{name}: clipped to {label} — {', '.join(parts)} (≈{removed:,.0f} km² removed)"
        )
    elif parts:
        lines.append(f"{name}: clipped to {label} — {', '.join(parts)}")
    return geoms, kept


# --------------------------------------------------------------------------- dissolving


def _union(geoms: np.ndarray):
    """Union of valid polygons; only those touching another one go through GEOS' union.

    Most polygons of a snapshot touch no other of the same status, and a MultiPolygon of
    disjoint valid parts is already valid: skipping them halves the cost of a dissolve.
    """
    if len(geoms) == 1:
        return geoms[0]
    tree = shapely.STRtree(geoms)
    touching = np.zeros(len(geoms), dtype=bool)
    # Pairs are found a chunk at a time within a budget: n mutually overlapping polygons
    # make n² pairs (20,000 took 12 GB); past the budget GEOS unions them all instead.
    budget, chunk = 20 * len(geoms) + 100_000, max(1, 4_000_000 // len(geoms))
    for start in range(0, len(geoms), chunk):
        left, right = tree.query(geoms[start : start + chunk], predicate="intersects")
        budget -= len(left)
        if budget < 0:
            return shapely.union_all(geoms)
        touching[(left + start)[left + start != right]] = True
    parts = [shapely.get_parts(geoms[~touching])]
    if touching.any():
        merged = polygonal(shapely.union_all(geoms[touching]))
        if merged is not None:
            parts.append(shapely.get_parts(merged))
    parts = np.concatenate(parts)
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def dissolve(features: Features) -> list:
    """One (date, status, geometry, layers) row per date and status of the features."""
    rows = []
    geoms, layers = features.geoms, features.layers
    if not len(geoms):
        return rows
    keys = pd.DataFrame({"date": features.dates, "status": features.statuses})
    for (date, status), index in keys.groupby(["date", "status"], sort=True).indices.items():
        merged = polygonal(_union(geoms[index]))
        if merged is None:
            continue
        layer = None
        if layers is not None:
            layer = ", ".join(sorted({str(v) for v in layers[index] if isinstance(v, str)}))
        rows.append((date, status, merged, layer))
    return rows
