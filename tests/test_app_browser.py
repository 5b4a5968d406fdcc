"""The Dash app in headless Chromium: links between the views, the URL, exports, uploads, and
that nothing leaves 127.0.0.1."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(serve):
    import app

    return serve(app.server)


@pytest.fixture(scope="module")
def record():
    return {"requests": [], "console": []}


@pytest.fixture(scope="module")
def page(browser, base_url, record):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.on("request", lambda r: record["requests"].append(r.url))
    pg.on(
        "console",
        lambda m: (
            record["console"].append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    pg.on("pageerror", lambda e: record["console"].append(f"pageerror: {e}"))
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()


def load(page, base_url, query="?date=2022-09-30"):
    """Open the app and wait until the URL's date is applied and the page is quiet."""
    page.goto(base_url + "/" + query)
    page.wait_for_selector("#g-map .choroplethlocation")
    page.wait_for_selector("#g-timeline .main-svg")
    date = re.search(r"date=([0-9-]{10})", query).group(1)
    page.wait_for_function(f"document.querySelector('#date-input').value === '{date}'")
    page.wait_for_load_state("networkidle")


def test_load(page, base_url):
    load(page, base_url, "?date=2022-09-30")
    assert page.inner_text("#date-long") == "30 September 2022"
    assert "30 September 2022" in page.inner_text("#map-title")
    assert page.locator("#g-map path.choroplethlocation").count() > 100
    assert page.locator("table.events tbody tr").count() > 100
    assert page.get_attribute("#slider [role=slider]", "aria-valuenow") is not None


def test_slider_moves_map_timeline_and_url(page, base_url):
    load(page, base_url, "?date=2022-09-30")
    before = page.evaluate("document.querySelector('#g-map .js-plotly-plot').data[1].z.join()")
    handle = page.locator("#slider [role=slider]")
    handle.focus()
    handle.press("Home")  # keyboard-operable: to 1783
    page.wait_for_function("!location.search.includes('2022-09-30')")
    page.wait_for_function(
        "b => document.querySelector('#g-map .js-plotly-plot').data[1].z.join() !== b", arg=before
    )
    page.wait_for_function("document.querySelector('#date-long').textContent.endsWith('1783')")
    page.wait_for_function(
        "() => Math.abs(document.querySelector('#g-timeline .js-plotly-plot').layout.shapes"
        ".find(s => s.name === 'date-cursor').x0) < 0.01"
    )
    assert page.get_attribute("#slider [role=slider]", "aria-valuenow") == "0"


def test_click_event_in_table(page, base_url):
    load(page, base_url, "?date=2022-09-30")
    button = page.get_by_role("button", name=re.compile("Catherine II's manifesto"))
    button.focus()
    page.keyboard.press("Enter")  # keyboard selection of an event
    page.wait_for_function("location.search.includes('event=crimea-annexation-manifesto-1783')")
    page.wait_for_function(
        "document.querySelector('#detail-h').textContent.includes('Catherine II')"
    )
    assert page.inner_text("#date-long") == "19 April 1783"
    assert "O.S." in page.inner_text("#detail")
    widths = page.evaluate(
        "document.querySelector('#g-map .js-plotly-plot').data[2].marker.line.width"
    )
    assert max(widths) == 3
    links = page.locator("#detail a")
    assert links.count() >= 1 and links.first.get_attribute("href").startswith("https://")


def test_click_region_filters_timeline(page, base_url):
    load(page, base_url, "?date=2022-09-30")
    n_all = page.locator("table.events tbody tr").count()
    page.locator("#g-map").scroll_into_view_if_needed()
    box = page.evaluate("""() => {
        const gd = document.querySelector('#g-map .js-plotly-plot');
        const i = gd.data[2].locations.indexOf('UA-43');
        const trace = document.querySelectorAll('#g-map .choroplethlayer .trace')[2];
        const r = trace.querySelectorAll('path.choroplethlocation')[i].getBoundingClientRect();
        return {x: r.x + r.width * 0.55, y: r.y + r.height * 0.5};
    }""")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_function("location.search.includes('region=UA-43')")
    page.wait_for_function(f"document.querySelectorAll('table.events tbody tr').length < {n_all}")
    assert "Crimea" in page.inner_text("#region-note")
    page.mouse.click(box["x"], box["y"])  # again: clear
    page.wait_for_function("!location.search.includes('region=')")
    page.wait_for_function(f"document.querySelectorAll('table.events tbody tr').length === {n_all}")


