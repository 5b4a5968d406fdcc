"""Plain control series: read_series and read_control on anyone's status polygons.

The fixtures in tests/fixtures/control/plain are made-up squares (rebuild them with
make_fixtures.py there): A (lon 0–1), B (1–2), C (2–3), all lat 0–1.
"""

from __future__ import annotations

import csv
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import geodata
from geodata import ControlImportError, GeodataError

PLAIN = Path(__file__).parent / "fixtures" / "control" / "plain"
A, B, C = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)
JAN, FEB, MAR = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01")


def rows(frame, cols=("date", "status")):
    return [tuple(r) for r in frame[list(cols)].itertuples(index=False)]


def write_csv(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(body)
    return path


# --------------------------------------------------------------------------- read_series


@pytest.mark.parametrize("name", ["squares.geojson", "squares.csv"])
def test_snapshot_series(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        series = geodata.read_series(PLAIN / name)
    assert rows(series) == [
        (JAN, "occupied"),
        (JAN, "contested"),
        (FEB, "occupied"),
        (FEB, "separatist"),
    ]
    assert series["date"].dtype == np.dtype("datetime64[ns]")
    assert series.crs.to_epsg() == 4326
    assert series["square"].tolist() == ["A", "B", "A", "C"]  # other columns are kept
    assert series.geometry.iloc[3].equals(C)
    assert series.attrs["report"] == []


def test_the_formats_agree(tmp_path):
    series = geodata.read_series(PLAIN / "squares.geojson")
    series.to_file(tmp_path / "squares.gpkg", layer="other", engine="pyogrio")
    series.to_parquet(tmp_path / "squares.parquet")
    for path in (tmp_path / "squares.gpkg", tmp_path / "squares.parquet", PLAIN / "squares.csv"):
        back = geodata.read_series(path)
        assert rows(back) == rows(series), path.name
        assert np.allclose(shapely.area(back.geometry.array), 1.0)


def test_period_series():
    series = geodata.read_series(PLAIN / "periods.geojson")
    assert rows(series, ("status", "valid_from", "valid_to")) == [
        ("occupied", JAN, pd.NaT),
        ("contested", JAN, FEB),
        ("separatist", FEB, MAR),
    ]
    assert sorted(geodata.control_at("2024-02-15", series)["status"]) == ["occupied", "separatist"]
    assert geodata.control_at("2024-03-01", series)["status"].tolist() == ["occupied"]


def test_bad_rows_are_listed_with_row_field_and_value():
    with pytest.raises(GeodataError, match=r"bad_rows\.csv: 5 problems found") as info:
        geodata.read_series(PLAIN / "bad_rows.csv")
    err = info.value
    assert err.file == "bad_rows.csv" and err.rule == "missing-status"
    # rows are CSV line numbers (the header is line 1)
    assert [(p.rule, p.row, p.field, p.value) for p in err.problems] == [
        ("missing-status", 3, "status", ""),
        ("bad-date", 4, "date", "first of May"),
        ("bad-wkt", 5, "geometry", "POLYGON ((0 0, 1 0"),
        ("not-polygon", 6, "geometry", "Point"),
        ("missing-date", 7, "date", None),
    ]
    message = str(err)
    assert "row 4, field 'date', value 'first of May': is not a date" in message
    assert "row 5, field 'geometry', value 'POLYGON ((0 0, 1 0'" in message


def test_listing_stops_after_twenty(tmp_path):
    path = write_csv(tmp_path / "many.csv", ["date", "status", "wkt"], [["soon", "x", A.wkt]] * 25)
    with pytest.raises(GeodataError) as info:
        geodata.read_series(path)
    message = str(info.value)
    assert "25 problems found" in message and "  20. row 21" in message
    assert "row 22" not in message and message.endswith("... and 5 more")
    assert len(info.value.problems) == 25


def test_period_rows(tmp_path):
    path = write_csv(
        tmp_path / "periods.csv",
        ["status", "valid_from", "valid_to", "geometry"],
        [["held", "2024-01-01", "", A.wkt], ["held", "2024-02-01", "2024-01-01", B.wkt]],
    )
    with pytest.raises(GeodataError, match=r"row 3, field 'valid_to', value '2024-01-01': the "
                       r"period ends on or before it starts") as info:  # fmt: skip
        geodata.read_series(path)
    assert info.value.rule == "bad-period"


@pytest.mark.parametrize(
    ("header", "rule", "match"),
    [
        (["date", "geometry"], "no-status-column", r"has no 'status' column.*\['date', "),
        (["status", "geometry"], "no-date-column", r"neither a 'date' column"),
        (["date", "valid_from", "status", "geometry"], "mixed-date-columns", r"both 'date'"),
        (["date", "status", "shape"], "no-geometry-column", r"no WKT geometry column"),
    ],
)
def test_missing_columns(tmp_path, header, rule, match):
    values = {"date": "2024-01-01", "valid_from": "2024-01-01", "status": "x"}
    body = [[values.get(h, A.wkt) for h in header]]
    path = write_csv(tmp_path / "cols.csv", header, body)
    with pytest.raises(GeodataError, match=match) as info:
        geodata.read_series(path)
    assert (info.value.rule, info.value.file) == (rule, "cols.csv")


def test_case_insensitive_columns_time_zones_and_repairs(tmp_path):
    bow_tie = "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"
    path = write_csv(
        tmp_path / "mixed.csv",
        ["Date", "Status", "Geometry"],
        [["2024-01-01T23:30:00+02:00", "held", bow_tie], ["2024-01-02", " held ", A.wkt]],
    )
    series = geodata.read_series(path)
    assert list(series.columns) == ["date", "status", "geometry"]
    assert series["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    assert series["status"].tolist() == ["held", "held"]
    assert series.is_valid.all() and series.geometry.iloc[0].area == pytest.approx(0.5)
    assert series.attrs["report"] == [
        "mixed.csv: repaired 1 invalid polygon with make_valid (rows 2)"
    ]


def test_projected_plain_series(tmp_path):
    frame = geodata.read_series(PLAIN / "squares.geojson").set_crs("EPSG:4326")
    frame.to_crs("EPSG:3857").to_file(tmp_path / "merc.gpkg", engine="pyogrio")
    back = geodata.read_series(tmp_path / "merc.gpkg")
    assert back.geometry.iloc[0].equals_exact(A, 1e-6)
    assert back.attrs["report"] == ["merc.gpkg: reprojected from EPSG:3857 to EPSG:4326"]
    metres = write_csv(
        tmp_path / "metres.csv",
        ["date", "status", "wkt"],
        [["2024-01-01", "x", "POLYGON ((0 0, 500000 0, 500000 500000, 0 0))"]],  # fmt: skip
    )
    with pytest.raises(GeodataError, match=r"projected coordinates") as info:
        geodata.read_series(metres)
    assert info.value.rule == "projected-coordinates"


# --------------------------------------------------------------------------- read_control


def test_read_control_sniffs_plain_and_keeps_statuses():
    assert "plain" in geodata.SOURCES
    frame = geodata.read_control(PLAIN / "squares.geojson")
    assert list(frame.columns) == ["date", "status", "source", "geometry"]
    assert set(frame["source"]) == {"plain"}
    assert rows(frame) == [(JAN, "occupied"), (JAN, "contested"), (FEB, "occupied"), (FEB, "separatist")]  # fmt: skip
    # not clipped to Ukraine: the squares lie in the Gulf of Guinea
    assert frame.geometry.iloc[0].equals(A)
    assert frame.attrs["report"] == []


def test_read_control_turns_periods_into_snapshots():
    frame = geodata.read_control(PLAIN / "periods.geojson", source="plain")
    assert rows(frame) == [
        (JAN, "occupied"),
        (JAN, "contested"),
        (FEB, "occupied"),
        (FEB, "separatist"),
        (MAR, "occupied"),
    ]
    series = geodata.read_series(PLAIN / "periods.geojson")
    for day in ("2024-01-15", "2024-02-15", "2024-03-15"):
        want = sorted(geodata.control_at(day, series)["status"])
        assert sorted(geodata.control_at(day, frame)["status"]) == want, day


def test_read_control_reports_a_gap_it_cannot_show(tmp_path):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "status": "held",
                    "valid_from": "2024-01-01",
                    "valid_to": "2024-02-01",
                },  # fmt: skip
                "geometry": shapely.geometry.mapping(A),
            }
        ],
    }
    (tmp_path / "gap.geojson").write_text(json.dumps(data), encoding="utf-8")
    with pytest.warns(geodata.ImportReportWarning, match="no period is in force from 2024-02-01"):
        frame = geodata.read_control(tmp_path / "gap.geojson")
    assert rows(frame) == [(JAN, "held")]


