"""Sources are optional for anyone's events, required in strict mode; the CSV sources cell; the
problems of cells a reader cannot parse are reported with all the others."""

from pathlib import Path

import pandas as pd
import pytest

import events
from events import EventValidationError
from viz.cli import main

FIX = Path(__file__).parent / "fixtures" / "events"
SRC = {"title": "Report", "publisher": "P", "url": "https://example.org/report"}


def ev(eid="a", **over):
    return {"id": eid, "title": "An event", "start": "2022-09-30", "category": "political", **over}


def test_sourced_column():
    assert "sourced" in events.COLUMNS
    assert events.COLUMNS.index("sourced") == events.COLUMNS.index("sources") + 1
    df = events.validate([ev("a"), ev("b", sources=[]), ev("c", sources=[SRC])])
    assert df.set_index("id")["sourced"].to_dict() == {"a": False, "b": False, "c": True}
    assert df["sourced"].dtype == bool
    assert df.set_index("id").loc["a", "sources"] == []


def test_malformed_sources_are_still_problems_without_strict():
    with pytest.raises(EventValidationError, match=r"source 1 needs a url") as info:
        events.validate([ev(sources=[{"title": "T", "url": "ftp://x"}]), ev("b")])
    assert info.value.rules == ["bad-url"]


def test_strict_reports_every_event_without_a_source_or_category():
    recs = [ev("a", sources=[SRC]), ev("b"), ev("c", category=""), ev("d", sources=[])]
    with pytest.raises(EventValidationError, match=r"4 problems found") as info:
        events.validate(recs, file="in.yaml", strict=True)
    got = [(p.rule, p.row, p.event_id, p.field) for p in info.value.problems]
    assert got == [
        ("no-source", 2, "b", "sources"),
        ("required", 3, "c", "category"),
        ("no-source", 3, "c", "sources"),
        ("no-source", 4, "d", "sources"),
    ]
    assert "row 2, id 'b': field 'sources' -- at least one source is required" in str(info.value)
    assert len(events.validate(recs)) == 4  # all of them load without strict


def test_strict_dataframe_validation_keeps_attrs():
    df = events.validate([ev(sources=[SRC])])
    df.attrs["title"] = "Mine"
    again = events.validate(df, strict=True)
    pd.testing.assert_frame_equal(again, df)
    assert again.attrs == {"title": "Mine"}


def test_load_catalog_strict(tmp_path):
    path = FIX / "open_events.yaml"
    df = events.load_catalog(path)
    assert df.set_index("id")["sourced"].to_dict() == {
        "bridge-1871": True,
        "flood-1905": False,
        "market-1912": False,
    }
    with pytest.raises(EventValidationError, match=r"open_events\.yaml, row 9") as info:
        events.load_catalog(path, strict=True)
    assert info.value.rules == ["no-source", "required", "no-source"]
    assert [p.event_id for p in info.value.problems] == ["flood-1905", "market-1912", "market-1912"]
    # validate() on a path passes strict on
    with pytest.raises(EventValidationError, match=r"no-source"):
        events.validate(path, strict=True)


def test_builtin_catalogue_is_always_loaded_strictly(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalog.yaml").write_text(
        "- {id: a, title: A, start: '2022', category: military}\n", encoding="utf-8"
    )
    monkeypatch.setattr(events._io.resources, "files", lambda package: tmp_path)
    with pytest.raises(EventValidationError, match=r"catalog\.yaml, row 1, id 'a'") as info:
        events.load_catalog()
    assert info.value.rules == ["no-source"]


def test_written_unsourced_events_load_back(tmp_path):
    df = events.validate([ev("a"), ev("b", category="", sources=[SRC])])
    for suffix in (".yaml", ".csv", ".json"):
        path = tmp_path / f"out{suffix}"
        events.write_catalog(df, path)
        pd.testing.assert_frame_equal(events.load_catalog(path), df)


# ---------------------------------------------------------------- the CSV sources cell


