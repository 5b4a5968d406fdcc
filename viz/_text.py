"""Text from data, made safe for plotly labels and HTML.

Event texts are untrusted (they come from other people's spreadsheets). Plotly renders a small
subset of HTML in hover labels and titles, so every piece of data is escaped first and only the
tags this module adds itself (<b>, <br>, <i>) reach the browser.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata

_BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(value: object) -> str:
    """Plain text: no control, bidi-override or zero-width characters."""
    if value is None:
        return ""
    text = _BIDI_AND_INVISIBLE.sub("", str(value))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def _escape(text: str) -> str:
    # plotly.js decodes numeric entities but not &quot;, which would show as typed
    return html.escape(text, quote=True).replace("&quot;", "&#34;")


def esc(value: object) -> str:
    """Escape data for a plotly label or HTML text (or attribute)."""
    return _escape(clean(value))


def wrap(value: object, width: int = 60, max_lines: int = 6) -> str:
    """Escape and wrap text into ``<br>``-separated lines for a hover label."""
    lines = textwrap.wrap(clean(value), width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;") + " …"
    return "<br>".join(_escape(line) for line in lines)


def event_hover(row) -> str:
    """Hover label of one event: title, date as precise as known, O.S. date, summary, sources."""
    parts = [f"<b>{wrap(row['title'], 60, 2)}</b>", esc(row["date_label"])]
    if isinstance(row.get("start_os"), str) and row["start_os"]:
        parts[-1] += f" (O.S. {esc(row['start_os'])})"
    if row.get("earliest") and isinstance(row["earliest"], str):
        parts.append(
            f"<i>date uncertain: between {esc(row['earliest'])} and {esc(row['latest'])}</i>"
        )
    if row.get("summary"):
        parts.append(wrap(row["summary"], 64, 5))
    srcs = row.get("sources")
    srcs = [] if srcs is None or (isinstance(srcs, float) and srcs != srcs) else list(srcs)
    if len(srcs):
        names = "; ".join(esc(s.get("publisher") or s.get("title")) for s in srcs[:3])
        parts.append(f"<i>Source: {names}</i>")
    else:
        parts.append(f"<i>{NO_SOURCE}</i>")
    return "<br>".join(parts)


#: What hovers and panels say of an event without a source (user data may have none).
NO_SOURCE = "No source given"
