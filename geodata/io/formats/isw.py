"""ISW/CTP control-of-terrain layers.

Either one layer per file (``YYYYMMDD_<Layer>.geojson``, dated by an epoch-milliseconds
``datetime`` field when present, else by the file name) or all layers in one file
(``YYYYMMDD.geojson``) with a ``layer`` field. Assessed Russian control of terrain is
``"occupied"``; advances claimed by Russian sources, assessed advances and claimed
Ukrainian counteroffensives are ``"contested"`` (nobody has assessed who controls them);
Crimea and pre-2022 layers are ``"occupied_before_2022"``.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from geodata.io._dates import date_from_name, no_date, utc_stamp
from geodata.io._errors import ControlImportError
from geodata.io.formats._common import clean_text, column

__all__ = ["layer_status", "rows"]

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


def layer_status(layer: str) -> str | None:
    """The status of an ISW layer name, or None for a layer these rules do not know."""
    key = re.sub(r"[^a-z0-9]", "", clean_text(layer))
    for needles, status in _ISW_LAYER_RULES:
        if any(needle in key for needle in needles):
            return status
    return None


def rows(path, frame, is_poly, lines):
    """Statuses, layers, dates and the timestamp of one ISW file."""
    name_stamp = date_from_name(path.stem, unix=False)
    n = len(frame)
    if "layer" in frame.columns:
        layers = column(frame, "layer")
    else:
        found = re.match(r"\s*(?:\d{4}-?\d{2}-?\d{2})?[_\- ]*(.+)", path.stem)
        layer = found.group(1).strip() if found else ""
        if not layer or layer_status(layer) is None:
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
        status = layer_status(value) if isinstance(value, str) else None
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
            raise no_date(path, "a 'datetime' field in epoch milliseconds or YYYYMMDD in the name")
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
            checked = utc_stamp(value)
            if checked is not None:
                out[i] = checked.normalize()
    return out
