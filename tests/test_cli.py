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
