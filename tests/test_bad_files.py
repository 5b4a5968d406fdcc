"""A corpus of malformed inputs for every event loader and control importer.

Every case is generated here into ``tmp_path`` (nothing big is stored in the repository). Each
one gets a clear error that names the file and the problem, or a documented repair that the
import report lists: never a crash, a traceback or another exception type, and memory stays
bounded for the biggest ones (a 5 MB line, a YAML alias bomb, a 10⁶-vertex polygon).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

import events
from events import EventValidationError
from events._io import MAX_BYTES
from geodata import ControlImportError, read_control
from geodata._archive import safe_extract
from geodata._importers import MAX_FILE_BYTES

HERE = Path(__file__).parent
REPO = HERE.parent
CONTROL = HERE / "fixtures" / "control"
_spec = importlib.util.spec_from_file_location("make_fixtures", CONTROL / "make_fixtures.py")
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)

pytestmark = pytest.mark.filterwarnings("ignore::geodata._importers.ImportReportWarning")

MB = 1_000_000
LONG = 5 * MB  # "a huge single line"
DEEP = 100_000  # nesting depth for the JSON/YAML stack bombs


def check_message(message: str, name: str) -> None:
    """What every error shares: it names the file, shows no traceback and stays short."""
    assert name in message
    assert "Traceback" not in message
    assert len(message) < 5000  # a 5 MB bad value is never echoed whole


def write(name: str, data):
    """A case builder: write ``data`` (bytes, text, or a function making them) to tmp_path."""

    def build(tmp_path: Path) -> Path:
        content = data() if callable(data) else data
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    build.case = name
    return build


def sparse(name: str, size: int):
    """A file of ``size`` bytes that takes no disk space (for size limits)."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        with open(path, "wb") as fh:
            fh.truncate(size)
        return path

    build.case = name
    return build


# --------------------------------------------------------------------------- events

SOURCE = {"title": "Report", "url": "https://example.org/report"}


def event(eid: str = "a", **fields) -> dict:
    return {
        "id": eid,
        "title": "An event",
        "start": "2022-02-24",
        "category": "military",
        "sources": [SOURCE],
        **fields,
    }


def as_json(*records) -> str:
    return json.dumps(list(records))


def yaml_event(start: str, extra: str = "") -> str:
    """One YAML event with ``start`` written literally (unquoted dates stay unquoted)."""
    return (
        f"- id: a\n  title: An event\n  start: {start}\n  category: military\n{extra}"
        "  sources:\n  - {title: Report, url: 'https://example.org/report'}\n"
    )


CSV_HEAD = "id,title,start,category,source_title,source_url\n"


def csv_event(start: str) -> str:
    return CSV_HEAD + f"a,An event,{start},military,Report,https://example.org/report\n"


def alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases, 9⁹ strings once expanded."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    lines.append("events:\n- {id: a, title: *l9}")
    return "\n".join(lines) + "\n"


def tjs_json(**event_fields) -> str:
    return json.dumps({"events": [{"start_date": {"year": 2022}, **event_fields}]})


TJS_HEAD = "Year,Month,Day,Headline,Text,Media,Group\n"


def cases(*rows):
    """pytest params named after the file each case writes."""
    return [pytest.param(*row, id=row[0].case) for row in rows]


