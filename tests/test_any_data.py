"""Anyone's data through every view: another country's regions, statuses and events.

The case is Georgia: Natural Earth admin-1 units (``fixtures/regions``), a plain control
series with statuses of its own, "separatist_held" and "buffer" (``fixtures/control/plain``,
shapes made up for tests), and four events of August-October 2008 with categories that are not
the built-in vocabulary. Nothing drawn from them may speak of Ukraine.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder

import events
import geodata
import viz
from viz.app import callbacks
from viz.app import server as app_server
from viz.cli import main

FIX = Path(__file__).parent / "fixtures"
REGIONS = FIX / "regions" / "georgia_regions.geojson"
SERIES = FIX / "control" / "plain" / "georgia_series.geojson"
EVENTS = FIX / "events" / "georgia_2008.yaml"


@pytest.fixture(scope="module")
def georgia():
    return (
        events.load_catalog(EVENTS),
        geodata.read_series(SERIES),
        geodata.read_regions(REGIONS),
    )


def dumps(obj) -> str:
    return json.dumps(obj, cls=PlotlyJSONEncoder, ensure_ascii=False)


def legend(fig) -> list[str]:
    return [t.name for t in fig.data if t.showlegend]


# ---------------------------------------------------------------- the map


def test_map_fits_the_regions_and_names_their_statuses(georgia):
    ev, series, regions = georgia
    fig = viz.territory_map("2008-08-15", events=ev, control=series, regions=regions)
    assert fig.layout.title.text == "Territorial control in Georgia regions as of 15 August 2008"
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    west, south, east, north = regions.total_bounds
    assert lon[0] < west < east < lon[1] and lat[0] < south < north < lat[1]
    assert lon[1] - lon[0] < 1.2 * (east - west) + 0.5  # fitted, not Ukraine's 18.5° view
    statuses = [n for n in legend(fig) if n != "Events"]
    assert statuses == ["Separatist held", "Buffer", "Not in any status"]
    (neighbours,) = [t for t in fig.data if t.name == "neighbours"]
    assert {"RU", "TR", "AM", "AZ"} <= set(neighbours.locations)
    (markers,) = [t for t in fig.data if t.name == "Events"]
    assert set(markers.customdata) == {"war-begins-2008", "ceasefire-2008"}  # up to 15 Aug
    assert "Ukrain" not in dumps(fig)


def test_map_of_a_date_outside_the_series_is_no_data(georgia):
    _, series, regions = georgia
    fig = viz.territory_map("2008-07-01", control=series, regions=regions)
    assert "no control data for 1 July 2008" in fig.layout.title.text
    (territory,) = [t for t in fig.data if t.name == "territory"]
    assert len(territory.z) == 1  # only the land, and it is not "held" by anyone
    assert legend(fig) == ["No control data for this date"]
    assert fig.layout.meta["borderlines"]["covered"] is False


def test_map_between_snapshots_says_which_line_it_shows(georgia):
    _, series, regions = georgia
    fig = viz.territory_map("2008-09-01", control=series, regions=regions)
    assert fig.layout.title.text.endswith("as of 1 September 2008 (line of 15 Aug 2008)")


def test_built_in_map_before_2014_is_no_data():
    fig = viz.territory_map("1856-03-30")
    assert "no control data" in fig.layout.title.text
    assert "Held by Ukraine" not in legend(fig)


def test_neighbours_can_be_left_out(georgia):
    _, series, regions = georgia
    fig = viz.territory_map("2008-08-15", control=series, regions=regions, neighbours=False)
    assert not [t for t in fig.data if t.name == "neighbours"]


# ---------------------------------------------------------------- timeline and area chart


def test_timeline_spans_the_events_with_their_own_lanes(georgia):
    ev, _, _ = georgia
    fig = viz.timeline(ev)
    axis = fig.layout.meta["borderlines"]["axis"]
    assert axis["dates"][0] >= "2008-06-01" and axis["dates"][-1] <= "2009-01-31"
    assert len(axis["dates"]) == 2  # dense in one short span: no focus+context compression
    assert list(fig.layout.yaxis.ticktext) == ["Monitoring", "Recognition", "Diplomacy", "War"]
    assert not [s for s in fig.layout.shapes if (s.name or "").startswith("era-")]
    assert fig.layout.title.text == "Events, 2008"
    assert set(fig.layout.xaxis.ticktext) >= {"Aug 2008", "Sep", "Oct"}


def test_timeline_draws_the_datas_own_eras(georgia):
    ev, _, _ = georgia
    ev = ev.copy()
    ev.attrs["eras"] = [{"start": "2008-08-07", "end": "2008-08-16", "label": "War"}]
    fig = viz.timeline(ev)
    (era,) = [s for s in fig.layout.shapes if (s.name or "").startswith("era-")]
    assert era.x0 < era.x1
    assert "War 2008" in dumps(fig) and "2008–2008" not in dumps(fig)
    eras = [{"start": "2008-09-01", "end": None, "label": "After the war"}]
    fig = viz.timeline(ev, eras=eras)
    assert len([s for s in fig.layout.shapes if (s.name or "").startswith("era-")]) == 1
    with pytest.raises(ValueError, match=r"eras row 1: start and end must be dates"):
        viz.timeline(ev, eras=[{"start": "soon", "label": "x"}])


def test_timeline_without_categories_is_one_lane():
    ev = events.validate(
        [{"id": f"e{i}", "title": f"Event {i}", "start": f"19{50 + i}"} for i in range(5)]
    )
    fig = viz.timeline(ev)
    assert list(fig.layout.yaxis.ticktext) == [""]
    assert "No source given" in dumps(fig)


def test_area_chart_stacks_the_held_statuses_of_the_scheme(georgia):
    _, series, regions = georgia
    scheme = geodata.status_scheme(series)
    table = geodata.area_series(series, None, regions, scheme=scheme)
    fig = viz.area_chart(table, regions=regions, scheme=scheme)
    assert [t.name for t in fig.data] == ["Separatist held"]
    assert fig.layout.yaxis.title.text == "% of Georgia regions"
    assert fig.layout.title.text == "Share of Georgia regions held"
    assert 15 < max(fig.data[0].y) < 25
    assert "Ukrain" not in dumps(fig)


# ---------------------------------------------------------------- the linked page


def test_linked_page_of_another_country(georgia):
    ev, series, regions = georgia
    view = viz.linked_view(ev, series, regions)
    p = view.payload
    assert set(p["pieces"]) <= set(regions["id"])
    assert "Separatist held" in p["labels"] and "No control data for this date" in p["labels"]
    assert p["steps"][0] == "2008-08-01" and p["status_dates"] == [
        "2008-08-01",
        "2008-08-15",
        "2008-10-10",
    ]
    assert view.title == "Territory and events"
    html = view.to_html("fragment")
    assert "Ukrain" not in html and "Georgia regions" in html


# ---------------------------------------------------------------- the app


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


def test_app_on_another_country(georgia):
    import app
    from viz import _appstate as A

    ev, series, regions = georgia
    other = app.create_app(ev, series, regions)
    ds = A.dataset(None, f"app-{app_server.UNIQUE}")
    assert ds.place == "Georgia regions" and not ds.builtin
    page = dumps(other.layout)  # "Ukrainian" stays: the language toggle
    assert "Ukraine" not in page and "України" not in page and "Georgia regions" in page
    assert "Events and territorial control" in page
    fig = A.build_map(ds, "2008-08-15", A.default_view())
    assert fig.layout.geo.lonaxis.range[1] < 50  # Georgia's view
    state = A.map_state(ds, "2008-08-15", A.default_view())
    codes = ds.status_codes
    assert {codes["separatist_held"], codes["buffer"]} <= set(state["z"])
    assert state["title"] == "Territorial control in Georgia regions as of 15 August 2008"
    assert A.map_state(ds, "2008-07-01", A.default_view())["z"] == [codes["no_data"]] * len(
        ds.pieces
    )
    data, status = callbacks.export_view(
        "html", "2008-08-15", None, None, base=f"app-{app_server.UNIQUE}"
    )
    assert status.startswith("Export ready")
    figure = data["content"].rsplit("var spec=", 1)[1]  # the figure, not plotly.js itself
    assert "Georgia regions" in figure and "Ukraine" not in figure


def test_app_regions_upload(georgia):
    from viz import _appstate as A

    res = A.handle_upload(
        "regions", data_url(REGIONS.read_bytes()), "georgia.geojson", "replace", None
    )
    assert res.ok, res.problems
    ds = A.dataset(res.payload)
    assert sorted(ds.region_ids) == sorted(georgia[2]["id"])
    assert ds.own_regions and A.map_view(ds)["lon"][1] < 50


def test_app_regions_upload_with_duplicate_ids(tmp_path):
    from viz import _appstate as A

    data = json.loads(REGIONS.read_text("utf-8"))
    data["features"][1]["properties"] = dict(data["features"][0]["properties"])
    raw = json.dumps(data).encode()
    res = A.handle_upload("regions", data_url(raw), "dupes.geojson", "replace", None)
    assert not res.ok
    assert any("dupes.geojson" in p and "duplicate-id" in p for p in res.problems), res.problems


# ---------------------------------------------------------------- the command line


def test_cli_figures_and_areas_with_other_data(tmp_path, capsys):
    out = tmp_path / "map.html"
    args = ["--events", str(EVENTS), "--control", str(SERIES), "--regions", str(REGIONS)]
    map_args = ["map", "--date", "2008-08-15", "--out", str(out), "--mode", "fragment"]
    assert main([*map_args, *args]) == 0
    page = out.read_text("utf-8")
    assert "Georgia regions" in page and "Ukrain" not in page
    assert (
        main(["html", "--out", str(tmp_path / "linked.html"), *args, "--title", "Georgia 2008"])
        == 0
    )
    assert "Georgia 2008" in (tmp_path / "linked.html").read_text("utf-8")
    capsys.readouterr()
    assert main(["areas", str(SERIES), "--regions", str(REGIONS), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date,status,area_km2,share_pct"
    assert any(line.startswith("2008-08-15,buffer,") for line in lines)


def test_projected_regions_are_reprojected_before_drawing(georgia):
    _, series, regions = georgia
    metres = regions.to_crs("EPSG:32638")  # UTM 38N: what a national GIS office hands out
    fig = viz.territory_map("2008-08-15", control=series, regions=metres)
    lon = fig.layout.geo.lonaxis.range
    assert 38 < lon[0] < 41 and 46 < lon[1] < 48  # degrees, not metres


def test_app_plain_series_upload_over_uploaded_regions():
    from viz import _appstate as A

    res = A.handle_upload(
        "regions", data_url(REGIONS.read_bytes()), "georgia.geojson", "replace", None
    )
    res = A.handle_upload(
        "control", data_url(SERIES.read_bytes()), "status.geojson", "replace", res.payload
    )
    assert res.ok, res.problems
    ds = A.dataset(res.payload)
    assert not ds.builtin and {"separatist_held", "buffer"} <= set(ds.status_codes)
    title = A.map_title(ds, "2008-09-01", "en")
    assert title == (
        "Territorial control in Georgia as of 1 September 2008 (line of 15 August 2008)"
    )


def test_after_the_series_ends_every_view_says_no_data(georgia):
    from viz import _appstate as A

    ev, series, regions = georgia
    late = events.validate(
        [*events.records(ev), {"id": "late", "title": "Later", "start": "2012-10-01"}]
    )
    view = viz.linked_view(late, series, regions)
    codes = view.payload["status"]
    assert view.payload["start"] == "2012-10-01" and view.payload["status_end"] == "2008-10-10"
    (pieces,) = [t for t in view.map.data if t.name == "pieces"]
    assert set(pieces.z) == {view.payload["held"]}  # opens on "no control data"
    assert codes  # the status vectors themselves are unchanged
    table = geodata.area_series(series, ["2008-08-15", "2012-10-01"], regions)
    assert table.set_index(["date", "status"])["area_km2"].loc["2012-10-01"].isna().all()
    assert table.set_index(["date", "status"])["area_km2"].loc["2008-08-15"].notna().all()
    import app

    app.create_app(late, series, regions)
    ds = A.dataset(None, f"app-{app_server.UNIQUE}")
    assert set(A.map_state(ds, "2012-10-01", A.default_view())["z"]) == {ds.status_codes["no_data"]}
    assert "no control data" in A.map_title(ds, "2012-10-01", "en")


def test_other_regions_without_a_series_never_get_ukraines(georgia):
    from viz import _appstate as A

    ev, _, regions = georgia
    fig = viz.territory_map("2022-06-01", regions=regions)
    assert legend(fig) == ["No control data for this date"]
    assert "Ukraine" not in dumps(fig) and "front_lines" not in dumps(fig)
    view = viz.linked_view(ev, None, regions)
    assert "Held by Ukraine" not in view.payload["labels"]
    assert "Ukraine" not in view.to_html("fragment")
    import app

    app.create_app(ev, None, regions)
    ds = A.dataset(None, f"app-{app_server.UNIQUE}")
    assert "Held by Ukraine" not in [A.legend_label(ds, s, "en") for s in ds.status_codes]


def test_area_chart_defaults_come_from_the_table(georgia):
    _, series, regions = georgia
    table = geodata.area_series(series, None, regions)
    fig = viz.area_chart(table)  # no regions, no scheme: still not Ukraine's
    assert [t.name for t in fig.data] == ["Separatist held"]  # "buffer" is not held
    assert "Ukraine" not in dumps(fig)
    hostile = regions.copy()
    hostile.attrs["label"] = '<a href="https://evil.example">Geo</a>'
    fig = viz.area_chart(table, regions=hostile)
    assert "<a href" not in fig.layout.yaxis.title.text


def test_regions_across_the_antimeridian_get_a_clear_error():
    import geopandas as gpd
    import shapely

    both_sides = gpd.GeoDataFrame(
        {"id": ["east", "west"], "name": ["East", "West"]},
        geometry=[shapely.box(175, 64, 180, 68), shapely.box(-180, 64, -172, 68)],
        crs="EPSG:4326",
    )
    with pytest.raises(ValueError, match=r"across the antimeridian"):
        viz.territory_map("2020-01-01", regions=both_sides)


def test_region_ids_are_kept_as_written_in_the_app():
    from viz import _appstate as A

    codes = {"ქ-1", "tbilisi", "GE-AB"}
    view = A.toggle_region(A.default_view(), "ქ-1")
    assert view["region"] == "ქ-1"  # not upper-cased into an id that does not exist
    assert A.toggle_region(view, "ქ-1")["region"] is None
    for written, found in [
        ("ქ-1", "ქ-1"),
        ("tbilisi", "tbilisi"),
        ("TBILISI", "tbilisi"),
        ("ge-ab", "GE-AB"),
    ]:
        _, view = A.parse_url(f"?region={written}", default_date="2008-08-15", region_codes=codes)
        assert view["region"] == found
    _, view = A.parse_url("?region=nowhere", default_date="2008-08-15", region_codes=codes)
    assert view["region"] is None


def test_cli_map_of_other_regions_draws_no_built_in_events(tmp_path):
    out = tmp_path / "map.html"
    args = ["--control", str(SERIES), "--regions", str(REGIONS), "--mode", "fragment"]
    assert main(["map", "--date", "2008-08-15", "--out", str(out), *args]) == 0
    page = out.read_text("utf-8")
    assert "outside the map" not in page and '"name":"Events"' not in page.replace(" ", "")


def test_a_long_problem_list_is_cut_in_the_message_and_counted_past_the_cap():
    with pytest.raises(events.EventValidationError, match=r"and 4,800 more") as info:
        events.validate([{"id": f"e{i}", "title": "", "start": "2000"} for i in range(5000)])
    assert len(info.value.problems) == 1000 and info.value.more == 4000  # kept, then counted
    assert str(info.value).startswith("5000 problems found")
    assert len(str(info.value).splitlines()) == 202


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("08/10/2008", "bad-date"),  # 8 October or 10 August?
        ("2008", "bad-date"),  # a year is no day
        ("Aug 2008", "bad-date"),
    ],
)
def test_plain_series_dates_are_iso_days(tmp_path, cell, rule):
    path = tmp_path / "series.csv"
    path.write_text(f'date,status,geometry\n{cell},held,"POLYGON((0 0,1 0,1 1,0 0))"\n', "utf-8")
    with pytest.raises(geodata.GeodataError, match=r"series\.csv") as info:
        geodata.read_series(path)
    (problem,) = info.value.problems
    assert (problem.rule, problem.row, problem.field, problem.value) == (rule, 2, "date", cell)


def test_plain_series_keeps_the_day_as_written(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text(
        'date,status,geometry\n2008-08-10T23:30-05:00,held,"POLYGON((0 0,1 0,1 1,0 0))"\n'
    )
    assert str(geodata.read_series(path)["date"].iloc[0].date()) == "2008-08-10"


@pytest.mark.parametrize("status", ["no_data", "held_total", "no_status"])
def test_plain_series_refuses_reserved_status_names(tmp_path, status):
    path = tmp_path / "series.csv"
    path.write_text(f'date,status,geometry\n2008-08-10,{status},"POLYGON((0 0,1 0,1 1,0 0))"\n')
    with pytest.raises(geodata.GeodataError) as info:
        geodata.read_series(path)
    assert [p.rule for p in info.value.problems] == ["reserved-status"]


def test_events_whose_places_are_not_regions_are_counted(georgia):
    ev, series, regions = georgia
    odd = events.validate(
        [
            *events.records(ev),
            {"id": "odd", "title": "Elsewhere", "start": "2008-08-14", "places": ["XX-99"]},
        ]  # fmt: skip
    )
    fig = viz.territory_map("2008-08-15", events=odd, control=series, regions=regions)
    credit = fig.layout.annotations[0].text
    assert "1 event outside the map or its regions not shown." in credit


def test_event_places_can_be_anyones_region_ids():
    moldova = geodata.read_regions(FIX / "regions" / "moldova_regions.geojson")
    some = moldova["id"].iloc[0]  # e.g. "MDA-1613": not an ISO 3166 code
    ev = events.validate([{"id": "a", "title": "Here", "start": "2020-05-01", "places": [some]}])
    assert ev["places"].iloc[0] == [some]
    fig = viz.territory_map("2020-05-01", events=ev, regions=moldova)
    (markers,) = [t for t in fig.data if t.name == "Events"]
    assert list(markers.customdata) == ["a"]


def test_an_archive_like_source_over_other_regions_keeps_its_own_statuses(georgia):
    _, series, regions = georgia
    isw_like = series.assign(source="isw")  # looks like one of Ukraine's archives
    fig = viz.territory_map("2008-08-15", control=isw_like, regions=regions)
    assert "Held by Ukraine" not in legend(fig) and "Separatist held" in legend(fig)
    view = viz.linked_view(events.load_catalog(EVENTS), isw_like, regions)
    assert "Held by Ukraine" not in view.payload["labels"]


def test_a_huge_date_is_refused_at_once_and_a_huge_post_before_it_is_read():
    import app
    from viz import _appstate as A

    # refused by its length, before any parser sees it (dateutil took minutes on this)
    assert A.parse_day("9" * 800_000, "2008-08-15") == "2008-08-15"
    assert A.parse_day("2022-09-30") == "2022-09-30" and A.parse_day("2022") == "2022-01-01"
    assert A.parse_day("30.09.2022", None) is None
    client = app.server.test_client()
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    assert A.MAX_UPLOAD_BYTES * 4 / 3 < limit < 3 * A.MAX_UPLOAD_BYTES
    big = client.post("/_dash-update-component", data=b"x" * (limit + 1),
                      content_type="application/json")  # fmt: skip
    assert big.status_code == 413
