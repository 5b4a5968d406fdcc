"""geodata.read_regions: anyone's region set from a file or a frame, and what it refuses."""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError

REGIONS = Path(__file__).parent / "fixtures" / "regions"
GEORGIA = REGIONS / "georgia_regions.geojson"
MOLDOVA = REGIONS / "moldova_regions.geojson"


@pytest.fixture(scope="module")
def georgia_raw():
    return gpd.read_file(GEORGIA)


def write_geojson(path: Path, features: list[dict], crs: str | None = None) -> Path:
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def square(x: float, y: float, props: dict) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


# --------------------------------------------------------------------------- reading


def test_georgia_file_shape_and_label():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing noisy
        units = geodata.read_regions(GEORGIA)
    assert isinstance(units, gpd.GeoDataFrame)
    assert list(units.columns) == ["id", "name", "geometry"]
    assert units.crs.to_epsg() == 4326
    assert len(units) == 12 and units["id"].is_unique
    assert units.set_index("id").loc["GE-AB", "name"] == "Abkhazia"
    assert units.set_index("id").loc["GE-TB", "name"] == "Tbilisi"
    assert units.attrs["label"] == "Georgia regions"
    assert units.attrs["report"] == [
        "georgia_regions.geojson: ids from column 'iso_3166_2', names from column 'name'"
    ]
    assert set(units.geom_type) <= {"Polygon", "MultiPolygon"} and units.is_valid.all()
    # shapely's default winding (counter-clockwise exteriors), not plotly's
    assert all(shapely.is_ccw(p.exterior) for g in units.geometry for p in shapely.get_parts(g))
    assert geodata.area_km2(units).sum() == pytest.approx(69_700, rel=0.02)


def test_moldova_repeated_iso_codes_fall_back_to_adm1_code():
    units = geodata.read_regions(MOLDOVA)
    assert len(units) == 40 and units["id"].is_unique
    assert units["id"].str.startswith("MDA-").all()
    assert (units["name"] == "Rezina").sum() == 2  # names may repeat
    assert units.attrs["label"] == "Moldova regions"
    assert units.attrs["report"][0] == (
        "moldova_regions.geojson: ids from column 'adm1_code' (not 'iso_3166_2': empty or "
        "repeated values), names from column 'name'"
    )


def test_explicit_columns_and_label(georgia_raw):
    units = geodata.read_regions(GEORGIA, id="adm1_code", name="type_en", label="Georgia")
    assert units["id"].iloc[0] == "GEO-3015" and units["name"].iloc[0] == "Autonomous Republic"
    assert units.attrs["label"] == "Georgia"
    # column names are matched case-insensitively
    upper = georgia_raw.rename(columns={"iso_3166_2": "ISO_3166_2", "name": "NAME"})
    assert geodata.read_regions(upper)["id"].tolist() == georgia_raw["iso_3166_2"].tolist()


def test_frame_label_from_data_and_attrs(georgia_raw):
    assert geodata.read_regions(georgia_raw).attrs["label"] == "Georgia"  # the admin column
    frame = georgia_raw.drop(columns="admin")
    assert geodata.read_regions(frame).attrs["label"] == "Regions"
    frame.attrs["label"] = "Sakartvelo"
    assert geodata.read_regions(frame).attrs["label"] == "Sakartvelo"
    assert geodata.read_regions(frame, label="Georgia").attrs["label"] == "Georgia"
    assert geodata.read_regions(geodata.regions()).attrs["label"] == "Ukraine"


def test_input_frame_is_not_changed(georgia_raw):
    before = georgia_raw.copy()
    geodata.read_regions(georgia_raw.to_crs("EPSG:32638"))
    geodata.read_regions(georgia_raw)
    assert georgia_raw.equals(before)


def test_builtin_regions_read_back_the_same():
    units = geodata.regions()
    again = geodata.read_regions(units)
    assert again["id"].tolist() == units["id"].tolist()
    assert again["name"].tolist() == units["name"].tolist()


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".shp", ".zip", ".fgb"])
def test_other_formats(tmp_path, georgia_raw, suffix):
    if suffix == ".parquet":
        path = tmp_path / "georgia.parquet"
        georgia_raw.to_parquet(path)
    elif suffix == ".zip":
        georgia_raw.to_file(tmp_path / "georgia.shp", engine="pyogrio")
        path = tmp_path / "georgia_shapes.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in tmp_path.glob("georgia.*"):
                zf.write(part, part.name)
    else:
        path = tmp_path / f"georgia{suffix}"
        georgia_raw.to_file(path, engine="pyogrio")
    units = geodata.read_regions(path)
    assert sorted(units["id"]) == sorted(georgia_raw["iso_3166_2"])
    assert units.crs.to_epsg() == 4326
    assert units.attrs["label"] == ("Georgia shapes" if suffix == ".zip" else "Georgia")


