"""The linked view: structure of the figures, the per-date payload, the HTML modes, escaping."""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly
import pytest

import events
import geodata
import viz
from viz import export
from viz.figures.territory_map import STATUS_CODES

HOSTILE_TITLE = "</script><script>alert(1)</script>"
HOSTILE_SUMMARY = "<img src=x onerror=alert(1)> and \u2028 a line separator"
PLOTLYJS = export.plotlyjs_path().read_text(encoding="utf-8")  # what inline pages carry


@pytest.fixture(scope="module")
def catalog():
    return events.load_catalog()


@pytest.fixture(scope="module")
def view(catalog):
    return viz.linked_view(catalog)


@pytest.fixture(scope="module")
def pages(view):
    return {mode: view.to_html(mode, div_id="bl-test") for mode in export.HTML_MODES}


def _spec(page: str) -> dict:
    """The JSON given to the page's script (script_json escapes are valid JSON escapes)."""
    m = re.search(r"var spec=(\{.*?\});var root=", page, re.S)
    assert m, "no spec in the page"
    return json.loads(m.group(1))


def _piece_of(view, code: str) -> list[int]:
    return [i for i, c in enumerate(view.payload["pieces"]) if c == code]


def test_map_has_pieces_choropleth_with_region_codes(view):
    pieces = view.map.data[view.traces["pieces"]]
    assert pieces.type == "choropleth"
    assert list(pieces.customdata) == view.payload["pieces"]
    assert len(pieces.locations) == len(view.payload["pieces"])
    # every piece has its feature, except slivers that vanish on the 10⁻⁴° (~10 m) grid
    drawn = {f["id"] for f in pieces.geojson["features"]}
    assert drawn <= set(pieces.locations)
    pieces_frame = geodata.status_pieces()[0]
    gone = pieces_frame[~pieces_frame["piece"].astype(str).isin(drawn)]
    assert (gone.to_crs("EPSG:6933").area < 50_000).all()  # under 0.05 km² each
    assert set(view.payload["pieces"]) <= set(geodata.regions()["iso_3166_2"])
    # clicks need hover events, so the pieces must not skip hovering
    assert pieces.hoverinfo != "skip"


def test_map_draws_borders_once_and_neighbours(view):
    names = [t.name for t in view.map.data]
    assert names.count("region-borders") == 1
    assert "neighbours" in names
    borders = view.map.data[names.index("region-borders")]
    assert borders.type == "scattergeo" and borders.mode == "lines"
    # only one polygon layer of Ukraine: no second set of region polygons
    assert sum(t.type == "choropleth" for t in view.map.data) == 2


def test_map_event_markers_carry_event_ids(view, catalog):
    markers = view.map.data[view.traces["events"]]
    assert set(markers.customdata) <= set(catalog["id"])


def test_payload_has_one_status_vector_per_date(view):
    p = view.payload
    assert len(p["status"]) == len(p["status_dates"]) > 5
    assert all(len(row) == len(p["pieces"]) for row in p["status"])
    assert {c for row in p["status"] for c in row} <= set(STATUS_CODES.values())
    assert p["status_dates"] == sorted(p["status_dates"])
    assert p["steps"] == sorted(set(p["steps"]))
    assert set(p["status_dates"]) <= set(p["steps"])


def _status_at(view, day: str) -> list[int]:
    p = view.payload
    k = max(i for i, d in enumerate(p["status_dates"]) if d <= day)
    return p["status"][k]


@pytest.mark.parametrize(
    ("day", "occupied"),
    [("2022-10-15", True), ("2022-12-15", False)],
)
def test_kherson_city_piece_follows_control_at(view, day, occupied):
    city = (46.66, 32.60)  # Kherson city, lat/lon (its centre lies on the simplified riverbank)
    pieces, _ = geodata.status_pieces()
    import shapely

    pt = shapely.Point(city[1], city[0])
    (i,) = [j for j, g in enumerate(pieces.geometry) if g.contains(pt)]
    assert view.payload["pieces"][i] == "UA-65"
    code = _status_at(view, day)[i]
    held = geodata.control_at(day)
    truth = held[held.geometry.contains(pt)]["status"].tolist()
    assert (code == STATUS_CODES["occupied"]) == occupied
    assert ("occupied" in truth) == occupied


