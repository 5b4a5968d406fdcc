"""The built-in region units (Ukraine's), and the countries around any region set.

The shapes are Natural Earth (public domain), simplified with shared edges kept; see
``geodata/data/PROVENANCE.md``. Nothing is fetched at run time. Anyone's regions are read
by :func:`geodata.read_regions` (``geodata/_read_regions.py``).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geodata._errors import GeodataError
from geodata.builtin import LABEL

__all__ = ["DETAILS", "neighbours", "regions", "ukraine"]

#: Detail levels of the shipped shapes, finest first (coverage-simplification tolerance
#: 0.002°, 0.01° and 0.03°; coordinates kept to 5, 4 and 3 decimals).
DETAILS = ("print", "web", "lite")

DATA_DIR = Path(__file__).resolve().parent / "data"
_REGION_COLUMNS = ["iso_3166_2", "name_en", "name_uk", "type", "geometry"]
_NEIGHBOUR_COLUMNS = ["iso_a2", "name_en", "geometry"]
#: Natural Earth admin-0 for the whole world (German point of view), simplified; see
#: ``PROVENANCE.md``. Gzipped GeoJSON, read through GDAL's /vsigzip/.
WORLD_FILE = "world_admin0.geojson.gz"
#: Area of the region set the largest overlapping country must cover to be taken as the
#: country the regions make up (and left out of the neighbours).
_HOME_SHARE = 0.5


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
    frame = _read(f"regions_{detail}.geojson", _REGION_COLUMNS)
    frame.insert(0, "id", frame["iso_3166_2"])
    frame.insert(1, "name", frame["name_en"])
    frame.attrs["label"] = LABEL
    return frame


@functools.cache
def _neighbours(detail: str) -> gpd.GeoDataFrame:
    return _read(f"neighbours_{detail}.geojson", _NEIGHBOUR_COLUMNS)


@functools.cache
def _world() -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = pyogrio.read_dataframe(f"/vsigzip/{DATA_DIR / WORLD_FILE}")
    frame = frame.set_crs("EPSG:4326", allow_override=True)
    return frame[["iso_a2", "adm0_a3", "name_en", "geometry"]]


@functools.cache
def _ukraine(detail: str):
    return shapely.union_all(_regions(detail).geometry.values)


def regions(detail: str = "web") -> gpd.GeoDataFrame:
    """Ukraine's 27 first-level units: the built-in region set.

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
        Columns ``id`` and ``name`` (the same as ``iso_3166_2`` and ``name_en``: the
        columns every region set has, see :func:`geodata.read_regions`), ``iso_3166_2``
        (e.g. "UA-63"), ``name_en`` (Ukrainian national
        transliteration: "Kharkiv", "Zaporizhzhia", "Odesa"; the oblast around the capital
        is "Kyiv", the capital itself "Kyiv City"), ``name_uk`` ("Харківська область",
        "Автономна Республіка Крим", "Київ"), ``type`` ("oblast", "autonomous republic",
        "city with special status") and ``geometry``, in EPSG:4326, sorted by code.
        ``attrs["label"]`` is "Ukraine". A new frame on every call.

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