def test_projected_crs_is_reprojected_and_reported(tmp_path, georgia_raw):
    path = tmp_path / "georgia_utm.gpkg"
    georgia_raw.to_crs("EPSG:32638").to_file(path, engine="pyogrio")
    units = geodata.read_regions(path)
    assert units.crs.to_epsg() == 4326
    assert "georgia_utm.gpkg: reprojected from EPSG:32638 to EPSG:4326" in units.attrs["report"]
    direct = geodata.read_regions(GEORGIA)
    assert units.geometry.iloc[0].symmetric_difference(direct.geometry.iloc[0]).area < 1e-6
    frame = geodata.read_regions(georgia_raw.to_crs("EPSG:3857"))
    assert "the regions frame: reprojected from EPSG:3857 to EPSG:4326" in frame.attrs["report"]


def test_no_crs_degrees_are_assumed_and_reported(georgia_raw):
    frame = georgia_raw.set_crs(None, allow_override=True)
    units = geodata.read_regions(frame)
    assert units.crs.to_epsg() == 4326
    assert (
        "the regions frame: no CRS given; read as lon/lat degrees (EPSG:4326)"
        in (units.attrs["report"])
    )


def test_invalid_geometry_is_repaired_and_reported(tmp_path):
    bow_tie = {
        "type": "Feature",
        "properties": {"id": "b", "name": "Bow"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
    }
    path = write_geojson(
        tmp_path / "bow.geojson", [square(5, 5, {"id": "a", "name": "A"}), bow_tie]
    )
    units = geodata.read_regions(path)
    assert units.is_valid.all()
    assert units.geometry.iloc[1].area == pytest.approx(0.5)
    assert any(
        "repaired 1 invalid geometry" in line and "rows 2 ('b')" in line
        for line in units.attrs["report"]
    )


def test_numeric_ids_and_missing_names(tmp_path):
    path = write_geojson(
        tmp_path / "numbers.geojson",
        [square(0, 0, {"code": 7, "name": "Seven"}), square(1, 0, {"code": 8, "name": None})],
    )
    units = geodata.read_regions(path)
    assert units["id"].tolist() == ["7", "8"]
    assert units["name"].tolist() == ["Seven", "8"]
    assert (
        "numbers.geojson: 1 regions have no 'name'; their id is used (rows 2)"
        in (units.attrs["report"])
    )
    bare = write_geojson(tmp_path / "bare.geojson", [square(0, 0, {"gid": "x"})])
    assert geodata.read_regions(bare)["name"].tolist() == ["x"]


# --------------------------------------------------------------------------- refusals


def test_duplicate_ids_name_file_rows_field_and_value():
    with pytest.raises(GeodataError, match=r"duplicate-id") as info:
        geodata.read_regions(MOLDOVA, id="iso_3166_2")
    err = info.value
    assert (err.rule, err.file) == ("duplicate-id", "moldova_regions.geojson")
    message = str(err)
    assert message.startswith("moldova_regions.geojson: 1 problem found in the regions:")
    assert "row 1, field 'iso_3166_2', value 'MD-'" in message
    assert "used by 40 regions (rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 30 more)" in message
    assert [(p.rule, p.row, p.field, p.value) for p in err.problems] == [
        ("duplicate-id", 1, "iso_3166_2", "MD-")
    ]


def test_every_problem_is_listed_at_once(tmp_path):
    features = [
        square(0, 0, {"id": "a"}),
        square(1, 0, {"id": "a"}),
        square(2, 0, {"id": ""}),
        {"type": "Feature", "properties": {"id": "d"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"id": "e"},
            "geometry": {"type": "Point", "coordinates": [0, 0]},
        },  # fmt: skip
        {
            "type": "Feature",
            "properties": {"id": "f"},
            "geometry": {"type": "Polygon", "coordinates": []},
        },  # fmt: skip
    ]
    path = write_geojson(tmp_path / "messy.geojson", features)
    with pytest.raises(GeodataError, match=r"messy\.geojson: 5 problems found") as info:
        geodata.read_regions(path)
    got = [(p.rule, p.row, p.field) for p in info.value.problems]
    assert got == [
        ("duplicate-id", 1, "id"),
        ("empty-id", 3, "id"),
        ("empty-geometry", 4, "geometry"),
        ("not-polygon", 5, "geometry"),
        ("empty-geometry", 6, "geometry"),
    ]
    message = str(info.value)
    assert "row 5, field 'geometry', value 'Point': the region is a Point" in message
    assert "row 6, field 'geometry', value 'POLYGON EMPTY'" in message
    assert info.value.rule == "duplicate-id"


def test_empty_geometries(tmp_path, georgia_raw):
    frame = georgia_raw.copy()
    frame.loc[3, "geometry"] = shapely.Polygon()
    frame.loc[5, "geometry"] = None
    with pytest.raises(GeodataError, match=r"row 4, field 'geometry'") as info:
        geodata.read_regions(frame)
    assert [(p.rule, p.row) for p in info.value.problems] == [
        ("empty-geometry", 4),
        ("empty-geometry", 6),
    ]
    assert str(info.value).startswith("input: 2 problems found in the regions:")


def test_missing_id_column_lists_the_columns(tmp_path):
    path = write_geojson(tmp_path / "anon.geojson", [square(0, 0, {"label": "x", "pop": 3})])
    with pytest.raises(GeodataError, match=r"no id column found") as info:
        geodata.read_regions(path)
    assert (info.value.rule, info.value.file) == ("no-id-column", "anon.geojson")
    assert "the columns are ['label', 'pop']. Pass id=" in str(info.value)


def test_unknown_given_column_lists_the_columns():
    with pytest.raises(
        GeodataError,
        match=r"Value of 'id' is 'code', which is not a column; the columns are \['adm1_code', "
        r"'iso_3166_2', 'name', 'type_en', 'admin'\]",
    ) as info:
        geodata.read_regions(GEORGIA, id="code")
    assert info.value.rule == "unknown-column"
    with pytest.raises(GeodataError, match=r"Value of 'name' is 'name_uk'") as info:
        geodata.read_regions(GEORGIA, name="name_uk")
    assert info.value.rule == "unknown-column"


def test_projected_coordinates_without_crs(georgia_raw):
    frame = georgia_raw.to_crs("EPSG:32638").set_crs(None, allow_override=True)
    with pytest.raises(GeodataError, match=r"projected coordinates .* with no CRS") as info:
        geodata.read_regions(frame)
    assert info.value.rule == "no-crs"


@pytest.mark.parametrize(
    ("name", "content", "rule", "match"),
    [
        ("regions.kml", "<kml/>", "unknown-suffix", r"unknown suffix '\.kml'; expected one of"),
        ("nothing.geojson", None, "not-found", r"'.*nothing\.geojson' does not exist"),
        ("broken.geojson", '{"type": "Feat', "regions-unreadable", r"cannot be read as GeoJSON"),
    ],
)
def test_bad_files(tmp_path, name, content, rule, match):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GeodataError, match=match) as info:
        geodata.read_regions(path)
    assert (info.value.rule, info.value.file) == (rule, name)