def test_kyiv_city_never_held(view):
    kyiv = _piece_of(view, "UA-30")
    assert kyiv
    for row in view.payload["status"]:
        assert {row[i] for i in kyiv} == {STATUS_CODES["ukrainian"]}


def test_statuses_match_control_at_on_key_dates(view):
    """Every piece's status equals the status of the control polygon around its inner point."""
    import shapely

    pieces, _ = geodata.status_pieces()
    probes = shapely.point_on_surface(pieces.geometry.to_numpy())
    order = list(STATUS_CODES)
    for day in ("2014-03-18", "2022-03-15", "2022-09-30", "2023-06-01"):
        row = _status_at(view, day)
        snap = geodata.control_at(day)
        for i in range(0, len(pieces), 7):
            inside = snap[snap.geometry.contains(probes[i]) | snap.geometry.touches(probes[i])]
            want = inside["status"].iloc[0] if len(inside) else "ukrainian"
            assert order[row[i]] == want, (day, i)


def test_timeline_and_area_have_date_cursors(view):
    for fig in (view.timeline, view.area):
        assert [s.name for s in fig.layout.shapes].count("date-cursor") == 1
    axis = view.timeline.layout.meta["borderlines"]["axis"]
    assert len(axis["dates"]) == len(axis["xs"]) >= 2
    assert all(isinstance(c, str) for t in view.timeline.data for c in t.customdata)


@pytest.mark.parametrize("mode", ["inline", "cdn"])
def test_full_pages(pages, mode):
    page = pages[mode]
    assert page.startswith("<!DOCTYPE html>")
    assert "window.PlotlyGeoAssets" in page
    assert page.index("window.PlotlyGeoAssets") < page.index("BorderlinesLinked(root,spec)")
    assert "borderlines:height" in page  # reports its height to a parent frame
    assert 'type="range"' in page and 'for="bl-test-slider"' in page


def test_inline_has_plotlyjs_and_no_cdn(pages):
    page = pages["inline"]
    assert page.count(PLOTLYJS) == 1  # the shipped partial bundle, not plotly.py's full one
    assert plotly.offline.get_plotlyjs()[:2000] not in page
    assert "cdn.plot.ly" not in page.replace(PLOTLYJS, "")


def test_cdn_page_loads_plotly_from_cdn(pages):
    assert f'src="{export.cdn_url()}"' in pages["cdn"]
    assert len(pages["cdn"]) < 400_000


def test_fragment_shape_and_namespacing(view, pages):
    frag = pages["fragment"]
    assert "<html" not in frag.lower() and "<!doctype" not in frag.lower()
    assert frag.lstrip().startswith("<script>window.PlotlyGeoAssets")
    assert "if(window.Plotly){draw();}" in frag
    two = view.to_html("fragment") + view.to_html("fragment")
    ids = re.findall(r'class="bl-linked" id="([^"]+)"', two)
    assert len(ids) == 2 and ids[0] != ids[1]


def test_geometry_is_sent_once(pages, view):
    spec = _spec(pages["cdn"])
    pieces = view.traces["pieces"]
    # the page carries the pieces' rings once, as integer steps, and no GeoJSON or line arrays
    assert all("geojson" not in t for t in spec["figures"]["map"]["data"])
    borders = [t for t in spec["figures"]["map"]["data"] if t.get("name") == "region-borders"]
    assert len(borders) == 1 and "lon" not in borders[0]
    encoded = spec["geo"][str(pieces)]["polygons"]
    assert [f[0] for f in encoded] == [f["id"] for f in view.map.data[pieces].geojson["features"]]
    ring = json.dumps(encoded[0][1][0][0], separators=(",", ":"))
    assert pages["cdn"].count(ring[1:-1]) == 1
    # border runs (polygon, ring, first, last) point into the rings and mark some stretch
    n_runs = 0
    for _, polys, runs in encoded:
        for k in range(0, len(runs), 4):
            p, r, first, last = runs[k : k + 4]
            assert 0 <= first < last <= len(polys[p][r]) // 2 - 1
            n_runs += 1
    assert n_runs > 27
    # the page carries status codes as one short string per key date
    assert len(spec["status"]) == len(view.payload["status_dates"])
    assert all(len(s) == len(view.payload["pieces"]) for s in spec["status"])


