"""Loaders, writers and TimelineJS: every format round-trips; bad files get clear errors."""

import json
from pathlib import Path

import pandas as pd
import pytest

import events
from events import EventValidationError

FIX = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture
def good():
    return events.load_catalog(FIX / "good.yaml")


def test_load_yaml_columns_and_order(good):
    for col in (
        "id",
        "title",
        "start",
        "end",
        "precision",
        "category",
        "places",
        "summary",
        "sources",
    ):
        assert col in good.columns
    assert list(good.columns) == list(events.COLUMNS)
    assert good["date_lo"].is_monotonic_increasing
    assert good.id.tolist()[0] == "expansion-1780s"


def test_start_end_accepted_by_pandas_timestamp(good):
    for value in list(good["start"]) + [e for e in good["end"] if isinstance(e, str)]:
        assert isinstance(pd.Timestamp(value), pd.Timestamp)


def test_precision_kept_not_first_of_january(good):
    row = good.set_index("id").loc["famine"]
    assert row["start"] == "1932" and row["precision"] == "year"
    assert row["date_label"] == "c. 1932 – 1933"
    assert row["date_lo"] == pd.Timestamp("1932-01-01") and row["date_hi"] == pd.Timestamp(
        "1933-12-31"
    )
    decade = good.set_index("id").loc["expansion-1780s"]
    assert decade["precision"] == "decade" and decade["date_label"] == "1780s"
    assert decade["date_hi"] == pd.Timestamp("1789-12-31")


def test_old_style_date(good):
    row = good.set_index("id").loc["manifesto-1783"]
    assert row["start"] == "1783-04-19" and row["start_os"] == "1783-04-08"


def test_places_split_into_codes_and_points(good):
    row = good.set_index("id").loc["transfer-1954"]
    assert row["places"] == ["UA-43"]
    assert row["points"] == [{"name": "Moscow", "lon": 37.62, "lat": 55.75}]


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".csv", ".json"])
def test_round_trip(good, tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    events.write_catalog(good, path)
    back = events.load_catalog(path)
    pd.testing.assert_frame_equal(back, good)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_timelinejs_round_trip(good, tmp_path, suffix):
    path = tmp_path / f"tl{suffix}"
    events.write_timelinejs(good, path, title="Test timeline")
    back = events.read_timelinejs(path)
    assert back.attrs["title"] == "Test timeline"
    cols = ["id", "title", "start", "end", "precision", "category", "places", "summary"]
    pd.testing.assert_frame_equal(back[cols], good[cols])
    # sources travel as links in Text, every field of them
    assert back["sources"].tolist() == good["sources"].tolist()
    # load_catalog recognises TimelineJS files by their content too
    assert events.load_catalog(path).id.tolist() == good.id.tolist()


def test_timelinejs_sheet_year_only_row_and_group(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,"
        "Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n"
        ",,,,,,,,,My timeline,<p>intro</p>,,,,,title,,\n"
        "1954,,,,,,,,,Transfer,<b>Decree</b> <script>alert(1)</script>text,https://example.org/a,"
        "Credit,Caption,,,Treaty/law,\n"
        "2014,3,18,,,,,,,Treaty,Signed,https://example.org/b,,,,,annexation,\n"
        "1991,,,,2022,,,,,Era,,,,,,era,,\n",
        encoding="utf-8",
    )
    df = events.read_timelinejs(sheet)
    assert (df.attrs["title"], df.attrs["subtitle"]) == ("My timeline", "intro")
    assert df.attrs["eras"] == [{"start": "1991", "end": "2022", "label": "Era"}]
    first = df.iloc[0]
    assert (first["start"], first["precision"], first["category"]) == ("1954", "year", "treaty")
    assert first["summary"] == "Decree text"  # tags and script bodies removed
    # Media is the event's media, never its source
    assert (first["media_url"], first["media_credit"], first["media_caption"]) == (
        "https://example.org/a",
        "Credit",
        "Caption",
    )
    assert first["sources"] == [] and not first["sourced"]
    assert df.iloc[1]["id"] == "treaty-2014"


def test_timelinejs_unknown_group_and_missing_media(tmp_path):
    # A Group that is no built-in category is a category as written; no Media is no problem.
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Month,Day,Headline,Text,Media,Group\n2014,3,18,Treaty,Signed,,Diplomacy\n",
        encoding="utf-8",
    )
    row = events.read_timelinejs(sheet).iloc[0]
    assert (row["category"], row["media_url"], row["sourced"]) == ("Diplomacy", "", False)
    mapped = events.read_timelinejs(sheet, category_map={"Diplomacy": "political"})
    assert mapped["category"].tolist() == ["political"]
    with pytest.raises(
        EventValidationError, match=r"sheet.csv, row 2.*at least one source"
    ) as info:
        events.read_timelinejs(sheet, strict=True)
    assert info.value.rules == ["no-source"]


