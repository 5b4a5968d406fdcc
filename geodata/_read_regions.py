"""Anyone's region set, from a file or a GeoDataFrame: :func:`read_regions`.

A region set is a GeoDataFrame with ``id``, ``name`` and ``geometry`` (polygons, EPSG:4326),
the shape :func:`geodata.regions` has for the built-in units. Columns are detected by name
when not given; every problem in the input is reported at once, with row, field and value.
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata._errors import GeodataError, Problem, problems_error
from geodata._extras import need_pyarrow as _need_pyarrow

__all__ = ["ID_COLUMNS", "NAME_COLUMNS", "REGION_SUFFIXES", "read_regions"]

#: Columns tried for the region id, in order (compared case-insensitively). The first that
#: is complete and unique wins.
ID_COLUMNS = (
    "iso_3166_2",
    "id",
    "code",
    "adm1_code",
    "gid",
    "gid_1",
    "shapeISO",
    "shapeID",
    "adm1_pcode",
    "hasc_1",
)
#: Columns tried for the region name, in order (compared case-insensitively).
NAME_COLUMNS = ("name_en", "name", "NAME_1", "shapeName", "adm1_en", "adm1_name", "name_local")
# Columns that name the country of a frame's regions (for a frame's default label).
_COUNTRY_COLUMNS = ("admin", "country", "adm0_name", "adm0_en", "name_0", "geonunit")

#: File suffixes read_regions understands, with the format each stands for.
REGION_SUFFIXES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
    ".shp": "shapefile",
    ".zip": "zipped shapefile",
    ".fgb": "FlatGeobuf",
}
_MAX_ROWS_SHOWN = 10


def _text(value) -> str | None:
    """An id or name as text; None when missing or blank. 7.0 reads as "7"."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _humanise_stem(stem: str) -> str:
    text = " ".join(re.split(r"[_\-.\s]+", stem)).strip()
    return text[:1].upper() + text[1:] if text else "Regions"


def _rows(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:_MAX_ROWS_SHOWN]))
    more = len(rows) - _MAX_ROWS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


# --------------------------------------------------------------------------- reading files


def _read_path(path: Path, layer) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    if suffix not in REGION_SUFFIXES:
        raise GeodataError(
            f"Cannot read regions from {path.name!r}: unknown suffix {suffix!r}; expected one "
            f"of {list(REGION_SUFFIXES)}.",
            rule="unknown-suffix",
            file=path.name,
        )
    if not path.is_file():
        raise GeodataError(
            f"{str(path)!r} does not exist: pass a regions file ({', '.join(REGION_SUFFIXES)}) "
            "or a GeoDataFrame.",
            rule="not-found",
            file=path.name,
        )
    kind = REGION_SUFFIXES[suffix]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "GeoParquet":
                _need_pyarrow("Reading")
                return gpd.read_parquet(path)
            target = _zip_target(path) if suffix == ".zip" else str(path)
            chosen = _choose_layer(path, target, layer)
            return pyogrio.read_dataframe(target, layer=chosen)
    except GeodataError:
        raise
    except Exception as exc:  # GDAL and Arrow raise many classes for a bad or foreign file
        detail = " ".join(str(exc).split())[:120]
        raise GeodataError(
            f"{path.name}: cannot be read as {kind} ({detail}). Expected a file of region "
            "polygons.",
            rule="regions-unreadable",
            file=path.name,
        ) from None


def _zip_target(path: Path) -> str:
    """GDAL's path to the shapefile in a zip (read in place, nothing is extracted)."""
    with zipfile.ZipFile(path) as zf:
        shapes = [n for n in zf.namelist() if n.lower().endswith(".shp")]
    folders = {str(Path(n).parent) for n in shapes}
    if len(folders) == 1 and folders != {"."}:
        return f"/vsizip/{path}/{folders.pop()}"
    return f"/vsizip/{path}"


