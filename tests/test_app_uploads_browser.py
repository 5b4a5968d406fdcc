"""Control-of-terrain uploads through the app's own upload control, in headless Chromium.

For an ISW layer file, a combined ISW file and a zip of a DeepStateMap series, uploaded to
replace the built-in series and to join it: the map in the page shows the date and, piece for
piece, the colour codes the server computes for the same data; the export figure
(:func:`viz.territory_map`) paints the same status at a point inside every piece; no path
covers the whole map (a ring wound inside-out fills the globe); and a reload keeps the upload.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from shapely.geometry import shape

import geodata
import viz
from viz import _appstate as A

pytestmark = pytest.mark.browser

FIX = Path(__file__).parent / "fixtures" / "control"
FILES = {
    "isw-layers": FIX / "isw-layers" / "20220930_RussianAssessedCoTinUkraine.geojson",
    "isw-combined": FIX / "isw-combined" / "20230801.geojson",
    "deepstate": FIX / "deepstate",  # two snapshots: uploaded as a zip of the folder
}
MAP = "document.querySelector('#g-map .js-plotly-plot')"


@pytest.fixture(scope="module")
def base_url(serve):
    import app

    return serve(app.server)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> dict[str, Path]:
    """The file the browser uploads for each fixture folder (a zip for a series of files)."""
    out = {}
    for name, path in FILES.items():
        if path.is_dir():
            target = tmp_path_factory.mktemp("zips") / f"{name}.zip"
            with zipfile.ZipFile(target, "w") as zf:
                for file in sorted(path.glob("*.geojson")):
                    zf.write(file, file.name)
            path = target
        out[name] = path
    return out


@functools.cache
def expected(path: Path, mode: str):
    """What the server builds for this upload: ``(uploaded series, series drawn, Dataset)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # import reports (repairs of the fixtures' decoys)
        uploaded = geodata.read_control(path, progress=False)
    control = A._join_control(uploaded) if mode == "join" else uploaded
    return uploaded, control, A.build_dataset(None, control)


@pytest.fixture
def page(browser):
    """A fresh tab (its own sessionStorage), recording script errors and server errors."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
    pg.on(
        "response",
        lambda r: pg.problems.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None,
    )
    yield pg
    ctx.close()


def wait(page, predicate: str, arg=None, *, what: str, timeout: float = 20_000):
    """``page.wait_for_function``, failing with ``what`` and the page's recorded problems
    (a server error behind a map that never changes is the likely cause)."""
    try:
        page.wait_for_function(predicate, arg=arg, timeout=timeout)
        return
    except PlaywrightTimeout:
        pass
    pytest.fail(f"{what}: not within {timeout / 1000:.0f} s; page problems: {page.problems}")


def open_app(page, base_url, date):
    page.goto(f"{base_url}/?date={date}")
    page.wait_for_selector("#g-map .choroplethlocation")
    wait(page, "d => document.querySelector('#date-input').value === d", date, what="date")
    wait(page, f"() => {MAP}.layout.meta.borderlines.dataset === 'builtin'", what="built-in map")


def upload(page, path: Path, mode: str, n_pieces: int):
    """Choose the mode, upload ``path`` and wait until the map is drawn from it."""
    page.check(f"#upload-mode input[value='{mode}']")
    assert page.is_checked(f"#upload-mode input[value='{mode}']")
    page.set_input_files("#upload-control input[type=file]", str(path))
    page.wait_for_selector("#upload-msg .upload-ok")
    wait(
        page,
        f"n => {MAP}.layout.meta.borderlines.dataset.startsWith('upload-')"
        f" && {MAP}.data[{A.MAP_PIECES}].z.length === n",
        n_pieces,
        what=f"map drawn from {path.name} ({n_pieces} pieces)",
    )


def go_to(page, date):
    if page.input_value("#date-input") != date:
        page.fill("#date-input", date)
        page.press("#date-input", "Enter")
    wait(page, f"d => {MAP}.layout.meta.borderlines.date === d", date, what=f"map at {date}")


def browser_z(page, want: list[int]) -> list[int]:
    """The map's piece codes once they are ``want`` (or, after a while, whatever they are:
    the caller's assertion says which pieces differ)."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"w => {MAP}.data[{A.MAP_PIECES}].z.join() === w", arg=",".join(map(str, want)),
            timeout=5_000,
        )  # fmt: skip
    return [int(v) for v in page.evaluate(f"Array.from({MAP}.data[{A.MAP_PIECES}].z)")]


