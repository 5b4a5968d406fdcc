"""TimelineJS in and out: the Google-Sheet CSV export and the TimelineJS JSON format.

TimelineJS's own sample sheet loads unchanged. Columns map onto the schema like this:

- Year/Month/Day -> ``start`` (a row with only a Year is year precision; Year 1780 with the
  Display Date "1780s" is a decade), End Year/Month/Day -> ``end``, Time and End Time ->
  ``time`` and ``end_time`` (``hour``/``minute``/``second`` in JSON);
- Display Date -> ``display_date``, which is then the ``date_label`` shown;
- Headline -> ``title``; Text -> ``summary`` with the HTML removed (the text is untrusted: it is
  kept as plain text), and every ``<a href="http(s)://...">`` link in Text -> a source, titled
  by the link's text (or the URL's host when it has none);
- Media -> ``media_url`` (an http(s) URL; an ``<iframe src>`` gives its ``src``) or, for a
  ``<blockquote>``, its plain text in ``media_quote``; Media Credit and Media Caption ->
  ``media_credit`` and ``media_caption`` (plain text). Media is never a source;
- Group -> ``category`` as written (built-in slugs and aliases in any case become the slug; an
  empty Group is no category: ``""``, one lane);
- a row of Type ``title`` -> ``df.attrs["title"]`` (its Headline) and ``df.attrs["subtitle"]``
  (its Text, plain); rows of Type ``era`` -> ``df.attrs["eras"]``, a list of
  ``{"start", "end", "label"}``. Media Thumbnail and Background are not kept.

Two extra columns, ``ID`` and ``Places``, keep what TimelineJS has no column for (TimelineJS
ignores them). :func:`write_timelinejs` writes sources that are not links of the text as links
in a ``<p class="borderlines-sources">`` paragraph, with ``data-publisher``, ``data-date`` and
``data-archive-url`` attributes; :func:`read_timelinejs` reads that paragraph back as sources
only, so everything round-trips.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from ._csv import csv_place, csv_rows, safe_cell
from ._dates import DateError, parse_date
from ._errors import EventValidationError, Problem
from ._files import atomic_write, read_text
from ._json import json_load
from ._schema import is_http_url, normalize_records
from ._vocab import vocabulary

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
SOURCES_CLASS = "borderlines-sources"
_LINK_DATA = {"data-publisher": "publisher", "data-date": "date", "data-archive-url": "archive_url"}


class _Text(HTMLParser):
    """Plain text and the http(s) links of a piece of TimelineJS HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[dict] = []
        self._skip = 0
        self._link: dict | None = None
        self._block: list = []  # [tag, depth] while inside the sources paragraph

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._block and tag == self._block[0]:
            self._block[1] += 1
        elif not self._block and SOURCES_CLASS in (attrs.get("class") or "").split():
            self._block = [tag, 1]
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "blockquote", "cite"):
            self._text(" ")
        elif tag == "a" and is_http_url(attrs.get("href")):
            self._link = {"url": attrs["href"].strip(), "text": [], "attrs": attrs}

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("p", "div", "li", "blockquote"):
            self._text(" ")
        elif tag == "a" and self._link is not None:
            self.links.append(self._link)
            self._link = None
        if self._block and tag == self._block[0]:
            self._block[1] -= 1
            if not self._block[1]:
                self._block = []

    def handle_data(self, data):
        if not self._skip:
            self._text(data)
            if self._link is not None:
                self._link["text"].append(data)

    def _text(self, data):
        if not self._block:
            self.parts.append(data)

    def close(self):
        super().close()
        if self._link is not None:  # an <a> never closed still names its source
            self.links.append(self._link)
            self._link = None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _parse(value: object) -> _Text:
    parser = _Text()
    if not (value is None or (isinstance(value, float) and pd.isna(value))):
        parser.feed(str(value))
    parser.close()
    return parser


def plain_text(value: object) -> str:
    """Strip HTML tags (and script/style bodies) from TimelineJS text; collapse whitespace."""
    return _squash("".join(_parse(value).parts))


