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

from geodata._errors import GeodataError

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


def _region_ids(regions) -> tuple[gpd.GeoDataFrame, str]:
    if not isinstance(regions, gpd.GeoDataFrame):
        raise GeodataError(
            "Value of 'regions' must be a GeoDataFrame of region polygons (from "
            f"geodata.read_regions or geodata.regions()), not {type(regions).__name__}."
        )
    col = "id" if "id" in regions.columns else "iso_3166_2"
    if col not in regions.columns:
        raise GeodataError(
            "Value of 'regions' has no 'id' column (nor the built-in 'iso_3166_2'); it has "
            f"{list(regions.columns)}. Read it with geodata.read_regions(frame, id=...).",
            rule="no-id-column",
        )
    if regions.crs is None:
        raise GeodataError(
            "The regions GeoDataFrame has no CRS. If its coordinates are lon/lat degrees, "
            "call .set_crs('EPSG:4326') first."
        )
    if not regions.crs.equals("EPSG:4326"):
        regions = regions.to_crs("EPSG:4326")
    return regions, col


def status_pieces(series=None, dates=None, regions=None, *, detail="web"):
    """Pieces of territory and the status of each piece at each date.

    Parameters
    ----------
    series : GeoDataFrame, optional
        A status series (default: the built-in one), with any statuses.
    dates : list of date-like, optional
        Default: :func:`key_dates` for the built-in series, else the series' own dates.
    regions : GeoDataFrame, optional
        Units to split by (default: Ukraine's 27 units), so that every piece lies in one
        unit: any region set with an ``id`` column (or the built-in ``iso_3166_2``), in any
        CRS (pieces are in EPSG:4326).

    Returns
    -------
    pieces : GeoDataFrame
        ``piece`` (int id), ``id`` (the id of the unit it lies in), ``iso_3166_2`` (the
        same, when the regions have that column, as the built-in ones do) and geometry
        (EPSG:4326).
    statuses : DataFrame
        Index: the dates; columns: piece ids; values: the status of the piece, or ``None``
        where no status applies (the scheme's background: for the built-in data, land
        held by Ukraine). Where a series' polygons overlap, its first row wins.

    Raises
    ------
    GeodataError
        ``regions`` is not a GeoDataFrame with a CRS and an ``id`` (or ``iso_3166_2``) column.
    """
    from ._control import _change_dates, _series_style, control_at, key_dates
    from ._regions import regions as builtin_regions

    if regions is None:
        regions = builtin_regions(detail)
    regions, id_col = _region_ids(regions)
    if dates is None:
        dates = key_dates() if series is None else _change_dates(series, _series_style(series))
    dates = [pd.Timestamp(d).normalize() for d in dates]
    snapshots = [control_at(d, series) for d in dates]
    snapshots = [
        s.to_crs("EPSG:4326") if s.crs is not None and not s.crs.equals("EPSG:4326") else s
        for s in snapshots
    ]

    pieces = list(regions.geometry.to_numpy())
    codes = list(range(len(regions)))
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

    rows = np.asarray(codes, dtype=int)
    data = {"piece": np.arange(len(pieces)), "id": regions[id_col].to_numpy()[rows]}
    if "iso_3166_2" in regions.columns:
        data["iso_3166_2"] = regions["iso_3166_2"].to_numpy()[rows]
    frame = gpd.GeoDataFrame(data, geometry=pieces, crs="EPSG:4326")
    probes = shapely.point_on_surface(frame.geometry.to_numpy())
    table = {}
    for day, snap in zip(dates, snapshots, strict=True):
        status = np.full(len(frame), None, dtype=object)
        for st, geom in zip(snap["status"], snap.geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            inside = shapely.contains(geom, probes) | shapely.touches(geom, probes)
            status[inside & (status == None)] = st  # noqa: E711 - elementwise on an object array
        table[day] = status
    statuses = pd.DataFrame.from_dict(table, orient="index", columns=frame["piece"].tolist())
    # keep None (not NaN) for land in no status, as documented
    statuses = statuses.astype(object).where(statuses.notna(), None)
    return frame, statuses
