"""The wheel carries the packages and their data, and works outside the repository."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # -S skips .pth files, so the editable install of the repository is not on the path:
    # only the unpacked wheel and the third-party libraries are.
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "import events, geodata\n"
        "assert events.__file__.startswith(sys.argv[1]), events.__file__\n"
        "print(len(events.load_catalog()), len(geodata.regions()))\n"
    )
    site = sysconfig.get_paths()["purelib"]
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code, str(target), site],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    n_events, n_regions = map(int, proc.stdout.split())
    assert n_events >= 60 and n_regions == 27
