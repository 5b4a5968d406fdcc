"""Geometry helpers for plotly's geo traces: GeoJSON with the winding plotly.js needs, line
arrays for outlines and hatching, label points. Pure functions of shapely geometries."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiLineString

DIGITS = 4  # ~10 m: well below the accuracy of any line we draw


def _rounded(geom):
    return shapely.transform(geom, lambda c: np.round(c, DIGITS))


def _snapped(geom):
    """Coordinates on a 10⁻⁴° grid, still valid: plain rounding can fold a thin ring onto
    itself, and plotly.js then fills the whole globe with it. Polygons only (a collapsed part
    is dropped); ``None`` when nothing of the polygon survives."""
    g = shapely.set_precision(geom, 10.0**-DIGITS)
    if g.geom_type == "GeometryCollection":
        g = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return g


def feature_collection(geoms, ids) -> dict:
    """A GeoJSON FeatureCollection for ``go.Choropleth(geojson=...)``.

    plotly.js geo traces fill the *outside* of counter-clockwise rings (the GeoJSON default),
    which paints the whole world; rings are turned clockwise here.
    """
    feats = []
    for geom, fid in zip(geoms, ids, strict=True):
        if geom is None or geom.is_empty:
            continue
        g = _snapped(geom)
        if g is None:
            continue
        g = shapely.orient_polygons(g, exterior_cw=True)
        feats.append(
            {"type": "Feature", "id": str(fid), "properties": {}, "geometry": g.__geo_interface__}
        )
    return {"type": "FeatureCollection", "features": feats}


def line_arrays(geoms) -> tuple[list, list]:
    """lon/lat lists (None-separated) tracing the boundaries of polygons or lines."""
    lons: list = []
    lats: list = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        lines = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
        for part in getattr(lines, "geoms", [lines]):
            xy = np.round(np.asarray(part.coords)[:, :2], DIGITS)
            lons += xy[:, 0].tolist() + [None]
            lats += xy[:, 1].tolist() + [None]
    return lons, lats


def hatch(geom, angle: float, spacing: float = 0.12):
    """Parallel lines at ``angle`` degrees, ``spacing`` degrees apart, clipped to ``geom``."""
    if geom is None or geom.is_empty:
        return shapely.GeometryCollection()
    minx, miny, maxx, maxy = geom.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    r = np.hypot(maxx - minx, maxy - miny) / 2 + spacing
    a = np.radians(angle)
    d = np.array([np.cos(a), np.sin(a)])
    n = np.array([-d[1], d[0]])
    offsets = np.arange(-r, r + spacing, spacing)
    segs = [
        [tuple(np.array([cx, cy]) + o * n - r * d), tuple(np.array([cx, cy]) + o * n + r * d)]
        for o in offsets
    ]
    return shapely.intersection(MultiLineString(segs), geom)


def label_point(geom) -> tuple[float, float]:
    """A point inside the geometry (its largest part) to hang a label or marker on."""
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    p = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    return round(p.x, DIGITS), round(p.y, DIGITS)
