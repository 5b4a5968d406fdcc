"""TimelineJS in and out: the Google-Sheet CSV export and the TimelineJS JSON format.

TimelineJS columns map onto the schema like this: Year/Month/Day -> ``start`` (a row with only a
Year is year precision), End Year/Month/Day -> ``end``, Headline -> ``title``, Text -> ``summary``
(HTML tags removed: the text is treated as untrusted plain text), Media + Media Credit + Media
Caption -> the first source, Group -> ``category``. Rows of Type ``title`` and ``era`` are not
events: they are kept in ``df.attrs["title"]`` and ``df.attrs["eras"]``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from ._dates import parse_date
from ._errors import EventValidationError, Problem
from ._io import _csv_rows, _json_load, atomic_write, read_text
from ._schema import CATEGORIES, normalize_category, normalize_records

TJS_COLUMNS = [
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
]
EXTRA_COLUMNS = ["ID", "Places"]


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def plain_text(value: object) -> str:
    """Strip HTML tags (and script/style bodies) from TimelineJS text; collapse whitespace."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    parser = _TextOnly()
    parser.feed(str(value))
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60].strip("-") or "event"


_NUMBER = re.compile(r"-?[0-9]{1,9}")  # ASCII only: int() rejects "²" and 5,000-digit text


def _date(year, month, day) -> str | None:
    parts = [str(x).strip() for x in (year, month, day)]
    y, m, d = parts
    if not y:
        return None
    if not _NUMBER.fullmatch(y):
        return y  # let validation report it with the allowed forms
    out = f"{int(y):04d}"
    if m:
        out += f"-{int(m):02d}" if _NUMBER.fullmatch(m) else f"-{m}"
        if d:
            out += f"-{int(d):02d}" if _NUMBER.fullmatch(d) else f"-{d}"
    elif d:
        out += f"--{d}"  # a day without a month: invalid, reported by validation
    return out


def _event(row: dict, name: str, line: int, category_map, default_category, problems):
    group = (row.get("group") or "").strip()
    category = None
    if group:
        category = (category_map or {}).get(group) or normalize_category(group) or group
    elif default_category:
        category = default_category
    else:
        problems.append(
            Problem(
                "timelinejs-group",
                f"the Group column is empty; set it to one of {', '.join(CATEGORIES)} "
                "or pass default_category=",
                name,
                line,
                field="Group",
            )
        )
    headline = plain_text(row.get("headline"))
    sources = []
    url = (row.get("media") or "").strip()
    if url:
        sources.append(
            {
                "title": plain_text(row.get("caption")) or headline,
                "publisher": plain_text(row.get("credit")),
                "url": url,
            }
        )
    places = []
    for item in (row.get("places") or "").split(";"):
        item = item.strip()
        if item:
            from ._io import _csv_place

            places.append(_csv_place(item))
    return {
        "id": (row.get("id") or "").strip() or None,
        "title": headline,
        "start": row.get("start"),
        "end": row.get("end"),
        "category": category,
        "summary": plain_text(row.get("text")),
        "sources": sources,
        "places": places,
    }


def _finish(events, rows, name, problems):
    if problems:
        raise EventValidationError(problems)
    used = {e["id"] for e in events if e["id"]}
    for e in events:
        if not e["id"]:
            base = _slug(e["title"] or "event")
            year = str(e["start"] or "")[:4]
            cand = f"{base}-{year}" if year and not base.endswith(year) else base
            n, eid = 2, cand
            while eid in used:
                eid, n = f"{cand}-{n}", n + 1
            used.add(eid)
            e["id"] = eid
    return events, rows


