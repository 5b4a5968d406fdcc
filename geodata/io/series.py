"""Control series on disk: :func:`write_series` (GeoPackage, GeoParquet), :func:`read_series`.

:func:`read_series` reads what :func:`write_series` wrote and anyone's plain series; the
plain format's columns and rows are checked in :mod:`geodata._plain`.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import geopandas as gpd
import pyogrio

from geodata._errors import GeodataError
from geodata._extras import need_pyarrow
from geodata._plain import PLAIN_SUFFIXES, read_plain

__all__ = ["SERIES_SUFFIXES", "read_series", "write_series"]

#: Suffixes :func:`write_series` writes.
SERIES_SUFFIXES = (".gpkg", ".parquet")


def write_series(gdf: gpd.GeoDataFrame, path) -> Path:
    """Write a control series to a GeoPackage or GeoParquet file, atomically.

    The data go to a temporary file in the same folder, which then replaces ``path`` in
    one step: a failure leaves no partial output and any previous file intact.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A control series, e.g. from :func:`read_control`.
    path : str or os.PathLike
        Target file; its suffix picks the format: ``.gpkg`` (GeoPackage, layer
        ``control``) or ``.parquet`` (GeoParquet, needs ``pyarrow``).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    GeodataError
        Unknown suffix, or ``pyarrow`` missing for GeoParquet.

    Examples
    --------
    >>> write_series(read_control("deepstate-history/"), "control.gpkg")  # doctest: +SKIP
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SERIES_SUFFIXES:
        raise GeodataError(
            f"Cannot write a control series to {target.name!r}: unknown suffix {suffix!r}; "
            f"expected one of {list(SERIES_SUFFIXES)}."
        )
    if suffix == ".parquet":
        need_pyarrow("Writing")
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeodataError(
            f"gdf must be a GeoDataFrame (from read_control), not {type(gdf).__name__}."
        )
    frame = gdf.copy()
    frame.attrs = {}
    temp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.tmp{suffix}")
    try:
        if suffix == ".gpkg":
            pyogrio.write_dataframe(frame, temp, layer="control", driver="GPKG")
        else:
            frame.to_parquet(temp)
        os.replace(temp, target)
    finally:
        for leftover in (temp, *(Path(f"{temp}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return target


def read_series(path) -> gpd.GeoDataFrame:
    """Read a control series: one written by :func:`write_series`, or anyone's plain series.

    A plain series has one row per polygon with ``status`` (any name), a Polygon or
    MultiPolygon, and either ``date`` (a snapshot, valid until the next one) or
    ``valid_from`` and ``valid_to`` (periods; ``valid_to`` is exclusive, empty means
    open-ended). Column names are matched case-insensitively.

    Parameters
    ----------
    path : str or os.PathLike
        A GeoPackage (``.gpkg``: its ``control`` layer, else its only layer), GeoParquet
        (``.parquet``, needs the parquet extra), GeoJSON (``.geojson``, ``.json``) or CSV
        (``.csv``) file. A CSV file holds the polygons as WKT in a ``geometry``, ``wkt`` or
        ``WKT`` column, in lon/lat degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        The series in EPSG:4326 with its columns as in the file: ``status`` (str), the
        dates as datetime64 calendar dates (no time zone; ``valid_to`` NaT when open-ended),
        the geometry (2-D; invalid polygons repaired) and any other columns.
        ``attrs["report"]`` lists what was changed (reprojection, repairs).

    Raises
    ------
    GeodataError
        Unknown suffix, a missing file, a file that cannot be read (``series-unreadable``),
        no ``status`` column (``no-status-column``), no date columns (``no-date-column``),
        both ``date`` and ``valid_from`` (``mixed-date-columns``), a CSV without a WKT
        column (``no-geometry-column``), projected coordinates without a CRS, or bad rows,
        listed together with row (the line number in a CSV file, else the 1-based feature
        number), field and value — ``missing-status``, ``missing-date``, ``bad-date``,
        ``bad-period``, ``bad-wkt``, ``empty-geometry``, ``not-polygon`` (the first 20, then
        how many more; ``problems`` holds them all).

    Examples
    --------
    >>> control = read_series("control.gpkg")  # doctest: +SKIP
    >>> squares = read_series("squares.csv")  # doctest: +SKIP
    """
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix not in PLAIN_SUFFIXES:
        raise GeodataError(
            f"Cannot read a control series from {source.name!r}: unknown suffix {suffix!r}; "
            f"expected one of {list(PLAIN_SUFFIXES)}.",
            rule="unknown-suffix",
            file=source.name,
        )
    if not source.is_file():
        raise GeodataError(f"{str(source)!r} does not exist.", rule="not-found")
    return read_plain(source)
