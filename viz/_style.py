"""Colours, labels and fonts shared by every figure.

Palettes follow Okabe and Ito's colour-blind-safe set; the status colours also differ in
lightness, so they stay apart in greyscale print, and print mode adds hatching on top.
"""

from __future__ import annotations

import events
import geodata

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#222222"
MUTED = "#5f5f5f"  # passes WCAG AA on white (6.4:1)
GRID = "#e6e6e6"

# The built-in data's colours live with its vocabulary and its status scheme.
CATEGORY_COLORS = {c.slug: c.color for c in events.BUILTIN_VOCABULARY.categories}
CATEGORY_LABEL = dict(events.CATEGORIES)
FALLBACK_COLORS = [
    "#D55E00",
    "#0072B2",
    "#333333",
    "#CC79A7",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#999999",
]

UKRAINE_HELD = "ukrainian"
STATUS_ORDER = (*geodata.builtin.STATUSES, UKRAINE_HELD)
STATUS_COLORS = {**geodata.builtin.STATUS_COLORS, UKRAINE_HELD: geodata.builtin.BACKGROUND.color}
STATUS_LABELS = {**geodata.STATUS_LABELS, UKRAINE_HELD: "Held by Ukraine"}
# Print mode: hatching angle (degrees) per status; None = no hatching.
STATUS_HATCH = {
    "occupied_before_2022": 45,
    "occupied": -45,
    "claimed": 0,
    "liberated": 90,
    "contested": 45,
    "unknown": None,
    UKRAINE_HELD: None,
}
NEIGHBOUR_FILL = "#E4E4E4"
NEIGHBOUR_LINE = "#FFFFFF"
SEA = "#EEF3F7"
BORDER = "#8A8A8A"

ERAS = (
    # (label, start, end, row) - row 0 is the state, row 1 the war
    ("Russian Empire", "1783-04-19", "1917-11-20", 0),
    ("USSR", "1922-12-30", "1991-08-24", 0),
    ("Independent Ukraine", "1991-08-24", None, 0),
    ("Crimea occupied", "2014-02-27", None, 1),
    ("Full-scale war", "2022-02-24", None, 1),
)
ERA_COLORS = ("#F3EEE4", "#E9EEF4", "#FBF2DA", "#F8E3D6", "#F3D2C1")
BASE_LAYOUT = dict(
    font=dict(family=FONT, size=13, color=INK),
    paper_bgcolor="white",
    plot_bgcolor="white",
    hoverlabel=dict(font=dict(family=FONT, size=12), align="left"),
)


def category_color(value: str, i: int = 0) -> str:
    """The colour of a category (or of the i-th value of any other colour column)."""
    return CATEGORY_COLORS.get(value, FALLBACK_COLORS[i % len(FALLBACK_COLORS)])
