"""Who held what, and when: control series over time, and the built-in one.

:func:`control_at`, :func:`coverage`, :func:`snapshot_at` and :func:`status_scheme` work on
any series — the built-in one, the Ukraine archives read by :func:`geodata.read_control`,
or anyone's plain series (:func:`geodata.read_series`) with statuses of their own. A series
comes in one of two shapes: periods (``status``, ``valid_from``, ``valid_to`` exclusive,
geometry) like the built-in table, or snapshots (``date``, ``status``, geometry, optionally
``source``), each valid until the next.

The built-in series is Russia's war on Ukraine. Its status vocabulary (:data:`STATUSES`, in
this order):

``occupied_before_2022``
    Held by Russia or Russia-led forces before 24 Feb 2022: Crimea and Sevastopol (from
    27 Feb 2014) and parts of Donetsk and Luhansk oblasts (from April 2014). Keeps this
    status after 24 Feb 2022.
``occupied``
    Held by Russia since the full-scale invasion of 24 Feb 2022.
``claimed``
    Annexed under Russian law but not held: the claimed units (Crimea and Sevastopol from
    18 Mar 2014; Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts, whole, from 30 Sep 2022)
    minus the held, contested and liberated areas at that date (e.g. Zaporizhzhia city,
    Kramatorsk, Sloviansk; Kherson city after Nov 2022).
``liberated``
    Held at the previous key date and retaken by Ukraine since, shown until the next key
    date (Kyiv, Chernihiv and Sumy oblasts in April 2022; Kharkiv oblast in September and
    October 2022; the right bank of the Dnipro in November 2022).
``contested``
    Fought over with no side holding it (besieged Mariupol until 20 May 2022; Izium in
    March 2022).
``unknown``
    Status not known (used by imported archives; the built-in series has none).

At one date the statuses never overlap; where they would, held wins over contested, over
liberated, over claimed.

The held areas away from Crimea and Sevastopol are approximate: polygons through named
towns and rivers (``geodata/data/front_lines.yaml``), cut to the oblast shapes and Ukraine's
outline; rows say so in ``approximate`` and ``method``. See ``geodata/data/PROVENANCE.md``.
"""

from __future__ import annotations

import datetime as _dt
import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata._errors import GeodataError
from geodata._regions import DATA_DIR, regions
from geodata._scheme import GENERIC, StatusScheme
from geodata.builtin import (
    ARCHIVE_SOURCES,
    CLAIMS,
    CRIMEA_SEIZED,  # noqa: F401  (moved to geodata.builtin; importable from here as before)
    SCHEME,
    STATUS_LABELS,
    STATUSES,
)

__all__ = [
    "CLAIMS",
    "STATUSES",
    "STATUS_LABELS",
    "claimed_at",
    "control_at",
    "control_series",
    "coverage",
    "key_dates",
    "snapshot_at",
    "status_scheme",
]

SERIES_COLUMNS = ["status", "valid_from", "valid_to", "geometry", "source", "approximate", "method"]
SNAPSHOT_COLUMNS = ["date", "status", "geometry", "source"]