def _choose_layer(path: Path, target: str, layer) -> str:
    layers = pyogrio.list_layers(target)
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise GeodataError(
                f"{path.name}: has no layer {layer!r}; its layers are {names}.",
                rule="unknown-layer",
                file=path.name,
            )
        return layer
    if len(names) == 1:
        return names[0]
    polygons = [str(n) for n, kind in layers if kind and "polygon" in str(kind).lower()]
    if len(polygons) == 1:
        return polygons[0]
    if not names:
        raise GeodataError(
            f"{path.name}: holds no layers; expected region polygons.",
            rule="no-polygons",
            file=path.name,
        )
    raise GeodataError(
        f"{path.name}: holds several layers {names}; pass layer= the one with the regions.",
        rule="many-layers",
        file=path.name,
    )


# --------------------------------------------------------------------------- CRS


def _to_wgs84(frame: gpd.GeoDataFrame, where: str, file, report: list) -> gpd.GeoSeries:
    geoms = frame.geometry
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    crs = frame.crs
    if len(present) and (crs is None or crs.is_geographic):
        xmin, ymin, xmax, ymax = present.total_bounds
        if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
            stated = "no CRS" if crs is None else f"CRS {crs.to_string()} (degrees)"
            raise GeodataError(
                f"{where}: holds projected coordinates (x {xmin:,.0f} … {xmax:,.0f}, y "
                f"{ymin:,.0f} … {ymax:,.0f}) with {stated}; lon/lat degrees allow only "
                "-180…180 and -90…90. Declare the real CRS (a .prj file, the GeoPackage's "
                "CRS, or frame.set_crs(...) on a GeoDataFrame).",
                rule="no-crs" if crs is None else "projected-coordinates",
                file=file,
            )
    if crs is None:
        report.append(f"{where}: no CRS given; read as lon/lat degrees (EPSG:4326)")
        return geoms.set_crs("EPSG:4326")
    if crs.equals("EPSG:4326") or crs.equals("OGC:CRS84"):
        return geoms.set_crs("EPSG:4326", allow_override=True)
    name = crs.to_string() if len(crs.to_string()) <= 40 else crs.name
    report.append(f"{where}: reprojected from {name} to EPSG:4326")
    return geoms.to_crs("EPSG:4326")


# --------------------------------------------------------------------------- columns


def _find(frame: pd.DataFrame, wanted: str) -> str | None:
    if wanted in frame.columns:
        return wanted
    lower = [c for c in frame.columns if isinstance(c, str) and c.lower() == wanted.lower()]
    return lower[0] if len(lower) == 1 else None


def _attribute_columns(frame: gpd.GeoDataFrame) -> list:
    return [c for c in frame.columns if c != frame.geometry.name]


def _given_column(frame, value, arg: str, where: str, file) -> str:
    if not isinstance(value, str):
        raise GeodataError(
            f"Value of {arg!r} must be a column name (str), not {type(value).__name__} {value!r}."
        )
    found = _find(frame, value)
    if found is None or found == frame.geometry.name:
        raise GeodataError(
            f"{where}: Value of {arg!r} is {value!r}, which is not a column; the columns are "
            f"{_attribute_columns(frame)}.",
            rule="unknown-column",
            file=file,
        )
    return found


def _id_column(frame, id, where: str, file) -> tuple[str, list[str]]:
    """The id column, and the candidates skipped for empty or repeated values."""
    if id is not None:
        return _given_column(frame, id, "id", where, file), []
    present = [c for c in (_find(frame, name) for name in ID_COLUMNS) if c is not None]
    present = [c for c in dict.fromkeys(present) if c != frame.geometry.name]
    if not present:
        raise GeodataError(
            f"{where}: no id column found (looked for {list(ID_COLUMNS)}); the columns are "
            f"{_attribute_columns(frame)}. Pass id= the column that identifies each region.",
            rule="no-id-column",
            file=file,
        )
    for i, col in enumerate(present):
        values = [_text(v) for v in frame[col]]
        if all(values) and len(set(values)) == len(values):
            return col, present[:i]
    return present[0], []  # none is clean: report the first one's problems


def _name_column(frame, name, where: str, file) -> str | None:
    if name is not None:
        return _given_column(frame, name, "name", where, file)
    for candidate in NAME_COLUMNS:
        col = _find(frame, candidate)
        if col is not None and col != frame.geometry.name and frame[col].notna().any():
            return col
    return None