def test_read_control_clips_plain_only_when_asked():
    with pytest.warns(geodata.ImportReportWarning, match="clipped to the clip outline"):
        frame = geodata.read_control(PLAIN / "squares.geojson", clip=shapely.box(0, 0, 0.5, 1))
    assert rows(frame) == [(JAN, "occupied"), (FEB, "occupied")]
    assert frame.geometry.iloc[0].area == pytest.approx(0.5)
    with pytest.warns(geodata.ImportReportWarning, match="clipped to Ukraine"):
        clipped = geodata.read_control(PLAIN / "squares.geojson", clip=True)
    assert clipped.empty  # nothing of the squares is in Ukraine


def test_read_control_plain_bad_rows_are_import_errors(tmp_path):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"status": "", "date": "2024-01-01"},
                "geometry": shapely.geometry.mapping(A),
            },  # fmt: skip
            {
                "type": "Feature",
                "properties": {"status": "x", "date": "2024-13-45"},
                "geometry": shapely.geometry.mapping(B),
            },  # fmt: skip
            {
                "type": "Feature",
                "properties": {"status": "x", "date": "2024-01-01"},
                "geometry": None,
            },  # fmt: skip
        ],
    }
    (tmp_path / "bad.geojson").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ControlImportError, match=r"bad\.geojson: 3 problems found") as info:
        geodata.read_control(tmp_path / "bad.geojson")
    assert [(p.rule, p.row) for p in info.value.problems] == [
        ("missing-status", 1),
        ("bad-date", 2),
        ("empty-geometry", 3),
    ]


def test_a_folder_of_plain_files_is_one_series(tmp_path):
    shutil.copy(PLAIN / "squares.geojson", tmp_path / "a.geojson")
    shutil.copy(PLAIN / "periods.geojson", tmp_path / "b.geojson")
    frame = geodata.read_control(tmp_path)
    assert sorted(frame["date"].unique()) == [JAN, FEB, MAR]
    assert not frame.duplicated(["date", "status"]).any()


def test_archives_are_still_clipped_to_ukraine_by_default():
    daily = Path(__file__).parent / "fixtures" / "control" / "daily"
    frame = geodata.read_control(daily, clip=None)
    assert shapely.difference(frame.geometry.iloc[0], geodata.ukraine()).area < 1e-9


def test_write_series_round_trip_of_a_plain_series(tmp_path):
    frame = geodata.read_control(PLAIN / "squares.geojson")
    back = geodata.read_series(geodata.write_series(frame, tmp_path / "plain.gpkg"))
    assert back[["date", "status", "source"]].equals(frame[["date", "status", "source"]])
