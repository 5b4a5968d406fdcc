"""What an install brings: extras named when missing, a light `borderlines validate`, the lock."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import plotly.graph_objects as go
import pytest

import geodata
import viz
from viz import export

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
HEAVY = ("plotly", "dash", "geopandas", "shapely", "kaleido")


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_validate_imports_no_plotting_or_geometry_library():
    good = FIX / "events" / "good.yaml"
    proc = run_python(
        "import sys\n"
        "from viz import cli\n"
        f"code = cli.main(['validate', {str(good)!r}])\n"
        f"print(code, sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 []"


def test_lazy_viz_names_are_the_functions():
    assert set(viz.__all__) == set(viz._WHERE)
    for name in viz.__all__:
        assert not isinstance(getattr(viz, name), type(sys)), name  # a function, not a module
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        viz.nothing  # noqa: B018


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        ("kaleido", lambda fig, tmp: viz.write_image(fig, tmp / "a.png"), "export"),
        ("PIL.Image", lambda fig, tmp: viz.write_gif([fig], tmp / "a.gif"), "export"),
        ("imageio_ffmpeg", lambda fig, tmp: viz.write_video([fig], tmp / "a.mp4"), "video"),
    ],
)
def test_missing_export_extra_is_named(monkeypatch, tmp_path, blocked, call, extra):
    monkeypatch.setitem(sys.modules, blocked, None)  # import -> ImportError
    fig = go.Figure(go.Bar(x=[1], y=[1]))
    with pytest.raises(export.ExportError, match=re.escape(f"pip install 'borderlines[{extra}]'")):
        call(fig, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_missing_parquet_extra_is_named(monkeypatch, tmp_path):
    series = geodata.control_series()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(geodata.GeodataError, match=r"borderlines\[parquet\]") as info:
        geodata.write_series(series, tmp_path / "s.parquet")
    assert info.value.rule == "missing-extra"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "s.parquet").write_bytes(b"PAR1")
    with pytest.raises(geodata.GeodataError, match=r"borderlines\[parquet\]") as info:
        geodata.read_series(tmp_path / "s.parquet")
    assert info.value.rule == "missing-extra"


def test_corrupt_series_file_is_our_error(tmp_path):
    bad = tmp_path / "series.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(geodata.GeodataError, match=r"series\.gpkg: is not a control series") as e:
        geodata.read_series(bad)
    assert (e.value.rule, e.value.file) == ("series-unreadable", "series.gpkg")


def test_missing_app_extra_is_named():
    proc = run_python("import sys\nsys.modules['dash'] = None\nimport app\n")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "ImportError: The Dash app needs the app extra: pip install 'borderlines[app]'"
    )


def test_core_dependencies_leave_the_extras_out():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    core = " ".join(project["dependencies"])
    for name in ("dash", "kaleido", "imageio-ffmpeg", "pyarrow", "redis", "celery"):
        assert name not in core
    extras = project["optional-dependencies"]
    assert {"app", "export", "video", "parquet", "redis", "all", "test"} <= set(extras)


def test_locks_pin_every_package_with_hashes():
    for lock in ("lock-run.txt", "lock-test.txt"):
        text = (ROOT / "requirements" / lock).read_text("utf-8")
        pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, flags=re.M)
        assert pins, lock
        blocks = re.split(r"^(?=[A-Za-z0-9._-]+==)", text, flags=re.M)[1:]
        assert all("--hash=sha256:" in b for b in blocks), lock
    run, test = (
        set(re.findall(r"^([A-Za-z0-9._-]+==\S+)", (ROOT / "requirements" / f).read_text(), re.M))
        for f in ("lock-run.txt", "lock-test.txt")
    )
    assert run <= test  # same versions in both: a test venv runs the app as `make run` would
