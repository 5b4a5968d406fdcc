"""The Dash app's callbacks, called as plain functions (no browser)."""

from __future__ import annotations

import base64
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from dash import Patch, no_update
from plotly.utils import PlotlyJSONEncoder

import app
from viz import _appstate as A
from viz import _i18n as T
from viz.app import callbacks
from viz.app import layout as app_layout
from viz.app import server as app_server


@pytest.fixture(scope="module")
def ds():
    return A.dataset()


def inputs(**kw):
    vals = {k: None for k in callbacks.SYNC_INPUTS}
    vals.update(kw)
    return vals


def dumps(obj) -> str:
    """Components (nested) as JSON text, the way Dash sends them."""
    return json.dumps(obj, cls=PlotlyJSONEncoder, ensure_ascii=False)


def data_url(raw: bytes, mime="application/octet-stream") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode()


def test_url_round_trip(ds):
    view = {
        "event": "crimea-annexation-manifesto-1783",
        "category": ["military", "treaty"],
        "region": "UA-43",
        "q": "Kerch bridge",
        "lang": "uk",
    }
    search = A.to_url("2022-09-30", view)
    date, back = A.parse_url(
        search,
        default_date="2024-12-31",
        categories=set(ds.events["category"]),
        event_ids=set(ds.events["id"]),
        region_codes=set(ds.region_area),
    )
    assert date == "2022-09-30"
    assert back == view
    assert A.to_url("2022-09-30", A.default_view()) == "?date=2022-09-30"


def test_url_drops_bad_values(ds):
    date, view = A.parse_url(
        "?date=2022-13-45&event=nope&category=bogus,military&lang=xx&region=ZZ-99",
        default_date="2024-12-31",
        categories=set(ds.events["category"]),
        event_ids=set(ds.events["id"]),
        region_codes=set(ds.region_area),
    )
    assert date == "2024-12-31"
    assert view == {**A.default_view(), "category": ["military"]}


def test_first_call_reads_the_url():
    out = callbacks.sync_state(
        "session-data",
        inputs(**{"url.search": "?date=2022-09-30&lang=uk"}),
        None,
        None,
        False,
        None,
    )
    assert out["date"] == "2022-09-30"
    assert out["view"]["lang"] == "uk"
    assert out["lang"] == "uk"
    assert out["search"] is no_update  # reading the URL does not push a new history entry


def test_slider_position_to_date(ds):
    # the reducer defines what a slider position means; the browser's onDate is checked
    # against it (test_app_browser.py::test_browser_date_engine_matches_the_server)
    pos = A.day_to_pos("2022-03-01", ds.axis)
    date, view, _ = A.reduce("slider", pos, "2022-09-30", A.default_view(), ds)
    assert abs((A.pd.Timestamp(date) - A.pd.Timestamp("2022-03-01")).days) <= 3
    assert view == A.default_view()


def test_date_change_returns_patch_without_geometry(ds):
    patch = callbacks.update_map("2022-03-01", A.default_view(), None)
    assert isinstance(patch, Patch)
    ops = patch.to_plotly_json()["operations"]
    paths = [tuple(op["location"]) for op in ops]
    assert ("data", A.MAP_PIECES, "z") in paths
    flat = json.dumps(ops)
    assert "geojson" not in flat and "coordinates" not in flat and "locations" not in flat
    assert len(flat) < 20_000
    z_2022 = next(
        op["params"]["value"] for op in ops if tuple(op["location"]) == ("data", A.MAP_PIECES, "z")
    )
    z_2010 = next(
        op["params"]["value"]
        for op in callbacks.update_map("2010-01-01", A.default_view(), None).to_plotly_json()[
            "operations"
        ]
        if tuple(op["location"]) == ("data", A.MAP_PIECES, "z")
    )
    assert z_2022 != z_2010
    from viz.figures.territory_map import STATUS_CODES

    assert set(z_2010) == {STATUS_CODES["no_data"]}  # before 2014: no control data, not "held"