def _frame_label(frame: gpd.GeoDataFrame) -> str:
    label = frame.attrs.get("label")
    if isinstance(label, str) and label.strip():
        return label.strip()
    for candidate in _COUNTRY_COLUMNS:
        col = _find(frame, candidate)
        if col is not None:
            values = {_text(v) for v in frame[col]} - {None}
            if len(values) == 1:
                return values.pop()
    return "Regions"


# --------------------------------------------------------------------------- checks


def _geometry_problems(geoms: np.ndarray) -> list[Problem]:
    problems = []
    for row, geom in enumerate(geoms, 1):
        if geom is None:
            problems.append(
                Problem(
                    "empty-geometry",
                    "the region has no geometry; every region needs a polygon",
                    row,
                    "geometry",
                )
            )
        elif geom.is_empty:
            problems.append(
                Problem(
                    "empty-geometry",
                    "the region's geometry is empty; every region needs a polygon",
                    row,
                    "geometry",
                    geom.wkt,
                )
            )
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    "not-polygon",
                    f"the region is a {geom.geom_type}; regions must be Polygon or MultiPolygon",
                    row,
                    "geometry",
                    geom.geom_type,
                )
            )
    return problems


def _id_problems(ids: list, field: str) -> list[Problem]:
    problems = []
    rows_of: dict[str, list[int]] = {}
    for row, value in enumerate(ids, 1):
        if value is None:
            problems.append(
                Problem("empty-id", "the region has no id; every region needs one", row, field)
            )
        else:
            rows_of.setdefault(value, []).append(row)
    for value, rows in rows_of.items():
        if len(rows) > 1:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"the id is used by {len(rows)} regions (rows {_rows(rows)}); ids must be "
                    "unique — pass id= another column",
                    rows[0],
                    field,
                    value,
                )
            )
    return sorted(problems, key=lambda p: p.row)


def _polygonal(geom):
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    merged = shapely.union_all(parts) if parts else None
    return None if merged is None or merged.is_empty else merged


def _repair(geoms: np.ndarray, ids: list, where: str, report: list) -> tuple:
    three_d = shapely.has_z(geoms)
    if three_d.any():
        geoms = shapely.force_2d(geoms)
        report.append(f"{where}: dropped Z coordinates from {int(three_d.sum())} regions")
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    problems = []
    if len(invalid):
        geoms = geoms.copy()
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        for i, geom in zip(invalid, fixed, strict=True):
            geoms[i] = _polygonal(geom)
            if geoms[i] is None:
                problems.append(
                    Problem(
                        "empty-geometry",
                        "no area is left after repairing the invalid polygon",
                        int(i) + 1,
                        "geometry",
                    )
                )
        listing = _rows([f"{i + 1} ({ids[i]!r})" for i in invalid])
        report.append(
            f"{where}: repaired {len(invalid)} invalid "
            f"{'geometry' if len(invalid) == 1 else 'geometries'} (self-intersections, bad "
            f"rings) with make_valid: rows {listing}"
        )
    return geoms, problems


# --------------------------------------------------------------------------- public API


