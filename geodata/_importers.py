"""Importers for control-of-terrain archives that users bring.

Three archive shapes are understood (see ``DATA.md``):

``"deepstate"``
    DeepStateMap raw exports, one ``<unix-seconds>.geojson`` per snapshot: Points
    (labels, attack arrows) and Polygons with 3-D coordinates, converted from KML. The
    status lives in the bilingual ``name`` ("Окуповано /// Occupied"), in later files also
    in a tag such as ``geoJSON.status.occupied``, and in the ``fill`` colour, whose code
    changed over the archive's life. Decoy and joke polygons (occupied Petsamo, East
    Prussia, ...) map to no status and are dropped, and reported.
``"deepstate-daily"``
    One MultiPolygon per day (``deepstatemap_data_YYYYMMDD.geojson``), no properties,
    CRS84. Everything in it is read as ``"occupied"``: this format cannot separate areas
    held before 2022 from those taken since.
``"isw"``
    ISW/CTP layers, either one layer per file (``YYYYMMDD_<Layer>.geojson``, dated by an
    epoch-milliseconds ``datetime`` field when present, else by the file name) or all
    layers in one file (``YYYYMMDD.geojson``) with a ``layer`` field. Assessed Russian
    control of terrain is ``"occupied"``; advances claimed by Russian sources, assessed
    advances and claimed Ukrainian counteroffensives are ``"contested"`` (nobody has
    assessed who controls them); Crimea and pre-2022 layers are ``"occupied_before_2022"``.
``"plain"``
    Anyone's series (see ``geodata/_plain.py``): a FeatureCollection whose features have a
    ``status`` and a ``date`` (a snapshot, valid until the next one) or ``valid_from``/
    ``valid_to`` (periods, turned into a snapshot at every date a period starts or ends).
    Statuses are kept as they are; nothing is clipped unless ``clip=`` asks for it.

Every repair is reported, never silent: the returned frame's ``attrs["report"]`` lists
what changed per file, and one :class:`ImportReportWarning` per file summarises it.
"""

from __future__ import annotations

import dataclasses
import functools
import glob as globlib
import json
import os
import re
import sys
import tempfile
import unicodedata
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata._errors import GeodataError
from geodata._plain import (
    PLAIN_SUFFIXES,
    check_rows,
    missing_geometry_problems,
    raise_problems,
    read_plain,
)

__all__ = [
    "ControlImportError",
    "ImportReportWarning",
    "SOURCES",
    "read_control",
    "read_series",
    "write_series",
]

#: Archive formats :func:`read_control` understands (``source=`` values besides "auto").
SOURCES = ("deepstate", "deepstate-daily", "isw", "plain")
# The archives of Russia's war on Ukraine: clipped to Ukraine unless clip= says otherwise.
_UKRAINE_SOURCES = ("deepstate", "deepstate-daily", "isw")

_STATUSES = ("occupied_before_2022", "occupied", "claimed", "liberated", "contested", "unknown")
_FILE_SUFFIXES = (".geojson", ".json")
_SERIES_SUFFIXES = (".gpkg", ".parquet")
_GLOB_CHARS = re.compile(r"[*?\[]")
# Above this many files a progress bar is worth its line on the terminal.
_PROGRESS_MIN_FILES = 5
# Dates outside this window cannot be from these archives: a number that decodes to
# 1971 or 2300 is not a timestamp but a misnamed file.
_EARLIEST, _LATEST = pd.Timestamp("2014-01-01"), pd.Timestamp("2100-01-01")
_KM_PER_DEGREE = 111.32
#: Largest control file read (bytes). Parsing GeoJSON takes ~25x its size in memory.
MAX_FILE_BYTES = 256 * 2**20


class ControlImportError(GeodataError):
    """A control-of-terrain file or folder cannot be imported."""


class ImportReportWarning(UserWarning):
    """Summary of what an import dropped, repaired or clipped in one file."""


# --------------------------------------------------------------------------- status maps

