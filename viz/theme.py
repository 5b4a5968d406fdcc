"""What a figure says and spans when the caller does not say: from the data passed in.

The built-in dataset (Russia's war on Ukraine) brings its own defaults: the 1783-2024 span, the
focus on 2014 onwards, its era bands and its titles. They apply only when the data *is* the
built-in data (``df.attrs["dataset"] == "builtin"``, set by :func:`events.load_catalog`, or the
built-in regions and control series). Anyone else's data gets defaults computed from itself:
the events' own span, a focus segment only where the events are dense, the data's own eras
(TimelineJS era rows) and titles that name the region set, or no place at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _style as S

BUILTIN = "builtin"
#: The built-in timeline: never narrower than this span, focus from 2014.
BUILTIN_SPAN = ("1783-01-01", "2024-12-31")
BUILTIN_FOCUS = "2014-01-01"
BUILTIN_PLACE = "Ukraine"


@dataclass(frozen=True)
class Era:
    """A band above the timeline's lanes: ``label`` from ``start`` to ``end`` (None: open)."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp | None
    row: int = 0


def is_builtin(frame) -> bool:
    """True for the built-in catalogue, regions or series (and what was cut from them)."""
    return getattr(frame, "attrs", {}).get("dataset") == BUILTIN


def place_name(regions=None) -> str | None:
    """The name of a region set for titles and axes: "Ukraine" for the built-in units."""
    if regions is None:
        return BUILTIN_PLACE
    label = getattr(regions, "attrs", {}).get("label")
    return str(label) if label else None


def builtin_eras() -> tuple[Era, ...]:
    return tuple(
        Era(label, pd.Timestamp(start), pd.Timestamp(end) if end else None, row)
        for label, start, end, row in S.ERAS
    )


def eras_for(events: pd.DataFrame, eras=None) -> tuple[Era, ...]:
    """The era bands to draw.

    ``eras=None``: the built-in eras for the built-in catalogue, the data's own eras
    (``events.attrs["eras"]``, from a TimelineJS sheet) otherwise, else none. ``False``: none.
    A DataFrame or a list of mappings with ``start``, ``end`` (optional) and ``label``
    (or ``title``) gives them explicitly.
    """
    if eras is False:
        return ()
    if eras is True or eras is None:
        if is_builtin(events):
            return builtin_eras()
        eras = events.attrs.get("eras") if hasattr(events, "attrs") else None
        if not eras:
            return ()
    rows = eras.to_dict("records") if isinstance(eras, pd.DataFrame) else list(eras)
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"eras row {i + 1} must be a mapping of start, end, label: {row!r}")
        label = row.get("label") or row.get("title") or ""
        try:
            start = pd.Timestamp(str(row.get("start")))
            end = row.get("end")
            end = pd.Timestamp(str(end)) if end not in (None, "") and not pd.isna(end) else None
        except (ValueError, TypeError):
            raise ValueError(
                f"eras row {i + 1}: start and end must be dates like '1815' or '1815-12-10', "
                f"got {row.get('start')!r} and {row.get('end')!r}"
            ) from None
        out.append(Era(str(label), start, end, 0))
    return tuple(out)


def span_for(events: pd.DataFrame, eras: tuple[Era, ...] = ()) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The timeline's range: the events' (and eras') own dates, padded to whole years."""
    lows = [e.start for e in eras]
    highs = [e.end for e in eras if e.end is not None]
    if len(events):
        lows.append(events["date_lo"].min())
        highs.append(events["date_hi"].max())
    if is_builtin(events) or not lows:
        lows.append(pd.Timestamp(BUILTIN_SPAN[0]))
        highs.append(pd.Timestamp(BUILTIN_SPAN[1]))
    lo, hi = min(lows), max(highs or lows)
    if is_builtin(events):
        return pd.Timestamp(lo.year - lo.year % 10, 1, 1), pd.Timestamp(hi.year + 1, 3, 1)
    years = hi.year - lo.year
    if years > 3:  # whole years, with a little room at both ends
        pad = max(1, round(years * 0.02))
        return pd.Timestamp(lo.year - pad, 1, 1), pd.Timestamp(hi.year + pad + 1, 1, 1)
    pad = max(pd.Timedelta(days=15), (hi - lo) * 0.08)  # a short span: days and months
    return (lo - pad).normalize(), (hi + pad).normalize()


def focus_for(events: pd.DataFrame, focus="auto"):
    """Where the expanded segment of the timeline starts, or None for a plain linear axis.

    ``"auto"``: 2014 for the built-in catalogue; for other data, the start of the shortest
    window that holds 60% of the events, if that window is under a quarter of the events'
    span (dense recent events after a sparse long past); otherwise no focus.
    """
    if focus != "auto":
        return focus
    if is_builtin(events):
        return BUILTIN_FOCUS
    if len(events) < 8:
        return None
    days = np.sort(events["date_lo"].to_numpy(dtype="datetime64[D]").astype(np.int64))
    span = days[-1] - days[0]
    if span <= 0:
        return None
    k = int(np.ceil(len(days) * 0.6))
    widths = days[k - 1 :] - days[: len(days) - k + 1]
    start = int(np.argmin(widths))
    if widths[start] > span * 0.25:
        return None
    # only a dense *late* segment makes a focus+context axis (compressed past, wide present)
    if days[start + k - 1] < days[-1] - span * 0.1:
        return None
    day = np.datetime64(int(days[start]), "D")
    return pd.Timestamp(day).replace(month=1, day=1)
