"""The built-in control series: statuses over time, claims, snapshot series."""

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError

KYIV = (30.523, 50.450)
# Natural Earth's coarse Dnipro puts Kherson's centre (32.617 E, 46.635 N) 0.4 km into the
# river, so the checks use a point in the city's northern districts.
KHERSON = (32.600, 46.665)
MARIUPOL = (37.55, 47.10)
MELITOPOL = (35.37, 46.85)
KRAMATORSK = (37.56, 48.74)
SLOVIANSK = (37.60, 48.85)
ZAPORIZHZHIA = (35.14, 47.84)
SIMFEROPOL = (34.10, 44.95)
DONETSK = (37.80, 48.02)
# Natural Earth's Kyiv City unit (UA-30) is about twice the real city and takes in Hostomel
# town and north Irpin; the held area stops at its edge, so the checks use Bucha and the
# Hostomel (Antonov) airfield, both outside it.
BUCHA = (30.213, 50.543)
HOSTOMEL_AIRFIELD = (30.19, 50.60)
IZIUM = (37.26, 49.21)
LYMAN = (37.81, 48.99)
BAKHMUT = (38.00, 48.60)
AVDIIVKA = (37.75, 48.14)
ROBOTYNE = (35.83, 47.45)
HELD = {"occupied", "occupied_before_2022"}


def status_at(point, date):
    rows = geodata.control_at(date)
    hits = rows[rows.contains(shapely.Point(*point))]["status"].tolist()
    assert len(hits) <= 1, f"overlapping statuses {hits} at {point} on {date}"
    return hits[0] if hits else None


LATER = ["2022-06-01", "2022-10-15", "2023-01-01", "2023-06-01", "2024-01-15", "2025-01-15"]


def test_vocabulary():
    assert geodata.STATUSES == (
        "occupied_before_2022",
        "occupied",
        "claimed",
        "liberated",
        "contested",
        "unknown",
    )
    assert tuple(geodata.STATUS_LABELS) == geodata.STATUSES
    for status in geodata.STATUSES:
        assert status in geodata._control.__doc__


def test_series_shape():
    series = geodata.control_series()
    assert list(series.columns) == [
        "status", "valid_from", "valid_to", "geometry", "source", "approximate", "method",
    ]  # fmt: skip
    assert series.crs.to_epsg() == 4326
    assert pd.api.types.is_datetime64_any_dtype(series["valid_from"])
    assert pd.api.types.is_datetime64_any_dtype(series["valid_to"])
    assert series["valid_from"].notna().all()
    ends = series["valid_to"].dropna()
    assert (ends > series.loc[ends.index, "valid_from"]).all()
    assert set(series["status"]) <= set(geodata.STATUSES)
    assert series.geometry.is_valid.all() and not series.geometry.is_empty.any()
    exact = series[~series["approximate"]]
    assert set(exact["method"]) == {"exact unit shapes (Natural Earth admin-1)"}
    approx = series[series["approximate"] & series["status"].isin(HELD)]
    assert approx["method"].str.startswith("approximate: polygon drawn through").all()
    assert approx["source"].str.contains("front_lines.yaml").all()


def test_series_is_a_copy():
    series = geodata.control_series()
    series.loc[:, "status"] = "unknown"
    assert "unknown" not in set(geodata.control_series()["status"])


def test_key_dates():
    dates = geodata.key_dates()
    assert dates == sorted(dates) and all(isinstance(d, pd.Timestamp) for d in dates)
    for want in (
        "2014-02-27",
        "2015-02-18",
        "2022-02-24",
        "2022-09-30",
        "2022-11-11",
        "2024-12-31",
    ):
        assert pd.Timestamp(want) in dates


@pytest.mark.parametrize("date", geodata.key_dates())
def test_statuses_never_overlap(date):
    rows = geodata.control_at(date)
    by_status = rows.dissolve("status").geometry
    for i, a in enumerate(by_status.index):
        for b in by_status.index[i + 1 :]:
            # below 1e-5 square degrees (~0.1 km2): rounding on the 1e-4 degree grid
            assert by_status[a].intersection(by_status[b]).area < 1e-5, (date, a, b)


def test_crimea_and_sevastopol():
    assert status_at(SIMFEROPOL, "2014-02-26") is None
    for date in ["2014-02-27", "2014-03-18", "2020-01-01", *LATER]:
        assert status_at(SIMFEROPOL, date) == "occupied_before_2022"
    rows = geodata.control_at("2023-01-01")
    exact = rows[~rows["approximate"]]
    assert exact["status"].tolist() == ["occupied_before_2022"]


