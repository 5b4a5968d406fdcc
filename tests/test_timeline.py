"""Structure of the timeline figure."""

from pathlib import Path

import pandas as pd
import pytest

import events
import viz
from viz._axis import DateAxis
from viz._style import CATEGORY_COLORS

FIX = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture(scope="module")
def cat():
    return events.load_catalog()


def _marks(fig):
    return [t for t in fig.data if t.name != "selected"]


def test_every_event_is_one_mark_with_its_id(cat):
    fig = viz.timeline(cat)
    ids = [i for t in _marks(fig) for i in t.customdata]
    assert sorted(ids) == sorted(cat["id"])


def test_lanes_and_colours_per_category(cat):
    fig = viz.timeline(cat)
    for t in _marks(fig):
        cats = set(cat.set_index("id").loc[list(t.customdata), "category"])
        assert len(cats) == 1
        assert t.marker.color == CATEGORY_COLORS[cats.pop()]
    labels = list(fig.layout.yaxis.ticktext)
    assert labels[-1] == "Annexation" and "Treaty / law" in labels


def test_year_precision_is_a_span_not_a_point():
    df = events.load_catalog(FIX / "good.yaml")
    fig = viz.timeline(df)
    bars = [t for t in fig.data if t.type == "bar"]
    span_ids = {i for t in bars for i in t.customdata}
    assert {"famine", "expansion-1780s"} <= span_ids
    points = {i for t in fig.data if t.type == "scatter" for i in t.customdata}
    assert "manifesto-1783" in points and "famine" not in points
    axis = DateAxis(**{k: tuple(pd.Timestamp(d) for d in v) if k == "dates" else tuple(v)
                       for k, v in fig.layout.meta["borderlines"]["axis"].items()})  # fmt: skip
    (famine,) = [
        (b, x)
        for t in bars
        for b, x, i in zip(t.base, t.x, t.customdata, strict=True)
        if i == "famine"
    ]
    assert famine[0] == pytest.approx(axis.to_x(pd.Timestamp("1932-01-01")))
    # the bar covers both years (at least; very short spans get a minimum visible width)
    assert famine[0] + famine[1] >= axis.to_x(pd.Timestamp("1934-01-01")) - 1e-9


def test_hover_has_title_date_os_summary_source(cat):
    fig = viz.timeline(cat)
    texts = {i: h for t in _marks(fig) for i, h in zip(t.customdata, t.hovertext, strict=True)}
    h = texts["crimea-annexation-manifesto-1783"]
    assert "19 April 1783 (O.S. 1783-04-08)" in h
    assert "<b>Catherine II" in h and "Source: Wikipedia" in h


def test_focus_context_axis(cat):
    fig = viz.timeline(cat)
    axis = fig.layout.meta["borderlines"]["axis"]
    assert axis["dates"][-2] == "2014-01-01"
    assert axis["xs"][-2] == pytest.approx(0.28)
    ticks = list(fig.layout.xaxis.ticktext)
    assert "1800" in ticks and "2014" in ticks and "2022" in ticks
    # tick labels at least 48 px apart at 1200 px: none overlaps another
    vals = sorted(fig.layout.xaxis.tickvals)
    plot_px = 1200 - fig.layout.margin.l - fig.layout.margin.r
    assert min(b - a for a, b in zip(vals, vals[1:], strict=False)) * plot_px >= 47.9


def test_linear_axis_when_no_focus(cat):
    fig = viz.timeline(cat, focus=None)
    assert fig.layout.meta["borderlines"]["axis"]["xs"] == [0.0, 1.0]


def test_cursor_selected_and_highlight(cat):
    fig = viz.timeline(cat, date="2022-09-30", selected="annexation-treaties-2022",
                       highlight={"annexation-treaties-2022"})  # fmt: skip
    cursor = [s for s in fig.layout.shapes if s.name == "date-cursor"][0]
    assert cursor.visible and cursor.x0 == cursor.x1 > 0.8
    assert any(
        t.name == "selected" and list(t.customdata) == ["annexation-treaties-2022"]
        for t in fig.data
    )
    faded = [o for t in _marks(fig) for o in t.marker.opacity]
    assert min(faded) == pytest.approx(0.18) and max(faded) == pytest.approx(0.95)


def test_era_bands(cat):
    fig = viz.timeline(cat)
    eras = [s for s in fig.layout.shapes if (s.name or "").startswith("era-")]
    assert len(eras) == 5
    texts = [a.text for a in fig.layout.annotations]
    assert "Independent Ukraine since 1991" in texts and "Full-scale war since 2022" in texts


def test_escapes_hostile_text():
    df = events.validate(
        [{"id": "x", "title": "<img src=x onerror=alert(1)>", "start": "2022-01-01", "category": "political",
          "summary": "</script><script>alert(1)</script>",
          "sources": [{"title": "t", "publisher": "<b>p</b>", "url": "https://example.org"}]}]
    )  # fmt: skip
    fig = viz.timeline(df)
    h = fig.data[0].hovertext[0]
    assert "<img" not in h and "&lt;img src=x" in h
    assert "<script>" not in h and "<b>p</b>" not in h


def test_bad_input():
    with pytest.raises(TypeError, match=r"events must be a DataFrame"):
        viz.timeline([1, 2])
    with pytest.raises(ValueError, match=r"Value of 'color' is not a column of events: 'colour'"):
        viz.timeline(events.load_catalog(FIX / "good.yaml"), color="colour")
