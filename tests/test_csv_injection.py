"""CSV written for spreadsheets never holds a live formula, and reads back as it was."""

from __future__ import annotations

import pytest

import events
from viz.cli import main

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]


def catalogue(title: str):
    return events.validate(
        [{"id": "a", "title": title, "start": "2022-02-24", "summary": title, "tags": [title]}]
    )


@pytest.mark.parametrize("title", FORMULAS)
def test_catalogue_csv_cells_are_text_and_round_trip(tmp_path, title):
    path = tmp_path / "events.csv"
    events.write_catalog(catalogue(title), path)
    lines = path.read_text("utf-8").splitlines()
    cells = lines[1]
    assert ",'" + title[0] in cells or ",\"'" + title[0] in cells  # guarded with a quote
    back = events.load_catalog(path)
    assert (back["title"].item(), back["summary"].item(), back["tags"].item()) == (
        title,
        title,
        [title],
    )


@pytest.mark.parametrize("title", FORMULAS)
def test_timelinejs_sheet_cells_are_text_and_round_trip(tmp_path, title):
    path = tmp_path / "sheet.csv"
    events.write_timelinejs(catalogue(title), path, title=title)
    rows = path.read_text("utf-8").splitlines()[1:]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row.split(","))
    back = events.read_timelinejs(path)
    assert back["title"].item() == title and back.attrs["title"] == title


def test_events_command_csv_is_guarded(tmp_path, capsys):
    path = tmp_path / "events.yaml"
    events.write_catalog(catalogue("=1+1"), path)
    assert main(["events", "--file", str(path), "--format", "csv"]) == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split(",")[1] == "'=1+1"
