"""Importers for control-of-terrain archives (geodata._importers).

The fixtures in tests/fixtures/control are tiny hand-made files in the shapes of the real
archives (rebuild them with make_fixtures.py there).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geodata._errors import GeodataError
from geodata._importers import (
    ControlImportError,
    ImportReportWarning,
    read_control,
    read_series,
    write_series,
)

FIXTURES = Path(__file__).parent / "fixtures" / "control"
try:
    from geodata._control import STATUSES
except ImportError:  # the importers do not depend on the control module
    STATUSES = ("occupied_before_2022", "occupied", "claimed", "liberated", "contested", "unknown")

pytestmark = pytest.mark.filterwarnings("ignore::geodata._importers.ImportReportWarning")

# Points well inside the fixture boxes (see make_fixtures.py).
MELITOPOL, CRIMEA, DONETSK = Point(35.4, 46.85), Point(34.3, 45.1), Point(37.9, 48.1)
KYIV, KHARKIV, KHERSON = Point(30.2, 50.65), Point(36.35, 49.85), Point(33.15, 46.95)
BELGOROD_UA, BELGOROD_RU, ROSTOV = Point(36.5, 50.15), Point(36.6, 50.7), Point(39.7, 47.25)


def by_status(frame, date):
    rows = frame[frame["date"] == pd.Timestamp(date)]
    return dict(zip(rows["status"], rows.geometry, strict=True))


def report_text(frame):
    return "\n".join(frame.attrs["report"])


def assert_clean_schema(frame):
    assert list(frame.columns[:3]) == ["date", "status", "source"]
    assert frame.geometry.name == "geometry"
    assert frame.crs.to_epsg() == 4326
    assert frame["date"].dtype.kind == "M" and frame["date"].dt.tz is None
    assert (frame["date"] == frame["date"].dt.normalize()).all()
    assert set(frame["status"]) <= set(STATUSES)
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert frame.is_valid.all() and not frame.has_z.any() and not frame.is_empty.any()
    assert not frame.duplicated(["date", "status"]).any()


@pytest.fixture(scope="module")
def deepstate():
    return read_control(FIXTURES / "deepstate")


@pytest.fixture(scope="module")
def ukraine_outline():
    from geodata._regions import ukraine

    return ukraine(detail="web")


# --------------------------------------------------------------------------- DeepStateMap raw


def test_deepstate_schema_and_dates_from_unix_seconds(deepstate):
    assert_clean_schema(deepstate)
    assert set(deepstate["source"]) == {"deepstate"}
    # 1646092800 is 2022-03-01 00:00 UTC; 1673742434 is 2023-01-15 00:27 UTC.
    assert sorted(deepstate["date"].dt.strftime("%Y-%m-%d").unique()) == [
        "2022-03-01",
        "2023-01-15",
    ]


def test_deepstate_early_file_names_and_black_fill(deepstate):
    early = by_status(deepstate, "2022-03-01")
    assert set(early) == {"occupied_before_2022", "occupied", "liberated", "unknown"}
    assert early["occupied_before_2022"].contains(CRIMEA)
    assert early["occupied_before_2022"].contains(DONETSK)
    assert early["occupied"].contains(MELITOPOL)
    # "Звільнено\xa025.03 /// Liberated 25.03" by name; "Полігон 7" by its green fill.
    assert early["liberated"].contains(KYIV) and early["liberated"].contains(KHARKIV)
    assert early["unknown"].contains(KHERSON)


def test_deepstate_late_file_tags_win_over_fill(deepstate):
    late = by_status(deepstate, "2023-01-15")
    assert late["occupied_before_2022"].contains(CRIMEA)
    assert late["occupied_before_2022"].contains(DONETSK)
    assert late["occupied"].contains(MELITOPOL)
    # Kherson is tagged geoJSON.status.liberated but still filled red.
    assert late["liberated"].contains(KHERSON) and late["liberated"].contains(KYIV)
    assert "1673742434.geojson: 1 polygon with a name that disagrees" in report_text(deepstate)


def test_deepstate_decoys_points_and_nulls_are_reported(deepstate):
    text = report_text(deepstate)
    assert "1646092800.geojson: dropped 2 points (labels, attack arrows)" in text
    assert "'Transnistria'" in text and "'Occupied Petsamo'" in text
    assert "map to no status (decoys or labels)" in text
    assert "1673742434.geojson: dropped 1 feature with no geometry" in text
    assert "1646092800.geojson: dropped Z coordinates from 6 polygons" in text


def test_deepstate_bow_tie_is_repaired_and_reported(deepstate):
    late = by_status(deepstate, "2023-01-15")
    # Both triangles of the self-intersecting bow-tie near Vasylivka survive.
    assert late["occupied"].contains(Point(35.15, 47.4)) and late["occupied"].contains(
        Point(35.35, 47.4)
    )
    assert "1673742434.geojson: repaired 1 invalid polygon" in report_text(deepstate)


def test_deepstate_areas_outside_ukraine_are_clipped(deepstate, ukraine_outline):
    late = by_status(deepstate, "2023-01-15")
    occupied = late["occupied"]
    assert occupied.contains(BELGOROD_UA)
    assert not occupied.intersects(BELGOROD_RU) and not occupied.intersects(ROSTOV)
    for geom in deepstate.geometry:
        assert shapely.difference(geom, ukraine_outline).area < 1e-9
    assert (
        "1673742434.geojson: clipped to Ukraine — cut 1 polygon at the border, dropped 1 polygon"
        in (report_text(deepstate))
    )


def test_one_report_warning_per_file():
    with pytest.warns(ImportReportWarning) as record:
        read_control(FIXTURES / "deepstate")
    messages = [str(w.message) for w in record if issubclass(w.category, ImportReportWarning)]
    assert len(messages) == 2
    assert messages[0].startswith("1646092800.geojson: ") and "Transnistria" in messages[0]


def test_clip_false_keeps_areas_outside_ukraine():
    frame = read_control(FIXTURES / "deepstate" / "1673742434.geojson", clip=False)
    assert frame.loc[frame["status"] == "occupied"].geometry.iloc[0].contains(ROSTOV)
    assert "clipped" not in report_text(frame)


def test_glob_and_explicit_source():
    frame = read_control(str(FIXTURES / "deepstate" / "1646*.geojson"), source="deepstate")
    assert list(frame["date"].unique()) == [pd.Timestamp("2022-03-01")]


def test_same_day_snapshots_keep_the_latest(tmp_path):
    shutil.copy(FIXTURES / "deepstate" / "1673742434.geojson", tmp_path / "1673742434.geojson")
    # Same UTC day, ten hours later, with the early file's content.
    shutil.copy(FIXTURES / "deepstate" / "1646092800.geojson", tmp_path / "1673780000.geojson")
    frame = read_control(tmp_path)
    assert list(frame["date"].unique()) == [pd.Timestamp("2023-01-15")]
    assert by_status(frame, "2023-01-15")["unknown"].contains(KHERSON)
    assert "1673742434.geojson (superseded by 1673780000.geojson)" in report_text(frame)


def test_reprojects_a_declared_crs():
    frame = read_control(FIXTURES / "crs")
    assert frame.geometry.iloc[0].contains(Point(35.45, 46.85))
    assert "reprojected from EPSG:3857 to EPSG:4326" in report_text(frame)


# --------------------------------------------------------------------------- daily DeepStateMap


def test_daily_single_multipolygon_is_occupied():
    frame = read_control(FIXTURES / "daily")
    assert_clean_schema(frame)
    assert frame[["status", "source"]].values.tolist() == [["occupied", "deepstate-daily"]]
    assert frame["date"].iloc[0] == pd.Timestamp("2024-12-31")
    geom = frame.geometry.iloc[0]
    assert geom.contains(MELITOPOL) and geom.contains(CRIMEA) and geom.contains(DONETSK)
    assert "cannot separate areas occupied before 2022" in report_text(frame)


# --------------------------------------------------------------------------- ISW


def test_isw_layer_file_date_from_content_first():
    frame = read_control(FIXTURES / "isw-layers")
    assert_clean_schema(frame)
    # datetime 1664485200000 ms is 2022-09-29 21:00 UTC; the name says 20220930.
    assert frame["date"].tolist() == [pd.Timestamp("2022-09-29")]
    assert frame[["status", "source", "layer"]].values.tolist() == [
        ["occupied", "isw", "RussianAssessedCoTinUkraine"]
    ]
    assert frame.geometry.iloc[0].contains(BELGOROD_UA)
    assert not frame.geometry.iloc[0].intersects(BELGOROD_RU)
    assert "dropped 1 feature with no geometry" in report_text(frame)


def test_isw_combined_layers():
    frame = read_control(FIXTURES / "isw-combined")
    assert_clean_schema(frame)
    assert frame["date"].unique().tolist() == [pd.Timestamp("2023-08-01")]
    rows = by_status(frame, "2023-08-01")
    assert set(rows) == {"occupied", "contested"}
    assert rows["occupied"].contains(MELITOPOL) and rows["occupied"].contains(CRIMEA)
    assert rows["occupied"].contains(Point(35.15, 47.4))  # repaired bow-tie
    for point in (DONETSK, KHARKIV, KHERSON):
        assert rows["contested"].contains(point)
    assert frame.set_index("status").loc["contested", "layer"] == (
        "MDS_AssessedRussianAdvanceInUkraine_view, VIEW_ClaimedRussianTerritoryinUkraine_V2, "
        "VIEW_ClaimedUkrainianCounteroffensives_V2"
    )
    text = report_text(frame)
    assert "dropped polygons of unknown ISW layers: 'VIEW_PartisanWarfare_V1' (1)" in text
    assert "20230801.geojson: dropped 2 features with no geometry" in text
    assert "20230801.geojson: repaired 1 invalid polygon" in text


def test_renamed_files_are_detected_by_content(tmp_path):
    shutil.copy(
        FIXTURES / "daily" / "deepstatemap_data_20241231.geojson", tmp_path / "20241231.json"
    )
    assert read_control(tmp_path / "20241231.json")["source"].tolist() == ["deepstate-daily"]
    # No date and no layer prefix left in the name: both come from content and name suffix.
    layer = tmp_path / "RussianAssessedCoTinUkraine.geojson"
    shutil.copy(FIXTURES / "isw-layers" / "20220930_RussianAssessedCoTinUkraine.geojson", layer)
    assert read_control(layer)["date"].tolist() == [pd.Timestamp("2022-09-29")]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "match"),
    [
        (
            "1646092800_projected.geojson",
            r"projected coordinates .* where degrees are expected .* -180…180",
        ),
        ("1646092800_points.geojson", r"contains no polygons \(found 2 points\)"),
        ("1646092800_truncated.geojson", r"not valid GeoJSON — the file is corrupt or truncated"),
        ("unknown.geojson", r"unknown format\. Expected one of: DeepStateMap export"),
        ("1646092800_latin1.geojson", r"is not UTF-8 text"),
        ("snapshot.geojson", r"snapshot\.geojson: cannot read a date .* Unix seconds"),
    ],
)
def test_bad_files(name, match):
    with pytest.raises(ControlImportError, match=match) as info:
        read_control(FIXTURES / "bad" / name)
    assert name in str(info.value)
    assert "Traceback" not in str(info.value)


def test_errors_are_value_errors_of_the_package():
    assert issubclass(ControlImportError, GeodataError) and issubclass(GeodataError, ValueError)


def test_unknown_source_lists_allowed_values():
    with pytest.raises(
        ControlImportError, match=r"source='kml'.*'auto', 'deepstate', 'deepstate-daily', 'isw'"
    ):
        read_control(FIXTURES / "deepstate", source="kml")


def test_empty_folder_glob_and_missing_path(tmp_path):
    with pytest.raises(ControlImportError, match=r"holds no control files: expected \*\.geojson"):
        read_control(tmp_path)
    with pytest.raises(ControlImportError, match=r"matches no files"):
        read_control(str(tmp_path / "*.geojson"))
    with pytest.raises(ControlImportError, match=r"does not exist"):
        read_control(tmp_path / "nothing.geojson")


def test_mixed_folder_names_the_files(tmp_path):
    shutil.copy(FIXTURES / "deepstate" / "1646092800.geojson", tmp_path)
    shutil.copy(FIXTURES / "daily" / "deepstatemap_data_20241231.geojson", tmp_path)
    with pytest.raises(
        ControlImportError,
        match=r"mix archive formats \(deepstate: 1646092800\.geojson; "
        r"deepstate-daily: deepstatemap_data_20241231\.geojson\)",
    ):
        read_control(tmp_path)


def test_isw_file_without_layer_or_date(tmp_path):
    target = tmp_path / "layer.geojson"
    shutil.copy(FIXTURES / "isw-layers" / "20220930_RussianAssessedCoTinUkraine.geojson", target)
    with pytest.raises(ControlImportError, match=r"cannot tell which ISW layer"):
        read_control(target)


def test_bad_clip_value():
    with pytest.raises(ControlImportError, match=r"clip='ukraine' is not allowed"):
        read_control(FIXTURES / "daily", clip="ukraine")


# --------------------------------------------------------------------------- progress


def test_progress_bar_forced_and_auto(capsys):
    read_control(FIXTURES / "deepstate", progress=True)
    assert "read_control" in capsys.readouterr().err
    read_control(FIXTURES / "deepstate")  # two files, not a tty: no bar
    assert "read_control" not in capsys.readouterr().err


# --------------------------------------------------------------------------- writing


def test_write_series_gpkg_round_trip(tmp_path, deepstate):
    target = write_series(deepstate, tmp_path / "control.gpkg")
    back = read_series(target)
    assert back["date"].dtype == np.dtype("datetime64[ns]")
    assert back[["date", "status", "source"]].equals(deepstate[["date", "status", "source"]])
    assert back.crs.to_epsg() == 4326
    assert np.allclose(shapely.area(back.geometry.array), shapely.area(deepstate.geometry.array))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["control.gpkg"]


def test_write_series_parquet(tmp_path, deepstate):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        with pytest.raises(GeodataError, match=r"needs pyarrow: pip install pyarrow"):
            write_series(deepstate, tmp_path / "control.parquet")
        assert list(tmp_path.iterdir()) == []
        return
    back = read_series(write_series(deepstate, tmp_path / "control.parquet"))
    assert back[["date", "status"]].equals(deepstate[["date", "status"]])


def test_write_series_unknown_suffix(tmp_path, deepstate):
    with pytest.raises(
        GeodataError, match=r"unknown suffix '\.shp'; expected one of \['\.gpkg', '\.parquet'\]"
    ):
        write_series(deepstate, tmp_path / "control.shp")


def test_write_series_is_atomic(tmp_path, deepstate, monkeypatch):
    target = tmp_path / "control.gpkg"
    write_series(deepstate, target)
    before = target.read_bytes()

    def crash(frame, path, **kwargs):
        Path(path).write_bytes(b"SQLite format 3\x00 half written")
        raise OSError("disk full")

    monkeypatch.setattr("geodata._importers.pyogrio.write_dataframe", crash)
    with pytest.raises(OSError, match="disk full"):
        write_series(deepstate.iloc[:1], target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["control.gpkg"]
    monkeypatch.undo()
    assert len(read_series(target)) == len(deepstate)


def test_read_series_unknown_suffix(tmp_path):
    # .csv is a plain series now (see test_geodata_plain.py): .shp is still unknown
    with pytest.raises(GeodataError, match=r"unknown suffix '\.shp'"):
        read_series(tmp_path / "control.shp")


def test_no_warnings_escape_when_nothing_changed(tmp_path):
    # A clean ISW layer file: nothing to drop, repair or clip → no warning.
    clean = tmp_path / "20220930_RussianAssessedCoTinUkraine.geojson"
    clean.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"FID":1},'
        '"geometry":{"type":"Polygon","coordinates":[[[35.2,46.75],[35.6,46.75],[35.6,47.0],'
        "[35.2,47.0],[35.2,46.75]]]}}]}",
        "utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImportReportWarning)
        frame = read_control(clean)
    assert frame.attrs["report"] == [] and frame["date"].tolist() == [pd.Timestamp("2022-09-30")]


def test_clip_to_a_custom_polygon():
    west_of_35 = shapely.box(20, 40, 35, 55)
    frame = read_control(FIXTURES / "daily", clip=west_of_35)
    geom = frame.geometry.iloc[0]
    assert geom.contains(CRIMEA) and not geom.intersects(MELITOPOL)
    assert "clipped to the clip outline — cut 1 polygon at the border" in report_text(frame)
