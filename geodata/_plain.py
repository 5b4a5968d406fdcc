"""Plain control series: a table of status polygons with dates, in any common format.

The simplest way to bring anyone's control data: one row per polygon with

``status``
    Any name ("occupied", "separatist", "buffer", ...); see :func:`geodata.status_scheme`.
``date``
    The day of a snapshot, valid until the next snapshot — *or* ``valid_from`` and
    ``valid_to`` (exclusive; empty means open-ended) for periods.
geometry
    A Polygon or MultiPolygon: the feature geometry in GeoJSON, GeoPackage or GeoParquet, or
    WKT text in a ``geometry``, ``wkt`` or ``WKT`` column of a CSV file (lon/lat degrees).

Column names are matched case-insensitively. Other columns are kept as they are.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.errors import ShapelyError

from geodata._errors import GeodataError, Problem, problems_error
from geodata._extras import need_pyarrow as _need_pyarrow

__all__ = ["PLAIN_SUFFIXES", "check_rows", "read_plain"]

#: Suffixes :func:`geodata.read_series` reads.
PLAIN_SUFFIXES = (".gpkg", ".parquet", ".geojson", ".json", ".csv")
WKT_COLUMNS = ("geometry", "wkt")
_MISSING = object()


@dataclass
class Checked:
    """Validated columns of a plain series (parallel arrays, one entry per row)."""

    style: str  # "snapshots" or "intervals"
    columns: dict  # canonical name -> column name in the frame
    statuses: np.ndarray
    dates: np.ndarray | None  # snapshots: Timestamps
    starts: np.ndarray | None  # intervals: Timestamps
    ends: np.ndarray | None  # intervals: Timestamps or NaT (open-ended)


def _find(columns, wanted: str):
    if wanted in columns:
        return wanted
    found = [c for c in columns if isinstance(c, str) and c.lower() == wanted]
    return found[0] if found else None


#: Status names with a meaning of their own in schemes and area tables.
RESERVED_STATUSES = frozenset({"no_data", "no_status", "held_total", "ukrainian"})

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")


def _date(value):
    """A calendar date, _MISSING for an empty cell, or None when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _MISSING
    if isinstance(value, str):
        # only ISO dates, as written: "08/10/2008" is 8 Oct or 10 Aug depending on who wrote
        # it, and "2008" or "Aug 2008" is no day; a time of day is dropped, not moved to UTC
        text = value.strip()
        if len(text) > 40 or not _ISO_DAY.match(text):
            return None
        try:
            stamp = pd.Timestamp(text[:10])
        except (ValueError, TypeError, OverflowError):
            return None
    elif isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):
        stamp = pd.Timestamp(value)
    else:
        return _MISSING if _is_missing(value) else None
    if stamp is pd.NaT:
        return _MISSING
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.normalize()


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _status(value) -> str | None:
    if _is_missing(value):
        return None
    text = str(value).strip()
    return text or None


