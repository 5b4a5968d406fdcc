"""TimelineJS in and out: sheets and JSON in the shape of TimelineJS's own template load without
edits, and everything they hold is written back."""

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import events
from events import EventValidationError
from events._timelinejs import EXTRA_COLUMNS, TJS_COLUMNS

FIX = Path(__file__).parent / "fixtures" / "events"
SHEET = FIX / "timelinejs_sheet.csv"
JSON = FIX / "timelinejs.json"
HEAD = ",".join(TJS_COLUMNS) + "\n"


@pytest.fixture(scope="module")
def sheet():
    return events.read_timelinejs(SHEET)


def row(df, eid):
    return df.set_index("id").loc[eid]


def one_row(tmp_path, cells: dict, name="one.csv") -> Path:
    """A sheet of one row; ``cells`` maps TimelineJS columns to values."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TJS_COLUMNS)
    w.writerow([cells.get(c, "") for c in TJS_COLUMNS])
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading a sheet


def test_sheet_title_slide_and_eras(sheet):
    assert sheet.attrs["title"] == "The River Town"
    assert sheet.attrs["subtitle"] == (
        "An invented timeline in the shape of the TimelineJS template."
    )
    assert sheet.attrs["eras"] == [
        {"start": "1850", "end": "1899", "label": "The ferry years"},
        {"start": "1900", "end": "1950", "label": "The bridge years"},
    ]
    assert len(sheet) == 6  # the title and era rows are not events


def test_sheet_dates_display_dates_and_times(sheet):
    got = sheet[["id", "start", "end", "precision", "time", "end_time", "date_label"]]
    assert got.fillna("").values.tolist() == [
        ["ferry-service-begins-1852", "1852", "", "year", "", "", "1852"],
        ["bridge-is-built-1871", "1871-06", "1873-09", "month", "", "", "June 1871 – September 1873"],
        ["a-decade-of-growth-1880", "1880", "", "decade", "", "", "1880s"],
        ["the-great-flood-1905", "1905-05-14", "", "day", "10:30", "16:00", "14 May 1905, 10:30 – 16:00"],
        ["market-hall-opens-1912", "1912-04-01", "", "day", "", "", "Spring 1912"],
        ["town-centenary-1950", "1950", "", "year", "", "", "1950"],
    ]  # fmt: skip
    assert row(sheet, "market-hall-opens-1912")["display_date"] == "Spring 1912"
    assert row(sheet, "a-decade-of-growth-1880")["display_date"] == "1880s"
    assert row(sheet, "ferry-service-begins-1852")["display_date"] == ""


def test_sheet_groups_are_categories_as_written(sheet):
    assert sheet["category"].tolist() == [
        "",  # an empty Group: no category
        "Infrastructure",
        "Infrastructure",
        "Disaster",
        "treaty",  # "treaty/law" is a built-in alias
        "",
    ]
    assert events.vocabulary(sheet).slugs == ("Infrastructure", "Disaster", "treaty")


def test_sheet_media_is_media_never_a_source(sheet):
    media = sheet.set_index("id")[["media_url", "media_credit", "media_caption", "media_quote"]]
    assert media.to_dict("index") == {
        "ferry-service-begins-1852": {
            "media_url": "https://example.org/images/ferry.jpg",
            "media_credit": "Town archive",
            "media_caption": "Photo of the ferry",  # HTML removed
            "media_quote": "",
        },
        "bridge-is-built-1871": {
            "media_url": "https://www.youtube.com/watch?v=abcdefghijk",
            "media_credit": "River TV",
            "media_caption": "A short film about the bridge",
            "media_quote": "",
        },
        "a-decade-of-growth-1880": {
            "media_url": "",
            "media_credit": "",
            "media_caption": "",
            "media_quote": "We built a town on both banks. A resident",
        },
        "the-great-flood-1905": dict.fromkeys(("media_url", "media_credit", "media_caption", "media_quote"), ""),
        "market-hall-opens-1912": {
            "media_url": "https://example.org/images/market.png",
            "media_credit": "",
            "media_caption": "",
            "media_quote": "",
        },
        "town-centenary-1950": dict.fromkeys(("media_url", "media_credit", "media_caption", "media_quote"), ""),
    }  # fmt: skip
    media_urls = set(media["media_url"]) - {""}
    assert not any(s["url"] in media_urls for sources in sheet["sources"] for s in sources)


def test_sheet_links_in_text_are_sources(sheet):
    sources = {
        eid: [(s["title"], s["url"]) for s in srcs]
        for eid, srcs in zip(sheet["id"], sheet["sources"], strict=True)
    }
    assert sources == {
        "ferry-service-begins-1852": [("ferry", "https://example.org/ferry")],
        "bridge-is-built-1871": [
            ("the engineer's report", "https://example.com/bridge-report"),
            ("a newspaper", "https://example.net/news"),
        ],
        "a-decade-of-growth-1880": [],
        "the-great-flood-1905": [("flood report", "https://example.org/flood")],
        "market-hall-opens-1912": [("example.org", "https://example.org/market")],  # no link text
        "town-centenary-1950": [],  # a javascript: link is no source
    }
    assert sheet["sourced"].tolist() == [True, True, False, True, True, False]


def test_sheet_text_is_plain(sheet):
    summaries = sheet.set_index("id")["summary"]
    assert summaries["ferry-service-begins-1852"] == (
        "The first ferry crosses the river. An image as media."
    )
    assert summaries["bridge-is-built-1871"] == (
        "Built over two years: see the engineer's report and a newspaper."
    )
    assert summaries["the-great-flood-1905"] == "Water rises two metres; flood report."  # no script
    assert summaries["town-centenary-1950"] == "A script link is text, not a source."
    assert row(sheet, "town-centenary-1950")["title"] == 'Town "centenary"'
    assert not any("<" in s for s in summaries)


def test_sheet_with_windows_line_ends_and_a_bom(tmp_path, sheet):
    path = tmp_path / "excel.csv"
    text = SHEET.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    back = events.read_timelinejs(path)
    pd.testing.assert_frame_equal(back, sheet)
    assert back.attrs == sheet.attrs


def test_load_catalog_recognises_the_sheet(sheet):
    df = events.load_catalog(SHEET)
    pd.testing.assert_frame_equal(df, sheet)
    assert df.attrs["title"] == "The River Town"


def test_strict_sheet(sheet):
    with pytest.raises(EventValidationError, match=r"timelinejs_sheet\.csv, row 5") as info:
        events.read_timelinejs(SHEET, strict=True)
    got = [(p.rule, p.row, p.field) for p in info.value.problems]
    assert got == [
        ("required", 5, "category"),  # the ferry: empty Group
        ("no-source", 8, "sources"),  # the decade: no link in Text
        ("required", 11, "category"),  # the centenary: neither
        ("no-source", 11, "sources"),
    ]
    with pytest.raises(EventValidationError, match=r"no-source"):
        events.load_catalog(SHEET, strict=True)


# ---------------------------------------------------------------- reading JSON


def test_json_imports_unchanged():
    df = events.read_timelinejs(JSON)
    assert (df.attrs["title"], df.attrs["eras"]) == (
        "The River Town",
        [{"start": "1850", "end": "1899", "label": "The ferry years"}],
    )
    got = df[["id", "start", "precision", "category", "time", "end_time", "date_label"]]
    assert got.values.tolist() == [
        ["ferry-service-begins-1852", "1852", "year", "", "", "", "1852"],
        ["bridge-is-built-1871", "1871-06", "month", "Infrastructure", "", "", "June 1871 – September 1873"],
        ["the-great-flood-1905", "1905-05-14", "day", "Disaster", "10:30", "16:00", "14 May 1905, 10:30 – 16:00"],
        ["market-hall-opens-1912", "1912-04-01", "day", "treaty", "", "", "Spring 1912"],
    ]  # fmt: skip
    assert df["media_quote"].tolist()[1] == "We built a town on both banks. A resident"
    assert df["media_url"].tolist()[2] == "https://www.youtube.com/watch?v=abcdefghijk"
    assert df["sources"].map(len).tolist() == [1, 0, 1, 0]
    assert events.load_catalog(JSON)["id"].tolist() == df["id"].tolist()


def test_json_display_date_inside_start_date(tmp_path):
    path = tmp_path / "t.json"
    event = {
        "start_date": {"year": "1912", "display_date": "Spring 1912"},
        "text": {"headline": "H"},
    }
    path.write_text(json.dumps({"events": [event]}), encoding="utf-8")
    assert events.read_timelinejs(path)["date_label"].tolist() == ["Spring 1912"]


# ---------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("cells", "rule", "field", "value"),
    [
        ({"Media": "javascript:alert(1)"}, "bad-url", "media_url", "javascript:alert(1)"),
        ({"Media": "<div>an embed</div>"}, "bad-url", "media_url", "<div>an embed</div>"),
        ({"Time": "25:00", "Month": "5", "Day": "1"}, "bad-time", "time", "25:00"),
        ({"Time": "10:00"}, "bad-time", "time", "10:00"),  # a time on a year
        ({"Month": "13"}, "bad-date", "start", "2022-13"),
    ],
)
def test_bad_cells_are_problems(tmp_path, cells, rule, field, value):
    path = one_row(tmp_path, {"Year": "2022", "Headline": "H", **cells})
    with pytest.raises(EventValidationError, match=r"one\.csv, row 2, id 'h-2022'") as info:
        events.read_timelinejs(path)
    first = info.value.problems[0]
    assert (first.rule, first.field, first.value) == (rule, field, value)


def test_iframe_media_gives_its_source_url(tmp_path):
    embed = '<iframe width="560" src="https://www.example.org/embed/x?a=1&amp;b=2"></iframe>'
    path = one_row(tmp_path, {"Year": "2022", "Headline": "H", "Media": embed})
    assert (
        events.read_timelinejs(path)["media_url"].item()
        == "https://www.example.org/embed/x?a=1&b=2"
    )


def test_bad_eras(tmp_path):
    path = tmp_path / "eras.csv"
    path.write_text(
        HEAD
        + ",,,,,,,,,No start,,,,,,era,,\n"
        + "1900,2,30,,1950,,,,,Bad day,,,,,,era,,\n"
        + "1950,,,,1900,,,,,Backwards,,,,,,era,,\n"
        + "1950,,,,,,,,,An event,,,,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(EventValidationError, match=r"eras\.csv, row 2: field 'start'") as info:
        events.read_timelinejs(path)
    got = [(p.rule, p.row, p.field) for p in info.value.problems]
    assert got == [("required", 2, "start"), ("bad-date", 3, "start"), ("date-order", 4, "end")]


def test_link_data_attributes_fill_the_source(tmp_path):
    text = (
        '<a href="https://example.org/r" data-publisher="Town paper" data-date="1905-05-15" '
        'data-archive-url="https://archive.example.org/r">Report</a> and again '
        '<a href="https://example.org/r">the same report</a>'
    )
    path = one_row(tmp_path, {"Year": "1905", "Headline": "H", "Text": text})
    assert events.read_timelinejs(path)["sources"].item() == [
        {
            "title": "Report",
            "publisher": "Town paper",
            "url": "https://example.org/r",
            "date": "1905-05-15",
            "archive_url": "https://archive.example.org/r",
        }
    ]


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("source", [SHEET, JSON], ids=["from-sheet", "from-json"])
def test_round_trip(tmp_path, source, suffix):
    df = events.read_timelinejs(source)
    path = tmp_path / f"out{suffix}"
    events.write_timelinejs(df, path)
    back = events.read_timelinejs(path)
    pd.testing.assert_frame_equal(back, df)
    assert back.attrs == df.attrs


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".json"])
def test_catalogue_formats_keep_what_timelinejs_gave(tmp_path, sheet, suffix):
    path = tmp_path / f"out{suffix}"
    events.write_catalog(sheet, path)
    pd.testing.assert_frame_equal(events.load_catalog(path), sheet)


def test_written_sheet(tmp_path, sheet):
    path = tmp_path / "out.csv"
    events.write_timelinejs(sheet, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == TJS_COLUMNS + EXTRA_COLUMNS
    assert [r["Type"] for r in rows] == ["title", "era", "era"] + [""] * 6
    assert (rows[0]["Headline"], rows[1]["Headline"]) == ("The River Town", "The ferry years")
    by_id = {r["ID"]: r for r in rows[3:]}
    decade = by_id["a-decade-of-growth-1880"]
    assert (decade["Year"], decade["Display Date"]) == ("1880", "1880s")
    assert decade["Media"] == "<blockquote>We built a town on both banks. A resident</blockquote>"
    flood = by_id["the-great-flood-1905"]
    assert (flood["Time"], flood["End Time"], flood["End Year"]) == ("10:30", "16:00", "")
    assert flood["Text"] == (
        'Water rises two metres; flood report.<p class="borderlines-sources">Sources: '
        '<a href="https://example.org/flood">flood report</a></p>'
    )
    assert by_id["bridge-is-built-1871"]["Group"] == "Infrastructure"


def test_written_json(tmp_path, sheet):
    path = tmp_path / "out.json"
    events.write_timelinejs(sheet, path, title="Renamed", subtitle="A <new> subtitle")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["title"]["text"] == {"headline": "Renamed", "text": "A &lt;new&gt; subtitle"}
    assert [e["text"]["headline"] for e in data["eras"]] == ["The ferry years", "The bridge years"]
    assert data["eras"][0]["start_date"] == {"year": "1850"}
    flood = next(e for e in data["events"] if e["unique_id"] == "the-great-flood-1905")
    assert flood["start_date"] == {
        "year": "1905",
        "month": "5",
        "day": "14",
        "hour": "10",
        "minute": "30",
    }
    # an end time alone: TimelineJS needs a year in every date, so the start day is repeated
    assert flood["end_date"] == {
        "year": "1905",
        "month": "5",
        "day": "14",
        "hour": "16",
        "minute": "00",
    }
    ferry = data["events"][0]
    assert ferry["media"] == {
        "url": "https://example.org/images/ferry.jpg",
        "credit": "Town archive",
        "caption": "Photo of the ferry",
    }
    assert "group" in ferry and ferry["group"] == ""
    back = events.read_timelinejs(path)
    assert (back.attrs["title"], back.attrs["subtitle"]) == ("Renamed", "A <new> subtitle")


def test_markup_in_plain_text_is_escaped_on_write(tmp_path):
    df = events.validate(
        [{"id": "a", "title": "<b>x</b> & y", "start": "2022", "summary": "1 < 2 & <script>"}]
    )
    for suffix in (".csv", ".json"):
        path = tmp_path / f"out{suffix}"
        events.write_timelinejs(df, path)
        assert "<script>" not in path.read_text(encoding="utf-8")
        back = events.read_timelinejs(path)
        assert (back.loc[0, "title"], back.loc[0, "summary"]) == (
            "<b>x</b> & y",
            "1 < 2 & <script>",
        )


def test_times_in_json_are_24_hour(tmp_path):
    df = events.validate([{"id": "a", "title": "A", "start": "2022-05-01", "time": "1:30 PM"}])
    events.write_timelinejs(df, tmp_path / "t.json")
    events.write_timelinejs(df, tmp_path / "t.csv")
    assert events.read_timelinejs(tmp_path / "t.json")["time"].item() == "13:30"
    assert events.read_timelinejs(tmp_path / "t.csv")["time"].item() == "1:30 PM"


def test_builtin_categories_are_written_as_their_labels(tmp_path):
    cat = events.load_catalog()
    path = tmp_path / "builtin.csv"
    events.write_timelinejs(cat, path)
    groups = {r["Group"] for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}
    assert groups == set(events.CATEGORIES.values())
    assert set(events.read_timelinejs(path)["category"]) == set(events.CATEGORIES)