def test_many_layers_need_a_layer(tmp_path, georgia_raw):
    path = tmp_path / "two.gpkg"
    georgia_raw.to_file(path, layer="units", engine="pyogrio")
    georgia_raw.iloc[:2].to_file(path, layer="more", engine="pyogrio")
    with pytest.raises(GeodataError, match=r"several layers \['units', 'more'\]") as info:
        geodata.read_regions(path)
    assert info.value.rule == "many-layers"
    assert len(geodata.read_regions(path, layer="more")) == 2
    with pytest.raises(GeodataError, match=r"has no layer 'other'") as info:
        geodata.read_regions(path, layer="other")
    assert info.value.rule == "unknown-layer"


def test_bad_arguments(georgia_raw):
    with pytest.raises(GeodataError, match=r"'source' must be a regions file .* not int"):
        geodata.read_regions(3)
    with pytest.raises(GeodataError, match=r"DataFrame without geometry"):
        geodata.read_regions(pd.DataFrame(georgia_raw.drop(columns="geometry")))
    with pytest.raises(GeodataError, match=r"'label' must be a non-empty string"):
        geodata.read_regions(GEORGIA, label="  ")
    with pytest.raises(GeodataError, match=r"'id' must be a column name \(str\), not int"):
        geodata.read_regions(GEORGIA, id=1)


def test_zipped_shapefile_in_a_folder(tmp_path, georgia_raw):
    georgia_raw.to_file(tmp_path / "adm1.shp", engine="pyogrio")
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for part in tmp_path.glob("adm1.*"):
            zf.write(part, f"geoBoundaries-GEO-ADM1/{part.name}")
    units = geodata.read_regions(path)
    assert len(units) == 12 and units.attrs["label"] == "Download"
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(GeodataError, match=r"bad\.zip: cannot be read as zipped shapefile") as e:
        geodata.read_regions(tmp_path / "bad.zip")
    assert e.value.rule == "regions-unreadable"
