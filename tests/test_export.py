"""Export: image bytes, HTML modes, atomic writes, a clear error without Chromium."""

from pathlib import Path

import plotly.graph_objects as go
import pytest

import events
import viz
from viz import export

FIX = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture(scope="module")
def fig():
    return viz.timeline(events.load_catalog(FIX / "good.yaml"), width=700, height=360)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<svg")]
)
def test_write_image_bytes(fig, tmp_path, suffix, magic):
    path = viz.write_image(fig, tmp_path / f"t{suffix}")
    data = path.read_bytes()
    assert magic in data[:200]
    assert [p.name for p in tmp_path.iterdir()] == [f"t{suffix}"]  # no temp file left


@pytest.mark.browser
def test_png_size_and_scale(fig, tmp_path):
    from PIL import Image

    path = viz.write_image(fig, tmp_path / "t.png", width=640, height=320, scale=2)
    assert Image.open(path).size == (1280, 640)


@pytest.mark.browser
def test_batch_keeps_one_browser(fig, tmp_path):
    items = [(fig, tmp_path / f"f{i}.png") for i in range(3)]
    out = viz.write_images(items, progress=False)
    assert [p.read_bytes()[:4] for p in out] == [b"\x89PNG"] * 3


def test_unknown_image_suffix(fig, tmp_path):
    with pytest.raises(ValueError, match=r"unknown image suffix; allowed: .png"):
        viz.write_image(fig, tmp_path / "t.bmp")


def test_missing_chromium_says_what_to_install(fig, tmp_path, monkeypatch):
    monkeypatch.delenv("BORDERLINES_CHROMIUM", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    target = tmp_path / "t.png"
    target.write_bytes(b"previous")
    with pytest.raises(
        export.ExportError, match=r"apt-get install -y --no-install-recommends chromium"
    ):
        viz.write_image(fig, target)
    assert target.read_bytes() == b"previous"


def test_failed_render_leaves_previous_file(fig, tmp_path, monkeypatch):
    target = tmp_path / "t.svg"
    target.write_bytes(b"previous")

    def die(*a, **k):
        raise export.ExportError("image export failed in Chromium: browser closed")

    monkeypatch.setattr(export, "to_image", die)
    with pytest.raises(export.ExportError, match="browser closed"):
        viz.write_image(fig, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]


def test_missing_folder(fig, tmp_path):
    with pytest.raises(export.ExportError, match=r"the folder .*nope does not exist"):
        viz.write_html(fig, tmp_path / "nope" / "x.html")


@pytest.mark.parametrize("mode", ["inline", "cdn", "fragment"])
def test_html_modes(fig, mode):
    html = viz.to_html(fig, mode=mode)
    assert "window.PlotlyGeoAssets" in html  # no CDN topojson fetch, whatever the figure
    if mode == "fragment":
        assert "<html" not in html and html.startswith("<script>")
        assert 'class="borderlines-figure"' in html
    else:
        assert html.startswith("<!DOCTYPE html>")
        assert "borderlines:height" in html  # reports its height to a parent frame
    if mode == "inline":  # the shipped partial plotly.js (tests/test_assets.py), no CDN
        bundle = export.plotlyjs_path().read_text(encoding="utf-8")
        assert html.count(bundle) == 1 and "cdn.plot.ly" not in html.replace(bundle, "")
        assert len(html) < 1_800_000
    elif mode == "cdn":
        assert "cdn.plot.ly/plotly-" in html and len(html) < 500_000
    else:  # the host page's plotly.js, never fetched from a CDN
        assert "cdn.plot.ly" not in html and len(html) < 500_000


def test_write_html_suffix_and_atomic(fig, tmp_path):
    with pytest.raises(ValueError, match=r"must end in .html or .htm"):
        viz.write_html(fig, tmp_path / "x.txt")
    path = viz.write_html(fig, tmp_path / "x.html", mode="cdn")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_script_json_cannot_close_the_script():
    text = export.script_json({"t": "</script><script>alert(1)</script><!--"})
    assert "</script>" not in text and "<!--" not in text
    assert "\\u003c/script\\u003e" in text


def test_hostile_title_in_html_page():
    fig = go.Figure(layout=dict(title=dict(text="</title><script>alert(1)</script>")))
    html = viz.to_html(fig, mode="cdn")
    assert "<script>alert(1)</script>" not in html


@pytest.mark.browser
@pytest.mark.parametrize("plotlyjs", ["after", "none"])
def test_fragment_uses_the_host_page_plotlyjs_and_fetches_nothing(
    offline_page, fig, tmp_path, plotlyjs
):
    """A CMS page that brings plotly.js after the fragment gets the figure; one without it gets
    a note, and the fragment asks the network for nothing either way."""
    bundle = export.plotlyjs_path().read_text(encoding="utf-8")
    host = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>'
        "<body><h1>A CMS page</h1>" + export.figure_html(fig, "fragment", div_id="frag")
        + (f"<script>{bundle}</script>" if plotlyjs == "after" else "") + "</body></html>"
    )  # fmt: skip
    path = tmp_path / "host.html"
    path.write_text(host, encoding="utf-8")
    guarded = offline_page()
    page = guarded.page
    page.goto(path.as_uri())
    if plotlyjs == "after":
        page.wait_for_selector("#frag .main-svg")
        assert page.locator("#frag .barlayer path").count() > 0
    else:
        note = page.wait_for_selector("#frag p.borderlines-no-plotly")
        assert note.inner_text().startswith("This figure needs plotly.js")
    assert guarded.outside == [] and guarded.errors == []