def timelinejs_csv_records(header, text, name, category_map=None, default_category=None, meta=None):
    """Schema records (and their line numbers) from the text of a TimelineJS sheet CSV."""
    header, rows = _csv_rows(text, name)
    missing = [c for c in ("Year", "Headline") if c not in header]
    if missing:
        raise EventValidationError(
            [Problem("timelinejs-columns", f"not a TimelineJS sheet: no {missing} column", name, 1)]
        )
    events, lines, problems = [], [], []
    meta = meta if meta is not None else {}
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problems.append(
                Problem(
                    "csv-ragged",
                    f"has {len(values)} cells but the header has {len(header)}",
                    name,
                    line,
                )
            )
            continue
        c = dict(zip(header, values + [""] * (len(header) - len(values)), strict=True))
        kind = c.get("Type", "").strip().lower()
        start = _date(c.get("Year", ""), c.get("Month", ""), c.get("Day", ""))
        end = _date(c.get("End Year", ""), c.get("End Month", ""), c.get("End Day", ""))
        if kind == "title":
            meta["title"] = plain_text(c.get("Headline"))
            continue
        if kind == "era":
            meta.setdefault("eras", []).append(
                {"title": plain_text(c.get("Headline")), "start": start, "end": end}
            )
            continue
        if (
            start
            and re.fullmatch(r"\d{3}0", start)
            and c.get("Display Date", "").strip() == f"{start}s"
        ):
            start = f"{start}s"
        row = {
            "id": c.get("ID", ""),
            "start": start,
            "end": end,
            "headline": c.get("Headline", ""),
            "text": c.get("Text", ""),
            "media": c.get("Media", ""),
            "credit": c.get("Media Credit", ""),
            "caption": c.get("Media Caption", ""),
            "group": c.get("Group", ""),
            "places": c.get("Places", ""),
        }
        events.append(_event(row, name, line, category_map, default_category, problems))
        lines.append(line)
    return _finish(events, lines, name, problems)