def test_url_round_trip_and_back(page, base_url):
    load(page, base_url, "?date=2014-03-18&lang=uk&category=annexation")
    page.wait_for_function("document.querySelector('#date-long').textContent === '18 березня 2014'")
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert "Війна" in page.inner_text("#app-subtitle")
    assert page.locator("#f-category input:checked").count() == 1
    page.click("#btn-next-month")
    page.wait_for_function("location.search.includes('date=2014-04-18')")
    page.go_back()
    page.wait_for_function("document.querySelector('#date-long').textContent === '18 березня 2014'")
    page.click("#btn-lang")
    page.wait_for_function("document.querySelector('#date-long').textContent === '18 March 2014'")
    assert "lang=uk" not in page.url


def test_export_png_downloads_real_png(page, base_url):
    load(page, base_url, "?date=2022-09-30")
    with page.expect_download(timeout=60_000) as info:
        page.click("#btn-export-png")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert info.value.suggested_filename == "borderlines-map-2022-09-30.png"


def test_bad_upload_shows_message(page, base_url, tmp_path):
    load(page, base_url, "?date=2022-09-30")
    bad = tmp_path / "broken.csv"
    bad.write_text("id,title,start,category\nx,,2022-13-01,nonsense\n", encoding="utf-8")
    page.set_input_files("#upload-events input[type=file]", str(bad))
    page.wait_for_selector(".upload-error")
    text = page.inner_text("#upload-msg")
    assert "broken.csv could not be used" in text and "row 2" in text
    assert "Traceback" not in page.content()
    page.click("#btn-next-month")  # the app keeps working
    page.wait_for_function("location.search.includes('date=2022-10-30')")


def test_nothing_leaves_localhost_and_console_clean(page, base_url, record):
    load(page, base_url, "?date=2022-09-30")
    outside = [
        u
        for u in record["requests"]
        if not u.startswith(base_url) and not u.startswith(("data:", "blob:"))
    ]
    assert outside == []
    assert any("/_borderlines/topojson/" in u for u in record["requests"])
    assert record["console"] == []


def test_date_moves_in_the_browser_without_a_request(page, base_url, record):
    from viz import _appstate as A

    load(page, base_url, "?date=2022-09-30")
    ds = A.dataset(None)
    before = len(record["requests"])
    handle = page.locator("#slider [role=slider]")
    handle.focus()
    for _ in range(5):
        handle.press("ArrowLeft")  # each a new date, repainted at once
    page.wait_for_function("!location.search.includes('2022-09-30')")
    page.click("#btn-next-month")
    page.fill("#date-input", "2022-03-05")
    page.press("#date-input", "Enter")
    page.wait_for_function("location.search.includes('date=2022-03-05')")
    page.wait_for_function("document.querySelector('#date-long').textContent === '5 March 2022'")
    sent = [u for u in record["requests"][before:] if u.startswith(base_url)]
    # Chromium asks for the favicon again when the URL changes; nothing else may go out
    assert [u for u in sent if "/_favicon.ico" not in u] == []  # no callback, no data
    want = A.map_state(ds, "2022-03-05", A.default_view())
    got = page.evaluate(
        "(() => { const gd = document.querySelector('#g-map .js-plotly-plot');"
        " return [Array.from(gd.data[1].z), gd.data[2].text]; })()"
    )
    assert got[0] == want["z"] and got[1] == want["text"]
    assert page.inner_text("#map-title") == A.map_title(ds, "2022-03-05", "en")
    # colours and cursor were changed in place: plotly, redrawing from its own data, agrees
    state = """() => [Array.from(document.querySelectorAll('#g-map path.choroplethlocation'),
                                 p => getComputedStyle(p).fill).join(),
                      document.querySelector('#g-timeline .shapelayer path[data-index]') &&
                      Array.from(document.querySelectorAll('#g-timeline .shapelayer path'),
                                 p => p.getAttribute('d')).join()]"""
    painted = page.evaluate(state)
    page.evaluate("Promise.all(['#g-map', '#g-timeline', '#g-area'].map("
                  "s => Plotly.redraw(document.querySelector(s + ' .js-plotly-plot'))))")  # fmt: skip
    assert page.evaluate(state) == painted
    page.go_back()  # back to the month step's date, still in the browser
    page.wait_for_function("document.querySelector('#date-input').value !== '2022-03-05'")


