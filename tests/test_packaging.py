"""The wheel carries the packages and their data, and works outside the repository."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("borderlines-*.whl")
    return whl


def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "events/data/catalog.yaml" in names
    assert any(n.startswith("geodata/data/") for n in names)
    for pkg in ("events", "geodata", "viz"):
        assert f"{pkg}/__init__.py" in names
    assert not any(n.startswith(("tests/", "scripts/")) for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "borderlines = viz.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_wheel_loads_catalogue_outside_repo(wheel, tmp_path):
    # A fresh virtual environment outside the repository, with only the wheel installed in it.
    # Its third-party libraries come from the test environment's site-packages, added as a
    # plain path entry: .pth files there (such as the editable install of this repository) are
    # not processed, so the packages can only be imported from the wheel.
    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    py = env / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            site,
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    Path(site, "test-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    code = (
        "import sys, events, geodata, viz\n"
        "assert events.__file__.startswith(sys.prefix), events.__file__\n"
        "print(len(events.load_catalog()), len(geodata.regions()), len(viz.__all__))\n"
    )
    proc = subprocess.run(
        [str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    n_events, n_regions, n_api = map(int, proc.stdout.split())
    assert n_events >= 60 and n_regions == 27 and n_api > 5
    # the CLI runs from the installed wheel
    proc = subprocess.run(
        [str(py), "-m", "viz.cli", "events", "--from", "2023-03-17", "--to", "2023-03-17", "--format", "csv"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "icc-warrants-putin-lvova-belova-2023" in proc.stdout
