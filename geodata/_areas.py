"""Areas in square kilometres, in an equal-area projection.

Areas are computed in EPSG:6933 (WGS 84 / NSIDC EASE-Grid 2.0 Global, a cylindrical
equal-area projection), which keeps areas exact at every latitude.

Shares divide by :data:`UKRAINE_AREA_KM2` = 603,628 km², Ukraine's official area (Crimea
included). Natural Earth's polygons, as shipped here, give about 599,100 km² in the same
projection, so a share of the shipped shapes of all Ukraine is about 0.99, not 1.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geodata._control import STATUSES, _series_style, _union, control_at, key_dates, to_date
from geodata._errors import GeodataError

__all__ = ["EQUAL_AREA_CRS", "UKRAINE_AREA_KM2", "area_km2", "area_series"]

#: Ukraine's official area in km² (Crimea and Sevastopol included).
UKRAINE_AREA_KM2 = 603_628
#: The projection areas are computed in.
EQUAL_AREA_CRS = "EPSG:6933"

_HELD = ("occupied", "occupied_before_2022")


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
    7858
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


def area_series(series=None, dates=None) -> pd.DataFrame:
    """Area per status at each date.

    Parameters
    ----------
    series : geopandas.GeoDataFrame, optional
        Default: the built-in :func:`geodata.control_series`. A snapshot series from
        :func:`geodata.read_control` works too (see :func:`geodata.control_at`).
    dates : list of date-likes, optional
        Default: :func:`geodata.key_dates` for the built-in series, else every date at which
        ``series`` starts a period or has a snapshot.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``status``, ``area_km2`` and ``share_of_ukraine`` (area divided by
        :data:`UKRAINE_AREA_KM2`, a fraction), one row per date and status of
        :data:`geodata.STATUSES` (0 where absent) plus ``held_total`` (occupied +
        occupied_before_2022). Geometries of one status are unioned first, so overlapping
        sources are not counted twice.

    Raises
    ------
    GeodataError
        If a date or ``series`` is invalid.

    Examples
    --------
    >>> table = area_series(dates=["2023-06-01"])
    >>> 0.16 < table.set_index("status").loc["held_total", "share_of_ukraine"] < 0.20
    True
    """
    if dates is None:
        if series is None:
            dates = key_dates()
        else:
            col = "valid_from" if _series_style(series) == "intervals" else "date"
            raw = pd.to_datetime(series[col]).dropna()
            if getattr(raw.dt, "tz", None) is not None:
                raw = raw.dt.tz_localize(None)
            dates = sorted(raw.dt.normalize().unique())
    elif isinstance(dates, (str, bytes)) or not hasattr(dates, "__iter__"):
        raise GeodataError(
            f"Value of 'dates' must be a list of dates, not {type(dates).__name__} {dates!r}."
        )
    rows = []
    for value in dates:
        when = to_date(value, "dates")
        current = control_at(when, series)
        if current.crs is not None and not current.crs.equals("EPSG:4326"):
            current = current.to_crs("EPSG:4326")
        by_status = {
            status: _union(current.geometry[(current["status"] == status).to_numpy()])
            for status in STATUSES
        }
        by_status["held_total"] = _union([by_status[s] for s in _HELD])
        for status, geom in by_status.items():
            km2 = 0.0 if geom.is_empty else area_km2(geom)
            rows.append((when, status, km2, km2 / UKRAINE_AREA_KM2))
    return pd.DataFrame(rows, columns=["date", "status", "area_km2", "share_of_ukraine"])