def export_statuses(ds, control, date: str) -> list:
    """The status :func:`viz.territory_map` paints at a point inside each of ``ds``'s pieces:
    that of the last (topmost) feature of its "territory" trace containing the point; the
    first feature, "land", is the background."""
    fig = viz.territory_map(date, control=control)
    trace = next(t for t in fig.data if t.name == "territory")
    features = trace.geojson["features"]
    assert features[0]["id"] == "land"
    label_of = dict(zip(trace.locations, trace.text, strict=True))
    status_of_label = {A.legend_label(ds, s, "en"): s for s in ds.status_codes}
    assert len(status_of_label) == len(ds.status_codes)  # a label names one status
    points = np.array([g.representative_point() for g in ds.pieces.geometry], dtype=object)
    painted = np.full(len(points), None, dtype=object)
    for feature in features:  # in drawing order: a later one is painted over an earlier one
        inside = shapely.contains(shape(feature["geometry"]), points)
        painted[inside] = status_of_label[label_of[feature["id"]]]
    return painted.tolist()


NO_FULL_MAP_PATH = f"""() => {{
    const gd = {MAP};
    const bg = gd.querySelector('g.geo g.bg rect');
    const area = bg.getBBox().width * bg.getBBox().height;
    const traces = Array.from(gd.querySelectorAll('.choroplethlayer .trace'));
    const big = [];
    let n = 0;
    traces.forEach((trace, t) => trace.querySelectorAll('path').forEach((p, i) => {{
        n += 1;
        const b = p.getBBox();
        if (b.width * b.height >= 0.9 * area) big.push({{trace: t, path: i, share: b.width * b.height / area}});
    }}));
    return {{area, n, big}};
}}"""


def check_no_full_map_path(page, n_pieces):
    got = page.evaluate(NO_FULL_MAP_PATH)
    assert got["area"] > 100_000  # the geo subplot is drawn (about 780 x 510 px)
    assert got["n"] >= n_pieces  # every piece has its path (plus neighbours and regions)
    assert got["big"] == [], f"paths covering ≥90% of the map: {got['big']}"


@pytest.mark.parametrize("mode", A.MODES)
@pytest.mark.parametrize("name", list(FILES))
def test_uploaded_control_drawn_as_server_and_export_draw_it(page, base_url, uploads, name,
                                                              mode):  # fmt: skip
    path = uploads[name]
    uploaded, control, ds = expected(path, mode)
    days = sorted({A.iso(d) for d in uploaded["date"]})
    before = A.iso(pd.Timestamp(days[0]) - pd.Timedelta(days=1))  # replace: no data; join: built-in
    code_of = ds.status_codes
    status_of_code = {c: s for s, c in code_of.items()}

    open_app(page, base_url, days[0])
    upload(page, path, mode, len(ds.pieces))
    assert page.inner_text("#upload-msg") == (
        f"Loaded {len(uploaded)} control areas ({len(days)} dates) from {path.name}."
    )
    check_no_full_map_path(page, len(ds.pieces))

    for date in [*days, before]:
        go_to(page, date)
        want = A.map_state(ds, date, A.default_view())["z"]
        assert want == [code_of[s] for s in ds.statuses_at(date)]
        got = browser_z(page, want)
        assert got == want, (
            f"{name} ({mode}) on {date}: map codes differ from the server's at pieces "
            f"{[i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w]}"
        )
        shown = [status_of_code[c] for c in got]
        painted = export_statuses(ds, control, date)
        wrong = [(i, ds.pieces["id"].iloc[i], s, p)
                 for i, (s, p) in enumerate(zip(shown, painted, strict=True)) if s != p]  # fmt: skip
        assert wrong == [], f"{name} ({mode}) on {date}: (piece, region, app, export): {wrong}"
    covered = {s for d in days for s in ds.statuses_at(d)} - {ds.background}
    assert covered & set(uploaded["status"])  # the uploaded statuses are on the map
    assert page.problems == []


def test_reload_keeps_the_upload(page, base_url, uploads):
    path = uploads["deepstate"]
    uploaded, _, ds = expected(path, "join")
    date = A.iso(uploaded["date"].max())
    n_builtin = len(A.base_dataset().pieces)
    assert len(ds.pieces) != n_builtin  # so the piece count tells the two apart

    open_app(page, base_url, date)
    upload(page, path, "join", len(ds.pieces))
    key = page.evaluate(f"{MAP}.layout.meta.borderlines.dataset")
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('session-data'))")
    assert set(stored) == {"ref", "names"} and stored["names"] == {"control": path.name}

    assert page.reload().status == 200
    page.wait_for_selector("#g-map .choroplethlocation")
    wait(page, f"k => {MAP}.layout.meta.borderlines.dataset === k", key, what="upload after reload")
    wait(page, f"d => {MAP}.layout.meta.borderlines.date === d", date, what=f"map at {date}")
    want = A.map_state(ds, date, A.default_view())["z"]
    got = browser_z(page, want)
    assert len(got) == len(ds.pieces)
    assert got == want
    page.wait_for_load_state("networkidle")
    assert "no longer kept" not in page.inner_text("#upload-msg")
    check_no_full_map_path(page, len(ds.pieces))
    assert page.problems == []