def test_event_click_sets_date_places_detail(ds):
    eid = "crimea-annexation-manifesto-1783"
    click = {"points": [{"customdata": eid, "curveNumber": 0}]}
    out = callbacks.sync_state(
        "g-timeline",
        inputs(**{"g-timeline.clickData": click}),
        "2022-09-30",
        A.default_view(),
        False,
        None,
    )
    assert out["date"] == "1783-04-19"
    assert out["view"]["event"] == eid
    assert "event=" + eid in out["search"]
    ops = out["map"].to_plotly_json()["operations"]
    widths = next(
        op["params"]["value"]
        for op in ops
        if tuple(op["location"]) == ("data", A.MAP_REGIONS, "marker", "line", "width")
    )
    codes = ds.regions["iso_3166_2"].tolist()
    assert widths[codes.index("UA-43")] == 3.0 and widths[codes.index("UA-40")] == 3.0
    assert sorted(set(widths)) == [0.5, 3.0]
    children, hidden = callbacks.update_detail(out["view"], None)
    text = dumps(children)
    assert (
        "Catherine II" in text and "19 April 1783" in text and "8 April 1783" in text
    )  # O.S. date
    assert "https://en.wikipedia.org/" in text
    assert hidden is False


def test_detail_links_only_http(ds, monkeypatch):
    row = ds.events.iloc[0].copy()
    row["sources"] = [
        {"title": "bad", "url": "javascript:alert(1)"},
        {"title": "good", "url": "https://example.org/x"},
    ]
    fake = A.Dataset(**{**ds.__dict__, "events": ds.events.iloc[0:0].__class__([row])})
    children = app_layout.detail_children(fake, {**A.default_view(), "event": row["id"]})
    links = dumps(children).split('"href": ')[1:]
    assert len(links) == 1 and links[0].startswith('"https://example.org/x"')
    assert "no web link" in dumps(children)  # the bad source is named, not linked


def test_region_click_filters_then_clears(ds):
    click = {"points": [{"location": "UA-43", "customdata": "UA-43", "curveNumber": A.MAP_REGIONS}]}
    view = A.default_view()
    out = callbacks.sync_state(
        "g-map", inputs(**{"g-map.clickData": click}), "2022-09-30", view, False, None
    )
    assert out["view"]["region"] == "UA-43"
    assert out["region"] == "UA-43"  # the dropdown follows
    assert "region=UA-43" in out["search"]
    fig, meta = app_layout.timeline_figure(ds, "2022-09-30", out["view"])
    shown = {
        i
        for tr in fig["data"]
        for i in (tr.get("customdata") if tr.get("customdata") is not None else [])
    }
    crimea = set(A.filter_events(ds.events, out["view"])["id"])
    assert shown == crimea and 0 < len(crimea) < len(ds.events)
    again = callbacks.sync_state(
        "g-map",
        inputs(**{"g-map.clickData": click, "f-region.value": "UA-43"}),
        "2022-09-30",
        out["view"],
        False,
        None,
    )
    assert again["view"]["region"] is None
    assert again["region"] is None


def test_step_buttons(ds):
    out = callbacks.sync_state(
        "btn-next-event",
        inputs(**{"btn-next-event.n_clicks": 1}),
        "2022-02-23",
        A.default_view(),
        False,
        None,
    )
    assert out["date"] >= "2022-02-24" and out["view"]["event"]
    date, _, _ = A.reduce("prev-month", 1, "2022-03-31", A.default_view(), ds)
    assert date == "2022-02-28"
    nothing = callbacks.sync_state(
        "btn-next-event",
        inputs(**{"btn-next-event.n_clicks": 0}),
        "2022-03-31",
        A.default_view(),
        False,
        None,
    )
    assert all(v is no_update for v in nothing.values())


