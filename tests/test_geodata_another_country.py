"""Another country end to end: Georgia's regions with a made-up plain series.

Regions: Natural Earth admin-1 (tests/fixtures/regions/georgia_regions.geojson, 12 units).
Series: tests/fixtures/control/plain/georgia_series.geojson — "separatist_held" over Abkhazia
and a box in the north of Shida Kartli on 2008-08-01, 08-15 and 10-10, and a "buffer" strip
on 08-15 only. The shapes are made up for tests.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest
import shapely

import geodata

FIX = Path(__file__).parent / "fixtures"
T = pd.Timestamp
TBILISI, SUKHUMI, TSKHINVALI = (44.79, 41.72), (41.02, 43.00), (43.96, 42.23)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Nothing here may reach the network."""

    def refuse(*args, **kwargs):
        raise AssertionError("geodata tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def georgia():
    return geodata.read_regions(FIX / "regions" / "georgia_regions.geojson", label="Georgia")


@pytest.fixture(scope="module")
def series():
    return geodata.read_series(FIX / "control" / "plain" / "georgia_series.geojson")


def test_fixtures_stay_small():
    for path in (FIX / "regions").glob("*.geojson"):
        assert path.stat().st_size < 60_000, path.name
    assert (FIX / "control" / "plain" / "georgia_series.geojson").stat().st_size < 60_000


def test_regions_load(georgia):
    assert len(georgia) == 12 and georgia.attrs["label"] == "Georgia"
    by_id = georgia.set_index("id").geometry
    assert by_id["GE-TB"].contains(shapely.Point(*TBILISI))
    assert by_id["GE-AB"].contains(shapely.Point(*SUKHUMI))
    assert shapely.coverage_is_valid(georgia.geometry.to_numpy())


def test_neighbours_are_georgias(georgia):
    nb = geodata.neighbours(regions=georgia)
    assert list(nb.columns) == ["iso_a2", "name_en", "geometry"]
    assert set(nb["iso_a2"]) == {"RU", "TR", "AM", "AZ"}
    assert "GE" not in set(nb["iso_a2"])
    # clipped to the regions' box widened by the margin (15% of 6.6° ≈ 1°)
    minx, miny, maxx, maxy = georgia.total_bounds
    nminx, nminy, nmaxx, nmaxy = nb.total_bounds
    assert nminx >= minx - 1.1 and nmaxx <= maxx + 1.1 and nminy >= miny - 1.1
    # neighbours border Georgia without covering it
    outline = shapely.union_all(georgia.geometry.to_numpy())
    assert (
        shapely.union_all(nb.geometry.to_numpy()).intersection(outline).area < 0.02 * outline.area
    )
    assert nb.is_valid.all() and set(nb.geom_type) <= {"Polygon", "MultiPolygon"}
    small = geodata.neighbours(regions=georgia, margin=0)
    assert small.total_bounds[0] >= minx - 1e-9


def test_moldovas_neighbours():
    moldova = geodata.read_regions(FIX / "regions" / "moldova_regions.geojson")
    assert set(geodata.neighbours(regions=moldova)["iso_a2"]) == {"RO", "UA"}


def test_scheme_of_the_series(series):
    scheme = geodata.status_scheme(series)
    assert scheme.names == ("separatist_held", "buffer")
    assert scheme.held == ("separatist_held",)
    assert scheme.background.label == "Not in any status"
    assert scheme.label("buffer") == "Buffer"


def test_area_series_gives_shares_of_georgia(georgia, series):
    georgia_km2 = geodata.area_km2(georgia).sum()
    assert georgia_km2 == pytest.approx(69_700, rel=0.02)
    table = geodata.area_series(series, regions=georgia)
    assert list(table.columns) == ["date", "status", "area_km2", "share"]
    assert sorted(table["date"].unique()) == [T("2008-08-01"), T("2008-08-15"), T("2008-10-10")]
    assert table.groupby("date")["status"].apply(list).map(tuple).unique().tolist() == [
        ("separatist_held", "buffer", "held_total")
    ]
    wide = table.pivot(index="date", columns="status", values="share")
    abkhazia = geodata.area_km2(georgia.set_index("id").geometry["GE-AB"])
    assert abkhazia / georgia_km2 < wide.loc[T("2008-08-01"), "separatist_held"] < 0.25
    assert wide["held_total"].equals(wide["separatist_held"])  # buffer is not held
    assert wide.loc[T("2008-08-15"), "buffer"] > 0
    assert wide.loc[T("2008-08-01"), "buffer"] == wide.loc[T("2008-10-10"), "buffer"] == 0
    km2 = table.set_index(["date", "status"])["area_km2"]
    share = table.set_index(["date", "status"])["share"]
    assert (share - km2 / georgia_km2).abs().max() < 1e-9
    # a given total wins; without regions or a total a user series has no share
    fixed = geodata.area_series(series, total_km2=69_700)
    assert (fixed["share"] - fixed["area_km2"] / 69_700).abs().max() < 1e-12
    assert geodata.area_series(series)["share"].isna().all()


def test_coverage_and_snapshots(series):
    assert geodata.coverage(series) == (T("2008-08-01"), T("2008-10-10"))
    assert geodata.snapshot_at(series, "2008-09-01") == T("2008-08-15")
    before = geodata.control_at("2008-07-01", series)
    assert before.empty and before.attrs["covered"] is False
    during = geodata.control_at("2008-08-20", series)
    assert sorted(during["status"]) == ["buffer", "separatist_held"]
    assert during.attrs == {"report": [], "snapshot": T("2008-08-15"), "covered": True}


def test_status_pieces_with_georgias_regions(georgia, series):
    pieces, statuses = geodata.status_pieces(series, regions=georgia)
    assert list(pieces.columns) == ["piece", "id", "geometry"]
    assert set(pieces["id"]) == set(georgia["id"])
    assert list(statuses.index) == [T("2008-08-01"), T("2008-08-15"), T("2008-10-10")]
    values = set(statuses.to_numpy().ravel())
    assert values == {None, "separatist_held", "buffer"}
    # every piece lies in one unit, and Tskhinvali's piece is held on every date
    probe = shapely.Point(*TSKHINVALI)
    hit = pieces[pieces.contains(probe)]
    assert len(hit) == 1 and hit["id"].iloc[0] == "GE-SK"
    assert (statuses[hit["piece"].iloc[0]] == "separatist_held").all()
    tbilisi = pieces[pieces.contains(shapely.Point(*TBILISI))]["piece"].iloc[0]
    assert statuses[tbilisi].isna().all()
    # pieces tile the regions
    total = shapely.area(pieces.geometry.to_numpy()).sum()
    assert total == pytest.approx(shapely.area(georgia.geometry.to_numpy()).sum(), rel=1e-4)


def test_status_pieces_falls_back_to_iso_3166_2_and_any_crs(georgia, series):
    projected = georgia.rename(columns={"id": "iso_3166_2"}).to_crs("EPSG:32638")
    pieces, _ = geodata.status_pieces(series, regions=projected)
    assert list(pieces.columns) == ["piece", "id", "iso_3166_2", "geometry"]
    assert pieces["id"].equals(pieces["iso_3166_2"]) and pieces.crs.to_epsg() == 4326
    with pytest.raises(geodata.GeodataError, match=r"no 'id' column .*\['name', 'geometry'\]"):
        geodata.status_pieces(series, regions=georgia.drop(columns="id"))
