"""Property-based tests (hypothesis): dates, validation, loaders and importers.

Each property says what holds for *every* input of a kind: a date of any precision survives
``parse_date(p.iso())``; validation and loaders raise nothing but ``EventValidationError``
whatever the records or bytes; written catalogues load back unchanged; the control importer
returns clean 2-D polygons inside Ukraine or raises ``ControlImportError``. Example counts
are modest so the file runs in well under 30 seconds.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import events
from events import FIELDS, PRECISIONS, DateError, EventValidationError, julian_to_gregorian
from events._dates import MAX_YEAR, MIN_YEAR, PartialDate, parse_date
from events._schema import SOURCE_FIELDS
from events._timelinejs import TJS_COLUMNS
from geodata import ControlImportError, read_control
from geodata._archive import safe_extract
from geodata._regions import ukraine

FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UTF8 = st.characters(codec="utf-8")  # text that can be written to a file (no lone surrogates)
STATUSES = {"occupied_before_2022", "occupied", "claimed", "liberated", "contested", "unknown"}

# --------------------------------------------------------------------------- dates

FIRST_DAY, LAST_DAY = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)


@st.composite
def partial_dates(draw, precisions=PRECISIONS) -> PartialDate:
    precision = draw(st.sampled_from(precisions))
    if precision == "day":
        day = draw(st.dates(FIRST_DAY, LAST_DAY))
        return PartialDate(day.year, day.month, day.day, "day")
    if precision == "decade":
        return PartialDate(
            draw(st.integers(MIN_YEAR // 10, MAX_YEAR // 10)) * 10, precision="decade"
        )
    year = draw(st.integers(MIN_YEAR, MAX_YEAR))
    if precision == "month":
        return PartialDate(year, draw(st.integers(1, 12)), precision="month")
    return PartialDate(year, precision="year")


@FAST
@given(partial_dates())
def test_parse_date_round_trips_every_precision(p):
    written = f"{p.year}s" if p.precision == "decade" else p.iso()
    assert parse_date(written) == p
    assert parse_date(written).label() == p.label()
    # A decade is stored as its first year, which reads back as that year.
    stored = parse_date(p.iso())
    assert stored.first == p.first
    assert stored.precision == ("year" if p.precision == "decade" else p.precision)
    assert FIRST_DAY <= p.first <= p.last
    if p.precision == "day":
        assert parse_date(p.first) == p  # YAML hands over datetime.date objects


@FAST
@given(
    st.one_of(
        st.text(UTF8, max_size=14),
        st.from_regex(r"\A\s?-?\d{1,5}(-\d{1,3}){0,2}s?\s?\Z"),
        st.integers(-(10**6), 10**6),
        st.floats(),
        st.none(),
        st.booleans(),
        st.datetimes(),
    )
)
def test_parse_date_gives_a_supported_date_or_date_error(value):
    try:
        p = parse_date(value)
    except DateError:
        return
    assert MIN_YEAR <= p.year <= MAX_YEAR and p.precision in PRECISIONS
    assert parse_date(p.iso()).first == p.first


@FAST
@given(st.integers(0, 9999).filter(lambda y: not MIN_YEAR <= y <= MAX_YEAR), st.dates())
def test_years_outside_the_range_are_refused(year, day):
    for text in (f"{year:04d}", f"{year:04d}-{day.month:02d}", f"{year:04d}-01-01"):
        with pytest.raises(DateError, match=f"year {year} is outside the supported range"):
            parse_date(text)


def _julian_days(year: int) -> list[int]:
    return [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


@st.composite
def julian_dates(draw) -> tuple[int, int, int]:
    year, month = draw(st.integers(MIN_YEAR, MAX_YEAR - 1)), draw(st.integers(1, 12))
    return year, month, draw(st.integers(1, _julian_days(year)[month - 1]))


def _next_julian(year, month, day):
    if day < _julian_days(year)[month - 1]:
        return year, month, day + 1
    return (year, month + 1, 1) if month < 12 else (year + 1, 1, 1)


def _offset(year: int, month: int) -> int:
    """Days the Gregorian calendar is ahead: 10 in 1700 until 28 Feb (O.S.), 13 in 1900-2100."""
    y = year if month > 2 else year - 1  # a century's extra Julian day is its 29 February
    return y // 100 - y // 400 - 2


@FAST
@given(julian_dates(), julian_dates())
def test_julian_to_gregorian_is_monotone(a, b):
    ga, gb = julian_to_gregorian(*a), julian_to_gregorian(*b)
    assert (a < b) == (ga < gb) and (a == b) == (ga == gb)
    assert julian_to_gregorian(*_next_julian(*a)) - ga == dt.timedelta(days=1)


@FAST
@given(julian_dates())
def test_julian_offset_grows_by_one_day_per_non_leap_century(date):
    year, month, day = date
    assume(calendar.isleap(year) or (month, day) != (2, 29))  # no Gregorian twin to compare
    assert (julian_to_gregorian(year, month, day) - dt.date(year, month, day)).days == _offset(
        year, month
    )


@pytest.mark.parametrize(("year", "grows"), [(1700, 1), (1800, 1), (1900, 1), (2000, 0)])
def test_julian_offset_steps_at_century_leap_days(year, grows):
    before = (julian_to_gregorian(year, 2, 28) - dt.date(year, 2, 28)).days
    after = (julian_to_gregorian(year, 3, 1) - dt.date(year, 3, 1)).days
    assert after - before == grows


# --------------------------------------------------------------------------- validation

SLUG = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,15}\Z")
REGION = st.from_regex(r"\A[A-Z]{2}(-[A-Z0-9]{1,3})?\Z")
TEXT = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
# Longer text may hold line breaks and tabs, but no other control character (validation
# rejects them).
PROSE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"), max_size=40
).map(str.strip)
# List items and point names may hold the CSV separators: the writer then uses a JSON array.
ITEM = TEXT
POINT_NAME = TEXT

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(),
    st.text(UTF8, max_size=12),
    st.dates(),
    st.sampled_from(["2022-02-24", "1783", "1780s", "2022-02-30", "military", "UA-43", "day"]),
    st.sampled_from(["https://example.org", "true", " ", "1918-02-01"]),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(UTF8, max_size=6) | st.sampled_from([*SOURCE_FIELDS, "name", "lon", "lat"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@st.composite
def valid_records(draw, n_max: int = 4) -> list[dict]:
    """Valid schema records: every field, each precision, Old-Style dates, points, sources."""
    ids = draw(st.lists(SLUG, min_size=1, max_size=n_max, unique=True))
    out = []
    for eid in ids:
        rec = {
            "id": eid,
            "title": draw(TEXT),
            "category": draw(st.sampled_from(list(events.CATEGORIES))),
        }
        if draw(st.booleans()) and draw(st.booleans()):
            j = draw(
                julian_dates().filter(lambda d: julian_to_gregorian(*d) < dt.date(1918, 2, 14))
            )
            rec["start"] = julian_to_gregorian(*j).isoformat()
            rec["start_os"] = "{:04d}-{:02d}-{:02d}".format(*j)
        else:
            start = draw(partial_dates())
            rec["start"] = f"{start.year}s" if start.precision == "decade" else start.iso()
            if start.precision == "decade" and draw(st.booleans()):
                rec.update(start=start.iso(), precision="decade")
            end = draw(st.none() | partial_dates(("day", "month", "year")))
            if end is not None and end.last >= start.first:
                rec["end"] = end.iso()
        if draw(st.booleans()):
            rec["circa"] = True
        if draw(st.booleans()):
            bounds = sorted(
                draw(st.lists(partial_dates(), min_size=2, max_size=2)), key=lambda p: p.first
            )
            if bounds[1].last >= bounds[0].first:
                rec["earliest"], rec["latest"] = (b.iso() for b in bounds)
        rec["actors"] = draw(st.lists(ITEM, max_size=2))
        rec["tags"] = draw(st.lists(ITEM, max_size=2))
        codes = draw(st.lists(REGION, max_size=2))
        points = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": POINT_NAME,
                        "lon": st.floats(-180, 180, allow_subnormal=True),
                        "lat": st.floats(-90, 90),
                    }
                ),
                max_size=2,
            )
        )
        rec["places"] = codes + points
        rec["summary"] = draw(PROSE)
        rec["sources"] = [
            {
                "title": draw(TEXT),
                "publisher": draw(st.just("") | TEXT),
                "url": f"https://example.org/{draw(SLUG)}",
                **(
                    {"date": draw(partial_dates(("day", "month", "year"))).iso()}
                    if draw(st.booleans())
                    else {}
                ),
            }
            for _ in range(draw(st.integers(1, 2)))
        ]
        out.append(rec)
    for rec in out:
        rec["related"] = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
    return out


@st.composite
def broken_records(draw) -> list:
    """Valid records with fields replaced by arbitrary values, and arbitrary mappings."""
    recs = draw(valid_records(n_max=3))
    for rec in recs:
        for field in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
            rec[field] = draw(JSONISH)
    junk = st.dictionaries(
        st.sampled_from(FIELDS) | st.text(UTF8, max_size=5) | st.integers(), JSONISH, max_size=6
    )
    return recs + draw(st.lists(junk | JSONISH, max_size=2))


@FAST
@given(st.lists(JSONISH, max_size=3) | broken_records())
def test_validate_raises_only_event_validation_error(recs):
    try:
        df = events.validate(recs)
    except EventValidationError as exc:
        assert exc.problems
        assert all(len(str(p)) < 2000 for p in exc.problems)
    else:
        assert list(df.columns) == list(events.COLUMNS) and len(df) == len(recs)


@FAST
@given(valid_records())
def test_valid_records_validate(recs):
    df = events.validate(recs)
    assert sorted(df["id"]) == sorted(r["id"] for r in recs)
    assert (df["date_lo"] <= df["date_hi"]).all()


# --------------------------------------------------------------------------- loaders


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def _as_csv(header, rows) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue()


CELLS = st.lists(
    st.text(UTF8, max_size=8) | st.sampled_from(["2022", "02", "military", "UA-43"]), max_size=8
)
TJS_EVENTS = st.fixed_dictionaries(
    {"start_date": JSONISH | st.fixed_dictionaries({"year": JSONISH, "month": JSONISH})},
    optional={
        k: JSONISH
        for k in ("end_date", "text", "media", "group", "unique_id", "places", "display_date")
    },
)
FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(UTF8, max_size=200).map(str.encode),
    JSONISH.map(lambda v: json.dumps(v, default=str).encode()),
    st.lists(JSONISH, max_size=3).map(lambda v: json.dumps({"events": v}, default=str).encode()),
    broken_records().map(lambda v: json.dumps(v, default=str).encode()),
    st.builds(
        lambda evs, title, eras: json.dumps(
            {"events": evs, "title": title, "eras": eras}, default=str
        ),
        st.lists(TJS_EVENTS, min_size=1, max_size=3),
        JSONISH,
        JSONISH,
    ).map(str.encode),
    st.lists(CELLS, max_size=4).map(lambda rows: _as_csv(FIELDS[:6], rows).encode()),
    st.lists(CELLS, max_size=4).map(
        lambda rows: _as_csv(TJS_COLUMNS[:9] + ["Headline"], rows).encode()
    ),
)


@FAST
@given(FILE_BYTES, st.sampled_from([".yaml", ".json", ".csv"]))
def test_load_catalog_of_any_bytes_raises_only_event_validation_error(folder, data, suffix):
    path = folder / f"any{suffix}"
    path.write_bytes(data)
    try:
        df = events.load_catalog(path)
    except EventValidationError as exc:
        assert path.name in str(exc)
    else:
        assert list(df.columns) == list(events.COLUMNS)


@FAST
@given(broken_records())
def test_load_catalog_of_broken_yaml_raises_only_event_validation_error(folder, recs):
    import yaml

    path = folder / "broken.yaml"
    path.write_text(yaml.safe_dump(recs, allow_unicode=True), encoding="utf-8")
    try:
        events.load_catalog(path)
    except EventValidationError as exc:
        assert "broken.yaml" in str(exc)


@SLOW
@given(valid_records(), st.sampled_from([".yaml", ".json", ".csv"]))
def test_write_then_load_round_trips(folder, recs, suffix):
    df = events.validate(recs)
    path = folder / f"round-trip{suffix}"
    events.write_catalog(df, path)
    pd.testing.assert_frame_equal(events.load_catalog(path), df)


@pytest.mark.parametrize(
    "extra",
    [
        {"actors": ["Smith; Jones", "Doe"]},
        {"tags": ["a;b"]},
        {"places": ["UA-43", {"name": "A@B; C", "lon": 30.5, "lat": 50.4}]},
    ],
)
def test_csv_list_separator_in_an_item_round_trips(tmp_path, extra):
    # such lists are written as a JSON array in their cell
    df = events.validate([{**_one_event(), **extra}])
    events.write_catalog(df, tmp_path / "x.csv")
    pd.testing.assert_frame_equal(events.load_catalog(tmp_path / "x.csv"), df)


def _one_event() -> dict:
    return {
        "id": "a",
        "title": "T",
        "start": "2022",
        "category": "military",
        "sources": [{"title": "R", "url": "https://example.org"}],
    }


# --------------------------------------------------------------------------- control importer

UKRAINE_BOUNDS = ukraine(detail="web").bounds
NAMES = [
    "Окуповано /// Occupied",
    "Звільнено /// Liberated",
    "Окупований Крим /// Occupied Crimea",
    "ОРДЛО /// CADR and CALR",
    "Статус невідомий /// Unknown status",
    "Окуповано /// Occupied ///\ngeoJSON.status.occupied",
    "Occupied Petsamo",
    "",
]
FILLS = ["#a52714", "#0f9d58", "#880e4f", "#000000", "#bcaaa4", "#ff5252", "#123456", None]
LON, LAT = st.floats(18, 45), st.floats(40, 56)  # Ukraine lies in 22-40.3°E, 44.3-52.4°N


@st.composite
def rings(draw) -> list:
    x, y = draw(LON), draw(LAT)
    w, h = draw(st.floats(0.001, 4)), draw(st.floats(0.001, 4))
    kind = draw(st.sampled_from(["box", "bow-tie", "collapsed", "repeated", "random"]))
    if kind == "box":
        ring = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
    elif kind == "bow-tie":
        ring = [[x, y], [x + w, y + h], [x + w, y], [x, y + h]]
    elif kind == "collapsed":
        ring = [[x, y], [x + w, y + h], [x, y]]
    elif kind == "repeated":
        ring = [[x, y], [x, y], [x + w, y], [x + w, y], [x + w, y + h]]
    else:
        ring = draw(st.lists(st.tuples(LON, LAT).map(list), min_size=3, max_size=8))
    if draw(st.booleans()):
        z = draw(st.floats(-1e3, 1e3))
        ring = [[*p, z] for p in ring]
    return [*ring, ring[0]]


GEOMETRIES = st.one_of(
    rings().map(lambda r: {"type": "Polygon", "coordinates": [r]}),
    st.lists(rings(), min_size=1, max_size=3).map(
        lambda rs: {"type": "MultiPolygon", "coordinates": [[r] for r in rs]}
    ),
    st.tuples(LON, LAT).map(lambda p: {"type": "Point", "coordinates": list(p)}),
    st.just({"type": "Polygon", "coordinates": []}),
    st.none(),
)
FEATURES = st.builds(
    lambda geometry, name, fill: {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "name": name,
            "styleUrl": "#poly-000000",
            **({"fill": fill} if fill else {}),
        },
    },
    GEOMETRIES,
    st.sampled_from(NAMES) | st.text(UTF8, max_size=10),
    st.sampled_from(FILLS),
)


def _read_quietly(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_control(path)


@SLOW
@given(st.lists(FEATURES, min_size=1, max_size=6), st.integers(1645660800, 1735689600))
def test_read_control_gives_clean_polygons_in_ukraine_or_a_clear_error(features, stamp):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stamp}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
        try:
            frame = _read_quietly(path)
        except ControlImportError as exc:
            assert path.name in str(exc)
            return
    assert set(frame["status"]) <= STATUSES
    assert not frame.duplicated(["date", "status"]).any()
    assert (frame["date"] == pd.Timestamp(stamp, unit="s").normalize()).all()
    geoms = frame.geometry.values
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    assert shapely.is_valid(geoms).all() and not shapely.has_z(geoms).any()
    assert not shapely.is_empty(geoms).any()
    if len(frame):
        xmin, ymin, xmax, ymax = frame.total_bounds
        bx0, by0, bx1, by1 = UKRAINE_BOUNDS
        eps = 1e-9
        assert bx0 - eps <= xmin and ymin >= by0 - eps and xmax <= bx1 + eps and ymax <= by1 + eps


@FAST
@given(st.binary(max_size=400) | st.text(UTF8, max_size=200).map(str.encode))
def test_read_control_of_any_bytes_raises_only_control_import_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "1646092800.geojson"
        path.write_bytes(data)
        try:
            _read_quietly(path)
        except ControlImportError as exc:
            assert path.name in str(exc)


@FAST
@given(st.lists(st.text("ab./\\:C", min_size=1, max_size=10), min_size=1, max_size=4))
def test_safe_extract_writes_inside_the_target_or_refuses(names):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        archive = root / "upload.zip"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names
            with zipfile.ZipFile(archive, "w") as zf:
                for name in names:
                    zf.writestr(name, b"{}")
        dest = root / "inside" / "dest"
        try:
            safe_extract(archive, dest)
        except ControlImportError as exc:
            assert "upload.zip: " in str(exc)
            assert not dest.exists() or not any(p.is_file() for p in dest.rglob("*"))
        outside = [p for p in root.rglob("*") if p.is_file() and dest not in p.parents]
        assert outside == [archive]