def text_and_sources(value: object) -> tuple[str, list[dict]]:
    """The plain text of TimelineJS HTML and a source for each distinct http(s) link in it."""
    parsed = _parse(value)
    sources, seen = [], set()
    for link in parsed.links:
        if link["url"] in seen:
            continue
        seen.add(link["url"])
        src = {"title": _squash("".join(link["text"])) or urlparse(link["url"]).hostname}
        src["url"] = link["url"]
        for attr, key in _LINK_DATA.items():
            if (link["attrs"].get(attr) or "").strip():
                src[key] = link["attrs"][attr].strip()
        sources.append(src)
    return _squash("".join(parsed.parts)), sources


def _media(value: object) -> tuple[str, str]:
    """``(media_url, media_quote)`` from a Media cell; anything else stays ``media_url`` for
    validation to report."""
    text = "" if value is None else str(value).strip()
    if not text.startswith("<"):
        return text, ""
    if re.match(r"<blockquote\b", text, re.IGNORECASE):
        return "", plain_text(text)
    src = re.search(r"""<iframe\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", text, re.IGNORECASE)
    return (html.unescape(src.group(1)).strip() if src else text), ""


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return s[:60].strip("-") or "event"


_NUMBER = re.compile(r"-?[0-9]{1,9}")  # ASCII only: int() rejects "²" and 5,000-digit text


def _date(year, month, day) -> str | None:
    parts = ["" if x is None else str(x).strip() for x in (year, month, day)]
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


def _decade(start: str | None, display: str) -> str | None:
    """Year 1780 shown as "1780s" (or "c. 1780s") is the decade "1780s"."""
    if start and re.fullmatch(r"\d{3}0", start) and re.fullmatch(rf"(c\.\s*)?{start}s", display):
        return f"{start}s"
    return start


def _event(row: dict, category_map, default_category) -> dict:
    group = plain_text(row.get("group"))
    category = (category_map or {}).get(group, group) if group else default_category or ""
    summary, sources = text_and_sources(row.get("text"))
    media_url, media_quote = _media(row.get("media"))
    display = plain_text(row.get("display"))
    places = [csv_place(p.strip()) for p in (row.get("places") or "").split(";") if p.strip()]
    end = row.get("end")
    if end is not None and end == row.get("start") and row.get("end_time"):
        end = None  # an end time on the start day (the JSON writer repeats the start date)
    return {
        "id": (row.get("id") or "").strip() or None,
        "title": plain_text(row.get("headline")),
        "start": _decade(row.get("start"), display),
        "end": end,
        "time": row.get("time") or "",
        "end_time": row.get("end_time") or "",
        "display_date": display,
        "category": category,
        "summary": summary,
        "sources": sources,
        "places": places,
        "media_url": media_url,
        "media_credit": plain_text(row.get("credit")),
        "media_caption": plain_text(row.get("caption")),
        "media_quote": media_quote,
    }


def _era(start, end, label, name, row, problems) -> dict:
    """An era as kept in ``attrs["eras"]``: dates checked, in partial-ISO form."""
    dates = {}
    for key, value in (("start", start), ("end", end)):
        dates[key] = None
        if value is None:
            if key == "start":
                problems.append(
                    Problem("required", "an era needs a start date", name, row, field="start")
                )
            continue
        try:
            dates[key] = parse_date(value).iso()
        except DateError as exc:
            problems.append(
                Problem("bad-date", f"era: {exc}", name, row, None, key, value, has_value=True)
            )
    if (
        dates["start"]
        and dates["end"]
        and parse_date(dates["end"]).last < parse_date(dates["start"]).first
    ):
        problems.append(
            Problem(
                "date-order", "the era ends before it starts", name, row, None, "end", end, True
            )
        )
    return {"start": dates["start"], "end": dates["end"], "label": label}


def _with_ids(events: list[dict]) -> None:
    """Give events without an ID one made from the headline and year, unique in the file."""
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


def timelinejs_csv_records(text, name, category_map=None, default_category=None, meta=None):
    """Schema records, their line numbers and problems, from the text of a TimelineJS sheet.

    ``meta`` (a dict) receives ``title``, ``subtitle`` and ``eras``.
    """
    header, rows = csv_rows(text, name)
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
            if "title" not in meta:  # TimelineJS shows the first title slide
                meta["title"] = plain_text(c.get("Headline"))
                meta["subtitle"] = plain_text(c.get("Text"))
            continue
        if kind == "era":
            label = plain_text(c.get("Headline"))
            meta.setdefault("eras", []).append(_era(start, end, label, name, line, problems))
            continue
        row = {
            "id": c.get("ID", ""),
            "start": start,
            "end": end,
            "time": c.get("Time", "").strip(),
            "end_time": c.get("End Time", "").strip(),
            "display": c.get("Display Date", ""),
            "headline": c.get("Headline", ""),
            "text": c.get("Text", ""),
            "media": c.get("Media", ""),
            "credit": c.get("Media Credit", ""),
            "caption": c.get("Media Caption", ""),
            "group": c.get("Group", ""),
            "places": c.get("Places", ""),
        }
        events.append(_event(row, category_map, default_category))
        lines.append(line)
    _with_ids(events)
    return events, lines, problems


def _obj(value) -> dict:
    """A TimelineJS JSON object member, or {} when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


def _tjs_date(d):
    if not isinstance(d, dict):
        return None
    return _date(d.get("year", ""), d.get("month", ""), d.get("day", ""))


def _tjs_time(d) -> str:
    """``HH:MM[:SS]`` from a TimelineJS JSON date's hour, minute and second."""
    d = _obj(d)
    parts = [
        "" if d.get(k) is None else str(d.get(k)).strip() for k in ("hour", "minute", "second")
    ]
    if not parts[0]:
        return ""
    if not all(_NUMBER.fullmatch(p) for p in parts if p):
        return ":".join(parts)  # validation reports it
    h, m, s = (int(p) if p else None for p in parts)
    return f"{h:02d}:{m or 0:02d}" + (f":{s:02d}" if s is not None else "")


def _text(value) -> str:
    # Any JSON value may stand where text is expected; validation judges its text.
    return "" if value is None else value if isinstance(value, str) else str(value)


def timelinejs_records(data, name, category_map=None, default_category=None, meta=None):
    """Schema records, their positions and problems, from parsed TimelineJS JSON
    (``{"title": ..., "eras": [...], "events": [...]}``)."""
    meta = meta if meta is not None else {}
    problems = []
    if isinstance(data.get("title"), dict):
        text = _obj(data["title"].get("text"))
        meta["title"] = plain_text(_text(text.get("headline")))
        meta["subtitle"] = plain_text(_text(text.get("text")))
    if isinstance(data.get("eras"), list):
        meta["eras"] = [
            _era(
                _tjs_date(e.get("start_date")),
                _tjs_date(e.get("end_date")),
                plain_text(_text(_obj(e.get("text")).get("headline"))),
                name,
                i,
                problems,
            )
            for i, e in enumerate(data["eras"], 1)
            if isinstance(e, dict)
        ]
    events, rows = [], []
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
        start, end = e.get("start_date"), e.get("end_date")
        display = e.get("display_date") or _obj(start).get("display_date")
        row = {
            "id": _text(e.get("unique_id")),
            "start": _tjs_date(start),
            "end": _tjs_date(end),
            "time": _tjs_time(start),
            "end_time": _tjs_time(end),
            "display": _text(display),
            "headline": _text(text.get("headline")),
            "text": _text(text.get("text")),
            "media": _text(media.get("url")),
            "credit": _text(media.get("credit")),
            "caption": _text(media.get("caption")),
            "group": _text(e.get("group")),
            "places": _text(e.get("places")),
        }
        events.append(_event(row, category_map, default_category))
        rows.append(i)
    _with_ids(events)
    return events, rows, problems


def is_timelinejs_json(data) -> bool:
    """Whether parsed JSON is a TimelineJS file (an ``events`` list with ``start_date``s)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("events"), list)
        and any(isinstance(e, dict) and "start_date" in e for e in data["events"])
    )


def is_timelinejs_sheet(header: list[str]) -> bool:
    """Whether a CSV header is a TimelineJS sheet's (it has Headline and Year columns)."""
    return "Headline" in header and "Year" in header


def read_timelinejs(
    path: str | os.PathLike,
    *,
    category_map: dict[str, str] | None = None,
    default_category: str | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Read a TimelineJS sheet (CSV export of the Google Sheet) or TimelineJS JSON.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` or ``.json`` file, as TimelineJS's own sample sheet is: no edits needed.
    category_map : dict, optional
        Maps Group values to categories (e.g. ``{"Diplomacy": "political"}``); other Groups
        are categories as written.
    default_category : str, optional
        Category for rows whose Group is empty (otherwise they have none: ``""``).
    strict : bool, default False
        Also require a category (a Group, rule ``required``) and a source (a link in Text,
        rule ``no-source``) on every event.

    Returns
    -------
    pandas.DataFrame
        The events in the Borderlines schema (see the module docstring for the mapping);
        ``attrs["title"]``, ``attrs["subtitle"]`` and ``attrs["eras"]`` keep the title slide
        and the eras.

    Raises
    ------
    EventValidationError
        Listing every problem, each with file, row, field, value and rule: e.g. a date that
        does not exist, or a Media that is neither an http(s) URL nor a ``<blockquote>``.

    Examples
    --------
    >>> import events
    >>> df = events.read_timelinejs("women_in_computing.csv")  # doctest: +SKIP
    >>> df.attrs["title"], df.loc[0, "media_url"]  # doctest: +SKIP
    ('Women in Computing', 'https://upload.wikimedia.org/...')
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise EventValidationError(
            [
                Problem(
                    "file-type",
                    f"unknown TimelineJS file type {path.suffix!r}; allowed: .csv, .json",
                    path.name,
                )
            ]
        )
    name, text = read_text(path)
    meta: dict = {}
    if suffix == ".json":
        data = json_load(text, name)
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise EventValidationError(
                [Problem("not-a-list", "TimelineJS JSON is an object with an 'events' list", name)]
            )
        recs, rows, problems = timelinejs_records(data, name, category_map, default_category, meta)
    else:
        recs, rows, problems = timelinejs_csv_records(
            text, name, category_map, default_category, meta
        )
    df = normalize_records(recs, file=name, rows=rows, strict=strict, problems=problems)
    df.attrs.update(meta)
    return df


# ---------------------------------------------------------------- writing


def _parts(iso: str | None):
    if iso is None or pd.isna(iso) or not iso:
        return "", "", ""
    p = parse_date(iso)
    if p.precision == "decade":
        return str(p.year), "", ""
    return str(p.year), str(p.month or ""), str(p.day or "")


def _clock(time: str) -> dict:
    """A validated time (13:30, 13:30:15, 1:30 PM) as TimelineJS JSON hour/minute/second."""
    m = re.match(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*([AaPp])?", time or "")
    if not m:
        return {}
    hour = int(m[1]) % 12 + (12 if m[4] in ("P", "p") else 0) if m[4] else int(m[1])
    out = {"hour": str(hour), "minute": m[2] or "00"}
    return {**out, "second": m[3]} if m[3] else out


def _text_html(summary: str, sources: list[dict]) -> str:
    """Text for TimelineJS: the summary escaped, then the sources as links in their paragraph."""
    out = html.escape(summary or "")
    links = []
    for s in sources:
        data = "".join(
            f' {attr}="{html.escape(s[key])}"' for attr, key in _LINK_DATA.items() if s.get(key)
        )
        links.append(f'<a href="{html.escape(s["url"])}"{data}>{html.escape(s["title"])}</a>')
    if links:
        out += f'<p class="{SOURCES_CLASS}">Sources: ' + "; ".join(links) + "</p>"
    return out


def _get(row, key) -> str:
    value = row.get(key, "")
    return value if isinstance(value, str) else ""


def write_timelinejs(
    df: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Write events as a TimelineJS sheet (``.csv``) or TimelineJS JSON (``.json``), atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        Events as the loaders return them. ``attrs["title"]``, ``attrs["subtitle"]`` and
        ``attrs["eras"]`` become the title slide and the eras.
    path : str or path-like
        The file to write; its suffix chooses the format.
    title, subtitle : str, optional
        The title slide's headline and text, instead of those in ``df.attrs``.

    Raises
    ------
    ValueError
        If the suffix is neither ``.csv`` nor ``.json``.

    Notes
    -----
    What :func:`read_timelinejs` reads back is the same events: sources are links in Text (see
    the module docstring), a quotation is a ``<blockquote>`` Media, decades are their first year
    with the decade as Display Date, Group is the category's label (built-in labels read back
    as their slug). In JSON a time is hour/minute/second, so "1:30 PM" reads back as "13:30".
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValueError(f"cannot write {path.name!r}: TimelineJS files are .csv or .json")
    title = title if title is not None else df.attrs.get("title")
    subtitle = subtitle if subtitle is not None else df.attrs.get("subtitle")
    vocab = vocabulary(df)
    rows = []
    for _, r in df.iterrows():
        places = list(r["places"]) + [f"{p['name']}@{p['lon']},{p['lat']}" for p in r["points"]]
        display = _get(r, "display_date")
        if not display and (r["precision"] == "decade" or r["circa"]):
            display = r["date_label"]
        quote = _get(r, "media_quote")
        rows.append(
            {
                "id": r["id"],
                "start": _parts(r["start"]),
                "end": _parts(r["end"]),
                "time": _get(r, "time"),
                "end_time": _get(r, "end_time"),
                "display": html.escape(display),
                "headline": html.escape(r["title"]),
                "text": _text_html(r["summary"], r["sources"]),
                "media": _get(r, "media_url")
                or (f"<blockquote>{html.escape(quote)}</blockquote>" if quote else ""),
                "credit": html.escape(_get(r, "media_credit")),
                "caption": html.escape(_get(r, "media_caption")),
                "group": html.escape(vocab.label(r["category"])) if r["category"] else "",
                "places": "; ".join(places),
            }
        )
    # Every text is plain text; TimelineJS shows it as HTML, so it is escaped once, here.
    eras = [
        {**e, "label": html.escape(e.get("label") or "")}
        for e in df.attrs.get("eras") or []
        if isinstance(e, dict)
    ]
    title, subtitle = html.escape(title or ""), html.escape(subtitle or "")
    if suffix == ".csv":
        atomic_write(path, _sheet(rows, eras, title, subtitle))
    else:
        atomic_write(path, _json(rows, eras, title, subtitle))


def _sheet(rows, eras, title, subtitle) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TJS_COLUMNS + EXTRA_COLUMNS)

    def line(**cells):  # cells guarded against spreadsheet formulas, the title row too
        w.writerow([safe_cell(cells.get(c, "")) for c in TJS_COLUMNS + EXTRA_COLUMNS])

    if title:
        line(Headline=title, Text=subtitle, Type="title")
    for era in eras:
        (y, m, d), (ey, em, ed) = _parts(era.get("start")), _parts(era.get("end"))
        line(**{"Year": y, "Month": m, "Day": d, "End Year": ey, "End Month": em,
                "End Day": ed, "Headline": era["label"], "Type": "era"})  # fmt: skip
    for e in rows:
        (y, m, d), (ey, em, ed) = e["start"], e["end"]
        line(**{"Year": y, "Month": m, "Day": d, "Time": e["time"], "End Year": ey,
                "End Month": em, "End Day": ed, "End Time": e["end_time"],
                "Display Date": e["display"], "Headline": e["headline"], "Text": e["text"],
                "Media": e["media"], "Media Credit": e["credit"], "Media Caption": e["caption"],
                "Group": e["group"], "ID": e["id"], "Places": e["places"]})  # fmt: skip
    return buf.getvalue()


def _json_date(parts, time="") -> dict:
    keys = ("year", "month", "day")
    return {**{k: v for k, v in zip(keys, parts, strict=True) if v}, **_clock(time)}


def _json(rows, eras, title, subtitle) -> str:
    out: dict = {"events": []}
    if title:
        out["title"] = {"text": {"headline": title, "text": subtitle}}
    if eras:
        out["eras"] = []
        for era in eras:
            item = {
                "start_date": _json_date(_parts(era.get("start"))),
                "text": {"headline": era["label"]},
            }
            if era.get("end"):
                item["end_date"] = _json_date(_parts(era["end"]))
            out["eras"].append(item)
    for e in rows:
        ev = {
            "unique_id": e["id"],
            "start_date": _json_date(e["start"], e["time"]),
            "text": {"headline": e["headline"], "text": e["text"]},
            "group": e["group"],
        }
        if e["end"][0]:
            ev["end_date"] = _json_date(e["end"], e["end_time"])
        elif e["end_time"]:  # TimelineJS needs a year in every date
            ev["end_date"] = _json_date(e["start"], e["end_time"])
        if e["display"]:
            ev["display_date"] = e["display"]
        if e["media"] or e["credit"] or e["caption"]:
            ev["media"] = {"url": e["media"], "credit": e["credit"], "caption": e["caption"]}
        if e["places"]:
            ev["places"] = e["places"]
        out["events"].append(ev)
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"
