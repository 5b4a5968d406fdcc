"""The event schema: fields and the rules every record must follow.

`normalize_records` turns raw records (dicts from YAML, JSON, CSV or a DataFrame) into the
catalogue's DataFrame, collecting *every* problem before it raises, so a file is either loaded
whole or not at all.

Categories are open: any short text is a category. One that matches a built-in slug or alias
in any case (``"Treaty/law"``) is written as the slug (``"treaty"``), others as written; an event
without a category has ``category == ""``. Sources are optional (the ``sourced`` column says
whether an event has one) except in strict mode, which requires both a category and a source,
as the built-in catalogue does.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import urlparse

import pandas as pd

from ._dates import (
    GREGORIAN_SWITCH_RU,
    PRECISIONS,
    DateError,
    PartialDate,
    julian_to_gregorian,
    parse_date,
    parse_julian,
    to_timestamp,
)
from ._errors import MAX_PROBLEMS, EventValidationError, Problem
from .builtin import BUILTIN_VOCABULARY, CATEGORIES, CATEGORY_ALIASES

__all__ = ["CATEGORIES", "CATEGORY_ALIASES", "COLUMNS", "FIELDS"]

TEXT_FIELDS = (
    "time",
    "end_time",
    "display_date",
    "media_url",
    "media_credit",
    "media_caption",
    "media_quote",
)
"""Optional text fields, mostly from TimelineJS: times of day, the date as shown, and media
(``media_url`` is an http(s) URL; ``media_quote`` the plain text of a quotation shown as the
media). Missing ones are ``""``."""

FIELDS = (
    "id",
    "title",
    "start",
    "end",
    "precision",
    "start_os",
    "circa",
    "earliest",
    "latest",
    "category",
    "actors",
    "places",
    "summary",
    "sources",
    "tags",
    "related",
    *TEXT_FIELDS,
)
REQUIRED = ("id", "title", "start")
STRICT_REQUIRED = ("category",)  # and at least one source: rule "no-source"
LIST_FIELDS = ("actors", "places", "tags", "related", "sources")
SOURCE_FIELDS = ("title", "publisher", "url", "date", "archive_url")
MAX_CATEGORY = 100

COLUMNS = (
    *FIELDS[:12],
    "points",
    "summary",
    "sources",
    "sourced",
    "tags",
    "related",
    *TEXT_FIELDS,
    "date_lo",
    "date_hi",
    "date_label",
)
"""Columns of the DataFrame returned by the loaders, in order."""

# TimelineJS writes times as 13:30, 13:30:15 or 1:30 PM (milliseconds allowed).
TIME_RE = re.compile(r"^([01]?\d|2[0-3])(:[0-5]\d){0,2}(\.\d{1,3})?(\s*[AaPp]\.?[Mm]\.?)?$")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
#: A region id as written in a place: an ISO 3166 code ("UA-43", "NL") or the id of anyone's
#: regions ("MDA-1613", "GE_AB", "ქ-1"): letters or digits first, then letters, digits and
#: ``-_.:``, at most 40 characters, no spaces (whether the map has it is checked when drawing).
REGION_RE = re.compile(r"^[^\W_][\w.:-]{0,39}$")


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _control_char(value: object) -> str | None:
    """The first control character in a text (tabs and line breaks are fine), if any."""
    if not isinstance(value, str):
        return None
    return next((c for c in value if (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f"), None)


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not isinstance(value, str):
        return False
    parsed = urlparse(value.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value.strip()


def normalize_category(value: object) -> str:
    """A category as stored: the built-in slug for a built-in slug or alias in any case
    (``"Treaty/law"`` -> ``"treaty"``), other text stripped, ``""`` for none."""
    return BUILTIN_VOCABULARY.normalize(value)


class _Collector:
    def __init__(self, file: str | None):
        self.file = file
        self.problems: list[Problem] = []
        self.more = 0

    def add(
        self, rule, message, *, row=None, event_id=None, field=None, value=None, has_value=True
    ):
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            return
        has_value = has_value and value is not None
        self.problems.append(
            Problem(rule, message, self.file, row, event_id, field, value, has_value)
        )


def _shown(eid: str | None) -> str | None:
    """An id as problem reports show it: a 5 MB "id" is not echoed whole."""
    return eid if eid is None or len(eid) <= 100 else eid[:97] + "..."


def _as_list(value: object) -> list | None:
    if _missing(value):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return None


def _place(item, report):
    """Split a place item into ("code", str) or ("point", dict); report and return None if bad."""
    if isinstance(item, str):
        code = item.strip()
        if REGION_RE.match(code):
            return "code", code
        report(
            "bad-place",
            "a place must be a region id such as 'UA-43', 'NL' or 'MDA-1613' (letters, digits "
            "and - _ . :, no spaces, at most 40 characters), or a point {name, lon, lat}",
            item,
        )
        return None
    if isinstance(item, dict):
        unknown = set(item) - {"name", "lon", "lat"}
        try:
            lon, lat = float(item.get("lon")), float(item.get("lat"))
        except (TypeError, ValueError):
            lon = lat = math.nan
        if unknown or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            report(
                "bad-place",
                "a point needs numeric lon in [-180, 180] and lat in [-90, 90] (keys: name, lon, lat)",
                item,
            )
            return None
        name = item.get("name")
        return "point", {"name": str(name) if not _missing(name) else "", "lon": lon, "lat": lat}
    report(
        "bad-place",
        "a place must be a region code string or a point mapping {name, lon, lat}",
        item,
    )
    return None


def _check_sources(value, add, strict=False):
    items = _as_list(value)
    if items is None:
        add("bad-source", "sources must be a list of {title, publisher, url, date}", value)
        return []
    if not items:
        if strict:
            add(
                "no-source",
                "at least one source is required: a list of {title, publisher, url, date}",
                value,
            )
        return []
    out = []
    for i, src in enumerate(items, 1):
        if not isinstance(src, dict):
            add("bad-source", f"source {i} must be a mapping with title, publisher, url, date", src)
            continue
        unknown = sorted(str(k) for k in set(src) - set(SOURCE_FIELDS))
        if unknown:
            add(
                "bad-source",
                f"source {i} has unknown keys {unknown}; allowed: {list(SOURCE_FIELDS)}",
                src,
            )
        if not is_http_url(src.get("url")):
            add(
                "bad-url",
                f"source {i} needs a url starting with http:// or https://",
                src.get("url"),
            )
        if _missing(src.get("title")):
            add("bad-source", f"source {i} needs a title", src.get("title"))
        if not _missing(src.get("archive_url")) and not is_http_url(src.get("archive_url")):
            add(
                "bad-url",
                f"source {i}: archive_url must start with http:// or https://",
                src.get("archive_url"),
            )
        clean = {
            k: ("" if _missing(src.get(k)) else str(src.get(k)).strip()) for k in SOURCE_FIELDS
        }
        if clean["date"]:
            try:
                clean["date"] = parse_date(src.get("date")).iso()
            except DateError as exc:
                add("bad-date", f"source {i} date: {exc}", src.get("date"))
        out.append(clean)
    return out


def _check_category(value, add) -> str:
    """The category as stored (see the module docstring), reporting what cannot be one."""
    if _missing(value):
        return ""
    if not isinstance(value, str):
        add("bad-type", "a category is one text value (quote it in YAML)", value, "category")
        return ""
    bad = _control_char(value)
    if bad:
        add(
            "control-char",
            f"contains the control character U+{ord(bad):04X}; remove it",
            value,
            "category",
        )
    elif len(value.strip()) > MAX_CATEGORY:
        add(
            "bad-category",
            f"a category is at most {MAX_CATEGORY} characters, this one has {len(value.strip())}",
            value,
            "category",
        )
    return normalize_category(value)


def _check_texts(rec, add) -> dict[str, str]:
    """The optional text fields (:data:`TEXT_FIELDS`), ``""`` where missing."""
    out = {}
    for f in TEXT_FIELDS:
        value = rec.get(f)
        out[f] = ""
        if _missing(value):
            continue
        if not isinstance(value, str):
            add("bad-type", f"{f} must be text (quote it in YAML)", value, f)
            continue
        bad = _control_char(value)
        if bad:
            add(
                "control-char",
                f"contains the control character U+{ord(bad):04X}; remove it",
                value,
                f,
            )
            continue
        value = value.strip()
        if f == "media_url" and not is_http_url(value):
            add("bad-url", "media_url must start with http:// or https://", value, f)
        elif f in ("time", "end_time") and not TIME_RE.match(value):
            add("bad-time", "a time is written 13:30, 13:30:15 or 1:30 PM", value, f)
        out[f] = value
    return out


def _label(start, end, circa, texts) -> str | None:
    """The date as shown: ``display_date`` when given, else built from the dates and times."""
    if texts["display_date"]:
        return texts["display_date"]
    if not start:
        return None
    label = start.label() + (f", {texts['time']}" if texts["time"] else "")
    if end and end.iso() != start.iso():
        label += f" – {end.label()}" + (f", {texts['end_time']}" if texts["end_time"] else "")
    elif texts["end_time"] and texts["end_time"] != texts["time"]:
        label += f" – {texts['end_time']}"
    if circa:
        label = "c. " + label
    return label


def normalize_records(
    records: list[dict],
    *,
    file: str | None = None,
    rows: list[int] | None = None,
    strict: bool = False,
    problems: list[Problem] | None = None,
) -> pd.DataFrame:
    """Validate raw records and return the catalogue DataFrame, or raise EventValidationError.

    Parameters
    ----------
    records : list of dict
        One mapping per event, keys from :data:`FIELDS`.
    file : str, optional
        File name used in problem reports.
    rows : list of int, optional
        The row/line number of each record in its file, for problem reports.
    strict : bool, default False
        Also require a category (rule ``required``) and at least one source (``no-source``).
    problems : list of Problem, optional
        Problems the reader already found in the file (a cell it could not parse); they are
        reported first, with everything validation finds.

    Raises
    ------
    EventValidationError
        Listing every problem found, each with file, row, id, field, value and rule.
    """
    col = _Collector(file)
    col.problems.extend(problems or [])
    if rows is None:
        rows = list(range(1, len(records) + 1))
    if not records:
        if not col.problems:
            col.add("no-events", "the file holds no events", has_value=False)
        raise EventValidationError(col.problems, col.more)

    out = []
    ids = []
    for rec, row in zip(records, rows, strict=True):
        if not isinstance(rec, dict):
            col.add(
                "not-a-record",
                "each event must be a mapping of field names to values",
                row=row,
                value=rec,
            )
            continue
        eid = rec.get("id")
        eid_s = eid.strip() if isinstance(eid, str) else None
        shown = _shown(eid_s)

        def add(rule, message, value=None, field=None, _row=row, _eid=shown, has_value=True):
            col.add(
                rule,
                message,
                row=_row,
                event_id=_eid,
                field=field,
                value=value,
                has_value=has_value,
            )

        # Keys are not always text (YAML reads `1: x` as an int key).
        unknown = [(str(k), v) for k, v in rec.items() if k not in FIELDS and not _missing(v)]
        for k, v in sorted(unknown, key=lambda kv: kv[0]):
            add("unknown-field", f"unknown field; allowed fields: {', '.join(FIELDS)}", v, field=k)
        for f in REQUIRED + (STRICT_REQUIRED if strict else ()):
            if _missing(rec.get(f)):
                add(
                    "required",
                    "required field is missing or empty",
                    rec.get(f),
                    field=f,
                    has_value=False,
                )

        if not _missing(eid) and not (isinstance(eid, str) and ID_RE.match(eid.strip())):
            add(
                "bad-id",
                "an id is a slug: lowercase letters a-z, digits and hyphens, at most 100 characters",
                eid,
                "id",
            )
        ids.append((eid_s, row))

        title = rec.get("title")
        if not _missing(title) and not isinstance(title, str):
            add("bad-type", "title must be text", title, "title")
        for f in ("title", "summary"):
            bad = _control_char(rec.get(f))
            if bad:
                add(
                    "control-char",
                    f"contains the control character U+{ord(bad):04X}; remove it",
                    rec.get(f),
                    f,
                )

        start = end = None
        if not _missing(rec.get("start")):
            try:
                start = parse_date(rec["start"])
            except DateError as exc:
                add("bad-date", str(exc), rec["start"], "start")
        if not _missing(rec.get("end")):
            try:
                end = parse_date(rec["end"])
            except DateError as exc:
                add("bad-date", str(exc), rec["end"], "end")
        if start and end and end.last < start.first:
            add("date-order", f"end is before start ({start.iso()})", rec["end"], "end")

        precision = rec.get("precision")
        if not _missing(precision):
            if precision not in PRECISIONS:
                add(
                    "bad-precision",
                    f"precision must be one of {', '.join(PRECISIONS)}",
                    precision,
                    "precision",
                )
            elif (
                start
                and precision == "decade"
                and start.precision == "year"
                and start.year % 10 == 0
            ):
                start = PartialDate(start.year, precision="decade")
            elif start and precision != start.precision:
                add(
                    "bad-precision",
                    f"precision does not match the form of start {start.iso()!r} "
                    f"(which is {start.precision} precision)",
                    precision,
                    "precision",
                )

        start_os = None
        if not _missing(rec.get("start_os")):
            try:
                y, m, d = parse_julian(rec["start_os"])
                greg = julian_to_gregorian(y, m, d)
                start_os = f"{y:04d}-{m:02d}-{d:02d}"
                if start is None or start.precision != "day":
                    add(
                        "bad-old-style",
                        "an Old-Style date needs a start with day precision",
                        rec["start_os"],
                        "start_os",
                    )
                elif greg != start.first:
                    add(
                        "bad-old-style",
                        f"Old-Style (Julian) {start_os} is {greg.isoformat()} in the Gregorian "
                        f"calendar, but start is {start.iso()}",
                        rec["start_os"],
                        "start_os",
                    )
                elif greg >= GREGORIAN_SWITCH_RU:
                    add(
                        "bad-old-style",
                        "Old-Style dates apply only before 14 February 1918",
                        rec["start_os"],
                        "start_os",
                    )
            except DateError as exc:
                add("bad-date", str(exc), rec["start_os"], "start_os")

        circa = rec.get("circa")
        if _missing(circa):
            circa = False
        elif isinstance(circa, str) and circa.strip().lower() in (
            "true",
            "false",
            "yes",
            "no",
            "1",
            "0",
        ):
            circa = circa.strip().lower() in ("true", "yes", "1")
        elif not isinstance(circa, bool):
            add("bad-type", "circa must be true or false", circa, "circa")
            circa = False

        bounds = {}
        for f in ("earliest", "latest"):
            if not _missing(rec.get(f)):
                try:
                    bounds[f] = parse_date(rec[f])
                except DateError as exc:
                    add("bad-date", str(exc), rec[f], f)
        given = [f for f in ("earliest", "latest") if not _missing(rec.get(f))]
        if len(given) == 1:
            add(
                "bad-bounds",
                "earliest and latest go together: give both or neither",
                rec.get(given[0]),
                given[0],
            )
        if len(bounds) == 2 and bounds["latest"].last < bounds["earliest"].first:
            add("date-order", "latest is before earliest", rec.get("latest"), "latest")

        category = _check_category(rec.get("category"), add)
        texts = _check_texts(rec, add)
        if texts["time"] and start and start.precision != "day":
            add("bad-time", "a time needs a start with day precision", texts["time"], "time")
        day = end or start  # an end time without an end date is on the start day
        if texts["end_time"] and day and day.precision != "day":
            add(
                "bad-time",
                "an end time needs an end (or, without one, a start) with day precision",
                texts["end_time"],
                "end_time",
            )

        lists = {}
        for f in ("actors", "tags", "related"):
            items = _as_list(rec.get(f))
            if items is None or not all(isinstance(x, str) and x.strip() for x in items):
                add("bad-list", "must be a list of non-empty strings", rec.get(f), f)
                items = []
            lists[f] = [x.strip() for x in items]

        places, points = [], []
        raw_places = _as_list(rec.get("places"))
        if raw_places is None:
            add("bad-list", "places must be a list", rec.get("places"), "places")
            raw_places = []
        for item in raw_places:
            got = _place(item, lambda rule, msg, v: add(rule, msg, v, "places"))
            if got and got[0] == "code":
                places.append(got[1])
            elif got:
                points.append(got[1])

        sources = _check_sources(
            rec.get("sources"), lambda rule, msg, v: add(rule, msg, v, "sources"), strict
        )

        lo = hi = None
        if start:
            lo = bounds["earliest"].first if "earliest" in bounds else start.first
            hi = max(start.last, end.last if end else start.last)
            if "latest" in bounds:
                hi = max(hi, bounds["latest"].last)
        label = _label(start, end, circa, texts)
        out.append(
            {
                "id": eid_s,
                "title": title.strip() if isinstance(title, str) else title,
                "start": start.iso() if start else None,
                "end": end.iso() if end else None,
                "precision": start.precision if start else None,
                "start_os": start_os,
                "circa": bool(circa),
                "earliest": bounds["earliest"].iso() if "earliest" in bounds else None,
                "latest": bounds["latest"].iso() if "latest" in bounds else None,
                "category": category,
                "actors": lists["actors"],
                "places": places,
                "points": points,
                "summary": "" if _missing(rec.get("summary")) else str(rec.get("summary")).strip(),
                "sources": sources,
                "sourced": bool(sources),
                "tags": lists["tags"],
                "related": lists["related"],
                **texts,
                "date_lo": to_timestamp(lo) if lo else pd.NaT,
                "date_hi": to_timestamp(hi) if hi else pd.NaT,
                "date_label": label,
                "_row": row,
            }
        )

    counts = Counter(i for i, _ in ids if i)
    reported = set()
    for eid, row in ids:
        # One problem per repeated id, at its first row, naming the others: one thing to fix.
        if eid and counts[eid] > 1 and eid not in reported:
            reported.add(eid)
            others = [r for i, r in ids if i == eid and r != row]
            col.add(
                "duplicate-id",
                f"duplicate id: also used at row{'s' if len(others) > 1 else ''} "
                f"{', '.join(map(str, others))}",
                row=row,
                event_id=_shown(eid),
                field="id",
                value=eid,
            )
    known = set(counts)
    for rec in out:
        for rel in rec["related"]:
            if rel not in known:
                col.add(
                    "unknown-related",
                    "related id does not exist in this data",
                    row=rec["_row"],
                    event_id=_shown(rec["id"]),
                    field="related",
                    value=rel,
                )
    if col.problems:
        raise EventValidationError(col.problems, col.more)
    df = pd.DataFrame(out).drop(columns="_row")
    df = df.sort_values(["date_lo", "date_hi", "id"], kind="stable").reset_index(drop=True)
    return df[list(COLUMNS)]