def check_rows(frame: pd.DataFrame, geoms: np.ndarray, *, file, cls=GeodataError, first_row=1):
    """Validate a plain series; raise one error listing every bad row.

    ``geoms`` are the rows' geometries (None where missing or unreadable, already reported
    in ``bad_geoms`` by the caller); ``first_row`` is the row number of the first row (2 in
    a CSV file, whose header is line 1).
    """
    where = file or "the control series"
    cols = list(frame.columns)
    status_col = _find(cols, "status")
    date_col = _find(cols, "date")
    from_col, to_col = _find(cols, "valid_from"), _find(cols, "valid_to")
    if status_col is None:
        raise cls(
            f"{where}: has no 'status' column; a plain control series needs 'status', a "
            f"geometry and 'date' (or 'valid_from'/'valid_to'). Its columns are {cols}.",
            rule="no-status-column",
            file=file,
        )
    if date_col is None and from_col is None:
        raise cls(
            f"{where}: has neither a 'date' column (snapshots) nor 'valid_from'/'valid_to' "
            f"(periods). Its columns are {cols}.",
            rule="no-date-column",
            file=file,
        )
    if date_col is not None and from_col is not None:
        raise cls(
            f"{where}: has both 'date' and 'valid_from' columns; use 'date' for snapshots or "
            "'valid_from'/'valid_to' for periods, not both.",
            rule="mixed-date-columns",
            file=file,
        )
    problems: list[Problem] = []
    n = len(frame)
    statuses = np.full(n, None, dtype=object)
    for i, value in enumerate(frame[status_col]):
        statuses[i] = _status(value)
        if statuses[i] is None:
            problems.append(
                Problem(
                    "missing-status",
                    "the row has no status",
                    i + first_row,
                    status_col,
                    None if _is_missing(value) else value,
                )
            )
        elif statuses[i] in RESERVED_STATUSES:
            problems.append(
                Problem(
                    "reserved-status",
                    "this name is used for land in no status, for dates without data or for the "
                    f"held total; use another (reserved: {', '.join(sorted(RESERVED_STATUSES))})",
                    i + first_row,
                    status_col,
                    value,
                )
            )

    def dates_of(col, *, required: bool):
        out = np.full(n, pd.NaT, dtype=object)
        if col is None:
            return out
        for i, value in enumerate(frame[col]):
            parsed = _date(value)
            if parsed is _MISSING:
                if required:
                    problems.append(
                        Problem("missing-date", "the row has no date", i + first_row, col)
                    )
            elif parsed is None:
                problems.append(
                    Problem(
                        "bad-date",
                        "is not a date; use a form like '2022-03-01'",
                        i + first_row,
                        col,
                        value,
                    )
                )
            else:
                out[i] = parsed
        return out

    if date_col is not None:
        style, dates = "snapshots", dates_of(date_col, required=True)
        starts = ends = None
        columns = {"status": status_col, "date": date_col}
    else:
        style, dates = "intervals", None
        starts = dates_of(from_col, required=True)
        ends = dates_of(to_col, required=False)
        columns = {"status": status_col, "valid_from": from_col}
        if to_col is not None:
            columns["valid_to"] = to_col
        for i in range(n):
            if pd.notna(starts[i]) and pd.notna(ends[i]) and ends[i] <= starts[i]:
                problems.append(
                    Problem(
                        "bad-period",
                        f"the period ends on or before it starts ({starts[i].date()}); "
                        "valid_to is exclusive",
                        i + first_row,
                        to_col,
                        str(ends[i].date()),
                    )
                )
    for i, geom in enumerate(geoms):
        if geom is None or geom is _MISSING:
            continue
        if geom.is_empty:
            problems.append(
                Problem("empty-geometry", "the geometry is empty", i + first_row, "geometry")
            )
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    "not-polygon",
                    f"the geometry is a {geom.geom_type}; status areas must be Polygon or "
                    "MultiPolygon",
                    i + first_row,
                    "geometry",
                    geom.geom_type,
                )
            )
    return Checked(style, columns, statuses, dates, starts, ends), problems


def missing_geometry_problems(geoms: np.ndarray, first_row: int) -> list[Problem]:
    return [
        Problem("empty-geometry", "the row has no geometry", i + first_row, "geometry")
        for i, g in enumerate(geoms)
        if g is None
    ]


def raise_problems(problems: list[Problem], *, file, cls=GeodataError) -> None:
    if problems:
        problems = sorted(problems, key=lambda p: p.row if p.row is not None else 0)
        raise problems_error("the control series", problems, file=file, cls=cls)


# --------------------------------------------------------------------------- reading


def _unreadable(path: Path, exc: Exception) -> GeodataError:
    return GeodataError(
        f"{path.name}: is not a control series written by write_series nor a plain series "
        f"(expected a {path.suffix} file of status, date or valid_from/valid_to, and "
        f"polygons) [{type(exc).__name__}].",
        rule="series-unreadable",
        file=path.name,
    )