# DeepStateMap fill colours over the archive's life. Early 2022 files draw Crimea and
# ORDLO in black; later ones use #880e4f. #ff5252 (decoys: Transnistria, Petsamo, ...) is
# deliberately absent.
_DEEPSTATE_FILLS = {
    "#000000": "occupied_before_2022",
    "#880e4f": "occupied_before_2022",
    "#a52714": "occupied",
    "#0f9d58": "liberated",
    "#0288d1": "liberated",
    "#bcaaa4": "unknown",
}
_DEEPSTATE_TAGS = {
    "occupied": "occupied",
    "liberated": "liberated",
    "unknown": "unknown",
    "contested": "contested",
    "crimea": "occupied_before_2022",
    "ordlo": "occupied_before_2022",
    "occupied_before_2022": "occupied_before_2022",
}
_TAG = re.compile(r"geojson\.(?:status|territories)\.([a-z_]+)")
_STYLE_COLOUR = re.compile(r"#poly-([0-9a-f]{6})")
# Exact bilingual names (each side of "///", lower-cased, whitespace collapsed). Decoys
# reuse words ("Occupied Petsamo"), so a name must match a whole side, not a prefix;
# "Liberated" may be followed only by the dates it happened.
_NAME_RULES = (
    (re.compile(r"(окупований крим|occupied crimea)"), "occupied_before_2022"),
    (re.compile(r"(ордло|cadr and calr|ordlo)"), "occupied_before_2022"),
    (re.compile(r"(окуповано|occupied)"), "occupied"),
    (re.compile(r"(звільнено|liberated)[\d\s.,\-–—]*"), "liberated"),
    (re.compile(r"(статус невідомий|unknown status)"), "unknown"),
)

# ISW layer names, lower-cased with everything but letters and digits removed. Checked in
# order: pre-2022 first, because those layer names also contain "russiancontrolled".
_ISW_LAYER_RULES = (
    (
        ("crimea", "before2022", "prior2022", "pre2022", "beforefeb", "before24feb", "since2014"),
        "occupied_before_2022",
    ),
    (("claimedukrainiancounteroffensive",), "contested"),
    (("claimedrussianterritory", "claimedrussianadvance"), "contested"),
    (("assessedrussianadvance",), "contested"),
    (("cotinukraine", "russiancontrolled", "controlofterrain"), "occupied"),
)


def _clean_text(value) -> str:
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).lower()
    return " ".join(text.split())


def _name_status(name: str) -> str | None:
    for side in (part.strip() for part in name.split("///")):
        for pattern, status in _NAME_RULES:
            if pattern.fullmatch(side):
                return status
    return None


@functools.lru_cache(maxsize=4096)
def _deepstate_status(name, description, fill, style) -> tuple[str | None, str | None]:
    """Return (status, status-by-colour) of one DeepStateMap feature."""
    name, description = _clean_text(name), _clean_text(description)
    colour = _clean_text(fill)
    if not colour:
        found = _STYLE_COLOUR.search(_clean_text(style))
        colour = f"#{found.group(1)}" if found else ""
    by_colour = _DEEPSTATE_FILLS.get(colour)
    tag = _TAG.search(name) or _TAG.search(description)
    if tag and tag.group(1) in _DEEPSTATE_TAGS:
        return _DEEPSTATE_TAGS[tag.group(1)], by_colour
    by_name = _name_status(_TAG.sub("", name))
    return (by_name or by_colour), by_colour


def _isw_layer_status(layer: str) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", _clean_text(layer))
    for needles, status in _ISW_LAYER_RULES:
        if any(needle in key for needle in needles):
            return status
    return None


def _english(name) -> str:
    text = " ".join(str(name).split())
    return text.split("///")[-1].strip() or text


# --------------------------------------------------------------------------- file finding


def _resolve_paths(path) -> list[Path]:
    text = os.fspath(path)
    target = Path(text).expanduser()
    if target.is_dir():
        files = sorted(
            p for p in target.iterdir() if p.is_file() and p.suffix.lower() in _FILE_SUFFIXES
        )
        if not files:
            raise ControlImportError(
                f"Folder {text!r} holds no control files: expected *.geojson or *.json files.",
                rule="no-files",
            )
        return files
    if target.is_file():
        return [target]
    if _GLOB_CHARS.search(text):
        files = sorted(Path(p) for p in globlib.glob(os.path.expanduser(text), recursive=True))
        files = [p for p in files if p.is_file()]
        if not files:
            raise ControlImportError(
                f"Pattern {text!r} matches no files: pass a file, a folder of *.geojson "
                "files, or a glob pattern such as 'archive/*.geojson'.",
                rule="no-files",
            )
        return files
    raise ControlImportError(
        f"{text!r} does not exist: pass a file, a folder of *.geojson files, or a glob pattern.",
        rule="not-found",
    )


