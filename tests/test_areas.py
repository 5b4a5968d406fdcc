"""Areas in an equal-area projection, and shares of Ukraine's official area."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError


def held_share(date):
    table = geodata.area_series(dates=[date]).set_index("status")
    return table.loc["held_total", "share_of_ukraine"]


def test_area_km2_kinds():
    units = geodata.regions()
    per_unit = geodata.area_km2(units)
    assert isinstance(per_unit, pd.Series) and per_unit.index.equals(units.index)
    assert geodata.area_km2(units.geometry).equals(per_unit)
    by_code = per_unit.set_axis(units["iso_3166_2"])
    assert by_code["UA-14"] == pytest.approx(26_517, rel=0.03)  # Donetsk oblast
    assert by_code["UA-09"] == pytest.approx(26_684, rel=0.03)  # Luhansk oblast
    one = geodata.area_km2(units.geometry.iloc[0])
    assert isinstance(one, float) and one == pytest.approx(per_unit.iloc[0])
    # any CRS is reprojected
    assert geodata.area_km2(units.to_crs("EPSG:3857")).sum() == pytest.approx(per_unit.sum())
    assert geodata.EQUAL_AREA_CRS == "EPSG:6933"


def test_area_km2_errors():
    no_crs = gpd.GeoDataFrame(geometry=[shapely.box(30, 50, 31, 51)])
    with pytest.raises(GeodataError, match=r"GeoDataFrame has no CRS.*\.set_crs\('EPSG:4326'\)"):
        geodata.area_km2(no_crs)
    with pytest.raises(GeodataError, match="GeoSeries has no CRS"):
        geodata.area_km2(no_crs.geometry)
    with pytest.raises(
        GeodataError,
        match="'obj' must be a GeoDataFrame, a GeoSeries or a shapely geometry, not list",
    ):
        geodata.area_km2([1, 2])


def test_crimea_and_sevastopol_area():
    units = geodata.regions().set_index("iso_3166_2")
    km2 = geodata.area_km2(units.loc[["UA-43", "UA-40"]].geometry.union_all())
    assert km2 == pytest.approx(26_081 + 864, rel=0.03)


def test_total_is_the_official_area():
    assert geodata.UKRAINE_AREA_KM2 == 603_628
    assert "599,100" in geodata._areas.__doc__
    table = geodata.area_series(dates=["2023-06-01"])
    ratio = table["share_of_ukraine"] / table["area_km2"]
    assert ratio[table["area_km2"] > 0].round(12).eq(round(1 / 603_628, 12)).all()


def test_area_series_default_shape():
    table = geodata.area_series()
    assert list(table.columns) == ["date", "status", "area_km2", "share_of_ukraine"]
    assert sorted(table["date"].unique()) == geodata.key_dates()
    assert set(table["status"]) == {*geodata.STATUSES, "held_total"}
    per_date = table.pivot(index="date", columns="status", values="area_km2")
    both = per_date["occupied"] + per_date["occupied_before_2022"]
    assert (per_date["held_total"] - both).abs().max() < 1.0  # they never overlap


def test_held_shares():
    # Shares of the official 603,628 km2.
    assert 0.06 <= held_share("2022-02-23") <= 0.08
    assert 0.26 <= held_share("2022-03-22") <= 0.28
    assert 0.16 <= held_share("2023-12-31") <= 0.20
    assert 0.16 <= held_share("2024-12-31") <= 0.20
    assert held_share("2022-04-10") < held_share("2022-03-22")
    assert held_share("2013-01-01") == 0


def test_area_series_of_a_snapshot_series():
    box = shapely.box(37, 47, 38, 48)
    snaps = gpd.GeoDataFrame(
        {
            "date": pd.to_datetime(["2022-03-01", "2022-03-01", "2022-04-01"]),
            "status": ["occupied", "occupied", "occupied"],
            "source": ["a", "b", "a"],
        },
        geometry=[box, box, box.buffer(-0.25)],
        crs="EPSG:4326",
    )
    table = geodata.area_series(snaps)
    occ = table[table["status"] == "occupied"].set_index("date")["area_km2"]
    assert list(occ.index) == [pd.Timestamp("2022-03-01"), pd.Timestamp("2022-04-01")]
    # the two sources overlap exactly: counted once
    assert occ.iloc[0] == pytest.approx(geodata.area_km2(box))
    # on 1 April source "b" still shows its 1 March snapshot, the union is the full box
    assert occ.iloc[1] == pytest.approx(geodata.area_km2(box))


def test_area_series_bad_dates():
    with pytest.raises(GeodataError, match="'dates' must be a list of dates, not str"):
        geodata.area_series(dates="2022-01-01")
    with pytest.raises(GeodataError, match="'dates' is not a date: 'soon'"):
        geodata.area_series(dates=["soon"])
