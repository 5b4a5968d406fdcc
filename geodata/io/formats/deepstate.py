"""DeepStateMap raw exports: one ``<unix-seconds>.geojson`` per snapshot.

Points (labels, attack arrows) and Polygons with 3-D coordinates, converted from KML. The
status lives in the bilingual ``name`` ("Окуповано /// Occupied"), in later files also in a
tag such as ``geoJSON.status.occupied``, and in the ``fill`` colour, whose code changed over
the archive's life. Decoy and joke polygons (occupied Petsamo, East Prussia, ...) map to no
status and are dropped, and reported.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import numpy as np

from geodata.io._dates import date_from_name, no_date
from geodata.io._report import plural
from geodata.io.formats._common import clean_text, column

__all__ = ["english", "labels", "rows"]

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


def _name_status(name: str) -> str | None:
    for side in (part.strip() for part in name.split("///")):
        for pattern, status in _NAME_RULES:
            if pattern.fullmatch(side):
                return status
    return None


@functools.lru_cache(maxsize=4096)
def _deepstate_status(name, description, fill, style) -> tuple[str | None, str | None]:
    """Return (status, status-by-colour) of one DeepStateMap feature."""
    name, description = clean_text(name), clean_text(description)
    colour = clean_text(fill)
    if not colour:
        found = _STYLE_COLOUR.search(clean_text(style))
        colour = f"#{found.group(1)}" if found else ""
    by_colour = _DEEPSTATE_FILLS.get(colour)
    tag = _TAG.search(name) or _TAG.search(description)
    if tag and tag.group(1) in _DEEPSTATE_TAGS:
        return _DEEPSTATE_TAGS[tag.group(1)], by_colour
    by_name = _name_status(_TAG.sub("", name))
    return (by_name or by_colour), by_colour


def english(name) -> str:
    """The English side of a bilingual ``"Ukrainian /// English"`` name."""
    text = " ".join(str(name).split())
    return text.split("///")[-1].strip() or text


def labels(frame) -> np.ndarray:
    """What the report calls each feature: the English side of its name."""
    return np.array([english(n) if isinstance(n, str) else None for n in frame["name"]])


def rows(path, frame, is_poly, lines):
    """Statuses, layers (None), dates and the snapshot's timestamp of one export file."""
    stamp = date_from_name(path.stem, unix=True)
    if stamp is None:
        raise no_date(path, "Unix seconds (e.g. 1664571886.geojson) or YYYYMMDD in the name")
    names, fills = column(frame, "name"), column(frame, "fill")
    descriptions, styles = column(frame, "description"), column(frame, "styleUrl")
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
            unmapped[english(names[i]) if isinstance(names[i], str) else "(no name)"] += 1
        elif by_colour is not None and by_colour != status:
            disagree += 1
    if unmapped:
        shown = sorted(unmapped)
        listing = ", ".join(repr(n) for n in shown[:8])
        more = f" and {len(shown) - 8} more" if len(shown) > 8 else ""
        lines.append(
            f"{path.name}: dropped {plural(sum(unmapped.values()), 'polygon')} whose name and "
            f"colour map to no status (decoys or labels): {listing}{more}"
        )
    if disagree:
        lines.append(
            f"{path.name}: {plural(disagree, 'polygon')} with a name that disagrees with its "
            "fill colour; the name was used"
        )
    dates = np.full(len(frame), stamp.normalize(), dtype=object)
    return statuses, None, dates, stamp