def test_kyiv_never_held():
    for date in [*geodata.key_dates(), "2022-03-22", "2022-03-01"]:
        assert status_at(KYIV, date) is None


def test_donetsk_held_before_2022_and_after():
    for date in ["2014-05-01", "2016-01-01", "2022-02-23", *LATER]:
        assert status_at(DONETSK, date) == "occupied_before_2022"


def test_kherson():
    assert status_at(KHERSON, "2022-02-23") is None
    assert status_at(KHERSON, "2022-03-22") == "occupied"
    assert status_at(KHERSON, "2022-10-15") == "occupied"
    assert status_at(KHERSON, "2022-12-15") == "liberated"
    assert status_at(KHERSON, "2023-06-01") == "claimed"


def test_mariupol_besieged_then_held():
    assert status_at(MARIUPOL, "2022-03-22") == "contested"
    for date in ["2022-05-21", *LATER]:
        assert status_at(MARIUPOL, date) == "occupied"


def test_melitopol_held_from_march_2022():
    assert status_at(MELITOPOL, "2022-02-23") is None
    for date in ["2022-03-01", "2022-03-22", *LATER]:
        assert status_at(MELITOPOL, date) == "occupied"


@pytest.mark.parametrize("town", [KRAMATORSK, SLOVIANSK])
def test_kramatorsk_and_sloviansk(town):
    # Held by Russia-led armed groups from April to 5 July 2014 (historical fact), never since.
    assert status_at(town, "2014-05-01") == "occupied_before_2022"
    assert status_at(town, "2014-07-10") == "liberated"
    for date in ["2015-06-01", "2022-03-22", "2022-06-01", "2022-09-29"]:
        assert status_at(town, date) is None
    for date in ["2022-09-30", "2023-06-01", "2025-01-15"]:
        assert status_at(town, date) == "claimed"


def test_zaporizhzhia_city_claimed_never_held():
    for date in geodata.key_dates():
        assert status_at(ZAPORIZHZHIA, date) in (None, "claimed")
    assert status_at(ZAPORIZHZHIA, "2022-09-29") is None
    assert status_at(ZAPORIZHZHIA, "2022-09-30") == "claimed"


def test_kyiv_oblast_liberated_in_april_2022():
    for place in (BUCHA, HOSTOMEL_AIRFIELD):
        assert status_at(place, "2022-03-22") == "occupied"
        assert status_at(place, "2022-04-10") == "liberated"
        assert status_at(place, "2022-06-01") is None


def test_kharkiv_donetsk_and_zaporizhzhia_fronts():
    assert status_at(IZIUM, "2022-03-22") == "contested"
    assert status_at(IZIUM, "2022-06-01") == "occupied"
    assert status_at(IZIUM, "2022-09-20") == "liberated"
    assert status_at(IZIUM, "2023-06-01") is None
    assert status_at(LYMAN, "2022-08-01") == "occupied"
    assert status_at(LYMAN, "2022-10-05") == "liberated"
    assert status_at(BAKHMUT, "2023-01-01") == "claimed"
    assert status_at(BAKHMUT, "2023-06-01") == "occupied"
    assert status_at(AVDIIVKA, "2023-06-01") == "claimed"
    assert status_at(AVDIIVKA, "2025-01-15") == "occupied"
    assert status_at(ROBOTYNE, "2023-06-01") == "occupied"
    assert status_at(ROBOTYNE, "2024-01-15") == "liberated"


def test_date_types_and_empty_before_any_data():
    want = geodata.control_at("2022-10-15")
    for date in [
        dt.date(2022, 10, 15),
        pd.Timestamp("2022-10-15 13:30"),
        dt.datetime(2022, 10, 15, 8),
    ]:
        got = geodata.control_at(date)
        assert got["status"].tolist() == want["status"].tolist()
    tz = geodata.control_at(pd.Timestamp("2022-10-15", tz="Europe/Kyiv"))
    assert len(tz) == len(want)
    empty = geodata.control_at("2010-01-01")
    assert empty.empty and isinstance(empty, gpd.GeoDataFrame)
    assert list(empty.columns) == list(want.columns)


def test_bad_dates_and_series():
    with pytest.raises(GeodataError, match="'date' is not a date: 'yesterday'"):
        geodata.control_at("yesterday")
    with pytest.raises(GeodataError, match="'date' must be a date.*not int"):
        geodata.control_at(2022)
    with pytest.raises(GeodataError, match="'series' has neither the built-in columns"):
        geodata.control_at(
            "2022-01-01", gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)])
        )
    with pytest.raises(GeodataError, match="'series' must be a GeoDataFrame"):
        geodata.control_at("2022-01-01", pd.DataFrame({"date": [], "status": []}))
    with pytest.raises(GeodataError, match="'date' must be a date"):
        geodata.claimed_at(None)