def _obj(value) -> dict:
    """A TimelineJS JSON object member, or {} when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


def _tjs_date(d):
    if not isinstance(d, dict):
        return None
    return _date(d.get("year", ""), d.get("month", ""), d.get("day", ""))


def timelinejs_records(data, name, category_map=None, default_category=None, meta=None):
    """Schema records from parsed TimelineJS JSON (``{"title": ..., "events": [...]}``)."""
    meta = meta if meta is not None else {}
    if isinstance(data.get("title"), dict):
        meta["title"] = plain_text(_obj(data["title"].get("text")).get("headline"))
    if isinstance(data.get("eras"), list):
        meta["eras"] = [
            {
                "title": plain_text(_obj(e.get("text")).get("headline")),
                "start": _tjs_date(e.get("start_date")),
                "end": _tjs_date(e.get("end_date")),
            }
            for e in data["eras"]
            if isinstance(e, dict)
        ]
    events, rows, problems = [], [], []
    for i, e in enumerate(data["events"], 1):
        if not isinstance(e, dict):
            problems.append(
                Problem(
                    "not-a-record",
                    "each TimelineJS event must be an object",
                    name,
                    i,
                    value=e,
                    has_value=True,
                )
            )
            continue
        text, media = _obj(e.get("text")), _obj(e.get("media"))
        start = _tjs_date(e.get("start_date"))
        if (
            start
            and re.fullmatch(r"\d{3}0", start)
            and str(e.get("display_date", "")).strip() == f"{start}s"
        ):
            start = f"{start}s"
        row = {
            "id": e.get("unique_id", ""),
            "start": start,
            "end": _tjs_date(e.get("end_date")),
            "headline": text.get("headline", ""),
            "text": text.get("text", ""),
            "media": media.get("url", ""),
            "credit": media.get("credit", ""),
            "caption": media.get("caption", ""),
            "group": e.get("group", ""),
            "places": e.get("places", ""),
        }
        # Any JSON value may stand where text is expected; validation judges its text.
        row = {k: v if v is None or isinstance(v, str) else str(v) for k, v in row.items()}
        events.append(_event(row, name, i, category_map, default_category, problems))
        rows.append(i)
    return _finish(events, rows, name, problems)


def read_timelinejs(
    path: str | os.PathLike,
    *,
    category_map: dict[str, str] | None = None,
    default_category: str | None = None,
) -> pd.DataFrame:
    """Read a TimelineJS sheet (CSV export of the Google Sheet) or TimelineJS JSON.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` or ``.json`` file.
    category_map : dict, optional
        Maps Group values to categories, for groups that are not category names already
        (e.g. ``{"Diplomacy": "political"}``).
    default_category : str, optional
        Category for rows whose Group is empty.

    Returns
    -------
    pandas.DataFrame
        The events in the Borderlines schema; ``attrs["title"]`` and ``attrs["eras"]`` keep
        the title slide and eras.

    Raises
    ------
    EventValidationError
        Listing every problem, e.g. an unknown Group or a row without a Media URL (every event
        needs a source URL).
    """
    path = Path(path)
    name, text = read_text(path)
    meta: dict = {}
    if path.suffix.lower() == ".json":
        data = _json_load(text, name)
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise EventValidationError(
                [Problem("not-a-list", "TimelineJS JSON is an object with an 'events' list", name)]
            )
        recs, rows = timelinejs_records(data, name, category_map, default_category, meta)
    elif path.suffix.lower() == ".csv":
        recs, rows = timelinejs_csv_records(None, text, name, category_map, default_category, meta)
    else:
        raise EventValidationError(
            [
                Problem(
                    "file-type",
                    f"unknown TimelineJS file type {path.suffix!r}; allowed: .csv, .json",
                    name,
                )
            ]
        )
    df = normalize_records(recs, file=name, rows=rows)
    df.attrs.update(meta)
    return df


def _parts(iso: str | None):
    if iso is None or pd.isna(iso) or not iso:
        return "", "", ""
    p = parse_date(iso)
    if p.precision == "decade":
        return str(p.year), "", ""
    return str(p.year), str(p.month or ""), str(p.day or "")


def write_timelinejs(
    df: pd.DataFrame, path: str | os.PathLike, *, title: str | None = None
) -> None:
    """Write events as a TimelineJS sheet (``.csv``) or TimelineJS JSON (``.json``), atomically.

    Decades are written as their first year with the decade in Display Date. Two extra columns,
    ``ID`` and ``Places``, keep what TimelineJS has no column for; TimelineJS ignores them.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"cannot write {path.name!r}: TimelineJS files are .csv or .json")
    title = title or df.attrs.get("title")
    rows = []
    for _, r in df.iterrows():
        y, m, d = _parts(r["start"])
        ey, em, ed = _parts(r["end"])
        src = r["sources"][0] if r["sources"] else {}
        places = list(r["places"]) + [f"{p['name']}@{p['lon']},{p['lat']}" for p in r["points"]]
        rows.append(
            {
                "id": r["id"],
                "start": (y, m, d),
                "end": (ey, em, ed),
                "display": r["date_label"] if r["precision"] == "decade" or r["circa"] else "",
                "headline": r["title"],
                "text": html.escape(r["summary"] or ""),
                "media": src.get("url", ""),
                "credit": src.get("publisher", ""),
                "caption": src.get("title", ""),
                "group": CATEGORIES.get(r["category"], r["category"]),
                "places": "; ".join(places),
            }
        )
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(TJS_COLUMNS + EXTRA_COLUMNS)
        if title:
            w.writerow(
                [
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    title,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "title",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        for e in rows:
            w.writerow(
                [*e["start"], "", *e["end"], "", e["display"], e["headline"], e["text"], e["media"],
                 e["credit"], e["caption"], "", "", e["group"], "", e["id"], e["places"]]
            )  # fmt: skip
        atomic_write(path, buf.getvalue())
        return

    def tjs_date(parts):
        keys = ("year", "month", "day")
        return {k: v for k, v in zip(keys, parts, strict=True) if v}

    out = {"events": []}
    if title:
        out["title"] = {"text": {"headline": html.escape(title)}}
    for e in rows:
        ev = {
            "unique_id": e["id"],
            "start_date": tjs_date(e["start"]),
            "text": {"headline": html.escape(e["headline"]), "text": e["text"]},
            "group": e["group"],
        }
        if e["end"][0]:
            ev["end_date"] = tjs_date(e["end"])
        if e["display"]:
            ev["display_date"] = e["display"]
        if e["media"]:
            ev["media"] = {"url": e["media"], "credit": e["credit"], "caption": e["caption"]}
        if e["places"]:
            ev["places"] = e["places"]
        out["events"].append(ev)
    atomic_write(path, json.dumps(out, ensure_ascii=False, indent=1) + "\n")
