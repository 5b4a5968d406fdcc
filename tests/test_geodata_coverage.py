"""geodata.coverage, snapshot_at, and what control_at says about the date it was asked for."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError

PLAIN = Path(__file__).parent / "fixtures" / "control" / "plain"
T = pd.Timestamp


def test_builtin_coverage():
    assert geodata.coverage() == (T("2014-02-27"), T("2024-12-31"))
    assert geodata.coverage(geodata.control_series()) == geodata.coverage()
    assert geodata.coverage()[1] == geodata.key_dates()[-1]


def test_snapshot_series_coverage():
    series = geodata.read_series(PLAIN / "squares.geojson")
    assert geodata.coverage(series) == (T("2024-01-01"), T("2024-02-01"))
    control = geodata.read_control(PLAIN / "squares.geojson")
    assert geodata.coverage(control) == (T("2024-01-01"), T("2024-02-01"))


def test_period_series_coverage_ends_the_day_before_valid_to():
    series = geodata.read_series(PLAIN / "periods.geojson")
    closed = series[series["valid_to"].notna()]
    assert geodata.coverage(closed) == (T("2024-01-01"), T("2024-02-29"))
    # square A's period has no end: the series covers every day from its start on
    assert geodata.coverage(series) == (T("2024-01-01"), None)
    assert geodata.control_at("2030-06-01", series).attrs["covered"] is True
    assert geodata.control_at("2030-06-01", closed).attrs["covered"] is False


def test_empty_series_has_no_coverage():
    empty = geodata.read_series(PLAIN / "squares.geojson").iloc[:0]
    assert geodata.coverage(empty) == (None, None)
    assert geodata.snapshot_at(empty, "2024-01-01") is None
    rows = geodata.control_at("2024-01-01", empty)
    assert (rows.attrs["snapshot"], rows.attrs["covered"]) == (None, False)


@pytest.mark.parametrize(
    ("date", "snapshot"),
    [
        ("2013-12-31", None),
        ("2014-02-27", "2014-02-27"),
        ("2020-06-01", "2015-02-18"),
        ("2022-03-01", "2022-02-24"),
        ("2030-01-01", "2024-12-31"),
    ],
)
def test_builtin_snapshot_at(date, snapshot):
    got = geodata.snapshot_at(None, date)
    assert got == (T(snapshot) if snapshot else None)


def test_snapshot_at_of_a_snapshot_series():
    series = geodata.read_series(PLAIN / "squares.geojson")
    assert geodata.snapshot_at(series, "2023-12-31") is None
    assert geodata.snapshot_at(series, "2024-01-31") == T("2024-01-01")
    assert geodata.snapshot_at(series, "2024-02-01 18:00") == T("2024-02-01")
    assert geodata.snapshot_at(series, "2025-01-01") == T("2024-02-01")


def test_control_at_attrs_builtin():
    before = geodata.control_at("2010-01-01")
    assert before.empty  # callers used to draw all of Ukraine held by Ukraine here
    assert before.attrs == {"snapshot": None, "covered": False}
    during = geodata.control_at("2022-10-15")
    assert during.attrs == {"snapshot": T("2022-10-01"), "covered": True}
    after = geodata.control_at("2025-01-15")
    assert len(after) and after.attrs == {"snapshot": T("2024-12-31"), "covered": False}


def test_control_at_attrs_snapshot_series():
    series = geodata.read_series(PLAIN / "squares.geojson")
    for day, snapshot, covered, n in [
        ("2023-06-01", None, False, 0),
        ("2024-01-15", "2024-01-01", True, 2),
        ("2024-02-01", "2024-02-01", True, 2),
        ("2024-06-01", "2024-02-01", False, 2),  # still the last snapshot, but not covered
    ]:
        rows = geodata.control_at(day, series)
        assert len(rows) == n, day
        want = T(snapshot) if snapshot else None
        assert rows.attrs["snapshot"] == want and rows.attrs["covered"] is covered, day


def test_control_at_does_not_touch_the_series_attrs():
    series = geodata.read_series(PLAIN / "squares.geojson")
    series.attrs["report"] = ["kept"]
    rows = geodata.control_at("2024-01-15", series)
    assert rows.attrs["report"] == ["kept"]
    assert series.attrs == {"report": ["kept"]}


def test_bad_series():
    frame = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    with pytest.raises(GeodataError, match=r"'series' has neither the built-in columns"):
        geodata.coverage(frame)
    with pytest.raises(GeodataError, match=r"'date' is not a date: 'later'"):
        geodata.snapshot_at(None, "later")
