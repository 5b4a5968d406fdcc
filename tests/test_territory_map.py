"""Structure of the territory map and the area chart."""

import pytest
import shapely
from shapely.geometry import shape

import events
import geodata
import viz
from viz import _style as S
from viz.figures.territory_map import STATUS_CODES


@pytest.fixture(scope="module")
def cat():
    return events.load_catalog()


def _trace(fig, name):
    return [t for t in fig.data if t.name == name]


def _statuses(fig):
    (t,) = _trace(fig, "territory")
    inv = {v: k for k, v in STATUS_CODES.items()}
    return [inv[z] for z in t.z]


def test_status_layer_per_date():
    # before the series begins (27 Feb 2014) there is no control data: never "held by" anyone
    before = viz.territory_map("2010-01-01")
    assert _statuses(before) == ["no_data"]
    assert "no control data for 1 January 2010" in before.layout.title.text
    assert [t for t in before.data if t.name == "hatch-no-data"]
    assert set(_statuses(viz.territory_map("2015-06-01"))) == {
        S.UKRAINE_HELD,
        "occupied_before_2022",
    }
    s = set(_statuses(viz.territory_map("2022-10-15")))
    assert {"occupied", "occupied_before_2022", "claimed"} <= s


def test_colour_per_status_is_discrete():
    fig = viz.territory_map("2023-12-31")
    (t,) = _trace(fig, "territory")
    scale = dict((round(v, 6), c) for v, c in t.colorscale)
    n = len(STATUS_CODES)  # the statuses, land held by Ukraine, and "no control data"
    colours = {**S.STATUS_COLORS, "no_data": "#FFFFFF"}
    for status, code in STATUS_CODES.items():
        assert scale[round(code / n, 6)] == colours[status]
    assert t.zmin == 0 and t.zmax == n


def test_rings_are_clockwise_for_plotly():
    fig = viz.territory_map("2022-09-30")
    (t,) = _trace(fig, "territory")
    for feat in t.geojson["features"]:
        geom = shape(feat["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            assert not poly.exterior.is_ccw


def test_thin_ring_stays_valid_on_the_coordinate_grid():
    # a valid ring whose spike rounds onto its own bottom edge: drawn as rounded, the
    # self-intersecting ring made plotly.js fill the whole globe over the other pieces
    from viz._geo import DIGITS, feature_collection

    ring = [(0, 0), (1, 0), (1, 1), (0.60003, 0.00004), (0.4, 0.00005), (0.2, 1)]
    poly = shapely.Polygon(ring)
    rounded = shapely.Polygon([(round(x, DIGITS), round(y, DIGITS)) for x, y in ring])
    assert poly.is_valid and not rounded.is_valid  # the case is the one that broke
    (feat,) = feature_collection([poly], ["a"])["features"]
    drawn = shape(feat["geometry"])
    assert drawn.is_valid
    assert drawn.area == pytest.approx(poly.area, rel=1e-3)
    for part in getattr(drawn, "geoms", [drawn]):
        assert not part.exterior.is_ccw


def test_regions_overlay_carries_codes_and_offline_geo():
    fig = viz.territory_map("2022-09-30")
    (regions,) = _trace(fig, "regions")
    assert sorted(regions.customdata) == sorted(geodata.regions()["iso_3166_2"])
    assert any("Russian-held" in h for h in regions.text)
    geo = fig.layout.geo
    assert geo.visible is False and geo.showland is False
    assert geo.lonaxis.range == (21.9, 40.4)


def test_claims_outlined_and_labelled():
    before = viz.territory_map("2014-01-01")
    assert not _trace(before, "claim-labels")
    after = viz.territory_map("2022-10-15")
    (labels,) = _trace(after, "claim-labels")
    assert sorted(labels.text) == ["Crimea", "Donetsk", "Kherson", "Luhansk", "Zaporizhzhia"]
    (outline,) = _trace(after, "Claimed by Russia's constitution")
    assert outline.line.dash == "dash"


def test_event_markers_within_window(cat):
    fig = viz.territory_map("2023-03-20", events=cat, window_days=30)
    (markers,) = _trace(fig, "Events")
    assert "icc-warrants-putin-lvova-belova-2023" in set(markers.customdata)
    shown = cat.set_index("id").loc[list(markers.customdata)]
    # begun by the date, and not over before the 30-day window
    assert (shown["date_lo"] <= "2023-03-20").all() and (shown["date_hi"] >= "2023-02-18").all()
    assert "full-scale-invasion-2022" not in set(markers.customdata)


def test_selected_places_and_print_mode():
    fig = viz.territory_map("2022-10-15", selected_places=["UA-65"], print_mode=True)
    assert _trace(fig, "selected-places")
    hatch = [t for t in fig.data if (t.name or "").startswith("hatch-")]
    assert {t.name for t in hatch} >= {
        "hatch-occupied",
        "hatch-occupied_before_2022",
        "hatch-claimed",
    }


def test_title_and_credit():
    fig = viz.territory_map("2022-09-30")
    assert fig.layout.title.text == "Territorial control in Ukraine as of 30 September 2022"
    credit = fig.layout.annotations[0].text
    assert "approximate" in credit and "Natural Earth" in credit


def test_legend_lists_statuses_shown():
    fig = viz.territory_map("2022-11-20")
    names = [t.name for t in fig.data if t.showlegend]
    assert S.STATUS_LABELS["occupied"] in names and S.STATUS_LABELS[S.UKRAINE_HELD] in names
    assert S.STATUS_LABELS["unknown"] not in names


def test_kherson_city_status_on_the_map():
    city = shapely.Point(32.600, 46.665)  # Kherson, north of the centre (inside NE's land)

    def status_at(day):
        fig = viz.territory_map(day)
        (t,) = _trace(fig, "territory")
        inv = {v: k for k, v in STATUS_CODES.items()}
        found = [inv[z] for f, z in zip(t.geojson["features"], t.z, strict=True)
                 if f["id"] != "land" and shape(f["geometry"]).contains(city)]  # fmt: skip
        return found[0] if found else S.UKRAINE_HELD

    assert status_at("2022-10-15") == "occupied"
    assert status_at("2022-12-15") in ("liberated", "claimed")


def test_area_chart():
    fig = viz.area_chart(geodata.area_series(), date="2023-01-01")
    assert [t.name for t in fig.data] == [
        S.STATUS_LABELS["occupied_before_2022"],
        S.STATUS_LABELS["occupied"],
    ]
    assert all(t.stackgroup == "held" for t in fig.data)
    top = max(a + b for a, b in zip(fig.data[0].y, fig.data[1].y, strict=True))
    assert 24 < top < 31  # the March 2022 peak, about 27% of Ukraine
    cursor = [s for s in fig.layout.shapes if s.name == "date-cursor"][0]
    assert cursor.visible


def test_area_chart_rejects_other_frames():
    with pytest.raises(ValueError, match=r"series lacks columns .*use geodata.area_series"):
        viz.area_chart(geodata.regions())
