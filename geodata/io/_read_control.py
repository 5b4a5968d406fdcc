"""read_control: find the files, detect their format, read each, merge them into one series.

Files are processed one at a time and only the dissolved result of each is kept, so memory
does not grow with the raw size of an archive. What each format means lives in
:mod:`geodata.io.formats`; the cleaning steps every file goes through in ``_clean``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.io._clean import (
    Features,
    FileResult,
    clip_features,
    clip_geometry,
    dissolve,
    polygon_mask,
    polygonal,
    repair,
    to_wgs84,
)
from geodata.io._files import parse, read_text, resolve_paths
from geodata.io._report import plural, warn_file
from geodata.io._sniff import Sniff, check_source, detect, sniff
from geodata.io._zip import extract_control_folder
from geodata.io.formats import deepstate, deepstate_daily, isw, plain

__all__ = ["read_control"]

_STATUSES = ("occupied_before_2022", "occupied", "claimed", "liberated", "contested", "unknown")
# Above this many files a progress bar is worth its line on the terminal.
_PROGRESS_MIN_FILES = 5


def _read_file(path: Path, source: str, clip, guess: Sniff | None) -> FileResult:
    if source == "plain":
        return plain.read_file(path, clip)
    raw, text = read_text(path)
    if guess is None:
        guess = sniff(text)
    frame = parse(path, raw)
    del raw, text
    lines: list[str] = []
    geoms = to_wgs84(path, frame, lines)
    geoms, is_poly = polygon_mask(path.name, geoms, source, lines)
    statuses, layers, dates, stamp = _statuses_and_dates(path, source, frame, guess, is_poly, lines)
    if source == "deepstate" and "name" in frame.columns:
        labels = deepstate.labels(frame)
    else:
        labels = layers if layers is not None else np.full(len(frame), None, dtype=object)
    features = Features(geoms, statuses, dates, layers, labels.astype(object))
    features = features.take(is_poly & pd.notna(statuses))
    features = repair(path.name, features, lines)
    features = clip_features(path.name, features, clip, lines)
    return FileResult(dissolve(features), lines, stamp)


def _statuses_and_dates(path, source, frame, guess, is_poly, lines):
    if source == "deepstate":
        return deepstate.rows(path, frame, is_poly, lines)
    if source == "deepstate-daily":
        return deepstate_daily.rows(path, frame, guess, lines)
    return isw.rows(path, frame, is_poly, lines)


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
    check_source(source)
    if os.fspath(path).lower().endswith(".zip") and Path(path).is_file():
        with tempfile.TemporaryDirectory(prefix="borderlines-zip-") as tmp:
            folder = extract_control_folder(path, tmp)
            return read_control(folder, source, progress=progress, clip=clip)
    files = resolve_paths(path)
    sniffs: dict = {}
    if source == "auto":
        source, sniffs = detect(files)
    clip = clip_geometry(clip, source)

    from tqdm import tqdm  # only needed while reading: `import geodata` does not load it

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
            warn_file(file.name, result.lines, stacklevel=2)
        series.add(file.name, result)
    bar.close()
    report.extend(series.notes())
    if source == "deepstate-daily":
        report.append(deepstate_daily.NOTE)
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

    def add(self, name: str, result: FileResult) -> None:
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
            f"{plural(len(self.superseded), 'file')}: {shown}"
            + (f" and {more} more" if more > 0 else "")
        ]

    def to_frame(self, source: str) -> gpd.GeoDataFrame:
        rows = []
        order = sorted(self.groups, key=lambda key: (key[0], _status_rank(key[1])))
        for date, status in order:
            geoms, layers = self.groups[date, status]
            merged = geoms[0] if len(geoms) == 1 else polygonal(shapely.union_all(geoms))
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
