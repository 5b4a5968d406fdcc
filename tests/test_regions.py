"""Shipped region shapes: geodata.regions, neighbours, ukraine."""

import geopandas as gpd
import pytest
import shapely

import geodata
from geodata import GeodataError
from geodata._regions import DATA_DIR

CODES = {
    "UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26",
    "UA-30", "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53",
    "UA-56", "UA-59", "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77",
}  # fmt: skip


@pytest.fixture(params=geodata.DETAILS)
def units(request):
    return geodata.regions(request.param)


def test_27_units_with_every_code_once(units):
    # id and name come first: the columns every region set has (geodata.read_regions)
    assert list(units.columns) == [
        "id", "name", "iso_3166_2", "name_en", "name_uk", "type", "geometry",
    ]  # fmt: skip
    assert units["id"].equals(units["iso_3166_2"]) and units["name"].equals(units["name_en"])
    assert units.attrs["label"] == "Ukraine"
    assert len(units) == 27
    assert set(units["iso_3166_2"]) == CODES
    assert units["iso_3166_2"].is_unique
    assert units.crs.to_epsg() == 4326


def test_all_valid_and_a_clean_coverage(units):
    geoms = units.geometry.values
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert shapely.coverage_is_valid(geoms)


@pytest.mark.parametrize(("a", "b"), [("UA-43", "UA-40"), ("UA-14", "UA-09"), ("UA-32", "UA-30")])
def test_neighbours_share_edges_without_gap_or_overlap(units, a, b):
    by_code = units.set_index("iso_3166_2").geometry
    shared = by_code[a].intersection(by_code[b])
    assert shared.length > 0.05  # a real edge, in degrees
    assert shared.area == pytest.approx(0, abs=1e-9)  # no overlap


def test_names_and_types():
    units = geodata.regions().set_index("iso_3166_2")
    assert units.loc["UA-63", "name_en"] == "Kharkiv"
    assert units.loc["UA-23", "name_en"] == "Zaporizhzhia"
    assert units.loc["UA-51", "name_en"] == "Odesa"
    assert units.loc["UA-12", "name_en"] == "Dnipropetrovsk"
    assert units.loc["UA-32", "name_en"] == "Kyiv"
    assert units.loc["UA-30", "name_uk"] == "Київ"
    assert units.loc["UA-32", "name_uk"] == "Київська область"
    assert units.loc["UA-43", "name_uk"] == "Автономна Республіка Крим"
    assert units.loc["UA-40", "name_uk"] == "Севастополь"
    assert units["type"].value_counts().to_dict() == {
        "oblast": 24,
        "city with special status": 2,
        "autonomous republic": 1,
    }


def test_detail_levels_differ_and_stay_small():
    counts = [
        shapely.get_num_coordinates(geodata.regions(d).geometry.values).sum()
        for d in geodata.DETAILS
    ]
    assert counts == sorted(counts, reverse=True)
    assert (DATA_DIR / "regions_web.geojson").stat().st_size < 300_000
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir() if p.is_file())
    assert total < 1_500_000


def test_unknown_detail_names_the_allowed_values():
    with pytest.raises(
        GeodataError, match=r"'detail' must be one of \['print', 'web', 'lite'\], got 'high'"
    ):
        geodata.regions("high")
    with pytest.raises(GeodataError, match="'detail' must be one of"):
        geodata.neighbours(detail=None)
    with pytest.raises(GeodataError, match="'detail' must be one of"):
        geodata.ukraine("WEB")


def test_loaders_return_copies():
    first = geodata.regions()
    first.loc[0, "name_en"] = "changed"
    first["extra"] = 1
    again = geodata.regions()
    assert "changed" not in set(again["name_en"])
    assert "extra" not in again.columns
    nb = geodata.neighbours()
    nb.loc[:, "iso_a2"] = "XX"
    assert "XX" not in set(geodata.neighbours()["iso_a2"])