def test_bad_events_upload_returns_message():
    bad = b"- id: x\n  title: ''\n  start: '2022-13-01'\n  category: [not, text]\n"
    payload, msg = callbacks.upload(
        "upload-events", data_url(bad), "mine.yaml", None, None, "replace", None, "en"
    )
    assert payload is no_update
    text = dumps(msg)
    assert "mine.yaml could not be used" in text
    assert (
        "row 1" in text and "'category'" in text and "'start'" in text
    )  # every problem, with its place
    assert "Traceback" not in text


def test_bad_upload_suffix_and_size():
    _, msg = callbacks.upload(
        "upload-events", data_url(b"hello"), "notes.txt", None, None, "replace", None, "en"
    )
    assert "unknown file type" in dumps(msg)
    res = A.handle_upload(
        "events", data_url(b"x" * (A.MAX_UPLOAD_BYTES + 10)), "big.csv", "replace", None
    )
    assert not res.ok and "limit is 10 MB" in res.message


def test_zip_slip_is_refused(tmp_path, monkeypatch):
    # The upload is extracted under tmp_path: nothing may land outside its own temp folder,
    # and the temp folder is gone afterwards.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []
    real = tempfile.TemporaryDirectory

    class Recorded(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(Path(self.name))

    monkeypatch.setattr(tempfile, "TemporaryDirectory", Recorded)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok.geojson", "{}")
        zf.writestr("../evil.geojson", "{}")
    res = A.handle_upload("control", data_url(buf.getvalue()), "archive.zip", "replace", None)
    assert not res.ok and any("'..' component" in p and "refusing" in p for p in res.problems)
    assert made and all(p.parent == tmp_path for p in made)  # it really extracted here
    assert list(tmp_path.rglob("*")) == []  # no evil.geojson, no ok.geojson, no folder left


def test_good_events_upload_replaces_and_joins(ds):
    csv = (
        b"id,title,start,category,places,summary,source_title,source_url\n"
        b"my-event,My event,2023-05-01,military,UA-14,Something happened,A report,https://example.org/r\n"
    )
    payload, msg = callbacks.upload(
        "upload-events", data_url(csv), "mine.csv", None, None, "replace", None, "en"
    )
    assert set(payload) == {"ref", "names"} and payload["names"] == {"events": "mine.csv"}
    assert A.stored(payload).parts["events"]["mode"] == "replace"  # kept on the server
    assert "Loaded 1 events" in dumps(msg)
    assert list(A.dataset(payload).events["id"]) == ["my-event"]
    joined, _ = callbacks.upload(
        "upload-events", data_url(csv), "mine.csv", None, None, "join", None, "en"
    )
    assert len(A.dataset(joined).events) == len(ds.events) + 1
    out = callbacks.sync_state(
        "session-data",
        inputs(**{"session-data.data": payload}),
        "2022-09-30",
        {**A.default_view(), "event": "crimea-annexation-manifesto-1783"},
        False,
        payload,
    )
    assert out["view"]["event"] is None  # the selected event is not in the new data


def test_control_upload(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[37.0, 47.0], [38.0, 47.0], [38.0, 48.0], [37.0, 48.0], [37.0, 47.0]]]
            ],
        },
    }
    raw = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    res = A.handle_upload(
        "control", data_url(raw), "deepstatemap_data_20230101.geojson", "replace", None
    )
    assert res.ok, res.problems
    d = A.dataset(res.payload)
    assert "occupied" in set(d.statuses.iloc[-1].dropna())


def test_lang_toggle_changes_strings():
    out = callbacks.sync_state(
        "btn-lang", inputs(**{"btn-lang.n_clicks": 1}), "2022-09-30", A.default_view(), False, None
    )
    assert out["lang"] == "uk" and "lang=uk" in out["search"]
    en = callbacks.update_strings("en", True, None)
    uk = callbacks.update_strings("uk", True, None)
    i = [t for _, _, t in callbacks.STRING_TARGETS].index("subtitle")
    assert en[i] != uk[i] and "Війна" in uk[i]
    assert {o["label"] for o in uk[-2]} >= {"Автономна Республіка Крим"} or any(
        "Крим" in o["label"] for o in uk[-2]
    )
    assert T.format_day("2022-09-30", "uk") == "30 вересня 2022"
    assert T.format_day("2022-09-30", "en") == "30 September 2022"
    patch = callbacks.update_map(
        "2022-09-30", {**A.default_view(), "lang": "uk"}, None
    ).to_plotly_json()["operations"]
    assert any("Окуповано" in json.dumps(op, ensure_ascii=False) for op in patch)


