"""Split territory into pieces that never straddle a status change.

A linked view sends geometry to the browser once. To move through time it then only needs,
for every date, the status of each piece: a short vector of codes instead of new polygons.
The pieces are the overlay of the region units with every status polygon at every date.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

MIN_AREA = 1e-6  # square degrees (~0.01 km²): smaller slivers are dropped


def _split(pieces: list, codes: list, cut) -> tuple[list, list]:
    """Split every piece by ``cut`` into the part inside and the part outside."""
    arr = np.array(pieces, dtype=object)
    hits = shapely.intersects(arr, cut)
    out, out_codes = [], []
    for geom, code, hit in zip(arr, codes, hits, strict=True):
        if not hit:
            out.append(geom)
            out_codes.append(code)
            continue
        inside = shapely.intersection(geom, cut)
        outside = shapely.difference(geom, cut)
        for part in (inside, outside):
            part = shapely.make_valid(part)
            polys = [
                g
                for g in getattr(part, "geoms", [part])
                if g.geom_type in ("Polygon", "MultiPolygon")
            ]
            if not polys:
                continue
            part = shapely.union_all(polys) if len(polys) > 1 else polys[0]
            if part.area >= MIN_AREA:
                out.append(part)
                out_codes.append(code)
    return out, out_codes


def status_pieces(series=None, dates=None, regions=None, *, detail="web"):
    """Pieces of territory and the status of each piece at each date.

    Parameters
    ----------
    series : GeoDataFrame, optional
        A status series (default: the built-in one).
    dates : list of date-like, optional
        Default: :func:`key_dates` for the built-in series, else the series' own dates.
    regions : GeoDataFrame, optional
        Units to split by (default: Ukraine's 27 units), so that every piece lies in one unit.

    Returns
    -------
    pieces : GeoDataFrame
        ``piece`` (int id), ``iso_3166_2`` (the unit it lies in), geometry (EPSG:4326).
    statuses : DataFrame
        Index: the dates; columns: piece ids; values: a status from :data:`STATUSES`, or
        ``None`` where no status applies (land held by Ukraine).
    """
    from ._control import control_at, key_dates
    from ._regions import regions as builtin_regions

    if regions is None:
        regions = builtin_regions(detail)
    if dates is None:
        if series is None:
            dates = key_dates()
        elif "date" in series.columns:
            dates = sorted(pd.to_datetime(series["date"]).unique())
        else:
            dates = sorted(pd.to_datetime(series["valid_from"]).dropna().unique())
    dates = [pd.Timestamp(d).normalize() for d in dates]
    snapshots = [control_at(d, series) for d in dates]

    pieces = list(regions.geometry.to_numpy())
    codes = list(regions["iso_3166_2"])
    done: set[bytes] = set()  # the same polygon often stands at many dates: cut once
    for snap in snapshots:
        for geom in snap.geometry:
            if geom is None or geom.is_empty:
                continue
            key = shapely.to_wkb(geom)
            if key not in done:
                done.add(key)
                shapely.prepare(geom)
                pieces, codes = _split(pieces, codes, geom)

    frame = gpd.GeoDataFrame(
        {"piece": np.arange(len(pieces)), "iso_3166_2": codes}, geometry=pieces, crs="EPSG:4326"
    )
    probes = shapely.point_on_surface(frame.geometry.to_numpy())
    table = {}
    for day, snap in zip(dates, snapshots, strict=True):
        status = np.full(len(frame), None, dtype=object)
        for st, geom in zip(snap["status"], snap.geometry, strict=True):
            inside = shapely.contains(geom, probes) | shapely.touches(geom, probes)
            status[inside & (status == None)] = st  # noqa: E711 - elementwise on an object array
        table[day] = status
    statuses = pd.DataFrame.from_dict(table, orient="index", columns=frame["piece"].tolist())
    # keep None (not NaN) for land held by Ukraine, as documented
    statuses = statuses.astype(object).where(statuses.notna(), None)
    return frame, statuses