def to_date(value, name: str = "date") -> pd.Timestamp:
    """A calendar date (midnight, no time zone) from a str, date, datetime or Timestamp."""
    if isinstance(value, bool) or not isinstance(
        value, (str, _dt.date, pd.Timestamp, np.datetime64)
    ):
        raise GeodataError(
            f"Value of {name!r} must be a date: a string like '2022-03-01', a datetime.date "
            f"or a pandas.Timestamp, not {type(value).__name__} {value!r}."
        )
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise GeodataError(
            f"Value of {name!r} is not a date: {value!r}. Use a form like '2022-03-01'."
        ) from exc
    if ts is pd.NaT:
        raise GeodataError(f"Value of {name!r} is not a date: {value!r}.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


@functools.lru_cache(maxsize=1)
def _series() -> gpd.GeoDataFrame:
    frame = gpd.read_file(DATA_DIR / "control_series.geojson", engine="pyogrio")
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    for col in ("valid_from", "valid_to"):
        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d").astype("datetime64[ns]")
    frame["approximate"] = frame["approximate"].astype(bool)
    return frame[SERIES_COLUMNS]


def control_series() -> gpd.GeoDataFrame:
    """The built-in, time-indexed control table.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per status and period, EPSG:4326, columns:

        ``status``
            One of :data:`STATUSES`.
        ``valid_from``, ``valid_to``
            Calendar dates (datetime64); ``valid_to`` is exclusive, NaT means open-ended.
        ``geometry``
            The area (Multi)Polygon.
        ``source``
            Where the shape comes from (Natural Earth units, a snapshot of
            ``front_lines.yaml`` with what it shows, or the annexation acts).
        ``approximate``
            False for exact unit shapes (Crimea, Sevastopol), True for drawn lines.
        ``method``
            How it was drawn: "exact unit shapes (Natural Earth admin-1)" or "approximate:
            polygon drawn through the positions of named towns and rivers listed in
            front_lines.yaml; error ~10 km" (the error varies per snapshot).

        A new frame on every call.

    Examples
    --------
    >>> series = control_series()
    >>> sorted(series["status"].unique())[:2]
    ['claimed', 'contested']
    """
    return _series().copy()


def key_dates() -> list[pd.Timestamp]:
    """The dates at which the built-in series changes, oldest first (for map animations).

    Returns
    -------
    list of pandas.Timestamp

    Examples
    --------
    >>> key_dates()[0]
    Timestamp('2014-02-27 00:00:00')
    """
    return [pd.Timestamp(d) for d in sorted(_series()["valid_from"].unique())]


def _series_style(series) -> str:
    if not isinstance(series, gpd.GeoDataFrame):
        raise GeodataError(
            "Value of 'series' must be a GeoDataFrame (control_series() or read_control(...)), "
            f"not {type(series).__name__}."
        )
    cols = set(series.columns)
    if {"valid_from", "valid_to", "status"} <= cols:
        return "intervals"
    if {"date", "status"} <= cols:
        return "snapshots"
    raise GeodataError(
        "Value of 'series' has neither the built-in columns "
        f"{SERIES_COLUMNS} nor the snapshot columns {SNAPSHOT_COLUMNS} "
        f"(from read_control); it has {list(series.columns)}."
    )


def _dates_of(series) -> pd.Series:
    """Calendar dates (no time zone) of a snapshot series' ``date`` column."""
    dates = pd.to_datetime(series["date"])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates.dt.normalize()


def _change_dates(frame, style: str) -> list[pd.Timestamp]:
    """Sorted dates at which a series starts a period or has a snapshot."""
    if style == "intervals":
        raw = pd.to_datetime(frame["valid_from"]).dropna()
        if getattr(raw.dt, "tz", None) is not None:
            raw = raw.dt.tz_convert("UTC").dt.tz_localize(None)
        raw = raw.dt.normalize()
    else:
        raw = _dates_of(frame).dropna()
    return [pd.Timestamp(d) for d in sorted(raw.unique())]


def is_builtin_data(series) -> bool:
    """Whether ``series`` is the built-in Ukraine data (for schemes and shares).

    True for ``None`` (the built-in series), for the built-in table or a part of it (rows with
    its ``approximate`` and ``method`` columns), and for series read from the Ukraine
    archives (every ``source`` one of ``geodata.builtin.ARCHIVE_SOURCES``). Anyone else's
    series is not, even when its statuses are named like the built-in ones.
    """
    if series is None:
        return True
    if not isinstance(series, pd.DataFrame) or "status" not in series.columns:
        return False
    if {"approximate", "method", "valid_from"} <= set(series.columns):
        return True
    if "source" in series.columns and len(series):
        return bool(series["source"].isin(ARCHIVE_SOURCES).all())
    return False


def status_scheme(series=None, *, held=None) -> StatusScheme:
    """The status scheme of a control series: labels, colours, order, which count as held.

    Parameters
    ----------
    series : geopandas.GeoDataFrame, optional
        Default: the built-in series, whose scheme is :data:`geodata.builtin.SCHEME`
        (statuses, labels and colours as in :data:`STATUSES`; held: ``occupied`` and
        ``occupied_before_2022``; background "ukrainian", "Held by Ukraine"). Series read
        from the Ukraine archives by :func:`geodata.read_control` get the same scheme.
        Any other series gets :data:`geodata._scheme.GENERIC` (background "no_status", "Not in
        any status") extended with its own statuses, in order of first appearance.
    held : iterable of str, optional
        The statuses that count as held. Default: the built-in ones for the built-in scheme;
        for other series, statuses whose name has the word "occupied", "held", "controlled"
        or "annexed" (and not "not", "no" or "non"): "separatist_held" is held, "buffer" is
        not.

    Returns
    -------
    StatusScheme

    Raises
    ------
    GeodataError
        ``series`` has no ``status`` column, or ``held`` names a status it does not have.

    Examples
    --------
    >>> status_scheme().held
    ('occupied_before_2022', 'occupied')
    """
    if series is None:
        return SCHEME if held is None else SCHEME.extend([], held=held)
    if not isinstance(series, pd.DataFrame) or "status" not in series.columns:
        raise GeodataError(
            "Value of 'series' must be a control series with a 'status' column (from "
            "control_series(), read_control or read_series), not "
            f"{type(series).__name__}"
            + (f" with columns {list(series.columns)}" if isinstance(series, pd.DataFrame) else "")
            + "."
        )
    base = SCHEME if is_builtin_data(series) else GENERIC
    statuses = pd.unique(series["status"].dropna().astype(str))
    return base.extend(list(statuses), held=held)


def coverage(series=None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The span of dates a series has data for, both ends included.

    Parameters
    ----------
    series : geopandas.GeoDataFrame, optional
        Default: the built-in series, covered from 2014-02-27 (Crimea seized) to its last key
        date (2024-12-31). A snapshot series (``date`` column) covers its first to its last
        snapshot date; a period series (``valid_from``/``valid_to``) its first ``valid_from``
        to the day before its last ``valid_to`` (``valid_to`` is exclusive) or its last
        ``valid_from``, whichever is later.

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp or None)
        ``(None, None)`` for a series without rows; the end is None for a period series with
        an open-ended period (``valid_to`` empty): covered from its start on.

    Raises
    ------
    GeodataError
        If ``series`` has neither shape.

    Examples
    --------
    >>> coverage()
    (Timestamp('2014-02-27 00:00:00'), Timestamp('2024-12-31 00:00:00'))
    """
    frame = _series() if series is None else series
    style = "intervals" if series is None else _series_style(series)
    dates = _change_dates(frame, style)
    if not dates:
        return None, None
    last = dates[-1]
    open_ended = style == "intervals" and frame["valid_to"].isna().any()
    if open_ended and series is not None and not is_builtin_data(series):
        return dates[0], None  # an open-ended period: covered from its start on
    if style == "intervals":
        ends = pd.to_datetime(frame["valid_to"]).dropna()
        if getattr(ends.dt, "tz", None) is not None:
            ends = ends.dt.tz_convert("UTC").dt.tz_localize(None)
        if len(ends):
            last = max(last, ends.dt.normalize().max() - pd.Timedelta(days=1))
    return dates[0], pd.Timestamp(last)


def snapshot_at(series, date) -> pd.Timestamp | None:
    """The date of the snapshot (or period) a series shows at ``date``.

    Parameters
    ----------
    series : geopandas.GeoDataFrame or None
        A control series; None is the built-in one.
    date : str, datetime.date or pandas.Timestamp

    Returns
    -------
    pandas.Timestamp or None
        The latest snapshot date (or ``valid_from``) on or before ``date``; None when
        ``date`` is before the first. After the last one it stays the last one (see
        :func:`coverage` for whether that still counts as covered).

    Raises
    ------
    GeodataError
        If ``date`` is not a date or ``series`` has neither shape.

    Examples
    --------
    >>> snapshot_at(None, "2022-03-01")
    Timestamp('2022-02-24 00:00:00')
    """
    when = to_date(date)
    frame = _series() if series is None else series
    style = "intervals" if series is None else _series_style(series)
    before = [d for d in _change_dates(frame, style) if d <= when]
    return before[-1] if before else None


def control_at(date, series=None) -> gpd.GeoDataFrame:
    """Status geometries valid at ``date``.

    Parameters
    ----------
    date : str, datetime.date or pandas.Timestamp
        The calendar date (a time of day is ignored).
    series : geopandas.GeoDataFrame, optional
        Default: the built-in :func:`control_series` (rows with ``valid_from <= date <
        valid_to``). Any period series (``status``, ``valid_from``, ``valid_to``, geometry)
        works the same way. A snapshot series (``date``, ``status``, geometry, optionally
        ``source``, as from :func:`geodata.read_control` or :func:`geodata.read_series`) is
        also accepted: for each ``source`` the latest snapshot on or before ``date`` is taken.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows with the columns of ``series``; empty (same columns) before any data,
        e.g. in 2010. Held areas have status ``occupied``/``occupied_before_2022``; claimed
        but not held areas have status ``claimed``. ``attrs["snapshot"]`` is the date of
        the snapshot or period shown (:func:`snapshot_at`, None before any data) and
        ``attrs["covered"]`` whether ``date`` lies within :func:`coverage` (first <= date
        <= last): outside it callers should draw "no data" rather than the background.

    Raises
    ------
    GeodataError
        If ``date`` is not a date or ``series`` has neither shape.

    Examples
    --------
    >>> from shapely import Point
    >>> held = control_at("2022-10-15")
    >>> bool(held[held["status"] == "occupied"].contains(Point(35.37, 46.85)).any())  # Melitopol
    True
    >>> control_at("2010-01-01").attrs["covered"]
    False
    """
    when = to_date(date)
    if series is None:
        frame = _series()
        style = "intervals"
    else:
        frame = series
        style = _series_style(series)
    if style == "intervals":
        start = pd.to_datetime(frame["valid_from"])
        end = pd.to_datetime(frame["valid_to"])
        mask = (start <= when) & (end.isna() | (end > when))
    else:
        dates = _dates_of(frame)
        before = dates <= when
        if "source" in frame.columns:
            groups = frame["source"].fillna("").to_numpy()
        else:
            groups = np.zeros(len(frame), dtype=int)
        latest = pd.Series(dates.where(before)).groupby(groups).transform("max")
        mask = before & (dates == latest)
    out = frame[mask.to_numpy()].reset_index(drop=True).copy()
    first, last = coverage(series)
    out.attrs["snapshot"] = snapshot_at(series, when)
    out.attrs["covered"] = first is not None and first <= when and (last is None or when <= last)
    return out


def claimed_at(date) -> gpd.GeoDataFrame:
    """The units Russia's constitution claims at ``date``, whole.

    None before 18 Mar 2014; Crimea (UA-43) and Sevastopol (UA-40) from 18 Mar 2014;
    also Donetsk (UA-14), Luhansk (UA-09), Zaporizhzhia (UA-23) and Kherson (UA-65) oblasts
    from 30 Sep 2022.

    Parameters
    ----------
    date : str, datetime.date or pandas.Timestamp

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_3166_2``, ``name_en``, ``claimed_from`` (datetime64) and ``geometry``
        (the "web" unit shapes), EPSG:4326; empty with those columns before 2014-03-18.

    Raises
    ------
    GeodataError
        If ``date`` is not a date.

    Examples
    --------
    >>> sorted(claimed_at("2020-01-01")["iso_3166_2"])
    ['UA-40', 'UA-43']
    """
    when = to_date(date)
    units = regions("web")
    claimed_from = pd.to_datetime(units["iso_3166_2"].map(CLAIMS)).astype("datetime64[ns]")
    units["claimed_from"] = claimed_from
    mask = claimed_from.notna() & (claimed_from <= when)
    out = units.loc[mask.to_numpy(), ["iso_3166_2", "name_en", "claimed_from", "geometry"]]
    return out.sort_values("claimed_from", kind="stable").reset_index(drop=True)


def _union(geoms) -> shapely.Geometry:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    return shapely.union_all(geoms) if geoms else shapely.Polygon()
