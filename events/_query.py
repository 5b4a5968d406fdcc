"""Queries on a catalogue DataFrame: by date range, category, place and text.

All of them take and return a DataFrame with the catalogue's columns (a filtered copy), so they
chain: ``at_place(between(df, "2014", "2022"), "UA-43")``.
"""

from __future__ import annotations

import pandas as pd

from ._dates import as_day, to_timestamp
from ._schema import normalize_category
from ._vocab import vocabulary


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


def _categories(df: pd.DataFrame, categories) -> list[str]:
    """The stored form of each wanted category; an error for one these events cannot have."""
    vocab = vocabulary(df)
    known = set(vocab.slugs) | set(df["category"])
    wanted = []
    for c in categories:
        slug = normalize_category(c)
        if slug not in known:
            allowed = ", ".join(vocab.order(known - {""})) or "(none: no event has a category)"
            raise ValueError(f"unknown category {c!r}; allowed: {allowed}")
        wanted.append(slug)
    return wanted


def by_category(df: pd.DataFrame, *categories: str) -> pd.DataFrame:
    """Events in any of the given categories.

    Built-in slugs and aliases match in any case (``"treaty/law"`` is ``"treaty"``), other
    categories as written; ``""`` selects the events without a category. A category that is
    neither in ``df`` nor in its vocabulary (:func:`events.vocabulary`) is a ``ValueError``
    naming the allowed ones, so a typo does not pass for an empty result.
    """
    return df[df["category"].isin(_categories(df, categories))].copy()


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
    # Categories are checked against all events: one with no event in the period is no typo.
    cats = [] if not category else [category] if isinstance(category, str) else list(category)
    wanted = _categories(df, cats)
    out = between(df, start, end)
    if cats:
        out = out[out["category"].isin(wanted)].copy()
    if place:
        places = [place] if isinstance(place, str) else list(place)
        out = pd.concat([at_place(out, p) for p in places]) if places else out
        out = out[~out.index.duplicated()].sort_index()
    if text:
        out = search(out, text)
    return out


def validate(data, *, file: str | None = None, strict: bool = False) -> pd.DataFrame:
    """Validate event data; return it normalised or raise :class:`EventValidationError`.

    Parameters
    ----------
    data : DataFrame, list of dict, or path
        Records in the schema. A path is loaded with :func:`load_catalog` (which validates).
    file : str, optional
        The file name problem reports show.
    strict : bool, default False
        Also require a category (rule ``required``) and at least one source (``no-source``)
        on every event, as the built-in catalogue does.

    Returns
    -------
    pandas.DataFrame
        The events with the loaders' columns; a DataFrame keeps its ``attrs``.

    Raises
    ------
    EventValidationError
        Listing every problem at once, each with file, row/id, field, bad value and rule.

    Examples
    --------
    >>> import events
    >>> rec = {"id": "a", "title": "A", "start": "2024-05"}
    >>> events.validate([rec])[["category", "sourced", "date_label"]].values.tolist()
    [['', False, 'May 2024']]
    """
    import os

    from ._io import load_catalog
    from ._schema import normalize_records

    if isinstance(data, str | os.PathLike):
        return load_catalog(data, strict=strict)
    if isinstance(data, pd.DataFrame):
        recs = data.to_dict("records")
        if "points" in data.columns:
            for r in recs:
                r["places"] = list(r.get("places") or []) + list(r.pop("points") or [])
        derived = ("date_lo", "date_hi", "date_label", "points", "sourced")
        recs = [{k: v for k, v in r.items() if k not in derived} for r in recs]
        out = normalize_records(recs, file=file, strict=strict)
        out.attrs.update(data.attrs)
        return out
    return normalize_records(list(data), file=file, strict=strict)
