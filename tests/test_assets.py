"""The partial plotly.js in viz/assets/plotly: its version, licence, checksum and traces, and
that the inline pages carry it instead of plotly.py's full bundle."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import plotly
import pytest

import events
import viz
from viz import export

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "viz" / "assets" / "plotly"
MAX_PAGE = 1_800_000


@pytest.fixture(scope="module")
def info():
    return export.plotlyjs_manifest()


@pytest.fixture(scope="module")
def bundle(info):
    return (ASSETS / info["file"]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalog():
    return events.load_catalog()


@pytest.fixture(scope="module")
def figures(catalog):
    view = viz.linked_view(catalog)
    return {
        "timeline": viz.timeline(catalog),
        "map": viz.territory_map("2022-09-30", events=catalog),
        "linked-timeline": view.timeline,
        "linked-map": view.map,
        "linked-area": view.area,
    }


def test_version_is_plotly_py_s(info, bundle):
    version = plotly.offline.get_plotlyjs_version()
    assert info["version"] == version
    header = bundle[:200].splitlines()[1]
    assert header == f"* plotly.js ({info['name']} - minified) v{version}"
    assert f'.version="{version}"' in bundle  # what Plotly.version answers
    assert export.plotlyjs_path() == ASSETS / info["file"]


def test_checksum_matches_manifest(info):
    raw = (ASSETS / info["file"]).read_bytes()
    assert len(raw) == info["bytes"]
    assert hashlib.sha256(raw).hexdigest() == info["sha256"]


def test_licence_and_readme_are_there(info):
    licence = (ASSETS / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly" in licence
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    assert info["file"] in readme and f"plotly.js **{info['version']}**" in readme
    assert "MIT" in readme


def test_bundle_has_every_trace_the_views_draw(info, figures):
    used = {t.type for fig in figures.values() for t in fig.data}
    assert used <= set(info["traces"]), sorted(used - set(info["traces"]))
    assert "bar" in used  # the timeline's spans: why plotly's geo bundle will not do


def test_bundle_is_safe_inside_a_script_element(bundle):
    for text in ("</script", "<script", "<!--", "\u2028", "\u2029"):
        assert text not in bundle


@pytest.mark.parametrize("what", ["timeline", "map", "linked"])
def test_inline_pages_carry_the_partial_bundle(what, figures, catalog, bundle):
    page = viz.linked_html(catalog) if what == "linked" else viz.to_html(figures[what], "inline")
    assert len(page.encode("utf-8")) < MAX_PAGE
    assert page.count(bundle) == 1
    assert plotly.offline.get_plotlyjs()[:2000] not in page  # not the full bundle
    assert "cdn.plot.ly" not in page.replace(bundle, "")


def test_other_modes_do_not_embed_it(figures, bundle):
    cdn = viz.to_html(figures["map"], "cdn")
    assert f'src="{export.cdn_url()}"' in cdn and bundle[:2000] not in cdn
    frag = viz.to_html(figures["map"], "fragment")
    assert bundle[:2000] not in frag
    assert "cdn.plot.ly" not in frag and "createElement('script')" not in frag  # fetches nothing


def test_another_plotly_py_falls_back_to_its_own_bundle(monkeypatch, figures):
    monkeypatch.setattr(plotly.offline, "get_plotlyjs_version", lambda: "0.0.0")
    export._plotlyjs_text.cache_clear()
    try:
        assert export.plotlyjs_path() is None
        page = viz.to_html(figures["timeline"], "inline")
        assert plotly.offline.get_plotlyjs()[:2000] in page
    finally:
        export._plotlyjs_text.cache_clear()


@pytest.mark.browser
def test_bundle_in_chromium(offline_page, figures, info, tmp_path):
    """From file:// with every other request refused: the version, the registered traces, and
    the timeline's spans drawn as bars."""
    path = viz.write_html(figures["timeline"], tmp_path / "t.html")
    guarded = offline_page()
    page = guarded.page
    page.goto(path.as_uri())
    page.wait_for_selector("#borderlines-figure .barlayer path")
    got = page.evaluate(
        "() => ({version: Plotly.version, traces: Object.keys(Plotly.PlotSchema.get().traces),"
        " bars: document.querySelectorAll('#borderlines-figure .barlayer path').length})"
    )
    assert got["version"] == plotly.offline.get_plotlyjs_version()
    assert sorted(got["traces"]) == sorted(info["traces"])
    spans = sum(len(t.x) for t in figures["timeline"].data if t.type == "bar")
    assert got["bars"] == spans
    assert not guarded.errors and not guarded.outside


@pytest.mark.wheel
def test_wheel_ships_the_bundle(tmp_path, info):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (whl,) = tmp_path.glob("borderlines-*.whl")
    names = set(zipfile.ZipFile(whl).namelist())
    for name in (info["file"], "LICENSE", "README.md", "manifest.json"):
        assert f"viz/assets/plotly/{name}" in names


@pytest.mark.browser
def test_app_serves_the_partial_bundle(browser, serve):
    """dcc.Graph uses the window.Plotly of the shipped bundle; plotly.py's full bundle is never
    requested, and the map, timeline (with its span bars) and area chart still draw."""
    import app

    base = serve(app.server)
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = ctx.new_page()
    urls, errors = [], []
    page.on("request", lambda r: urls.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/?date=2022-09-30")
    page.wait_for_selector("#g-map .choroplethlocation")
    page.wait_for_selector("#g-timeline .barlayer path")
    page.wait_for_selector("#g-area .scatterlayer .js-fill")
    version = page.evaluate("window.Plotly.version")
    ctx.close()
    assert version == plotly.offline.get_plotlyjs_version()
    assert any("/_borderlines/plotly.min.js?v=" in u for u in urls)
    assert not [u for u in urls if "package_data/plotly" in u or "async-plotlyjs" in u]
    assert all(u.startswith(base) for u in urls) and errors == []
