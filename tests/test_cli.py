"""The ``borderlines`` command line: output, exit codes, no tracebacks."""

import subprocess
import sys
from pathlib import Path

import pytest

from viz.cli import main

FIX = Path(__file__).parent / "fixtures" / "events"


def test_validate_ok(capsys):
    assert main(["validate", str(FIX / "good.yaml")]) == 0
    assert "holds 5 valid events" in capsys.readouterr().out


def test_validate_lists_every_problem(capsys):
    assert main(["validate", str(FIX / "bad.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 8 problems found")
    assert "field 'start' value '2022-02-30'" in err
    assert "end is before start" in err
    assert "Traceback" not in err


def test_events_table_filters(capsys):
    args = ["events", "--file", str(FIX / "good.yaml"), "--from", "1900", "--to", "2022"]
    assert main(args + ["--category", "treaty", "--place", "UA-43"]) == 0
    out = capsys.readouterr().out
    assert "19 February 1954" in out and "transfer-1954" in out
    assert "invasion-2022" not in out and out.rstrip().endswith("1 event")


def test_events_csv_output(capsys):
    assert main(["events", "--file", str(FIX / "good.yaml"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,title,start,end,precision")


def test_bad_date_in_query_is_an_error_not_a_traceback(capsys):
    assert main(["events", "--file", str(FIX / "good.yaml"), "--from", "yesterday"]) == 1
    assert "cannot read the date 'yesterday'" in capsys.readouterr().err


def test_console_script_runs_without_traceback(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('[{"id": ', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "viz.cli", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "broken.json" in proc.stderr and "not valid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv", [["--help"], ["events", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit, match="0"):
        main(argv)
    assert "usage: borderlines" in capsys.readouterr().out


CONTROL = Path(__file__).parent / "fixtures" / "control"


def test_import_control_and_areas(tmp_path, capsys):
    out = tmp_path / "series.gpkg"
    assert main(["import-control", str(CONTROL / "deepstate"), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"to {out}" in captured.out
    assert "decoy" in captured.err.lower() or "dropped" in captured.err.lower()
    # each report line once (the ImportReportWarning repeats are filtered)
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == len(set(lines))
    assert main(["areas", str(out), "--csv"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "date,status,area_km2,share_pct"
    assert any(",occupied," in row for row in table[1:])


def test_import_control_parquet_round_trip(tmp_path, capsys):
    out = tmp_path / "series.parquet"
    assert main(["import-control", str(CONTROL / "isw-layers"), "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"PAR1"


def test_import_control_bad_input_no_partial_output(tmp_path, capsys):
    out = tmp_path / "series.gpkg"
    bad = CONTROL / "bad" / "1646092800_truncated.geojson"
    assert main(["import-control", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "1646092800_truncated.geojson" in err and "Traceback" not in err
    assert not out.exists()


def test_areas_builtin_table(capsys):
    assert main(["areas"]) == 0
    out = capsys.readouterr().out
    assert "held_total" in out and "2022-02-24" in out


def test_events_table_escapes_terminal_control_characters(tmp_path, capsys):
    # a point name, an actor or a source could carry ESC sequences that recolour, retitle or
    # clear the reader's terminal; the table shows them escaped
    path = tmp_path / "esc.yaml"
    path.write_text(
        "- id: esc-event\n"
        "  title: An event\n"
        "  start: '2022-05-01'\n"
        "  category: military\n"
        '  places: [{name: "Town\\e[2J\\e]0;pwned\\a", lon: 30.5, lat: 50.4}]\n'
        "  summary: s\n"
        "  sources: [{title: x, url: 'https://example.org/x'}]\n",
        encoding="utf-8",
    )
    assert main(["events", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Town\\x1b[2J\\x1b]0;pwned\\x07" in out
