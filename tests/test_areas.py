"""Areas in an equal-area projection, and shares of Ukraine's official area."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError


def held_share(date):
    table = geodata.area_series(dates=[date]).set_index("status")
    return table.loc["held_total", "share"]


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
    ratio = table["share"] / table["area_km2"]
    assert ratio[table["area_km2"] > 0].round(12).eq(round(1 / 603_628, 12)).all()


def test_area_series_default_shape():
    table = geodata.area_series()
    assert list(table.columns) == ["date", "status", "area_km2", "share"]
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
    assert np.isnan(held_share("2013-01-01"))  # before the series: not known, not 0 km²


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


def squares(statuses, dates=("2024-01-01",)):
    rows = [(d, s, i) for d in dates for i, s in enumerate(statuses)]
    return gpd.GeoDataFrame(
        {"date": pd.to_datetime([r[0] for r in rows]), "status": [r[1] for r in rows]},
        geometry=[shapely.box(r[2], 0, r[2] + 1, 1) for r in rows],
        crs="EPSG:4326",
    )


def test_share_of_regions_or_of_a_given_total():
    series = squares(["separatist_held", "buffer"])
    regions = gpd.GeoDataFrame({"id": ["r"]}, geometry=[shapely.box(0, 0, 4, 1)], crs=4326)
    table = geodata.area_series(series, regions=regions).set_index("status")
    assert list(table.index) == ["separatist_held", "buffer", "held_total"]
    one = geodata.area_km2(shapely.box(0, 0, 1, 1))
    assert table["area_km2"].tolist() == pytest.approx([one, one, one])
    assert table.loc["separatist_held", "share"] == pytest.approx(0.25, rel=1e-3)
    given = geodata.area_series(series, total_km2=one * 10).set_index("status")
    assert given.loc["buffer", "share"] == pytest.approx(0.1)
    # a given total wins over the regions' area
    both = geodata.area_series(series, regions=regions, total_km2=one).set_index("status")
    assert both.loc["buffer", "share"] == pytest.approx(1.0)
    # anyone else's series with neither: no share
    assert geodata.area_series(series)["share"].isna().all()


def test_areas_are_measured_inside_the_regions():
    series = squares(["occupied"])
    half = gpd.GeoDataFrame({"id": ["h"]}, geometry=[shapely.box(0.5, 0, 2, 1)], crs=4326)
    table = geodata.area_series(series, regions=half.to_crs("EPSG:3857")).set_index("status")
    assert table.loc["occupied", "area_km2"] == pytest.approx(
        geodata.area_km2(shapely.box(0.5, 0, 1, 1)), rel=1e-6
    )
    assert table.loc["occupied", "share"] == pytest.approx(1 / 3, rel=1e-3)


def test_scheme_statuses_are_all_counted():
    series = squares(["separatist_held", "partisan"])
    scheme = geodata.status_scheme(squares(["separatist_held"]), held=["separatist_held"])
    table = geodata.area_series(series, scheme=scheme, total_km2=1.0)
    assert table["status"].tolist() == ["separatist_held", "partisan", "held_total"]
    held = geodata.area_series(series, scheme=scheme.extend(["partisan"], held=["partisan"]))
    assert held.set_index("status").loc["held_total", "area_km2"] == pytest.approx(
        geodata.area_km2(shapely.box(1, 0, 2, 1))
    )
    builtin = geodata.area_series(dates=["2023-06-01"], scheme=geodata.builtin.SCHEME)
    assert builtin.equals(geodata.area_series(dates=["2023-06-01"]))


def test_builtin_shares_with_the_builtin_regions():
    table = geodata.area_series(dates=["2023-06-01"], regions=geodata.regions())
    held = table.set_index("status").loc["held_total"]
    official = geodata.area_series(dates=["2023-06-01"]).set_index("status").loc["held_total"]
    # the shipped outline (~599,100 km²) is a little smaller than the official area
    assert held["share"] == pytest.approx(official["share"] * 603_628 / 599_100, rel=0.01)


def test_archive_series_still_divides_by_ukraine():
    box = shapely.box(37, 47, 38, 48)
    snaps = gpd.GeoDataFrame(
        {"date": pd.to_datetime(["2022-03-01"]), "status": ["occupied"], "source": ["deepstate"]},
        geometry=[box],
        crs="EPSG:4326",
    )
    row = geodata.area_series(snaps).set_index("status").loc["occupied"]
    assert row["share"] == pytest.approx(row["area_km2"] / 603_628)


def test_area_series_bad_arguments():
    series = squares(["x"])
    for bad in (0, -3, float("nan"), "big", True):
        with pytest.raises(GeodataError, match=r"'total_km2' must be a positive number"):
            geodata.area_series(series, total_km2=bad)
    with pytest.raises(GeodataError, match=r"'scheme' must be a geodata.StatusScheme"):
        geodata.area_series(series, scheme={"x": "red"})
    with pytest.raises(GeodataError, match=r"'regions' must be a GeoDataFrame"):
        geodata.area_series(series, regions="ukraine")
