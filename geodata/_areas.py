"""Areas in square kilometres, in an equal-area projection.

Areas are computed in EPSG:6933 (WGS 84 / NSIDC EASE-Grid 2.0 Global, a cylindrical
equal-area projection), which keeps areas exact at every latitude.

Shares divide by a total: ``total_km2`` when given, else the area of the ``regions``, else —
for the built-in data only — :data:`UKRAINE_AREA_KM2` = 603,628 km², Ukraine's official area
(Crimea included). Natural Earth's polygons, as shipped here, give about 599,100 km² in the
same projection, so a share of the shipped shapes of all Ukraine is about 0.99, not 1.
"""

from __future__ import annotations

import numbers

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata._control import (
    _change_dates,
    _series_style,
    _union,
    control_at,
    is_builtin_data,
    key_dates,
    status_scheme,
    to_date,
)
from geodata._errors import GeodataError
from geodata._scheme import StatusScheme
from geodata.builtin import UKRAINE_AREA_KM2

__all__ = ["EQUAL_AREA_CRS", "UKRAINE_AREA_KM2", "area_km2", "area_series"]

#: The projection areas are computed in.
EQUAL_AREA_CRS = "EPSG:6933"


def area_km2(obj):
    """Area in km², computed in :data:`EQUAL_AREA_CRS`.

    Parameters
    ----------
    obj : GeoDataFrame, GeoSeries or shapely geometry
        Frames and series must carry a CRS (any; they are reprojected). A bare geometry is
        taken to be in lon/lat degrees (EPSG:4326).

    Returns
    -------
    pandas.Series or float
        A Series (same index) for a frame or series, a float for a geometry.

    Raises
    ------
    GeodataError
        If a frame or series has no CRS, or ``obj`` is none of the above.

    Examples
    --------
    >>> round(area_km2(shapely.box(30, 50, 31, 51)))
    7892
    """
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if obj.crs is None:
            kind = type(obj).__name__
            raise GeodataError(
                f"The {kind} has no CRS, so its areas are unknown. If its coordinates are "
                f"lon/lat degrees, call .set_crs('EPSG:4326') first."
            )
        geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        return geoms.to_crs(EQUAL_AREA_CRS).area / 1e6
    if isinstance(obj, shapely.Geometry):
        return (
            float(gpd.GeoSeries([obj], crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.iloc[0]) / 1e6
        )
    raise GeodataError(
        "Value of 'obj' must be a GeoDataFrame, a GeoSeries or a shapely geometry, "
        f"not {type(obj).__name__}."
    )


def _check_total(total_km2):
    if total_km2 is None:
        return None
    if (
        isinstance(total_km2, bool)
        or not isinstance(total_km2, numbers.Real)
        or not np.isfinite(total_km2)
        or total_km2 <= 0
    ):
        raise GeodataError(
            f"Value of 'total_km2' must be a positive number of km², got {total_km2!r}."
        )
    return float(total_km2)


def _regions_outline(regions):
    if regions is None:
        return None
    from geodata._regions import _regions_union

    outline = _regions_union(regions)
    shapely.prepare(outline)
    return outline


def area_series(
    series=None, dates=None, regions=None, *, total_km2=None, scheme=None
) -> pd.DataFrame:
    """Area per status at each date, and its share of a total.

    Parameters
    ----------
    series : geopandas.GeoDataFrame, optional
        Default: the built-in :func:`geodata.control_series`. A snapshot or period series
        (from :func:`geodata.read_control` or :func:`geodata.read_series`) works too (see
        :func:`geodata.control_at`).
    dates : list of date-likes, optional
        Default: :func:`geodata.key_dates` for the built-in series, else every date at which
        ``series`` starts a period or has a snapshot.
    regions : geopandas.GeoDataFrame, optional
        A region set (any CRS). Areas are then measured inside the regions (status polygons
        are cut to their union) and shares are of the regions' total area.
    total_km2 : float, optional
        The area shares divide by, in km² (wins over the regions' area).
    scheme : geodata.StatusScheme, optional
        The statuses to report and which count as held. Default
        :func:`geodata.status_scheme` of ``series``. Statuses of the series that the scheme
        lacks are added (:meth:`StatusScheme.extend`), so every status is counted.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``status``, ``area_km2`` and ``share`` (a fraction of
        ``total_km2``, else of the regions' area, else — built-in data only, see
        :func:`geodata.status_scheme` — of :data:`UKRAINE_AREA_KM2`; NaN for anyone else's
        series given neither), one row per date and status of the scheme, in its order (0
        where absent; NaN on a date outside the series' :func:`geodata.coverage`, where
        nothing is known), plus ``held_total`` (the union of the scheme's held statuses; for
        the built-in scheme occupied + occupied_before_2022). Geometries of one status are
        unioned first, so overlapping sources are not counted twice.

    Raises
    ------
    GeodataError
        If a date, ``series``, ``regions``, ``total_km2`` or ``scheme`` is invalid.

    Examples
    --------
    >>> table = area_series(dates=["2023-06-01"])
    >>> bool(0.16 < table.set_index("status").loc["held_total", "share"] < 0.20)
    True
    """
    if series is not None:
        style = _series_style(series)
    if dates is None:
        dates = key_dates() if series is None else _change_dates(series, style)
    elif isinstance(dates, (str, bytes)) or not hasattr(dates, "__iter__"):
        raise GeodataError(
            f"Value of 'dates' must be a list of dates, not {type(dates).__name__} {dates!r}."
        )
    total = _check_total(total_km2)
    outline = _regions_outline(regions)
    if total is None and outline is not None:
        total = area_km2(outline)
    if total is None and is_builtin_data(series):
        total = float(UKRAINE_AREA_KM2)
    if scheme is None:
        scheme = status_scheme(series)
    elif not isinstance(scheme, StatusScheme):
        raise GeodataError(
            "Value of 'scheme' must be a geodata.StatusScheme (from geodata.status_scheme), "
            f"not {type(scheme).__name__}."
        )
    elif series is not None:
        scheme = scheme.extend(list(pd.unique(series["status"].dropna().astype(str))))
    rows = []
    for value in dates:
        when = to_date(value, "dates")
        current = control_at(when, series)
        if current.crs is not None and not current.crs.equals("EPSG:4326"):
            current = current.to_crs("EPSG:4326")
        statuses = current["status"].to_numpy()
        by_status = {}
        for status in scheme.names:
            geom = _union(current.geometry[statuses == status])
            if outline is not None and not geom.is_empty:
                geom = shapely.intersection(geom, outline)
            by_status[status] = geom
        by_status["held_total"] = _union([by_status[s] for s in scheme.held])
        covered = current.attrs.get("covered", True)
        for status, geom in by_status.items():
            # outside the series' span nothing is known: no area, not 0 km²
            km2 = np.nan if not covered else 0.0 if geom.is_empty else area_km2(geom)
            rows.append((when, status, km2, km2 / total if total else np.nan))
    return pd.DataFrame(rows, columns=["date", "status", "area_km2", "share"])
