"""geodata.StatusScheme and geodata.status_scheme: statuses with labels, colours and held."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import GeodataError, Status, StatusScheme
from geodata._scheme import FALLBACK_COLORS, GENERIC, looks_held

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / "tests" / "fixtures" / "control" / "plain"

#: Today's colours of the built-in statuses (viz/_style.py STATUS_COLORS).
BUILTIN_COLORS = {
    "occupied_before_2022": "#7F2704",
    "occupied": "#D55E00",
    "claimed": "#F6CFAE",
    "liberated": "#56B4E9",
    "contested": "#CC79A7",
    "unknown": "#B5B5B5",
    "ukrainian": "#FAFAF5",
}


def snapshots(statuses: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"date": pd.to_datetime(["2024-01-01"] * len(statuses)), "status": statuses},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(statuses))],
        crs="EPSG:4326",
    )


def test_builtin_scheme_is_todays_vocabulary():
    scheme = geodata.status_scheme()
    assert scheme is geodata.builtin.SCHEME
    assert scheme.names == geodata.STATUSES
    assert scheme.held == ("occupied_before_2022", "occupied")
    for status in geodata.STATUSES:
        assert scheme.label(status) == geodata.STATUS_LABELS[status]
        assert scheme.color(status) == BUILTIN_COLORS[status]
    assert scheme.background.name == "ukrainian"
    assert scheme.label("ukrainian") == "Held by Ukraine"
    assert scheme.color("ukrainian") == "#FAFAF5" and not scheme.is_held("ukrainian")
    assert scheme.no_data.name == "no_data"
    assert scheme.label("no_data") == "No control data for this date"
    assert scheme.color("no_data") == "#FFFFFF"
    assert [s.order for s in scheme.statuses] == sorted(s.order for s in scheme.statuses)


def test_compatibility_names():
    assert geodata.STATUSES is geodata.builtin.STATUSES
    assert geodata.STATUS_LABELS is geodata.builtin.STATUS_LABELS
    assert geodata.CLAIMS is geodata.builtin.CLAIMS
    assert geodata.UKRAINE_AREA_KM2 == geodata.builtin.UKRAINE_AREA_KM2 == 603_628
    from geodata._control import CLAIMS, CRIMEA_SEIZED, STATUSES  # still importable

    assert (CLAIMS, CRIMEA_SEIZED, STATUSES) == (
        geodata.CLAIMS,
        "2014-02-27",
        geodata.STATUSES,
    )


def test_builtin_data_keeps_the_builtin_scheme():
    assert geodata.status_scheme(geodata.control_series()) == geodata.builtin.SCHEME
    archive = snapshots(["occupied", "contested"]).assign(source="deepstate")
    assert geodata.status_scheme(archive) == geodata.builtin.SCHEME
    # a built-in-data series with a status of its own: the built-in scheme, extended
    extra = snapshots(["occupied", "partisan"]).assign(source="isw")
    scheme = geodata.status_scheme(extra)
    assert scheme.names == (*geodata.STATUSES, "partisan")


def test_generic_scheme_for_anyone_elses_series():
    scheme = geodata.status_scheme(snapshots(["separatist_held", "buffer", "separatist_held"]))
    assert scheme.names == ("separatist_held", "buffer")
    assert scheme.held == ("separatist_held",)
    assert scheme.label("separatist_held") == "Separatist held"
    assert scheme.label("buffer") == "Buffer"
    assert scheme.background.name == "no_status"
    assert scheme.label("no_status") == "Not in any status"
    assert scheme.color("no_status") == "#FAFAF5"
    assert scheme.label("no_data") == "No control data for this date"
    # statuses from the built-in vocabulary do not make a plain series Ukraine's
    plain = geodata.read_series(PLAIN / "squares.geojson")
    assert geodata.status_scheme(plain).background.name == "no_status"
    assert geodata.status_scheme(plain).held == ("occupied",)


def test_held_can_be_given():
    series = snapshots(["separatist_held", "buffer"])
    assert geodata.status_scheme(series, held=["buffer"]).held == ("buffer",)
    assert geodata.status_scheme(series, held=[]).held == ()
    assert geodata.status_scheme(held=["occupied"]).held == ("occupied",)
    with pytest.raises(GeodataError, match=r"'held' names 'occupied', which is not a status") as e:
        geodata.status_scheme(series, held=["occupied"])
    assert e.value.rule == "unknown-status"


@pytest.mark.parametrize(
    ("name", "held"),
    [
        ("occupied", True),
        ("separatist_held", True),
        ("Russian-controlled", True),
        ("annexed", True),
        ("held by rebels", True),
        ("not_held", False),
        ("uncontrolled", False),
        ("buffer", False),
        ("contested", False),
        ("threshold", False),
    ],
)
def test_held_by_name(name, held):
    assert looks_held(name) is held


def test_extend_colours_are_new_and_colour_blind_safe():
    scheme = geodata.status_scheme().extend(["a", "b", "occupied", "c"])
    assert scheme.names == (*geodata.STATUSES, "a", "b", "c")
    assert scheme.label("occupied") == geodata.STATUS_LABELS["occupied"]  # unchanged
    new = [scheme.color(s) for s in ("a", "b", "c")]
    in_use = {c.upper() for c in BUILTIN_COLORS.values()}
    assert len(set(new)) == 3 and not {c.upper() for c in new} & in_use
    assert all(c in FALLBACK_COLORS for c in new)
    # the built-in scheme itself is unchanged (frozen, extend returns a new one)
    assert geodata.status_scheme().names == geodata.STATUSES
    with pytest.raises(dataclasses.FrozenInstanceError):
        scheme.background = scheme.no_data


def test_extend_past_the_palette_repeats_colours():
    many = [f"s{i}" for i in range(len(FALLBACK_COLORS) + 3)]
    scheme = GENERIC.extend(many)
    assert scheme.names == tuple(many)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", scheme.color(s)) for s in many)


def test_unknown_status_and_bad_entries():
    scheme = geodata.status_scheme()
    with pytest.raises(GeodataError, match=r"Status 'buffer' is not in this scheme.*extend") as e:
        scheme.label("buffer")
    assert e.value.rule == "unknown-status"
    assert "buffer" not in scheme and "ukrainian" in scheme and "no_data" in scheme
    with pytest.raises(GeodataError, match=r"colour 'red' is not a '#RRGGBB' colour"):
        Status("x", "X", "red")
    with pytest.raises(GeodataError, match=r"lists status 'x' more than once") as e:
        StatusScheme((Status("x", "X", "#000000"), Status("x", "Y", "#111111")), GENERIC.background)
    assert e.value.rule == "duplicate-status"
    with pytest.raises(GeodataError, match=r"non-empty strings, not 3"):
        scheme.extend([3])
    with pytest.raises(GeodataError, match=r"'series' must be a control series with a 'status'"):
        geodata.status_scheme(pd.DataFrame({"x": [1]}))


def test_status_order_sorts_the_statuses():
    scheme = StatusScheme(
        (Status("b", "B", "#000000", order=2), Status("a", "A", "#111111", held=True, order=1)),
        GENERIC.background,
    )
    assert scheme.names == ("a", "b") and scheme.held == ("a",) and scheme.is_held("a")


def test_geodata_imports_no_plotly_viz_or_events():
    code = (
        "import sys, geodata\n"
        "geodata.read_regions('tests/fixtures/regions/georgia_regions.geojson')\n"
        "geodata.neighbours(regions=geodata.regions())\n"
        "geodata.status_scheme(geodata.read_series("
        "'tests/fixtures/control/plain/squares.csv'))\n"
        "print(sorted(m for m in ('plotly', 'viz', 'events', 'dash') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_public_names_are_exported():
    for name in (
        "read_regions",
        "StatusScheme",
        "Status",
        "status_scheme",
        "coverage",
        "snapshot_at",
        "Problem",
        "SOURCES",
    ):
        assert name in geodata.__all__ and hasattr(geodata, name)
    assert all(hasattr(geodata, name) for name in geodata.__all__)