def neighbours(detail: str = "web", *, regions=None, margin=None) -> gpd.GeoDataFrame:
    """Land countries around a region set, clipped to a box around it.

    Natural Earth admin-0 in the German point of view, where Crimea is part of Ukraine
    (Natural Earth's default view draws it inside Russia). Seas are left out.

    Parameters
    ----------
    detail : {"print", "web", "lite"}, default "web"
        As for :func:`regions`. Only the built-in neighbours come in three levels; for
        other regions there is one world layer (simplified at 0.1°, between Natural
        Earth's 1:50m and 1:110m).
    regions : geopandas.GeoDataFrame, optional
        Default: Ukraine's neighbours, clipped to lon 20–42°, lat 43–54°, as shipped.
        Given a region set (e.g. from :func:`geodata.read_regions`, any CRS): the world's
        countries that meet the regions' bounding box widened by ``margin``, clipped to that
        box, leaving out the country the regions make up — the country whose area overlaps
        the regions' union most, when it covers at least half of it (a region set spanning
        several countries leaves none out).
    margin : float, optional
        Degrees added on every side of the regions' bounding box: default 15% of its longer
        side, at least 0.5°.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_a2`` (e.g. "RU", "BY", "PL", "MD"; ``None`` for the few places
        without a code, such as Dhekelia), ``name_en`` and ``geometry``, EPSG:4326, sorted
        by ``iso_a2``. A new frame on every call.

    Raises
    ------
    GeodataError
        If ``detail`` is not one of :data:`DETAILS`, ``regions`` is not a GeoDataFrame with
        a CRS and polygons, or ``margin`` is not a number >= 0.

    Examples
    --------
    >>> "RU" in set(neighbours()["iso_a2"])
    True
    """
    detail = _check_detail(detail)
    if regions is None:
        return _neighbours(detail).copy()
    union = _regions_union(regions)
    minx, miny, maxx, maxy = union.bounds
    if margin is None:
        margin = max(0.5, 0.15 * max(maxx - minx, maxy - miny))
    elif isinstance(margin, bool) or not isinstance(margin, (int, float)) or not margin >= 0:
        raise GeodataError(f"Value of 'margin' must be a number of degrees >= 0, got {margin!r}.")
    box = shapely.box(
        max(minx - margin, -180), max(miny - margin, -90),
        min(maxx + margin, 180), min(maxy + margin, 90),
    )  # fmt: skip
    world = _world()
    near = world[shapely.intersects(world.geometry.to_numpy(), box)]
    home = _home_country(near, union)
    if home is not None:
        near = near[near["adm0_a3"] != home]
    clipped = np.array(
        [_polygonal(g) for g in shapely.intersection(near.geometry.to_numpy(), box)], dtype=object
    )
    keep = ~shapely.is_missing(clipped)
    iso = near["iso_a2"].where(near["iso_a2"].notna() & (near["iso_a2"] != "-99"), None)
    out = gpd.GeoDataFrame(
        {"iso_a2": iso.to_numpy()[keep], "name_en": near["name_en"].to_numpy()[keep]},
        geometry=gpd.GeoSeries(clipped[keep], crs="EPSG:4326"),
        crs="EPSG:4326",
    )
    return out.sort_values(["iso_a2", "name_en"], ignore_index=True, na_position="last")


def _regions_union(regions):
    if not isinstance(regions, gpd.GeoDataFrame):
        raise GeodataError(
            "Value of 'regions' must be a GeoDataFrame of region polygons (from "
            f"geodata.read_regions or geodata.regions()), not {type(regions).__name__}."
        )
    if regions.crs is None:
        raise GeodataError(
            "The regions GeoDataFrame has no CRS. If its coordinates are lon/lat degrees, "
            "call .set_crs('EPSG:4326') first, or read it with geodata.read_regions."
        )
    geoms = regions.geometry
    if not regions.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    union = _polygonal(shapely.make_valid(shapely.union_all(geoms.to_numpy())))
    if union is None:
        raise GeodataError(
            "Value of 'regions' has no polygons with area; expected region polygons."
        )
    return union


def _home_country(countries: gpd.GeoDataFrame, union) -> str | None:
    """``adm0_a3`` of the country that makes up most of ``union``, or None."""
    if countries.empty:
        return None
    overlap = shapely.area(shapely.intersection(countries.geometry.to_numpy(), union))
    best = int(np.argmax(overlap))
    # Areas in degrees are enough here: the two compared areas lie at the same latitudes.
    if overlap[best] >= _HOME_SHARE * union.area:
        return countries["adm0_a3"].iloc[best]
    return None


def _polygonal(geom):
    """The polygonal part of a geometry, or None when it has no area."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return None if merged.is_empty else merged


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