def test_timelinejs_empty_group_needs_default(tmp_path):
    # An empty Group is no category (one lane), unless default_category names one.
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Headline,Media,Group\n2014,Treaty,https://example.org/x,\n", encoding="utf-8"
    )
    assert events.read_timelinejs(sheet)["category"].tolist() == [""]
    df = events.read_timelinejs(sheet, default_category="political")
    assert df.iloc[0]["category"] == "political"
    with pytest.raises(EventValidationError, match=r"field 'category' -- required field") as info:
        events.read_timelinejs(sheet, strict=True)
    assert info.value.rules == ["required", "no-source"]


def test_csv_with_flat_source_columns(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text(
        "id,title,start,category,places,source_title,source_publisher,source_url,source_date\n"
        'a,Alpha,2022-09-30,annexation,"UA-14; UA-09; Kremlin@37.617,55.752",T,P,https://example.org,2022-09-30\n',
        encoding="utf-8",
    )
    df = events.load_catalog(path)
    row = df.iloc[0]
    assert row["places"] == ["UA-14", "UA-09"]
    assert row["points"][0]["name"] == "Kremlin"
    assert row["sources"][0]["url"] == "https://example.org"


def test_csv_row_numbers_are_spreadsheet_lines(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,title,start,category,source_url,source_title\n"
        "a,Alpha,2022-09-30,annexation,https://example.org,T\n"
        'b,"Multi\nline",2022-02-30,annexation,https://example.org,T\n',
        encoding="utf-8",
    )
    with pytest.raises(EventValidationError, match=r"bad.csv, row 3, id 'b': field 'start'"):
        events.load_catalog(path)


def test_json_object_with_events_key(tmp_path, good):
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"events": events.records(good)}), encoding="utf-8")
    assert len(events.load_catalog(path)) == len(good)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.yaml", b"", r"empty.yaml.*the file is empty"),
        ("blank.csv", b"  \n\n", r"blank.csv.*the file is empty"),
        (
            "latin1.yaml",
            "- id: caf\xe9\n".encode("latin-1"),
            r"latin1.yaml.*not valid UTF-8 at byte 9",
        ),
        ("utf16.json", "[]".encode("utf-16"), r"utf16.json.*UTF-16"),
        ("trunc.json", b'[{"id": "a", "title": "x"', r"trunc.json.*not valid JSON at line 1"),
        ("trunc.yaml", b"- id: a\n  title: [unclosed\n", r"trunc.yaml.*not valid YAML at line"),
        ("scalar.yaml", b"just a string\n", r"scalar.yaml.*is a list of events"),
        ("nothing.json", b"[]", r"nothing.json.*holds no events"),
        ("events.txt", b"x", r"unknown file type '.txt'"),
        ("ragged.csv", b"id,title\na,b,c\n", r"ragged.csv, row 2.*3 cells but the header has 2"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(EventValidationError, match=message):
        events.load_catalog(path)


def test_bom_is_accepted(tmp_path, good):
    path = tmp_path / "bom.csv"
    events.write_catalog(good, path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(events.load_catalog(path)) == len(good)


def test_missing_file():
    with pytest.raises(EventValidationError, match=r"no-such\.yaml.*file not found"):
        events.load_catalog("no-such.yaml")


def test_write_is_atomic(tmp_path, good, monkeypatch):
    path = tmp_path / "out.yaml"
    path.write_text("previous", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(events._io, "to_text", lambda df, fmt: boom())
    with pytest.raises(RuntimeError, match="disk full"):
        events.write_catalog(good, path)
    assert path.read_text(encoding="utf-8") == "previous"

    monkeypatch.undo()
    monkeypatch.setattr(events._io.os, "replace", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        events.write_catalog(good, path)
    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_write_unknown_suffix(tmp_path, good):
    with pytest.raises(ValueError, match=r"unknown suffix '.xlsx'"):
        events.write_catalog(good, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match=r"TimelineJS files are .csv or .json"):
        events.write_timelinejs(good, tmp_path / "x.yaml")


def test_unquoted_dates_are_validated_not_crashed(tmp_path):
    path = tmp_path / "unquoted.yaml"
    path.write_text(
        "- id: a\n  title: A\n  start: 2022-13-01\n  category: political\n"
        "  sources: [{title: T, url: 'https://example.org'}]\n"
        "- id: b\n  title: B\n  start: 2022-02-24\n  category: political\n"
        "  sources: [{title: T, url: 'https://example.org'}]\n",
        encoding="utf-8",
    )
    with pytest.raises(
        EventValidationError,
        match=r"unquoted.yaml, row 1, id 'a': field 'start' value '2022-13-01'",
    ):
        events.load_catalog(path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("2022-13-01", "2022-12-01"), encoding="utf-8"
    )
    assert events.load_catalog(path)["start"].tolist() == ["2022-02-24", "2022-12-01"]