def test_encoded_rings_round_trip(view):
    """Decoding the steps gives the pieces' coordinates back to 1e-3 degrees."""
    import numpy as np

    from viz.linked import GEO_SCALE, _encode_features

    geojson = view.map.data[view.traces["pieces"]].geojson
    enc = _encode_features(geojson)
    first = geojson["features"][0]["geometry"]
    ring = (
        first["coordinates"][0][0] if first["type"] == "MultiPolygon" else first["coordinates"][0]
    )
    back = np.cumsum(np.array(enc[0][1][0][0]).reshape(-1, 2), axis=0) / GEO_SCALE
    assert np.abs(back[[0, -1]] - np.array(ring)[[0, -1]]).max() <= 0.0005 + 1e-9


def test_unknown_mode(view):
    with pytest.raises(ValueError, match="mode must be one of inline, cdn, fragment"):
        view.to_html("pdf")


def test_regions_need_columns(catalog):
    no_ids = geodata.regions().drop(columns=["id", "iso_3166_2"])
    with pytest.raises(ValueError, match=r"regions lacks an id column .*geodata\.read_regions"):
        viz.linked_view(catalog, regions=no_ids)


def test_events_must_be_a_table():
    with pytest.raises(TypeError, match="events must be a DataFrame"):
        viz.linked_view([{"id": "x"}])


def test_to_html_dispatch(view):
    assert viz.to_html(view, "fragment").count('class="bl-linked"') == 1


@pytest.fixture(scope="module")
def hostile(catalog):
    df = catalog.copy()
    i = df.index[df["date_lo"] >= pd.Timestamp("2022-01-01")][0]
    df.at[i, "title"] = HOSTILE_TITLE
    df.at[i, "summary"] = HOSTILE_SUMMARY
    df.at[i, "sources"] = [
        {
            "title": "<b>bold</b>",
            "publisher": "x",
            "url": "javascript:alert(1)",
            "date": "2024-01-01",
        },
        {
            "title": "ok",
            "publisher": "y",
            "url": "https://example.org/a?b=<c>",
            "date": "2024-01-01",
        },
    ]
    return df, df.at[i, "id"]


def test_hostile_text_only_escaped(hostile):
    df, eid = hostile
    view = viz.linked_view(df)
    for mode in ("inline", "fragment"):
        page = view.to_html(mode)
        body = page.replace(PLOTLYJS, "")
        assert HOSTILE_TITLE not in body
        assert "<img src=x" not in body
        assert "\u2028" not in body
        assert "javascript:alert" not in body
        assert "<b>bold</b>" not in body
        assert body.count("</script>") == body.count("<script")
    rec = view.payload["events"][eid]
    assert rec["title"] == HOSTILE_TITLE  # plain text for textContent, escaped only in transit
    assert [s["url"] for s in rec["sources"]] == ["", "https://example.org/a?b=<c>"]
    spec = _spec(view.to_html("cdn"))
    assert spec["events"][eid]["title"] == HOSTILE_TITLE


def test_linked_html_is_linked_view_to_html(catalog):
    page = viz.linked_html(catalog, mode="fragment")
    assert page.count('class="bl-linked"') == 1
    with pytest.raises(ValueError, match="mode must be one of"):
        viz.linked_html(catalog, mode="svg")


def test_opening_date_and_event():
    cat = events.load_catalog()
    view = viz.linked_view(cat, date="2022-11-20", event="kherson-liberated-2022")
    assert view.payload["start"] == "2022-11-20"
    assert view.payload["event"] == "kherson-liberated-2022"
    with pytest.raises(ValueError, match=r"Value of 'event' is not an event id in events: 'nope'"):
        viz.linked_view(cat, event="nope")
    with pytest.raises(ValueError, match=r"Value of 'date' is not a date: '20/11/2022'"):
        viz.linked_view(cat, date="20/11/2022")