def test_neighbours_german_point_of_view():
    nb = geodata.neighbours()
    assert isinstance(nb, gpd.GeoDataFrame)
    assert list(nb.columns) == ["iso_a2", "name_en", "geometry"]
    assert {"RU", "BY", "PL", "SK", "HU", "RO", "MD"} <= set(nb["iso_a2"])
    assert "UA" not in set(nb["iso_a2"])
    russia = nb.set_index("iso_a2").geometry["RU"]
    simferopol = shapely.Point(34.10, 44.95)
    assert not russia.contains(simferopol)
    assert geodata.ukraine().contains(simferopol)
    # Russia and Ukraine meet along the border without overlapping
    assert russia.intersection(geodata.ukraine()).area < 1e-3
    minx, miny, maxx, maxy = nb.total_bounds
    assert minx >= 20 - 1e-9 and maxx <= 42 + 1e-9 and miny >= 43 - 1e-9 and maxy <= 54 + 1e-9
    assert nb.geometry.is_valid.all()


def test_ukraine_outline():
    outline = geodata.ukraine()
    assert outline.is_valid
    assert outline.contains(shapely.Point(30.52, 50.45))  # Kyiv
    assert outline.contains(shapely.Point(24.03, 49.84))  # Lviv
    assert not outline.contains(shapely.Point(37.62, 55.75))  # Moscow
    for detail in geodata.DETAILS:
        assert geodata.area_km2(geodata.ukraine(detail)) == pytest.approx(599_100, rel=0.005)


def test_neighbours_of_a_region_set_builtin_unchanged():
    # regions=None is today's shipped layer; the builtin units passed explicitly are cut
    # from the world layer instead, with the same countries and Ukraine left out
    world = geodata.neighbours(regions=geodata.regions())
    assert list(world.columns) == ["iso_a2", "name_en", "geometry"]
    assert {"RU", "BY", "PL", "SK", "HU", "RO", "MD"} <= set(world["iso_a2"])
    assert "UA" not in set(world["iso_a2"])
    russia = world.set_index("iso_a2").geometry["RU"]
    assert not russia.contains(shapely.Point(34.10, 44.95))  # Simferopol: German view
    assert world.is_valid.all() and set(world.geom_type) <= {"Polygon", "MultiPolygon"}
    minx, miny, maxx, maxy = geodata.ukraine().bounds
    bx0, by0, bx1, by1 = world.total_bounds
    margin = 0.15 * (maxx - minx)
    assert bx0 >= minx - margin - 1e-6 and bx1 <= maxx + margin + 1e-6
    assert by0 >= miny - margin - 1e-6 and by1 <= maxy + margin + 1e-6


def test_neighbours_of_regions_spanning_countries_leave_none_out():
    # a box where Poland, Belarus and Ukraine meet: none of them makes up half of it
    box = gpd.GeoDataFrame({"id": ["x"]}, geometry=[shapely.box(22.6, 51.0, 25.0, 52.4)], crs=4326)
    assert {"PL", "BY", "UA"} <= set(geodata.neighbours(regions=box, margin=0.1)["iso_a2"])
    inside = gpd.GeoDataFrame({"id": ["k"]}, geometry=[shapely.box(30, 50, 31, 51)], crs=4326)
    assert "UA" not in set(geodata.neighbours(regions=inside)["iso_a2"])


def test_neighbours_bad_regions():
    with pytest.raises(GeodataError, match=r"'regions' must be a GeoDataFrame .* not list"):
        geodata.neighbours(regions=[1])
    no_crs = gpd.GeoDataFrame({"id": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)])
    with pytest.raises(GeodataError, match=r"regions GeoDataFrame has no CRS"):
        geodata.neighbours(regions=no_crs)
    with pytest.raises(GeodataError, match=r"'margin' must be a number of degrees >= 0, got -1"):
        geodata.neighbours(regions=geodata.regions(), margin=-1)
    with pytest.raises(GeodataError, match="'detail' must be one of"):
        geodata.neighbours("high", regions=geodata.regions())


def test_world_layer_is_small_and_complete():
    from geodata._regions import WORLD_FILE, _world

    assert 100_000 < (DATA_DIR / WORLD_FILE).stat().st_size < 1_000_000
    world = _world()
    assert len(world) > 240 and world["adm0_a3"].is_unique
    assert world.is_valid.all()
    assert {"GE", "MD", "UA", "RU", "FR", "BR", "AU"} <= set(world["iso_a2"])
    assert "Curaçao" in set(world["name_en"])  # read as UTF-8
