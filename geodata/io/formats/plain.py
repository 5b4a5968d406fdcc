"""The plain series format inside :func:`geodata.read_control`.

Anyone's series (its columns are checked by :mod:`geodata._plain`): a FeatureCollection
whose features have a ``status`` and a ``date`` (a snapshot, valid until the next one) or
``valid_from``/``valid_to`` (periods, turned into a snapshot at every date a period starts
or ends). Statuses are kept as they are; nothing is clipped unless ``clip=`` asks for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geodata._plain import check_rows, missing_geometry_problems, raise_problems
from geodata.io._clean import Features, FileResult, clip_features, dissolve, repair, to_wgs84
from geodata.io._dates import EARLIEST
from geodata.io._errors import ControlImportError
from geodata.io._files import parse, read_text

__all__ = ["read_file"]


def read_file(path: Path, clip) -> FileResult:
    """A plain series file: validated rows, periods turned into snapshots, dissolved."""
    raw, _ = read_text(path)
    frame = parse(path, raw)
    del raw
    lines: list[str] = []
    geoms = to_wgs84(path, frame, lines)
    geoms = np.array([None if shapely.is_missing(g) else g for g in geoms], dtype=object)
    checked, problems = check_rows(frame, geoms, file=path.name, cls=ControlImportError)
    problems += missing_geometry_problems(geoms, 1)
    raise_problems(problems, file=path.name, cls=ControlImportError)
    statuses = checked.statuses
    if checked.style == "snapshots":
        dates = checked.dates
    else:
        geoms, statuses, dates = _periods_to_snapshots(path.name, checked, geoms, lines)
    features = Features(geoms, statuses, dates, None, statuses.copy())
    features = repair(path.name, features, lines)
    features = clip_features(path.name, features, clip, lines)
    stamps = [d for d in dates if pd.notna(d)]
    stamp = max(stamps) if stamps else pd.Timestamp(EARLIEST)
    return FileResult(dissolve(features), lines, stamp)


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