def read_regions(source, *, id=None, name=None, label=None, layer=None) -> gpd.GeoDataFrame:
    """Read anyone's region set: polygons with an id and a name, in EPSG:4326.

    Parameters
    ----------
    source : str, os.PathLike or geopandas.GeoDataFrame
        A file — GeoJSON (``.geojson``, ``.json``), GeoPackage (``.gpkg``), GeoParquet
        (``.parquet``, ``.geoparquet``; needs the parquet extra), shapefile (``.shp``, or a
        ``.zip`` holding one) or FlatGeobuf (``.fgb``) — or a GeoDataFrame, in any CRS.
    id : str, optional
        The column that identifies each region. Default: the first of :data:`ID_COLUMNS`
        (``iso_3166_2``, ``id``, ``code``, ``adm1_code``, ``gid``, ...; case-insensitive)
        whose values are all present and unique, else the first of them present (whose
        problems are then reported).
    name : str, optional
        The column of region names. Default: the first of :data:`NAME_COLUMNS`
        (``name_en``, ``name``, ``NAME_1``, ``shapeName``, ...) present; without one the
        ids serve as names.
    label : str, optional
        The region set's name for titles and axes. Default: for a file its name without
        suffix, humanised ("moldova_regions.geojson" -> "Moldova regions"); for a frame its
        ``attrs["label"]``, else the one value of a country column (``admin``,
        ``country``, ...), else "Regions".
    layer : str, optional
        The layer of a multi-layer file (GeoPackage); default its only (polygon) layer.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (str), ``name`` (str) and ``geometry`` (valid Polygon/MultiPolygon,
        2-D, EPSG:4326, exterior rings counter-clockwise as shapely and GeoJSON have them —
        plotly's geo traces want the opposite, which viz takes care of), in the input's
        order. ``attrs["report"]`` lists what was done (columns used, reprojection,
        repairs), ``attrs["label"]`` the region set's name. No warnings are emitted.

    Raises
    ------
    GeodataError
        With a stable ``rule``: ``unknown-suffix``, ``not-found``, ``regions-unreadable``,
        ``many-layers``/``unknown-layer``, ``missing-extra`` (GeoParquet without pyarrow),
        ``no-crs``/``projected-coordinates`` (coordinates that cannot be degrees),
        ``unknown-column`` (a given ``id``/``name`` is not a column; the message lists the
        columns), ``no-id-column``; and, listing every bad row with row (1-based), field
        and value, ``empty-id``, ``duplicate-id``, ``empty-geometry`` and ``not-polygon``
        (``problems`` holds them; ``rule`` is the first one's).

    Examples
    --------
    >>> units = read_regions("georgia_regions.geojson")  # doctest: +SKIP
    >>> units.attrs["label"]  # doctest: +SKIP
    'Georgia regions'
    """
    report: list[str] = []
    if isinstance(source, gpd.GeoDataFrame):
        frame, file, where = source, None, "the regions frame"
        default_label = _frame_label(source)
    elif isinstance(source, pd.DataFrame):
        raise GeodataError(
            "Value of 'source' is a DataFrame without geometry; pass a GeoDataFrame of region "
            "polygons or a regions file."
        )
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        frame = _read_path(path, layer)
        file = where = path.name
        default_label = _humanise_stem(path.stem)
    else:
        raise GeodataError(
            "Value of 'source' must be a regions file (str or path) or a GeoDataFrame, not "
            f"{type(source).__name__}."
        )
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise GeodataError(f"Value of 'label' must be a non-empty string, got {label!r}.")
    try:
        frame.geometry  # noqa: B018 - raises when the frame has no active geometry column
    except AttributeError:
        raise GeodataError(
            f"{where}: has no geometry column; expected region polygons.",
            rule="no-polygons",
            file=file,
        ) from None

    id_col, skipped = _id_column(frame, id, where, file)
    name_col = _name_column(frame, name, where, file)
    ids = [_text(v) for v in frame[id_col]]
    geoms = np.asarray(frame.geometry.array, dtype=object)
    geoms = np.array([None if shapely.is_missing(g) else g for g in geoms], dtype=object)
    problems = _geometry_problems(geoms) + _id_problems(ids, id_col)
    if problems:
        raise problems_error("the regions", sorted(problems, key=lambda p: p.row), file=file)

    wgs84 = _to_wgs84(frame, where, file, report)
    geoms, problems = _repair(np.asarray(wgs84.array, dtype=object), ids, where, report)
    if problems:
        raise problems_error("the regions", problems, file=file)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)

    if name_col is None:
        names = list(ids)
        report.insert(0, f"{where}: no name column (looked for {list(NAME_COLUMNS)}): ids used")
    else:
        names = [_text(v) for v in frame[name_col]]
        blank = [row for row, n in enumerate(names, 1) if n is None]
        names = [n if n is not None else i for n, i in zip(names, ids, strict=True)]
        if blank:
            report.append(
                f"{where}: {len(blank)} regions have no {name_col!r}; their id is used "
                f"(rows {_rows(blank)})"
            )
    used = f"{where}: ids from column {id_col!r}"
    if skipped:
        used += f" (not {', '.join(map(repr, skipped))}: empty or repeated values)"
    report.insert(0, used + (f", names from column {name_col!r}" if name_col else ""))

    out = gpd.GeoDataFrame(
        {"id": ids, "name": names},
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
        crs="EPSG:4326",
    )
    out.attrs["report"] = report
    out.attrs["label"] = label.strip() if label is not None else default_label
    return out