# Each case: the file, then what its first problem must say, as the rule id and where:
# ``row``, ``field`` and ``event_id`` are checked when given (``row=None`` means no row).
EVENT_CASES = cases(
    # truncated files
    (
        write(
            "truncated.yaml", "- id: a\n  title: An event\n  sources: [{title: R, url: 'https://exa"
        ),
        "yaml-syntax",
        {"row": 3},
    ),
    (write("truncated.json", as_json(event())[:60]), "json-syntax", {"row": 1}),
    (write("truncated.csv", csv_event("2022-02-24")[:-45]), "csv-ragged", {"row": 2}),
    # encodings
    (write("latin1.yaml", "- id: a\n  title: Café\n".encode("latin-1")), "encoding", {"row": 2}),
    (write("cp1251.csv", "id,title\na,Київ\n".encode("cp1251")), "encoding", {"row": 2}),
    (
        write(
            "mixed.yaml", "- id: a\n  title: Київ\n".encode() + "  summary: Café\n".encode("cp1252")
        ),
        "encoding",
        {"row": 3},
    ),
    (write("utf16.json", as_json(event()).encode("utf-16")), "encoding", {}),
    (
        write("utf16be.yaml", ("\ufeff" + yaml_event("2022-02-24")).encode("utf-16-be")),
        "encoding",
        {},
    ),
    (write("utf16-no-bom.json", as_json(event()).encode("utf-16-le")), "encoding", {}),
    (write("nul.csv", "id,title\na\x00b,An event\n"), "encoding", {}),
    # empty and huge
    (write("empty.yaml", b""), "file-empty", {}),
    (write("blank.json", b" \r\n\t\n"), "file-empty", {}),
    (write("long-line.yaml", lambda: b"x" * LONG), "not-a-list", {}),
    (write("long-line.csv", lambda: CSV_HEAD + "a," + "x" * LONG + "\n"), "csv-syntax", {}),
    (
        write("long-line.json", lambda: as_json(event("x" * LONG))),
        "bad-id",
        {"row": 1, "field": "id", "event_id": "x" * 97 + "..."},
    ),
    (sparse("oversized.yaml", MAX_BYTES + 1), "file-too-large", {}),
    # nesting and alias bombs, unsafe or unreadable YAML values
    (write("deep.json", lambda: "[" * DEEP + "]" * DEEP), "json-depth", {}),
    (write("deep.yaml", lambda: "[" * DEEP + "]" * DEEP), "yaml-depth", {}),
    (write("deep-block.yaml", lambda: "- " * DEEP + "x\n"), "yaml-depth", {}),
    (write("alias-bomb.yaml", alias_bomb()), "yaml-aliases", {}),
    (
        write("python-tag.yaml", "- !!python/object/apply:os.system ['echo pwned']\n"),
        "yaml-tag",
        {"row": 1},
    ),
    (write("bad-int-tag.yaml", "- id: !!int abc\n"), "yaml-value", {}),
    (write("huge-int.json", "[" + "9" * 5000 + "]"), "json-value", {}),
    (
        write("two-documents.yaml", yaml_event("2022") + "---\n" + yaml_event("2023")),
        "yaml-syntax",
        {"row": 7},
    ),
    (write("scalar.json", '"just text"'), "not-a-list", {}),
    (
        write("int-keys.yaml", "- {1: x, id: a, title: T, start: 2022, category: military}\n"),
        "unknown-field",
        {"row": 1, "field": "1", "event_id": "a"},
    ),
    # dates
    (
        write("date-1699.yaml", yaml_event("1699")),
        "bad-date",
        {"row": 1, "field": "start", "event_id": "a", "value": 1699},
    ),
    (
        write("date-2101.json", as_json(event(start="2101-01-01"))),
        "bad-date",
        {"row": 1, "field": "start", "event_id": "a"},
    ),
    (
        write("date-0000.csv", csv_event("0000")),
        "bad-date",
        {"row": 2, "field": "start", "value": "0000"},
    ),
    (
        write("date-feb-30.yaml", yaml_event("2022-02-30")),  # unquoted: YAML's own date type
        "bad-date",
        {"row": 1, "field": "start", "value": "2022-02-30"},
    ),
    (
        write("date-dotted.csv", csv_event("24.02.2022")),
        "bad-date",
        {"row": 2, "field": "start", "value": "24.02.2022"},
    ),
    (
        write("old-style-1918.yaml", yaml_event("1918-02-14", "  start_os: 1918-02-01\n")),
        "bad-old-style",
        {"row": 1, "field": "start_os"},
    ),
    # structure
    (
        write("duplicate-ids.json", as_json(event("a"), event("a"))),
        "duplicate-id",
        {"row": 1, "field": "id", "value": "a"},
    ),
    (
        write("ragged.csv", csv_event("2022") + "b,Another,2023,military\n"),
        "csv-ragged",
        {"row": 3},
    ),
    (write("header-only.csv", CSV_HEAD), "no-events", {}),
    (write("repeated-column.csv", "id,title,id\n"), "csv-header", {"row": 1}),
    (
        write("deep-sources-cell.csv", lambda: 'id,sources\na,"' + "[" * DEEP + '"\n'),
        "csv-sources-cell",
        {"row": 2},
    ),
    (write("events.xlsx", b"PK\x03\x04"), "file-type", {}),
    # TimelineJS
    (
        write("tjs-no-headline.json", tjs_json(group="military", text={"text": "no headline"})),
        "required",
        {"row": 1, "field": "title", "event_id": "event-2022"},
    ),
    (
        write("tjs-text-not-object.json", tjs_json(group="military", text="a string")),
        "required",
        {"row": 1, "field": "title", "event_id": "event-2022"},
    ),
    (
        write("tjs-superscript-month.csv", TJS_HEAD + "2022,²,1,H,,https://example.org,military\n"),
        "bad-date",
        {"row": 2, "field": "start", "event_id": "h-2022", "value": "2022-²-01"},
    ),
)