def _read_text(path: Path) -> tuple[bytes, str]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ControlImportError(
                f"{path.name}: is {path.stat().st_size / 2**20:,.0f} MiB; control files are "
                f"limited to {MAX_FILE_BYTES // 2**20} MiB each — split the archive by date.",
                rule="file-too-large",
                file=path.name,
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ControlImportError(
            f"{path.name}: cannot be read ({exc.strerror}).", rule="file-unreadable", file=path.name
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ControlImportError(
            f"{path.name}: is not UTF-8 text (invalid byte at position {exc.start}); "
            "GeoJSON must be UTF-8 — re-save the file as UTF-8.",
            rule="encoding",
            file=path.name,
        ) from None
    return raw, text


# --------------------------------------------------------------------------- format sniffing

_PROPERTIES = re.compile(r'"properties"\s*:\s*')
_SNIFF_FEATURES = 50
_DEEPSTATE_KEYS = {"styleUrl", "styleHash", "fill", "stroke", "description", "fill-opacity"}
_ISW_KEYS = {"datetime", "FID", "OBJECTID", "Shape__Area", "Shape__Length"}


@dataclass
class _Sniff:
    source: str | None
    keys: set = field(default_factory=set)
    collection_name: str = ""


def _sniff(text: str) -> _Sniff:
    """Guess the archive format from the feature properties, without parsing coordinates."""
    decoder = json.JSONDecoder()
    keys: set = set()
    names: list[str] = []
    seen = 0
    for match in _PROPERTIES.finditer(text):
        try:
            props, _ = decoder.raw_decode(text, match.end())
        except (ValueError, RecursionError):
            break
        if _is_crs_properties(props):
            continue
        seen += 1
        if isinstance(props, dict):
            keys |= props.keys()
            if isinstance(props.get("name"), str):
                names.append(props["name"])
        if seen >= _SNIFF_FEATURES:
            break
    head = re.search(r'"name"\s*:\s*"([^"]*)"', text[:2000])
    collection_name = head.group(1) if head else ""
    lower = {k.lower() for k in keys if isinstance(k, str)}
    if "status" in lower and lower & {"date", "valid_from"}:
        source = "plain"
    elif "layer" in keys:
        source = "isw"
    elif "name" in keys and (keys & _DEEPSTATE_KEYS or any("///" in n for n in names)):
        source = "deepstate"
    elif keys & _ISW_KEYS:
        source = "isw"
    elif seen and not keys:
        source = "deepstate-daily"
    else:
        source = None
    return _Sniff(source, keys, collection_name)


def _is_crs_properties(props) -> bool:
    # The legacy GeoJSON "crs" member has a "properties" object of its own.
    return (
        isinstance(props, dict)
        and set(props) <= {"name", "href", "type"}
        and str(props.get("name", props.get("href", "")))
        .lower()
        .startswith(("urn:", "epsg", "http"))
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _unknown_format(path: Path, text: str) -> ControlImportError:
    if not _is_json(text):
        return _corrupt(path)
    return ControlImportError(
        f"{path.name}: unknown format. Expected one of: DeepStateMap export (features with "
        "'name' and 'fill'), DeepStateMap daily file (one MultiPolygon, no properties), ISW "
        "layer file ('layer' or 'datetime' field), plain series (features with 'status' and "
        f"'date' or 'valid_from'). Pass source= one of {list(SOURCES)} if you know which it is.",
        rule="unknown-format",
        file=path.name,
    )


def _corrupt(path: Path, detail: str = "") -> ControlImportError:
    detail = f" ({detail})" if detail else ""
    return ControlImportError(
        f"{path.name}: is not valid GeoJSON — the file is corrupt or truncated{detail}. "
        "Expected a GeoJSON FeatureCollection; download the file again.",
        rule="geojson-corrupt",
        file=path.name,
    )


# --------------------------------------------------------------------------- dates


def _stamp(value: pd.Timestamp) -> pd.Timestamp | None:
    if value.tzinfo is not None:
        value = value.tz_convert("UTC").tz_localize(None)
    return value if _EARLIEST <= value < _LATEST else None


def _date_from_name(stem: str, *, unix: bool) -> pd.Timestamp | None:
    """Full timestamp from a file name: Unix seconds (if ``unix``) or YYYYMMDD/YYYY-MM-DD."""
    if unix:
        found = re.match(r"\s*(\d{9,10}|\d{13})(?!\d)", stem)
        if found:
            digits = found.group(1)
            unit = "ms" if len(digits) == 13 else "s"
            return _stamp(pd.Timestamp(int(digits), unit=unit, tz="UTC"))
    found = re.search(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)", stem)
    if found:
        try:
            return _stamp(pd.Timestamp(datetime(*map(int, found.groups()))))
        except ValueError:
            return None
    return None


def _no_date(path: Path, expected: str) -> ControlImportError:
    return ControlImportError(
        f"{path.name}: cannot read a date from the file name or its content; expected {expected}. "
        "Rename the file to carry its date.",
        rule="no-date",
        file=path.name,
    )


# --------------------------------------------------------------------------- geometry helpers


@functools.lru_cache(maxsize=1)
def _ukraine_outline():
    from geodata._regions import ukraine

    outline = shapely.make_valid(ukraine(detail="web"))
    shapely.prepare(outline)
    return outline


def _clip_geometry(clip, source: str):
    """Return (prepared outline or None, its name for the report)."""
    if clip is None:
        clip = source in _UKRAINE_SOURCES
    if clip is True:
        return _ukraine_outline(), "Ukraine"
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


def _polygonal(geom):
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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --------------------------------------------------------------------------- one file


@dataclass
class _FileResult:
    rows: list  # (date, status, geometry, layer)
    lines: list  # report lines
    stamp: pd.Timestamp


@dataclass
class _Features:
    """Parallel arrays of the polygons still in play while one file is cleaned."""

    geoms: np.ndarray
    statuses: np.ndarray
    dates: np.ndarray
    layers: np.ndarray | None
    labels: np.ndarray  # what the report calls each polygon (its name or layer), or None

    def take(self, mask: np.ndarray) -> _Features:
        layers = self.layers[mask] if self.layers is not None else None
        return _Features(
            self.geoms[mask], self.statuses[mask], self.dates[mask], layers, self.labels[mask]
        )


def _parse(path: Path, raw: bytes) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(raw)
    except Exception as exc:  # pyogrio raises several GDAL error classes for bad JSON
        detail = " ".join(str(exc).split())[:120]
        raise _corrupt(path, detail) from None
    return frame


def _to_wgs84(path: Path, frame: gpd.GeoDataFrame, lines: list) -> np.ndarray:
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


def _type_counts(geoms: np.ndarray) -> str:
    found = Counter(shapely.get_type_id(geoms).tolist())
    names = {0: "point", 1: "line", 2: "ring", 4: "multipoint", 5: "multiline"}
    return ", ".join(_plural(n, names.get(t, "geometry")) for t, n in sorted(found.items()))


def _polygon_mask(name: str, geoms: np.ndarray, source: str, lines: list):
    """Keep Polygons and MultiPolygons (and the polygons of collections); report the rest."""
    type_ids = shapely.get_type_id(geoms)  # -1 for missing geometries
    is_poly = np.isin(type_ids, (3, 6))
    collections = type_ids == 7
    if collections.any():
        geoms = geoms.copy()
        geoms[collections] = [_polygonal(g) for g in geoms[collections]]
        is_poly |= collections & ~shapely.is_missing(geoms)
        lines.append(
            f"{name}: kept only the polygons of "
            f"{_plural(int(collections.sum()), 'geometry collection')}"
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
        lines.append(f"{name}: dropped {_plural(int(missing.sum()), 'feature')} with no geometry")
    if other.any():
        label = " (labels, attack arrows)" if source == "deepstate" else ""
        lines.append(f"{name}: dropped {_type_counts(geoms[other])}{label}")
    return geoms, is_poly


def _repair(name: str, features: _Features, lines: list) -> _Features:
    """Drop empty polygons and Z, repair invalid polygons, keeping only polygonal parts."""
    empty = shapely.is_empty(features.geoms)
    if empty.any():
        lines.append(f"{name}: dropped {_plural(int(empty.sum()), 'empty polygon')}")
        features = features.take(~empty)
    geoms = features.geoms
    three_d = shapely.has_z(geoms)
    if three_d.any():
        geoms = shapely.force_2d(geoms)
        lines.append(f"{name}: dropped Z coordinates from {_plural(int(three_d.sum()), 'polygon')}")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        # "structure" is 25x faster than "linework" on large rings and returns polygons.
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = [_polygonal(g) for g in fixed]
        lines.append(
            f"{name}: repaired {_plural(int(invalid.sum()), 'invalid polygon')} "
            "(self-intersections, bad rings) with make_valid"
        )
    features = dataclasses.replace(features, geoms=geoms)
    gone = shapely.is_missing(geoms)
    if gone.any():
        lines.append(
            f"{name}: dropped {_plural(int(gone.sum()), 'polygon')} with no area left after repair"
        )
        features = features.take(~gone)
    return features


def _read_file(path: Path, source: str, clip, sniff: _Sniff | None) -> _FileResult:
    if source == "plain":
        return _read_plain_file(path, clip)
    raw, text = _read_text(path)
    if sniff is None:
        sniff = _sniff(text)
    frame = _parse(path, raw)
    del raw, text
    lines: list[str] = []
    geoms = _to_wgs84(path, frame, lines)
    geoms, is_poly = _polygon_mask(path.name, geoms, source, lines)
    statuses, layers, dates, stamp = _statuses_and_dates(path, source, frame, sniff, is_poly, lines)
    if source == "deepstate" and "name" in frame.columns:
        labels = np.array([_english(n) if isinstance(n, str) else None for n in frame["name"]])
    else:
        labels = layers if layers is not None else np.full(len(frame), None, dtype=object)
    features = _Features(geoms, statuses, dates, layers, labels.astype(object))
    features = features.take(is_poly & pd.notna(statuses))
    features = _repair(path.name, features, lines)
    outline, label = clip
    if outline is not None and len(features.geoms):
        geoms, kept = _clip(path.name, features, outline, lines, label)
        features = dataclasses.replace(features, geoms=geoms).take(kept)
    return _FileResult(_dissolve(features), lines, stamp)


def _read_plain_file(path: Path, clip) -> _FileResult:
    """A plain series file: validated rows, periods turned into snapshots, dissolved."""
    raw, _ = _read_text(path)
    frame = _parse(path, raw)
    del raw
    lines: list[str] = []
    geoms = _to_wgs84(path, frame, lines)
    geoms = np.array([None if shapely.is_missing(g) else g for g in geoms], dtype=object)
    checked, problems = check_rows(frame, geoms, file=path.name, cls=ControlImportError)
    problems += missing_geometry_problems(geoms, 1)
    raise_problems(problems, file=path.name, cls=ControlImportError)
    statuses = checked.statuses
    if checked.style == "snapshots":
        dates = checked.dates
    else:
        geoms, statuses, dates = _periods_to_snapshots(path.name, checked, geoms, lines)
    features = _Features(geoms, statuses, dates, None, statuses.copy())
    features = _repair(path.name, features, lines)
    outline, label = clip
    if outline is not None and len(features.geoms):
        clipped, kept = _clip(path.name, features, outline, lines, label)
        features = dataclasses.replace(features, geoms=clipped).take(kept)
    stamps = [d for d in dates if pd.notna(d)]
    stamp = max(stamps) if stamps else pd.Timestamp(_EARLIEST)
    return _FileResult(_dissolve(features), lines, stamp)


def _periods_to_snapshots(name: str, checked, geoms: np.ndarray, lines: list):
    """One snapshot at every date a period starts or ends, of the periods then in force."""
    starts = pd.to_datetime(list(checked.starts))
    ends = pd.to_datetime(list(checked.ends))
    breaks = sorted(set(starts) | set(ends.dropna()))
    index, dates, empty = [], [], []
    for day in breaks:
        live = np.flatnonzero((starts <= day) & (ends.isna() | (ends > day)))
        if not len(live):
            empty.append(day)
        index.extend(live.tolist())
        dates.extend([day] * len(live))
    if empty:
        shown = ", ".join(str(d.date()) for d in empty[:5])
        lines.append(
            f"{name}: no period is in force from {shown}; a snapshot series cannot show an "
            "empty date, so the snapshot before stays in force there (read_series keeps the "
            "periods as they are)"
        )
    index = np.asarray(index, dtype=int)
    return geoms[index], checked.statuses[index], np.array(dates, dtype=object)


def _clip(name: str, features: _Features, outline, lines: list, label: str):
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
        cut = np.array([_polygonal(g) for g in cut], dtype=object)
        geoms[border] = cut
        present = ~shapely.is_missing(cut)
        removed += before - _approx_km2(cut[present])
        outside[np.flatnonzero(border)[~present]] = True
    kept = ~outside
    n_border = int(border.sum() - (border & outside).sum())
    parts = []
    if n_border:
        parts.append(f"cut {_plural(n_border, 'polygon')} at the border")
    if outside.any():
        names = sorted({str(n) for n in features.labels[outside] if n})
        listing = f" ({', '.join(repr(n) for n in names[:8])})" if names else ""
        parts.append(
            f"dropped {_plural(int(outside.sum()), 'polygon')} lying wholly outside{listing}"
        )
    if parts and removed >= 0.5:
        lines.append(
            f"{name}: clipped to {label} — {', '.join(parts)} (≈{removed:,.0f} km² removed)"
        )
    elif parts:
        lines.append(f"{name}: clipped to {label} — {', '.join(parts)}")
    return geoms, kept


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
        merged = _polygonal(shapely.union_all(geoms[touching]))
        if merged is not None:
            parts.append(shapely.get_parts(merged))
    parts = np.concatenate(parts)
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def _dissolve(features: _Features) -> list:
    rows = []
    geoms, layers = features.geoms, features.layers
    if not len(geoms):
        return rows
    keys = pd.DataFrame({"date": features.dates, "status": features.statuses})
    for (date, status), index in keys.groupby(["date", "status"], sort=True).indices.items():
        merged = _polygonal(_union(geoms[index]))
        if merged is None:
            continue
        layer = None
        if layers is not None:
            layer = ", ".join(sorted({str(v) for v in layers[index] if isinstance(v, str)}))
        rows.append((date, status, merged, layer))
    return rows


# --------------------------------------------------------------------------- per-format rules


def _statuses_and_dates(path, source, frame, sniff, is_poly, lines):
    if source == "deepstate":
        return _deepstate_rows(path, frame, is_poly, lines)
    if source == "deepstate-daily":
        return _daily_rows(path, frame, sniff, lines)
    return _isw_rows(path, frame, is_poly, lines)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _deepstate_rows(path, frame, is_poly, lines):
    stamp = _date_from_name(path.stem, unix=True)
    if stamp is None:
        raise _no_date(path, "Unix seconds (e.g. 1664571886.geojson) or YYYYMMDD in the name")
    names, fills = _column(frame, "name"), _column(frame, "fill")
    descriptions, styles = _column(frame, "description"), _column(frame, "styleUrl")
    statuses = np.full(len(frame), None, dtype=object)
    unmapped: Counter = Counter()
    disagree = 0
    for i in np.flatnonzero(is_poly):
        status, by_colour = _deepstate_status(
            names[i] if isinstance(names[i], str) else None,
            descriptions[i] if isinstance(descriptions[i], str) else None,
            fills[i] if isinstance(fills[i], str) else None,
            styles[i] if isinstance(styles[i], str) else None,
        )
        statuses[i] = status
        if status is None:
            unmapped[_english(names[i]) if isinstance(names[i], str) else "(no name)"] += 1
        elif by_colour is not None and by_colour != status:
            disagree += 1
    if unmapped:
        shown = sorted(unmapped)
        listing = ", ".join(repr(n) for n in shown[:8])
        more = f" and {len(shown) - 8} more" if len(shown) > 8 else ""
        lines.append(
            f"{path.name}: dropped {_plural(sum(unmapped.values()), 'polygon')} whose name and "
            f"colour map to no status (decoys or labels): {listing}{more}"
        )
    if disagree:
        lines.append(
            f"{path.name}: {_plural(disagree, 'polygon')} with a name that disagrees with its "
            "fill colour; the name was used"
        )
    dates = np.full(len(frame), stamp.normalize(), dtype=object)
    return statuses, None, dates, stamp


def _daily_rows(path, frame, sniff, lines):
    stamp = _date_from_name(path.stem, unix=False)
    if stamp is None:
        stamp = _date_from_name(sniff.collection_name, unix=False)
    if stamp is None:
        raise _no_date(path, "YYYYMMDD in the name (e.g. deepstatemap_data_20241231.geojson)")
    statuses = np.full(len(frame), "occupied", dtype=object)
    dates = np.full(len(frame), stamp.normalize(), dtype=object)
    return statuses, None, dates, stamp


def _isw_rows(path, frame, is_poly, lines):
    name_stamp = _date_from_name(path.stem, unix=False)
    n = len(frame)
    if "layer" in frame.columns:
        layers = _column(frame, "layer")
    else:
        found = re.match(r"\s*(?:\d{4}-?\d{2}-?\d{2})?[_\- ]*(.+)", path.stem)
        layer = found.group(1).strip() if found else ""
        if not layer or _isw_layer_status(layer) is None:
            raise ControlImportError(
                f"{path.name}: cannot tell which ISW layer this file holds: it has no 'layer' "
                "field and its name does not end in a known layer (expected "
                "YYYYMMDD_<Layer>.geojson, e.g. 20220930_RussianAssessedCoTinUkraine.geojson).",
                rule="isw-layer",
                file=path.name,
            )
        layers = np.full(n, layer, dtype=object)

    statuses = np.full(n, None, dtype=object)
    unknown: Counter = Counter()
    for value in set(layers[is_poly].tolist()):
        status = _isw_layer_status(value) if isinstance(value, str) else None
        mask = is_poly & (layers == value)
        if status is None:
            unknown[str(value)] += int(mask.sum())
        else:
            statuses[mask] = status
    if unknown:
        listing = ", ".join(f"{k!r} ({v})" for k, v in sorted(unknown.items()))
        lines.append(f"{path.name}: dropped polygons of unknown ISW layers: {listing}")

    dates = np.full(n, None, dtype=object)
    if "datetime" in frame.columns:
        dates = _epoch_dates(frame["datetime"])
    missing = pd.isna(dates)
    if missing.any():
        if name_stamp is None:
            raise _no_date(path, "a 'datetime' field in epoch milliseconds or YYYYMMDD in the name")
        dates[missing] = name_stamp.normalize()
    stamps = [d for d in dates if d is not None]
    stamp = name_stamp if name_stamp is not None else max(stamps)
    return statuses, layers, dates, stamp


def _epoch_dates(values: pd.Series) -> np.ndarray:
    """Calendar dates (UTC) of a column of epoch milliseconds or date strings."""
    out = np.full(len(values), None, dtype=object)
    if pd.api.types.is_numeric_dtype(values):
        parsed = pd.to_datetime(values, unit="ms", utc=True, errors="coerce")
    else:
        parsed = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    for i, value in enumerate(parsed):
        if pd.notna(value):
            checked = _stamp(value)
            if checked is not None:
                out[i] = checked.normalize()
    return out


# --------------------------------------------------------------------------- public API


def _check_source(source) -> None:
    allowed = ("auto", *SOURCES)
    if source not in allowed:
        raise ControlImportError(
            f"source={source!r} is not a known archive format; expected one of {list(allowed)}.",
            rule="bad-argument",
        )


def _detect(files: list[Path]) -> tuple[str, dict]:
    sniffs, by_source = {}, {}
    for path in files:
        _, text = _read_text(path)
        sniff = _sniff(text)
        if sniff.source is None:
            raise _unknown_format(path, text)
        sniffs[path] = sniff
        by_source.setdefault(sniff.source, []).append(path.name)
    if len(by_source) > 1:
        parts = []
        for found, names in sorted(by_source.items()):
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{found}: {shown}")
        raise ControlImportError(
            "The files mix archive formats (" + "; ".join(parts) + "). Import one format at "
            "a time: put each in its own folder or use a glob pattern.",
            rule="mixed-formats",
        )
    return next(iter(by_source)), sniffs


def _show_progress(progress, n_files: int) -> bool:
    if progress is None:
        return n_files > _PROGRESS_MIN_FILES and sys.stderr.isatty()
    return bool(progress)


def read_control(path, source="auto", *, progress=None, clip=None) -> gpd.GeoDataFrame:
    """Read a control-of-terrain archive into one row per (date, status).

    Parameters
    ----------
    path : str or os.PathLike
        One file, a folder (every ``*.geojson``/``*.json`` in it, sorted by name), a
        glob pattern such as ``"archive/2023*.geojson"``, or a ``.zip`` of one such folder
        (extracted to a temporary folder with :func:`geodata.safe_extract`).
    source : {"auto", "deepstate", "deepstate-daily", "isw", "plain"}, default "auto"
        Archive format (see :data:`SOURCES` and the module notes). ``"auto"`` detects it from
        the content (users rename files); all files must then share one format.
    progress : bool or None, default None
        Show a tqdm progress bar. ``None`` shows one for more than five files when stderr
        is a terminal.
    clip : bool, shapely geometry or None, default None
        ``True`` clips to Ukraine's outline (``geodata.ukraine(detail="web")``), dropping
        decoys and areas drawn in Moldova or Russia; a polygon clips to that polygon
        instead; ``False`` keeps everything. ``None`` clips the DeepStateMap and ISW
        archives to Ukraine and leaves plain series as they are.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``date`` (datetime64, calendar date in UTC), ``status`` (one of
        ``geodata.STATUSES`` for the archives; a plain series keeps its own), ``source``
        (the format), ``layer`` (ISW only: the layers merged into the
        row) and ``geometry`` (2-D, valid Polygon/MultiPolygon, EPSG:4326), one row per
        date and status, sorted. ``attrs["report"]`` lists every repair and drop, one
        line per change and file.

    Raises
    ------
    ControlImportError
        Unknown ``source``, no matching files, mixed formats, corrupt or non-UTF-8 JSON,
        a file over ``MAX_FILE_BYTES`` (256 MiB), files without polygons, projected
        coordinates that claim to be degrees, a date that can be read neither from the
        content nor from the file name, an unsafe zip (see :func:`geodata.safe_extract`),
        or bad rows of a plain series (listed with row, field and value; rules as for
        :func:`read_series`).

    Warns
    -----
    ImportReportWarning
        Once per file that needed repairs or drops, with a summary.

    Notes
    -----
    Files are processed one at a time and only the dissolved result of each is kept, so
    memory does not grow with the raw size of an archive. Snapshot formats
    (``deepstate``, ``deepstate-daily``) keep the latest file of a day when several
    share it; ISW files of one day are merged (each usually holds one layer), and so are
    plain files (a folder of them is one series).

    Examples
    --------
    >>> control = read_control("deepstate-history/")  # doctest: +SKIP
    >>> control.groupby("status").size()  # doctest: +SKIP
    """
    _check_source(source)
    if os.fspath(path).lower().endswith(".zip") and Path(path).is_file():
        from geodata._archive import extract_control_folder

        with tempfile.TemporaryDirectory(prefix="borderlines-zip-") as tmp:
            folder = extract_control_folder(path, tmp)
            return read_control(folder, source, progress=progress, clip=clip)
    files = _resolve_paths(path)
    sniffs: dict = {}
    if source == "auto":
        source, sniffs = _detect(files)
    clip = _clip_geometry(clip, source)

    from tqdm import tqdm

    # Snapshot archives keep the latest file of a day; ISW layers and plain files merge.
    series = _Series(snapshots=source not in ("isw", "plain"))
    report: list[str] = []
    bar = tqdm(
        files, desc="read_control", unit="file", disable=not _show_progress(progress, len(files))
    )
    for file in bar:
        result = _read_file(file, source, clip, sniffs.get(file))
        if result.lines:
            report.extend(result.lines)
            summary = "; ".join(line.split(": ", 1)[1] for line in result.lines)
            warnings.warn(f"{file.name}: {summary}", ImportReportWarning, stacklevel=2)
        series.add(file.name, result)
    bar.close()
    report.extend(series.notes())
    if source == "deepstate-daily":
        report.append(
            "deepstate-daily files hold one outline of everything Russia holds: all of it is "
            "read as 'occupied' (this format cannot separate areas occupied before 2022)"
        )
    frame = series.to_frame(source)
    frame.attrs["report"] = report
    return frame


def _status_rank(status: str) -> tuple:
    """Built-in statuses in their order, then any others by name."""
    return (0, _STATUSES.index(status), "") if status in _STATUSES else (1, 0, status)


class _Series:
    """Dissolved results of the files read so far, one entry per (date, status).

    Snapshot formats keep the latest file of a day (a later snapshot supersedes an earlier
    one); ISW files of one day are merged, as each usually holds one layer.
    """

    def __init__(self, *, snapshots: bool):
        self.snapshots = snapshots
        self.groups: dict = {}  # (date, status) -> ([geometries], {layers})
        self.owners: dict = {}  # date -> (stamp, file name), snapshot formats only
        self.superseded: list[str] = []

    def add(self, name: str, result: _FileResult) -> None:
        if self.snapshots:
            date = result.stamp.normalize()
            owner = self.owners.get(date)
            if owner is not None:
                if result.stamp < owner[0]:
                    self.superseded.append(f"{name} (superseded by {owner[1]})")
                    return
                self.superseded.append(f"{owner[1]} (superseded by {name})")
                for key in [key for key in self.groups if key[0] == date]:
                    del self.groups[key]
            self.owners[date] = (result.stamp, name)
        for date, status, geom, layer in result.rows:
            geoms, layers = self.groups.setdefault((date, status), ([], set()))
            geoms.append(geom)
            if layer:
                layers.update(layer.split(", "))

    def notes(self) -> list[str]:
        if not self.superseded:
            return []
        shown = ", ".join(self.superseded[:5])
        more = len(self.superseded) - 5
        return [
            f"kept the latest snapshot of each day; ignored "
            f"{_plural(len(self.superseded), 'file')}: {shown}"
            + (f" and {more} more" if more > 0 else "")
        ]

    def to_frame(self, source: str) -> gpd.GeoDataFrame:
        rows = []
        order = sorted(self.groups, key=lambda key: (key[0], _status_rank(key[1])))
        for date, status in order:
            geoms, layers = self.groups[date, status]
            merged = geoms[0] if len(geoms) == 1 else _polygonal(shapely.union_all(geoms))
            if merged is not None:
                rows.append((date, status, ", ".join(sorted(layers)), merged))
        data = {
            "date": pd.to_datetime([row[0] for row in rows]).astype("datetime64[ns]"),
            "status": [row[1] for row in rows],
            "source": [source] * len(rows),
        }
        if source == "isw":
            data["layer"] = [row[2] for row in rows]
        geometry = gpd.GeoSeries([row[3] for row in rows], crs="EPSG:4326")
        return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")


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
    if suffix not in _SERIES_SUFFIXES:
        raise GeodataError(
            f"Cannot write a control series to {target.name!r}: unknown suffix {suffix!r}; "
            f"expected one of {list(_SERIES_SUFFIXES)}."
        )
    if suffix == ".parquet":
        _need_pyarrow("Writing")
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


def _need_pyarrow(doing: str) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise GeodataError(
            f"{doing} GeoParquet needs the parquet extra: pip install 'borderlines[parquet]' "
            "(or use a .gpkg file).",
            rule="missing-extra",
        ) from None


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
