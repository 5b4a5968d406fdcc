"""Another country's linked page and app in headless Chromium: drawn, linked, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

import events
import geodata
import viz

pytestmark = pytest.mark.browser

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def georgia():
    return (
        events.load_catalog(FIX / "events" / "georgia_2008.yaml"),
        geodata.read_series(FIX / "control" / "plain" / "georgia_series.geojson"),
        geodata.read_regions(FIX / "regions" / "georgia_regions.geojson"),
    )


@pytest.mark.parametrize("width", [1280, 400])
def test_linked_page_of_georgia_scrubs_offline(offline_page, georgia, tmp_path, width):
    path = tmp_path / "georgia.html"
    viz.write_html(viz.linked_view(*georgia), path, mode="inline")
    guarded = offline_page("file://", width)
    page = guarded.page
    page.goto(path.as_uri() + "#date=2008-07-01")
    page.wait_for_selector(".bl-linked[data-bl-ready='1']", timeout=15000)
    pieces = "document.querySelector('[data-bl=map]').data.find(t => t.name === 'pieces')"
    before = page.evaluate(f"Array.from({pieces}.text)")
    assert all("No control data for this date" in t for t in before)
    page.evaluate("location.hash = '#date=2008-08-15'")
    page.wait_for_function(
        "document.querySelector('[data-bl=date-label]').textContent === '15 August 2008'"
    )
    after = page.evaluate(f"Array.from({pieces}.text)")
    assert any("Separatist held" in t for t in after) and any("Buffer" in t for t in after)
    legend = page.locator("[data-bl=map] .legendtext").all_text_contents()
    assert {"Separatist held", "Buffer"} <= set(legend)
    page.evaluate("location.hash = '#date=2008-10-11'")  # a day after the series ends
    page.wait_for_function(
        "document.querySelector('[data-bl=date-label]').textContent === '11 October 2008'"
    )
    late = page.evaluate(f"Array.from({pieces}.text)")
    assert all("No control data for this date" in t for t in late)
    assert "Ukraine" not in page.inner_text("body")
    assert guarded.outside == [] and guarded.errors == []


def test_app_of_georgia(offline_page, serve, georgia):
    import app

    base = serve(app.create_app(*georgia).server)
    guarded = offline_page(base + "/")
    page = guarded.page
    page.goto(base + "/?date=2008-08-15")
    page.wait_for_selector("#g-map .choroplethlocation")
    page.wait_for_function("document.querySelector('#date-input').value === '2008-08-15'")
    page.wait_for_function(
        "document.querySelector('#map-title').textContent.includes('Georgia regions')"
    )
    assert page.inner_text("#map-title") == (
        "Territorial control in Georgia regions as of 15 August 2008"
    )
    legend = page.locator("#g-map .legendtext").all_text_contents()
    assert {"Separatist held", "Buffer"} <= set(legend)
    body = page.inner_text("body")
    assert "Ukraine" not in body and "Fighting over South Ossetia begins" in body
    assert guarded.outside == [] and guarded.errors == []