def _read_csv(path: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise _unreadable(path, exc) from None
    wkt_col = next((c for c in (_find(table.columns, w) for w in WKT_COLUMNS) if c), None)
    if wkt_col is None:
        raise GeodataError(
            f"{path.name}: has no WKT geometry column ('geometry', 'wkt' or 'WKT'); its "
            f"columns are {list(table.columns)}.",
            rule="no-geometry-column",
            file=path.name,
        )
    problems = []
    geoms = np.full(len(table), None, dtype=object)
    for i, text in enumerate(table[wkt_col]):
        if not text.strip():
            problems.append(Problem("empty-geometry", "the row has no geometry", i + 2, wkt_col))
            geoms[i] = _MISSING
            continue
        try:
            geoms[i] = shapely.from_wkt(text)
        except ShapelyError:
            geoms[i] = _MISSING
            problems.append(
                Problem(
                    "bad-wkt", "is not WKT (e.g. 'POLYGON ((30 50, ...))')", i + 2, wkt_col, text
                )
            )
    attributes = table.drop(columns=[wkt_col])
    # Placeholders keep the row count; bad rows raise before they are used.
    shapes = [g if g is not _MISSING else None for g in geoms]
    return gpd.GeoDataFrame(attributes, geometry=shapes, crs=None), problems


def _gpkg_layer(path: Path) -> str:
    """The "control" layer (as write_series writes it), else the only layer."""
    names = [str(n) for n, _ in pyogrio.list_layers(path)]
    if "control" in names or not names:
        return "control"
    if len(names) == 1:
        return names[0]
    raise GeodataError(
        f"{path.name}: holds several layers {names} and none is called 'control'; keep the "
        "control series in a layer named 'control'.",
        rule="many-layers",
        file=path.name,
    )


def _read_frame(path: Path) -> tuple[gpd.GeoDataFrame, list[Problem], int]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame, problems = _read_csv(path)
        return frame, problems, 2
    if suffix == ".parquet":
        _need_pyarrow("Reading")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if suffix == ".parquet":
                return gpd.read_parquet(path), [], 1
            layer = _gpkg_layer(path) if suffix == ".gpkg" else None
            return pyogrio.read_dataframe(path, layer=layer), [], 1
    except GeodataError:
        raise
    except Exception as exc:  # GDAL and Arrow raise many classes for a bad or foreign file
        raise _unreadable(path, exc) from None


def read_plain(path: Path) -> gpd.GeoDataFrame:
    """Read and validate a series file (see :func:`geodata.read_series`)."""
    frame, problems, first_row = _read_frame(path)
    report: list[str] = []
    geoms = np.asarray(frame.geometry.array, dtype=object)
    geoms = np.array([None if shapely.is_missing(g) else g for g in geoms], dtype=object)
    if path.suffix.lower() != ".csv":
        problems += missing_geometry_problems(geoms, first_row)
    checked, more = check_rows(frame, geoms, file=path.name, first_row=first_row)
    raise_problems(problems + more, file=path.name)

    crs = frame.crs
    present = geoms[~shapely.is_missing(geoms)]
    if crs is None or crs.is_geographic:
        xmin, ymin, xmax, ymax = shapely.total_bounds(present)
        if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
            raise GeodataError(
                f"{path.name}: holds projected coordinates (x {xmin:,.0f} … {xmax:,.0f}, y "
                f"{ymin:,.0f} … {ymax:,.0f}) where lon/lat degrees are expected (-180…180, "
                "-90…90). Export it in EPSG:4326, or as GeoPackage/GeoJSON with its CRS.",
                rule="projected-coordinates",
                file=path.name,
            )
    series = frame.geometry
    if crs is None:
        series = series.set_crs("EPSG:4326")
    elif not (crs.equals("EPSG:4326") or crs.equals("OGC:CRS84")):
        series = series.to_crs("EPSG:4326")
        report.append(f"{path.name}: reprojected from {crs.to_string()} to EPSG:4326")
    geoms = np.asarray(series.array, dtype=object)
    three_d = shapely.has_z(geoms)
    if three_d.any():
        geoms = shapely.force_2d(geoms)
        report.append(f"{path.name}: dropped Z coordinates from {int(three_d.sum())} rows")
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if len(invalid):
        geoms = geoms.copy()
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = fixed
        shown = ", ".join(str(i + first_row) for i in invalid[:10])
        report.append(
            f"{path.name}: repaired {len(invalid)} invalid polygon"
            f"{'s' if len(invalid) != 1 else ''} with make_valid (rows {shown}"
            f"{' …' if len(invalid) > 10 else ''})"
        )

    out = frame.drop(columns=frame.geometry.name).copy()
    renames = {actual: canonical for canonical, actual in checked.columns.items()}
    out = out.rename(columns=renames)
    out["status"] = checked.statuses
    if checked.style == "snapshots":
        out["date"] = pd.to_datetime(list(checked.dates)).astype("datetime64[ns]")
    else:
        out["valid_from"] = pd.to_datetime(list(checked.starts)).astype("datetime64[ns]")
        out["valid_to"] = pd.to_datetime(list(checked.ends)).astype("datetime64[ns]")
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))
    result.attrs["report"] = report
    return result