def test_snapshot_series_takes_latest_per_source():
    box = shapely.box(37, 47, 38, 48)
    snaps = gpd.GeoDataFrame(
        {
            "date": pd.to_datetime(["2022-03-01", "2022-03-05", "2022-03-05", "2022-03-03"]),
            "status": ["occupied", "occupied", "contested", "occupied"],
            "source": ["deepstate", "deepstate", "deepstate", "isw"],
        },
        geometry=[box, box, box.buffer(-0.2), box],
        crs="EPSG:4326",
    )
    got = geodata.control_at("2022-03-04", snaps)
    assert sorted(zip(got["source"], got["date"].dt.strftime("%m-%d"), strict=True)) == [
        ("deepstate", "03-01"),
        ("isw", "03-03"),
    ]
    got = geodata.control_at("2022-03-05", snaps)
    assert sorted(got["status"]) == ["contested", "occupied", "occupied"]
    assert list(got.columns) == list(snaps.columns)
    assert geodata.control_at("2022-02-01", snaps).empty


def test_claimed_at():
    none = geodata.claimed_at("2014-03-17")
    assert none.empty
    assert list(none.columns) == ["iso_3166_2", "name_en", "claimed_from", "geometry"]
    assert sorted(geodata.claimed_at("2014-03-18")["iso_3166_2"]) == ["UA-40", "UA-43"]
    assert sorted(geodata.claimed_at("2022-09-29")["iso_3166_2"]) == ["UA-40", "UA-43"]
    late = geodata.claimed_at(dt.date(2022, 9, 30))
    assert sorted(late["iso_3166_2"]) == ["UA-09", "UA-14", "UA-23", "UA-40", "UA-43", "UA-65"]
    assert pd.api.types.is_datetime64_any_dtype(late["claimed_from"])
    assert late.set_index("iso_3166_2").loc["UA-23", "claimed_from"] == pd.Timestamp("2022-09-30")
    assert late.crs.to_epsg() == 4326


def test_kyiv_city_unit_never_touched():
    kyiv_city = geodata.regions().set_index("iso_3166_2").geometry["UA-30"]
    for date in geodata.key_dates():
        rows = geodata.control_at(date)
        if len(rows):
            overlap = shapely.union_all(rows.geometry.values).intersection(kyiv_city)
            assert overlap.area < 1e-6, date


def test_status_pieces_never_straddle_a_status_change():
    pieces, statuses = geodata.status_pieces()
    assert list(statuses.index) == list(geodata.key_dates())
    assert list(statuses.columns) == pieces["piece"].tolist()
    assert set(pieces["iso_3166_2"]) <= set(geodata.regions()["iso_3166_2"])
    assert all(v is None or v in geodata.STATUSES for v in statuses.to_numpy().ravel())
    # each piece is wholly inside or wholly outside every status polygon at every date
    for day in statuses.index[::3]:
        snap = geodata.control_at(day).dissolve("status")
        for status, geom in zip(snap.index, snap.geometry, strict=True):
            geoms = pieces.geometry.to_numpy()
            inter = shapely.area(shapely.intersection(geoms, geom)) / shapely.area(geoms)
            assert ((inter < 0.01) | (inter > 0.99)).all(), (day, status)
            inside = statuses.loc[day].to_numpy() == status
            assert (inter[inside] > 0.99).all()


def test_status_pieces_have_ids_of_any_region_set():
    pieces, _ = geodata.status_pieces(dates=["2023-06-01"])
    assert list(pieces.columns) == ["piece", "id", "iso_3166_2", "geometry"]
    assert pieces["id"].equals(pieces["iso_3166_2"])
    box = shapely.box(36.5, 47.0, 38.5, 48.5)
    regions = gpd.GeoDataFrame(
        {"id": ["west", "east"]},
        geometry=[shapely.box(36.5, 47.0, 37.5, 48.5), shapely.box(37.5, 47.0, 38.5, 48.5)],
        crs="EPSG:4326",
    )
    snaps = gpd.GeoDataFrame(
        {"date": pd.to_datetime(["2024-01-01"]), "status": ["separatist"]},
        geometry=[box.buffer(-0.4)],
        crs="EPSG:4326",
    )
    pieces, statuses = geodata.status_pieces(snaps, regions=regions)
    assert list(pieces.columns) == ["piece", "id", "geometry"]
    assert sorted(pieces["id"]) == ["east", "east", "west", "west"]
    assert sorted(statuses.iloc[0], key=str) == [None, None, "separatist", "separatist"]
