"""Queries on a catalogue DataFrame: by date range, category, place and text.

All of them take and return a DataFrame with the catalogue's columns (a filtered copy), so they
chain: ``at_place(between(df, "2014", "2022"), "UA-43")``.
"""

from __future__ import annotations

import pandas as pd

from ._dates import as_day, to_timestamp
from ._schema import CATEGORIES, normalize_category


def _bound(value, *, end: bool) -> pd.Timestamp:
    try:
        return to_timestamp(as_day(value, end=end))
    except ValueError as exc:
        raise ValueError(f"cannot read the date {value!r}: {exc}") from None


def between(df: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Events that overlap the period from ``start`` to ``end`` (both inclusive, either open).

    Partial bounds cover their whole period: ``between(df, "2014", "2022")`` runs from
    1 January 2014 to 31 December 2022, and a year-precision event of 2014 is included.
    """
    mask = pd.Series(True, index=df.index)
    if start is not None:
        mask &= df["date_hi"] >= _bound(start, end=False)
    if end is not None:
        mask &= df["date_lo"] <= _bound(end, end=True)
    return df[mask].copy()


def up_to(df: pd.DataFrame, date) -> pd.DataFrame:
    """Events that had begun by ``date`` (their first possible day is on or before it)."""
    return df[df["date_lo"] <= _bound(date, end=True)].copy()


def by_category(df: pd.DataFrame, *categories: str) -> pd.DataFrame:
    """Events in any of the given categories (slugs or aliases such as ``"treaty/law"``)."""
    wanted = []
    for c in categories:
        slug = normalize_category(c)
        if slug is None:
            raise ValueError(f"unknown category {c!r}; allowed: {', '.join(CATEGORIES)}")
        wanted.append(slug)
    return df[df["category"].isin(wanted)].copy()


def at_place(df: pd.DataFrame, code: str) -> pd.DataFrame:
    """Events at a region: ``"UA-43"`` matches that code, ``"UA"`` every Ukrainian region too."""
    code = code.strip().upper()

    def hit(places):
        return any(p == code or p.startswith(code + "-") for p in places)

    return df[df["places"].map(hit).astype(bool)].copy()


def search(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Events whose title, summary, actors or tags contain ``text`` (case-insensitive)."""
    needle = text.casefold().strip()

    def hay(row):
        parts = [row["title"], row["summary"], *row["actors"], *row["tags"]]
        return needle in " ".join(p for p in parts if p).casefold()

    if df.empty:
        return df.copy()
    return df[df.apply(hay, axis=1).astype(bool)].copy()


def query(df, *, start=None, end=None, category=None, place=None, text=None) -> pd.DataFrame:
    """Combine the filters above; ``None`` leaves a filter off.

    ``category`` and ``place`` may be one value or a list (any of them matches).
    """
    out = between(df, start, end)
    if category:
        cats = [category] if isinstance(category, str) else list(category)
        out = by_category(out, *cats)
    if place:
        places = [place] if isinstance(place, str) else list(place)
        out = pd.concat([at_place(out, p) for p in places]) if places else out
        out = out[~out.index.duplicated()].sort_index()
    if text:
        out = search(out, text)
    return out


def validate(data, *, file: str | None = None) -> pd.DataFrame:
    """Validate event data; return it normalised or raise :class:`EventValidationError`.

    Parameters
    ----------
    data : DataFrame, list of dict, or path
        Records in the schema. A path is loaded with :func:`load_catalog` (which validates).

    Raises
    ------
    EventValidationError
        Listing every problem at once, each with file, row/id, field, bad value and rule.
    """
    import os

    from ._io import load_catalog
    from ._schema import normalize_records

    if isinstance(data, str | os.PathLike):
        return load_catalog(data)
    if isinstance(data, pd.DataFrame):
        recs = data.to_dict("records")
        if "points" in data.columns:
            for r in recs:
                r["places"] = list(r.get("places") or []) + list(r.pop("points") or [])
        derived = ("date_lo", "date_hi", "date_label", "points")
        recs = [{k: v for k, v in r.items() if k not in derived} for r in recs]
        return normalize_records(recs, file=file)
    return normalize_records(list(data), file=file)