def _other_data():
    from pathlib import Path

    import events
    import geodata
    from viz import _appstate as A

    fx = Path(__file__).parent / "fixtures"
    return A.build_dataset(
        events.load_catalog(fx / "events" / "georgia_2008.yaml"),
        geodata.read_series(fx / "control" / "plain" / "georgia_series.geojson"),
        geodata.read_regions(fx / "regions" / "georgia_regions.geojson"),
        key="browser-parity",
    )


@pytest.mark.parametrize("which", ["builtin", "other"])
@pytest.mark.parametrize("lang", ["en", "uk"])
def test_browser_date_engine_matches_the_server(page, base_url, which, lang):
    # the server's reducer and map state are the reference; the browser's date engine must
    # give the same slider dates, colours, hover lines and titles for every kind of data
    from viz import _appstate as A

    load(page, base_url, "?date=2022-09-30")
    ds = A.dataset(None) if which == "builtin" else _other_data()
    spec = A.date_spec(ds, lang)
    positions = list(range(0, A.SLIDER_STEPS + 1, 23))
    lo, hi = A.pd.Timestamp(ds.lo), A.pd.Timestamp(ds.hi)
    days = sorted({A.iso(d) for d in A.pd.date_range(lo, hi, periods=60)}
                  | set(spec["status_dates"]) | {ds.lo, ds.hi})  # fmt: skip
    if spec["status_end"]:
        days.append(A.iso(A.pd.Timestamp(spec["status_end"]) + A.pd.Timedelta(days=1)))
    js = page.evaluate(
        """([spec, positions, days]) => {
            const e = window.dash_clientside.borderlines._engine(spec);
            return {
                pos: positions.map(p => e.posToDay(p)),
                back: days.map(d => e.dayToPos(d)),
                z: days.map(d => e.z(e.snapshot(d))),
                hover: days.map(d => e.hover(e.snapshot(d))),
                title: days.map(d => e.title(d, e.snapshot(d))),
                label: days.map(d => e.formatDay(d)),
            };
        }""",
        [spec, positions, days],
    )
    assert js["pos"] == [A.pos_to_day(p, ds.axis) for p in positions]
    assert js["back"] == [A.day_to_pos(d, ds.axis) for d in days]
    view = {**A.default_view(), "lang": lang}
    for i, d in enumerate(days):
        if d > ds.hi:
            continue  # past the data's span the app clamps the date first
        m = A.map_state(ds, d, view)
        assert js["z"][i] == m["z"], d
        assert js["hover"][i] == m["text"], d
        assert js["title"][i] == A.map_title(ds, d, lang), d
        assert js["label"][i] == A._i18n.format_day(d, lang), d


def test_browser_typed_dates_and_month_steps_match_the_server(page, base_url):
    from viz import _appstate as A

    load(page, base_url, "?date=2022-09-30")
    typed = ["2022-03-05", "2022", "2022-07", " 2014-02-20 ", "2022-02-30", "2022-13-01",
             "99999-01-01", "2022-3-5", "", "1e5", "0999-01-01", "2200-12-31", "2201-01-01"]  # fmt: skip
    got = page.evaluate("t => t.map(v => window.dash_clientside.borderlines._parseTyped(v))", typed)
    assert got == [A.parse_day(v) for v in typed]
    starts = ["2022-01-31", "2022-03-31", "2024-01-29", "2023-12-15", "1783-04-19", "2020-02-29"]
    for n in (-13, -1, 1, 12):
        got = page.evaluate(
            "([s, n]) => s.map(d => window.dash_clientside.borderlines._addMonths(d, n))",
            [starts, n],
        )
        assert got == [A.add_months(d, n) for d in starts], n


def test_the_same_file_uploads_again_after_reset(page, base_url, tmp_path):
    load(page, base_url, "?date=2022-09-30")
    good = tmp_path / "mine\u202egpj.csv"  # a bidi override in the name: shown as plain text
    good.write_text(
        "id,title,start,category,places,summary,source_title,source_url\n"
        "my-event,My uploaded event,2023-05-01,military,UA-14,Something happened,A report,"
        "https://example.org/r\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the second time used to do nothing (the control kept its contents)
        page.set_input_files("#upload-events input[type=file]", str(good))
        page.wait_for_selector(".upload-ok")
        assert page.inner_text("#upload-msg") == "Loaded 1 events from minegpj.csv."
        page.wait_for_function("document.querySelectorAll('table.events tbody tr').length === 1")
        page.click("#btn-reset-data")
        page.wait_for_function("!document.querySelector('.upload-ok')")
        page.wait_for_function("document.querySelectorAll('table.events tbody tr').length > 100")