@pytest.mark.parametrize(("build", "rule", "where"), EVENT_CASES)
def test_bad_event_file(tmp_path, build, rule, where):
    path = build(tmp_path)
    with pytest.raises(EventValidationError, match=re.escape(path.name)) as info:
        events.load_catalog(path)
    first = info.value.problems[0]
    assert (first.rule, first.file) == (rule, path.name)
    for key, expected in where.items():
        assert getattr(first, key) == expected, key
    check_message(str(info.value), path.name)
    assert f"[{rule}]" in str(info.value)


def test_timelinejs_sheet_without_headline_column(tmp_path):
    path = write("tjs-no-headline.csv", "Year,Month,Day,Text\n2022,2,24,x\n")(tmp_path)
    with pytest.raises(EventValidationError, match=r"tjs-no-headline\.csv, row 1") as info:
        events.read_timelinejs(path)
    assert info.value.rules == ["timelinejs-columns"]
    # load_catalog reads it as a catalogue CSV and names every column it does not know.
    with pytest.raises(EventValidationError, match=r"field 'Year' value '2022' -- unknown field"):
        events.load_catalog(path)


def test_folder_named_like_an_event_file(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(EventValidationError, match=r"folder\.yaml: is a folder; give an event"):
        events.load_catalog(tmp_path / "folder.yaml")


# Documented repairs: what the loaders accept on purpose.


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
def test_utf8_bom_is_accepted(tmp_path, suffix):
    good = events.validate([event()])
    path = tmp_path / f"bom{suffix}"
    events.write_catalog(good, path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert events.load_catalog(path)["id"].tolist() == ["a"]


def test_unquoted_julian_leap_day_is_read_as_text(tmp_path):
    # 1700-02-29 exists only in the Julian calendar: YAML's date type used to crash on it.
    path = write("julian.yaml", yaml_event("1700-03-11", "  start_os: 1700-02-29\n"))(tmp_path)
    assert events.load_catalog(path)["start_os"].tolist() == ["1700-02-29"]


def test_csv_points_in_exponent_notation(tmp_path):
    # write_catalog writes repr(lon), which is 1e-05 for small numbers; "1.2.3" used to crash.
    path = tmp_path / "points.csv"
    row = CSV_HEAD.strip() + ',places\na,An event,2022,military,R,https://example.org,"{}"\n'
    path.write_text(row.format("Bad@1.2.3,4"), "utf-8")
    with pytest.raises(EventValidationError, match=r"value 'Bad@1\.2\.3,4' -- a place must be"):
        events.load_catalog(path)
    path.write_text(row.format("Buoy@1e-05,-2.5E+1"), "utf-8")
    assert events.load_catalog(path)["points"].item() == [
        {"name": "Buoy", "lon": 1e-05, "lat": -25.0}
    ]


# Memory and time stay bounded for the biggest event files.


@pytest.mark.parametrize(
    ("name", "data", "limit_mb"),
    [
        ("long-line.yaml", lambda: b"x" * LONG, 60),
        ("long-line.json", lambda: as_json(event("x" * LONG)).encode(), 60),
        ("alias-bomb.yaml", lambda: alias_bomb().encode(), 10),
        ("deep.yaml", lambda: ("[" * DEEP + "]" * DEEP).encode(), 10),
    ],
)
def test_big_event_files_stay_bounded(tmp_path, name, data, limit_mb):
    path = write(name, data)(tmp_path)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(EventValidationError, match=name.replace(".", r"\.")):
            events.load_catalog(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit_mb * MB, f"{name}: peak {peak / MB:.0f} MB"
    assert time.perf_counter() - start < 10


# --------------------------------------------------------------------------- control archives


def collection(*features, **members) -> dict:
    return {"type": "FeatureCollection", **members, "features": list(features)}


def occupied(geometry, **props) -> dict:
    return fx.deepstate_feature(geometry, "Окуповано /// Occupied", "#a52714", **props)


def geojson(*features, **members) -> str:
    return json.dumps(collection(*features, **members), ensure_ascii=False)


MELITOPOL = fx.polygon(*fx.MELITOPOL)
METRES = fx.polygon(3937000.0, 5910000.0, 3960000.0, 5930000.0)  # Web Mercator, near Melitopol


def crs(code: int) -> dict:
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{code}"}}


def zipped(name: str, members):
    """A zip case; ``members`` is a list of (name or ZipInfo, bytes)."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about duplicate names
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                for member, data in members() if callable(members) else members:
                    zf.writestr(member, data)
        return path

    build.case = name
    return build


def with_declared_size(build, size: int):
    """Rewrite the first member's uncompressed size in the zip's central directory."""

    def patched(tmp_path: Path) -> Path:
        path = build(tmp_path)
        data = bytearray(path.read_bytes())
        struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, size)
        path.write_bytes(bytes(data))
        return path

    patched.case = build.case
    return patched


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def folder(name: str, files: dict[str, bytes]):
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.mkdir()
        for file, data in files.items():
            (path / file).write_bytes(data)
        return path

    build.case = name
    return build


DEEPSTATE = (CONTROL / "deepstate" / "1646092800.geojson").read_bytes()
DAILY = (CONTROL / "daily" / "deepstatemap_data_20241231.geojson").read_bytes()
GOOD = geojson(occupied(MELITOPOL)).encode()

CONTROL_CASES = cases(
    # not GeoJSON, or not what an archive holds
    (
        write("1646092800_truncated.geojson", DEEPSTATE[: len(DEEPSTATE) // 2]),
        "geojson-corrupt",
        {},
    ),
    (write("1646092800_empty.geojson", b""), "geojson-corrupt", {}),
    (
        write("1646092800_geometry.geojson", json.dumps(MELITOPOL)),
        "unknown-format",
        {},
    ),
    (
        write("1646092800_list.geojson", "[1, 2, 3]"),
        "unknown-format",
        {},
    ),
    (
        write(
            "1646092800_foreign.geojson",
            geojson({"type": "Feature", "properties": {"owner": 1}, "geometry": MELITOPOL}),
        ),  # fmt: skip
        "unknown-format",
        {},
    ),
    (
        write("1646092800_deep.geojson", lambda: "[" * DEEP + "]" * DEEP),
        "geojson-corrupt",
        {},
    ),
    (
        write(
            "1646092800_deep-properties.geojson",
            lambda: (
                '{"type": "FeatureCollection", '
                '"features": [{"type": "Feature", "properties": {"name": '
                + "[" * DEEP
                + "]" * DEEP
                + '}, "geometry": null}]}'
            ),
        ),  # fmt: skip
        "geojson-corrupt",
        {"source": "deepstate"},
    ),
    (
        write("1646092800_utf16.geojson", GOOD.decode().encode("utf-16")),
        "encoding",
        {},
    ),
    (
        write("1646092800_cp1251.geojson", GOOD.decode().encode("cp1251")),
        "encoding",
        {},
    ),
    (
        sparse("1646092800_oversized.geojson", MAX_FILE_BYTES + 1),
        "file-too-large",
        {},
    ),
    # geometries
    (
        write(
            "1646092800_points.geojson",
            geojson(occupied(fx.point(35.4, 46.9)), occupied(fx.point(30.5, 50.4))),
        ),  # fmt: skip
        "no-polygons",
        {},
    ),
    (
        write("1646092800_null.geojson", geojson(occupied(None), occupied(None))),
        "no-polygons",
        {},
    ),
    (
        write(
            "1646092800_text-coordinates.geojson",
            geojson(occupied({"type": "Polygon", "coordinates": [[["a", 1], [2, 2], ["a", 1]]]})),
        ),  # fmt: skip
        "no-polygons",
        {},
    ),
    (
        write(
            "1646092800_open-ring.geojson",
            geojson(occupied({"type": "Polygon", "coordinates": [fx.box(*fx.MELITOPOL)[:-1]]})),
        ),  # fmt: skip
        "geojson-corrupt",
        {},
    ),
    # coordinate reference systems
    (
        write("1646092800_metres.geojson", geojson(occupied(METRES))),
        "projected-coordinates",
        {},
    ),
    (
        write("1646092800_metres-as-4326.geojson", geojson(occupied(METRES), crs=crs(4326))),
        "projected-coordinates",
        {},
    ),
    (
        write("1646092800_astronomic.geojson", geojson(occupied(fx.polygon(0, 0, 1e300, 1e300)))),
        "projected-coordinates",
        {},
    ),
    # dates in file names
    (
        write("snapshot.geojson", GOOD),
        "no-date",
        {},
    ),
    (
        write("4133980800.geojson", GOOD),  # 2101-01-01 in Unix seconds
        "no-date",
        {},
    ),
    (
        write(
            "deepstatemap_data_21010101.geojson",
            geojson({"type": "Feature", "properties": {}, "geometry": MELITOPOL}),
        ),  # fmt: skip
        "no-date",
        {},
    ),
    # folders
    (
        folder(
            "mixed", {"1646092800.geojson": DEEPSTATE, "deepstatemap_data_20241231.geojson": DAILY}
        ),
        "mixed-formats",
        {},
    ),
    # zips
    (
        zipped("dotdot.zip", [("../x.geojson", GOOD)]),
        "zip-unsafe-member",
        {},
    ),
    (
        zipped("backslash.zip", [("a\\..\\..\\x.geojson", GOOD)]),
        "zip-unsafe-member",
        {},
    ),
    (
        zipped("absolute.zip", [("/tmp/1646092800.geojson", GOOD)]),
        "zip-unsafe-member",
        {},
    ),
    (
        zipped("drive.zip", [("C:/1646092800.geojson", GOOD)]),
        "zip-unsafe-member",
        {},
    ),
    (
        zipped("symlink.zip", [(symlink("1646092800.geojson"), b"/etc/passwd")]),
        "zip-unsafe-member",
        {},
    ),
    (
        with_declared_size(zipped("bomb.zip", [("1646092800.geojson", GOOD)]), 4_000_000_000),
        "zip-too-large",
        {},
    ),
    (
        with_declared_size(zipped("lying.zip", [("1646092800.geojson", GOOD)]), 10),
        "zip-corrupt",
        {},
    ),
    (
        zipped("many.zip", lambda: [(f"{i}.txt", b"") for i in range(5001)]),
        "zip-too-many-files",
        {},
    ),
    (
        zipped("twice.zip", [("1646092800.geojson", GOOD), ("1646092800.geojson", GOOD)]),
        "zip-duplicate-member",
        {},
    ),
    (
        zipped("two-folders.zip", [("a/1646092800.geojson", GOOD), ("b/1646092800.geojson", GOOD)]),
        "zip-many-folders",
        {},
    ),
    (
        zipped("nothing.zip", [("readme.txt", b"hello")]),
        "no-files",
        {},
    ),
    (write("not-a.zip", GOOD), "zip-corrupt", {}),
)


@pytest.mark.parametrize(("build", "rule", "kwargs"), CONTROL_CASES)
def test_bad_control_file(tmp_path, build, rule, kwargs):
    path = build(tmp_path)
    named = path.name if path.is_file() else sorted(p.name for p in path.iterdir())[0]
    with pytest.raises(ControlImportError, match=re.escape(named)) as info:
        read_control(path, **kwargs)
    assert info.value.rule == rule
    if path.is_file():
        assert info.value.file == path.name
    message = str(info.value)
    for name in [path.name] if path.is_file() else [p.name for p in path.iterdir()]:
        check_message(message, name)
    assert str(tmp_path) not in message  # no temporary paths leak into messages


def test_zip_extraction_leaves_nothing_outside(tmp_path):
    build = zipped("evil.zip", [("ok.geojson", GOOD), ("../../escaped.geojson", GOOD)])
    with pytest.raises(ControlImportError, match=r"evil\.zip: member '\.\./\.\./escaped"):
        safe_extract(build(tmp_path), tmp_path / "out" / "dest")
    assert not list(tmp_path.rglob("escaped.geojson"))
    assert not (tmp_path / "out" / "dest" / "ok.geojson").exists()  # checked before writing


def test_zip_bomb_is_refused_before_writing(tmp_path):
    build = zipped("zeros.zip", [("a.geojson", b"\0" * 3 * MB), ("b.geojson", b"\0" * 3 * MB)])
    path = build(tmp_path)
    assert path.stat().st_size < 50_000
    with pytest.raises(ControlImportError, match=r"zeros\.zip: members declare 6,000,000 bytes"):
        safe_extract(path, tmp_path / "out", max_bytes=5 * MB)
    assert not list((tmp_path / "out").glob("*"))


def test_zip_too_many_files(tmp_path):
    path = zipped("three.zip", [(f"{i}.geojson", GOOD) for i in range(3)])(tmp_path)
    with pytest.raises(ControlImportError, match=r"three\.zip: holds 3 members, more than max"):
        safe_extract(path, tmp_path / "out", max_files=2)
    assert safe_extract(path, tmp_path / "out", max_files=3) == tmp_path / "out"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "0.geojson",
        "1.geojson",
        "2.geojson",
    ]


# Documented repairs: each is listed in attrs["report"] and the result is clean.

REPAIRS = cases(
    (
        write("1646092800_bow-tie.geojson", geojson(occupied(fx.bow_tie(*fx.MELITOPOL)))),
        r"1646092800_bow-tie\.geojson: repaired 1 invalid polygon \(self-intersections, bad "
        r"rings\) with make_valid",
        1,
    ),
    (
        write(
            "1646092800_empty-polygon.geojson",
            geojson(occupied({"type": "Polygon", "coordinates": []}), occupied(MELITOPOL)),
        ),  # fmt: skip
        r"1646092800_empty-polygon\.geojson: dropped 1 empty polygon",
        1,
    ),
    (
        write("1646092800_null-geometry.geojson", geojson(occupied(None), occupied(MELITOPOL))),
        r"1646092800_null-geometry\.geojson: dropped 1 feature with no geometry",
        1,
    ),
    (
        write(
            "1646092800_collapsed.geojson",
            geojson(
                occupied({"type": "Polygon", "coordinates": [[[35, 47], [35.1, 47], [35, 47]]]}),
                occupied(MELITOPOL),
            ),
        ),  # fmt: skip
        r"1646092800_collapsed\.geojson: dropped 1 polygon with no area left after repair",
        1,
    ),
    (
        write("1646092800_3857.geojson", geojson(occupied(METRES), crs=crs(3857))),
        r"1646092800_3857\.geojson: reprojected from EPSG:3857 to EPSG:4326",
        1,
    ),
    (
        write("1646092800_z.geojson", geojson(occupied(fx.polygon(*fx.MELITOPOL, z=120.5)))),
        r"1646092800_z\.geojson: dropped Z coordinates from 1 polygon",
        1,
    ),
    (
        write(
            "1646092800_collection.geojson",
            geojson(
                occupied(
                    {"type": "GeometryCollection", "geometries": [MELITOPOL, fx.point(35.4, 46.9)]}
                )
            ),
        ),  # fmt: skip
        r"1646092800_collection\.geojson: kept only the polygons of 1 geometry collection",
        1,
    ),
    (
        write("1646092800_abroad.geojson", geojson(occupied(fx.polygon(*fx.ROSTOV)))),
        r"1646092800_abroad\.geojson: clipped to Ukraine — dropped 1 polygon lying wholly outside",
        0,
    ),
    (
        write(
            "1646092800_all-empty.geojson",
            geojson(occupied({"type": "Polygon", "coordinates": []})),
        ),
        r"1646092800_all-empty\.geojson: dropped 1 empty polygon",
        0,
    ),
    (
        write("1646092800_bom.geojson", b"\xef\xbb\xbf" + GOOD),
        None,
        1,
    ),
    (
        zipped(
            "history.zip",
            [
                (f"history/{p.name}", p.read_bytes())
                for p in sorted((CONTROL / "deepstate").iterdir())
            ]
            + [("__MACOSX/history/._1646092800.geojson", b"\0\5\26\7")],
        ),  # fmt: skip
        r"1673742434\.geojson: repaired 1 invalid polygon",
        7,
    ),
)


@pytest.mark.parametrize(("build", "report", "rows"), REPAIRS)
def test_documented_repair(tmp_path, build, report, rows):
    frame = read_control(build(tmp_path))
    assert len(frame) == rows
    if report is None:
        assert frame.attrs["report"] == []
    else:
        assert any(re.search(report, line) for line in frame.attrs["report"])
    assert frame.is_valid.all() and not frame.has_z.any()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}


# Memory and time for the biggest geometries, measured in a fresh interpreter (GEOS and GDAL
# allocate outside Python, where tracemalloc cannot see them).

CHILD = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
from geodata import read_control
read_control(sys.argv[2])  # imports and the Ukraine outline: not part of the measure
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
frame = read_control(sys.argv[1])
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * scale
valid = bool(frame.is_valid.all())
print(json.dumps([time.perf_counter() - start, grown, len(frame), valid, frame.attrs["report"]]))
"""


def measure(path: Path) -> tuple[float, float, int, bool, list[str]]:
    pytest.importorskip("resource")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(CONTROL / "deepstate")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return tuple(json.loads(done.stdout.splitlines()[-1]))


def circle(n: int, *, bow: bool) -> dict:
    """A polygon of ``n`` vertices round Melitopol; ``bow`` swaps two to make it cross itself."""
    cx, cy, r = 35.4, 46.85, 0.2
    ring = [
        [round(cx + r * math.cos(2 * math.pi * i / n), 7),
         round(cy + r * math.sin(2 * math.pi * i / n), 7)]
        for i in range(n)
    ]  # fmt: skip
    if bow:
        ring[1], ring[2] = ring[2], ring[1]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize("bow", [False, True], ids=["simple", "self-intersecting"])
def test_million_vertex_polygon_is_read_in_bounded_memory(tmp_path, bow):
    path = tmp_path / "1646092800.geojson"
    path.write_text(json.dumps(collection(occupied(circle(1_000_000, bow=bow)))), "utf-8")
    assert path.stat().st_size > 20 * MB
    seconds, grown, rows, valid, report = measure(path)
    assert rows == 1 and valid
    assert any("repaired 1 invalid polygon" in line for line in report) == bow
    assert seconds < 30
    assert grown < 800 * MB, f"peak memory grew by {grown / MB:.0f} MB"


def test_many_overlapping_polygons_do_not_make_quadratic_pairs(tmp_path):
    # 20,000 copies of one polygon used to make 4·10⁸ intersecting pairs (12 GB).
    path = tmp_path / "1646092800.geojson"
    feature = json.dumps(occupied(MELITOPOL), ensure_ascii=False)
    path.write_text('{"type":"FeatureCollection","features":[' + ",".join([feature] * 20_000)
                    + "]}", "utf-8")  # fmt: skip
    seconds, grown, rows, valid, _ = measure(path)
    assert rows == 1 and valid
    assert seconds < 30
    assert grown < 400 * MB, f"peak memory grew by {grown / MB:.0f} MB"
    frame = read_control(path)
    assert shapely.equals(frame.geometry.item(), shape(MELITOPOL))