def _csv(tmp_path, sources_cell: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(f'id,title,start,sources\na,An event,2022,"{sources_cell}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("https://example.org/a", [("example.org", "https://example.org/a")]),
        (
            "https://example.org/a; http://news.example.com/b?x=1",
            [("example.org", "https://example.org/a"), ("news.example.com", "http://news.example.com/b?x=1")],
        ),
        ('[{""title"": ""T"", ""url"": ""https://example.org/t""}]', [("T", "https://example.org/t")]),
        ('{""title"": ""One"", ""url"": ""https://example.org/1""}', [("One", "https://example.org/1")]),
        ("", []),
    ],
)  # fmt: skip
def test_sources_cell_forms(tmp_path, cell, expected):
    row = events.load_catalog(_csv(tmp_path, cell)).iloc[0]
    assert [(s["title"], s["url"]) for s in row["sources"]] == expected
    assert row["sourced"] == bool(expected)


def test_sources_cell_with_something_that_is_no_url(tmp_path):
    with pytest.raises(EventValidationError, match=r"row 2, id 'a': field 'sources'") as info:
        events.load_catalog(_csv(tmp_path, "https://example.org/a; the town archive"))
    assert info.value.rules == ["bad-url"]
    assert info.value.problems[0].value == "the town archive"


def test_unreadable_cells_are_problems_among_the_others():
    # a bad sources cell, a duplicate id, an impossible date and an empty title in one file
    with pytest.raises(EventValidationError, match=r"^4 problems found in event data") as info:
        events.load_catalog(FIX / "bad_cells.csv")
    got = [(p.rule, p.row, p.event_id, p.field) for p in info.value.problems]
    assert got == [
        ("csv-sources-cell", 3, "bridge-1871", "sources"),
        ("bad-date", 5, "flood-1905", "start"),
        ("required", 6, "market-1912", "title"),
        ("duplicate-id", 3, "bridge-1871", "id"),
    ]
    assert all(p.file == "bad_cells.csv" for p in info.value.problems)
    assert "duplicate id: also used at row 4" in str(info.value)
    assert "is neither a JSON list of sources nor URLs separated by ';'" in str(info.value)


def test_unreadable_list_cell_and_ragged_row_are_collected_too(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text(
        "id,title,start,tags,places\n"
        'a,A,2022,"[not json",UA-43\n'
        "b,B,2022,x,UA-43,extra\n"
        'c,C,2022-13,x,"[1,"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        EventValidationError, match=r"cells\.csv, row 2, id 'a': field 'tags'"
    ) as info:
        events.load_catalog(path)
    got = [(p.rule, p.row, p.field) for p in info.value.problems]
    assert got == [
        ("csv-list-cell", 2, "tags"),
        ("csv-ragged", 3, None),
        ("csv-list-cell", 4, "places"),
        ("bad-date", 4, "start"),
    ]


def test_a_repeated_id_is_one_problem_naming_every_other_row():
    with pytest.raises(
        EventValidationError, match=r"also used at rows 2, 3 \[duplicate-id\]"
    ) as info:
        events.validate([ev(), ev(), ev()])
    assert [(p.rule, p.row) for p in info.value.problems] == [("duplicate-id", 1)]


# ---------------------------------------------------------------- borderlines validate


def test_cli_validate_notes_events_without_a_source(capsys):
    assert main(["validate", str(FIX / "open_events.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("open_events.yaml holds 3 valid events")
    assert out[1] == "note: 2 of 3 events without a source (--strict requires one)"


def test_cli_validate_no_note_when_every_event_has_a_source(capsys):
    assert main(["validate", str(FIX / "good.yaml")]) == 0
    assert "note:" not in capsys.readouterr().out


def test_cli_validate_strict(capsys):
    assert main(["validate", "--strict", str(FIX / "open_events.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 3 problems found in event data:")
    assert "row 9, id 'flood-1905': field 'sources' -- at least one source" in captured.err
    assert "row 13, id 'market-1912': field 'category' -- required" in captured.err
    assert captured.err.count("[no-source]") == 2
    assert main(["validate", "--strict", str(FIX / "good.yaml")]) == 0


def test_cli_validate_help_names_strict(capsys):
    with pytest.raises(SystemExit, match="0"):
        main(["validate", "--help"])
    assert "--strict" in capsys.readouterr().out
