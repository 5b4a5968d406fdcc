"""Ukraine's first-level units and its neighbours, shipped as small GeoJSON files.

The shapes are Natural Earth (public domain), simplified with shared edges kept; see
``geodata/data/PROVENANCE.md``. Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import shapely

from geodata._errors import GeodataError

__all__ = ["DETAILS", "neighbours", "regions", "ukraine"]

#: Detail levels of the shipped shapes, finest first (coverage-simplification tolerance
#: 0.002°, 0.01° and 0.03°; coordinates kept to 5, 4 and 3 decimals).
DETAILS = ("print", "web", "lite")

DATA_DIR = Path(__file__).resolve().parent / "data"
_REGION_COLUMNS = ["iso_3166_2", "name_en", "name_uk", "type", "geometry"]
_NEIGHBOUR_COLUMNS = ["iso_a2", "name_en", "geometry"]


def _check_detail(detail) -> str:
    if detail not in DETAILS:
        raise GeodataError(f"Value of 'detail' must be one of {list(DETAILS)}, got {detail!r}.")
    return detail


def _read(name: str, columns: list[str]) -> gpd.GeoDataFrame:
    frame = gpd.read_file(DATA_DIR / name, engine="pyogrio")
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    return frame[columns]


@functools.cache
def _regions(detail: str) -> gpd.GeoDataFrame:
    return _read(f"regions_{detail}.geojson", _REGION_COLUMNS)


@functools.cache
def _neighbours(detail: str) -> gpd.GeoDataFrame:
    return _read(f"neighbours_{detail}.geojson", _NEIGHBOUR_COLUMNS)


@functools.cache
def _ukraine(detail: str):
    return shapely.union_all(_regions(detail).geometry.values)


def regions(detail: str = "web") -> gpd.GeoDataFrame:
    """Ukraine's 27 first-level units.

    24 oblasts, the Autonomous Republic of Crimea (UA-43), and the cities with special status
    Sevastopol (UA-40) and Kyiv (UA-30). Neighbouring units share their edges exactly, with
    no gaps or overlaps, at every detail level.

    Parameters
    ----------
    detail : {"print", "web", "lite"}, default "web"
        How finely the outlines are drawn: "print" (~16,000 vertices, ~380 KB), "web"
        (~7,000, ~150 KB) or "lite" (~2,900, ~60 KB).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_3166_2`` (e.g. "UA-63"), ``name_en`` (Ukrainian national
        transliteration: "Kharkiv", "Zaporizhzhia", "Odesa"; the oblast around the capital
        is "Kyiv", the capital itself "Kyiv City"), ``name_uk`` ("Харківська область",
        "Автономна Республіка Крим", "Київ"), ``type`` ("oblast", "autonomous republic",
        "city with special status") and ``geometry``, in EPSG:4326, sorted by code.
        A new frame on every call.

    Raises
    ------
    GeodataError
        If ``detail`` is not one of :data:`DETAILS`.

    Examples
    --------
    >>> units = regions()
    >>> units.set_index("iso_3166_2").loc["UA-43", "name_uk"]
    'Автономна Республіка Крим'
    """
    return _regions(_check_detail(detail)).copy()


def neighbours(detail: str = "web") -> gpd.GeoDataFrame:
    """Land countries around Ukraine, clipped to lon 20–42°, lat 43–54°.

    Natural Earth admin-0 in the German point of view, where Crimea is part of Ukraine
    (Natural Earth's default view draws it inside Russia). Ukraine itself and seas are left out.

    Parameters
    ----------
    detail : {"print", "web", "lite"}, default "web"
        As for :func:`regions`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_a2`` (e.g. "RU", "BY", "PL", "MD"), ``name_en`` and ``geometry``,
        EPSG:4326. A new frame on every call.

    Raises
    ------
    GeodataError
        If ``detail`` is not one of :data:`DETAILS`.

    Examples
    --------
    >>> "RU" in set(neighbours()["iso_a2"])
    True
    """
    return _neighbours(_check_detail(detail)).copy()


def ukraine(detail: str = "web"):
    """Ukraine's outline: the union of the 27 units (Crimea included), a shapely geometry.

    Parameters
    ----------
    detail : {"print", "web", "lite"}, default "web"
        As for :func:`regions`.

    Returns
    -------
    shapely.MultiPolygon
        In lon/lat degrees (EPSG:4326). Shapely geometries are immutable, so the cached
        object is safe to share.

    Raises
    ------
    GeodataError
        If ``detail`` is not one of :data:`DETAILS`.

    Examples
    --------
    >>> ukraine().contains(shapely.Point(30.52, 50.45))  # Kyiv
    True
    """
    return _ukraine(_check_detail(detail))