def test_export_html_and_linked(ds):
    data, status = callbacks.export_view(
        "html", "2022-09-30", {**A.default_view(), "event": ds.events["id"].iloc[-1]}, None
    )
    assert data["filename"] == "borderlines-map-2022-09-30.html"
    assert data["content"].startswith("<!DOCTYPE html>")
    assert "2022-09-30" in status


def test_create_app_with_other_data(ds):
    small = ds.events.iloc[:5]
    other = app.create_app(small)
    assert other.server is not app.server
    own = A.dataset(None, f"app-{app_server.UNIQUE}")  # what the other app's callbacks draw from
    assert list(own.events["id"]) == list(small["id"])
    assert len(A.dataset(None).events) == len(ds.events)  # the first app keeps its data
    table = dumps(other.layout)
    assert small["title"].iloc[0] in table and ds.events["title"].iloc[-1] not in table


def test_control_zip_upload_is_read(tmp_path):
    folder = Path(__file__).parent / "fixtures" / "control" / "deepstate"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.glob("*.geojson")):
            zf.write(f, f"deepstate/{f.name}")
    res = A.handle_upload("control", data_url(buf.getvalue()), "archive.zip", "replace", None)
    assert res.ok, res.problems
    kept = A.stored(res.payload).parts["control"]["geojson"]["features"]
    dates = {f["properties"]["date"] for f in kept}
    assert dates == {"2022-03-01", "2023-01-15"}


def test_an_archive_of_ukraine_is_drawn_as_the_built_in_data_and_joins_cleanly():
    # an ISW file over the built-in regions: Ukraine's statuses and words, in both modes; in
    # join mode the upload takes over on its first date (no built-in area carried along)
    import geodata
    import viz

    folder = Path(__file__).parent / "fixtures" / "control" / "isw-layers"
    upload = geodata.read_control(sorted(folder.glob("*.geojson"))[0], progress=False)
    first = A.iso(upload["date"].min())
    joined = A._join_control(upload)
    for control in (upload, joined):
        ds = A.build_dataset(None, control)
        assert ds.builtin and ds.axis.compressed  # (the axis used to fail for uploads)
        assert "Russian-held" in " ".join(A.map_state(ds, first, A.default_view())["text"])
    drawn = geodata.control_at(first, joined)
    assert len(drawn) == (upload["date"] == upload["date"].min()).sum()
    before = A.iso(A.pd.Timestamp(first) - A.pd.Timedelta(days=30))
    credit = viz.territory_map(before, control=joined).layout.annotations[0].text
    assert credit.startswith("Control: Borderlines built-in series")  # not credited to ISW
    assert viz.territory_map(first, control=joined).layout.annotations[0].text == "Control: isw."


def test_responses_are_compressed():
    # the first visit stays under 1 MB on the wire (benchmarks/bench_app_transfer.py)
    client = app.app.server.test_client()
    page = client.get("/", headers={"Accept-Encoding": "identity"})
    assert page.status_code == 200
    src = re.search(r'src="([^"]*_borderlines/plotly\.min\.js[^"]*)"', page.get_data(as_text=True))
    assert src, "the partial plotly.js is served by the app"
    js = client.get(src.group(1), headers={"Accept-Encoding": "gzip"})
    assert js.status_code == 200 and js.headers.get("Content-Encoding") == "gzip"
    raw = client.get(src.group(1), headers={"Accept-Encoding": "identity"})
    assert len(js.get_data()) < len(raw.get_data()) / 2
    assert "max-age=31536000" in js.headers.get("Cache-Control", "")
