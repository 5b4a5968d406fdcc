"""Figure commands of the CLI: real files with the right bytes, clear errors."""

import pytest
from PIL import Image

from viz.cli import main


@pytest.mark.browser
def test_map_png(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["map", "--date", "2022-09-30", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert Image.open(out).size == (900, 680)
    assert f"wrote {out}" in capsys.readouterr().out


@pytest.mark.browser
def test_timeline_svg(tmp_path):
    out = tmp_path / "t.svg"
    assert main(["timeline", "--out", str(out), "--from", "2014"]) == 0
    assert b"<svg" in out.read_bytes()[:300]


def test_map_html_fragment(tmp_path):
    out = tmp_path / "map.html"
    assert main(["map", "--date", "2022-09-30", "--out", str(out), "--mode", "fragment"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<html" not in text and "PlotlyGeoAssets" in text


@pytest.mark.browser
def test_frames_and_gif(tmp_path):
    frames = tmp_path / "frames"
    gif = tmp_path / "anim.gif"
    args = [
        "frames",
        "--dates",
        "2014-03-01,2022-03-25",
        "--out-dir",
        str(frames),
        "--gif",
        str(gif),
    ]
    assert main(args + ["--width", "450", "--height", "340"]) == 0
    assert sorted(p.name for p in frames.iterdir()) == ["map-2014-03-01.png", "map-2022-03-25.png"]
    img = Image.open(gif)
    assert img.format == "GIF" and img.n_frames == 2 and img.size == (450, 340)


@pytest.mark.browser
def test_frames_mp4(tmp_path):
    out = tmp_path / "anim.mp4"
    args = [
        "frames",
        "--dates",
        "2014-03-01,2022-03-25,2022-11-15",
        "--mp4",
        str(out),
        "--width",
        "451",
    ]
    assert main(args + ["--height", "300"]) == 0
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) > 2000
    assert [p.name for p in tmp_path.iterdir()] == ["anim.mp4"]


def test_frames_needs_an_output(capsys):
    assert main(["frames", "--dates", "2022-03-25"]) == 1
    assert "give --out-dir DIR" in capsys.readouterr().err


def test_bad_date_and_suffix(tmp_path, capsys):
    assert main(["map", "--date", "30/09/2022", "--out", str(tmp_path / "m.png")]) == 1
    assert "error:" in capsys.readouterr().err
    assert main(["map", "--date", "2022-09-30", "--out", str(tmp_path / "m.bmp")]) == 1
    assert "unknown image suffix" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
