"""The linked page in headless Chromium, opened from file:// with the network cut off."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    import events
    import viz

    path = tmp_path_factory.mktemp("linked") / "linked.html"
    viz.write_html(viz.linked_view(events.load_catalog()), path, mode="inline")
    return path


class Opened:
    def __init__(self, page, requests, errors):
        self.page, self.requests, self.errors = page, requests, errors


@pytest.fixture
def opened(browser, page_file):
    """Open the page (with an optional hash) and wait until the view is wired."""
    contexts = []

    def open_(hash_: str = "", width: int = 1200) -> Opened:
        ctx = browser.new_context(viewport={"width": width, "height": 1000})
        contexts.append(ctx)
        page = ctx.new_page()
        requests, errors = [], []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri() + hash_)
        page.wait_for_selector(".bl-linked[data-bl-ready='1']", timeout=15000)
        return Opened(page, requests, errors)

    yield open_
    for ctx in contexts:
        ctx.close()


PIECES_Z = "(() => { const gd = document.querySelector('[data-bl=map]'); return Array.from(gd.data[%d].z); })()"


def _pieces_index(page) -> int:
    return page.evaluate(
        "document.querySelector('[data-bl=map]').data.findIndex(t => t.name === 'pieces')"
    )


def test_draws_offline_without_errors(opened):
    o = opened()
    o.page.wait_for_function(
        "document.querySelectorAll('[data-bl=map] .geolayer path, [data-bl=map] .choroplethlayer path').length > 20"
    )
    n = o.page.evaluate("document.querySelectorAll('[data-bl=map] .choroplethlayer path').length")
    assert n > 20
    assert o.page.locator("[data-bl=timeline] .point").count() > 20
    assert o.requests == []
    assert o.errors == []


def test_hash_date_changes_the_map(opened):
    late = opened()
    i = _pieces_index(late.page)
    z_late = late.page.evaluate(PIECES_Z % i)
    early = opened("#date=2022-09-30")
    early.page.wait_for_function(
        "document.querySelector('[data-bl=date-label]').textContent === '30 September 2022'"
    )
    z_early = early.page.evaluate(PIECES_Z % i)
    assert z_early != z_late
    # Kherson city is occupied on 30 September 2022, liberated by 2024
    assert early.errors == [] and early.requests == []


def test_click_on_timeline_event_moves_map_and_opens_panel(opened):
    o = opened()
    page = o.page
    label = page.locator("[data-bl=date-label]").text_content()
    pos = page.evaluate(
        """(() => {
      const gd = document.querySelector('[data-bl=timeline]');
      const fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis, box = gd.getBoundingClientRect();
      for (let i = 0; i < gd.data.length; i++) {
        const t = gd.data[i];
        if (t.type !== 'scatter' || !t.customdata) continue;
        for (let j = 0; j < t.x.length; j++) {
          const ev = t.customdata[j];
          if (ev.indexOf('2022') < 0 && ev.indexOf('2023') < 0) continue;
          return {id: ev, x: box.left + xa._offset + xa.l2p(t.x[j]), y: box.top + ya._offset + ya.l2p(t.y[j])};
        }
      }
      return null;
    })()"""
    )
    assert pos is not None
    page.mouse.move(pos["x"], pos["y"])
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("[data-bl=panel] .bl-event-title")
    page.wait_for_function(f"location.hash === '#event={pos['id']}'")
    assert page.locator("[data-bl=date-label]").text_content() != label
    assert (
        page.locator("[data-bl=panel] .bl-sources a").first.get_attribute("rel")
        == "noopener noreferrer"
    )
    assert o.errors == []


def test_click_on_region_highlights_its_events(opened):
    o = opened()
    page = o.page
    page.evaluate("document.querySelector('[data-bl=map]').scrollIntoView()")
    # Zhytomyr oblast (UA-18) is large and compact, with few event markers; find a pixel of it
    pos = page.evaluate(
        """(() => {
      const gd = document.querySelector('[data-bl=map]');
      const i = gd.data.findIndex(t => t.name === 'pieces');
      const codes = gd.data[i].customdata;
      const paths = gd.querySelectorAll('.choroplethlayer .trace')[i === 0 ? 0 : 1].querySelectorAll('path');
      let best = null, area = 0;
      paths.forEach(p => {  // the largest piece of the region
        const d = p.__data__, b = p.getBoundingClientRect();
        if (d && codes[d.index] === 'UA-18' && b.width * b.height > area) { best = p; area = b.width * b.height; }
      });
      const r = best.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    })()"""
    )
    page.mouse.move(pos["x"], pos["y"])
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("[data-bl=panel] .bl-event-list")
    faded = page.evaluate(
        """(() => {
      const gd = document.querySelector('[data-bl=timeline]');
      return gd.data.flatMap(t => Array.isArray(t.marker.opacity) ? t.marker.opacity : []).filter(v => v < 0.15).length;
    })()"""
    )
    assert faded > 10
    n = page.locator("[data-bl=panel] .bl-event-list li").count()
    assert n >= 1
    # clicking the same region again clears the selection
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("[data-bl=panel] .bl-empty")
    assert o.errors == []


def test_slider_is_keyboard_operable_and_updates_hash(opened):
    o = opened("#date=2022-09-30")
    page = o.page
    slider = page.locator("[data-bl=slider]")
    assert page.locator(f"label[for='{slider.get_attribute('id')}']").count() == 1
    before = page.locator("[data-bl=date-label]").text_content()
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"document.querySelector('[data-bl=date-label]').textContent !== {before!r}"
    )
    page.wait_for_function("location.hash.startsWith('#date=')")
    assert o.errors == []


def test_page_opens_on_a_chosen_date_and_event(browser, tmp_path):
    # what the app's "linked page" export writes: the current date and selected event
    import events
    import viz

    path = tmp_path / "chosen.html"
    cat = events.load_catalog()
    view = viz.linked_view(cat, date="2022-11-20", event="kherson-liberated-2022")
    viz.write_html(view, path, mode="inline")
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".bl-linked[data-bl-ready='1']", timeout=15000)
        title = page.locator("[data-bl=panel] .bl-event-title").inner_text()
        assert title == cat.set_index("id").loc["kherson-liberated-2022", "title"]
        assert "2022" in page.locator("[data-bl=date-label]").inner_text()
    finally:
        page.close()
