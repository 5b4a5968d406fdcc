"""The catalogue's CSV format: one row per event, list cells, sources as JSON, places as points.

List cells (actors, places, tags, related) are ``a; b; c``, or a JSON array when an item holds
a ``;``; a place with coordinates is ``name@lon,lat``; ``sources`` is a JSON list (bare URLs
separated by ``;`` and flat ``source_*`` columns are read too). The TimelineJS sheet reads
its rows and places with :func:`csv_rows` and :func:`csv_place`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlparse

from ._errors import Problem
from ._files import fail
from ._json import json_why
from ._schema import FIELDS, SOURCE_FIELDS, TEXT_FIELDS, _shown, is_http_url

__all__ = ["LIST_SEP", "POINT_RE", "csv_place", "csv_records", "csv_rows", "csv_text"]

LIST_SEP = ";"
_NUM = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"  # repr() writes 1e-05 for small numbers
POINT_RE = re.compile(rf"^(?P<name>[^@]*)@\s*(?P<lon>{_NUM})\s*,\s*(?P<lat>{_NUM})$")


#: What a spreadsheet reads as a formula at the start of a cell (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading ``'``
    (``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``); :func:`csv_rows` takes it off again."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unsafe_cell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def csv_rows(text: str, name: str):
    """The stripped header and (line number, cells) of every row of a CSV text (cells that
    :func:`safe_cell` guarded against formulas come back as they were written)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = []
        line = reader.line_num + 1
        for values in reader:
            rows.append((line, [_unsafe_cell(v) for v in values]))
            line = reader.line_num + 1
    except csv.Error as exc:
        fail(
            name, "csv-syntax", f"not valid CSV near line {reader.line_num}: {exc}", reader.line_num
        )
    header = [h.strip() for h in header]
    return header, rows


def _split(cell: str, report=None) -> list:
    """A list cell: ``a; b; c``, or a JSON array (what the writer uses when an item has a ``;``).

    A cell starting with ``[`` that is no JSON array is reported with ``report(rule, message)``
    (``rule`` is ``csv-list-cell``) and read as an empty list, so validation goes on.
    """
    text = cell.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if report is not None:
                report(
                    "csv-list-cell",
                    f"a list cell starting with '[' must be a JSON array: {json_why(exc)}",
                )
            return []
        return items if isinstance(items, list) else [items]
    return [x.strip() for x in cell.split(LIST_SEP) if x.strip()]


def _url_source(item: str) -> dict:
    """A source from a bare URL: its host stands for the title (validation checks the URL)."""
    host = urlparse(item).hostname if is_http_url(item) else None
    return {"title": host or item, "url": item}


def _sources_cell(cell: str, report) -> list:
    """The ``sources`` cell: a JSON list of sources (what the writer writes), a JSON object for
    one source, or bare URLs separated by ``;``."""
    text = cell.strip()
    if not text:
        return []
    if text.startswith(("[", "{")):
        try:
            sources = json.loads(text)
        except (ValueError, RecursionError) as exc:
            report(
                "csv-sources-cell",
                "the 'sources' cell is neither a JSON list of sources nor URLs separated by "
                f"';': {json_why(exc)}",
            )
            return []
        return sources if isinstance(sources, list) else [sources]
    return [_url_source(x.strip()) for x in text.split(LIST_SEP) if x.strip()]


def _needs_json(items: list) -> bool:
    return any(
        (isinstance(x, str) and (LIST_SEP in x or x != x.strip() or x.startswith("[")))
        or (isinstance(x, dict) and any(c in str(x.get("name", "")) for c in (LIST_SEP, "@")))
        for x in items
    )


def csv_place(item: str):
    """A place cell item: ``name@lon,lat`` becomes a point, anything else stays a code."""
    m = POINT_RE.match(item)
    if m:
        return {"name": m["name"].strip(), "lon": float(m["lon"]), "lat": float(m["lat"])}
    return item


def csv_records(text: str, name: str):
    """Header, records, their line numbers and the problems of cells that cannot be read."""
    header, rows = csv_rows(text, name)
    if len(set(header)) != len(header):
        fail(name, "csv-header", f"the CSV header repeats a column: {header}", row=1)
    flat_src = [f"source_{k}" for k in SOURCE_FIELDS]
    records, lines, problems = [], [], []
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    "csv-ragged",
                    f"has {len(values)} cells but the header has {len(header)} columns",
                    name,
                    line,
                )
            )
            continue
        cells = dict(zip(header, values, strict=True))
        eid = _shown(cells.get("id", "").strip() or None)

        def report(rule, message, field, _line=line, _eid=eid, _cells=cells):
            problems.append(
                Problem(rule, message, name, _line, _eid, field, _cells[field], has_value=True)
            )

        rec = {k: v for k, v in cells.items() if k not in flat_src and k != "sources"}
        for f in ("actors", "tags", "related"):
            if f in rec:
                rec[f] = _split(rec[f], lambda rule, msg, f=f: report(rule, msg, f))
        if "places" in rec:
            rec["places"] = [
                csv_place(p) if isinstance(p, str) else p
                for p in _split(rec["places"], lambda rule, msg: report(rule, msg, "places"))
            ]
        sources = []
        if "sources" in cells:
            sources = _sources_cell(cells["sources"], lambda r, m: report(r, m, "sources"))
        if any(cells.get(c, "").strip() for c in flat_src):
            sources = [{k: cells.get(f"source_{k}", "") for k in SOURCE_FIELDS}, *sources]
        rec["sources"] = sources
        records.append(rec)
        lines.append(line)
    return header, records, lines, problems


def csv_text(recs: list[dict]) -> str:
    """CSV text of schema records (from :func:`events.records`)."""
    buf = io.StringIO()
    # The optional text columns only when some event has one, so plain catalogues stay narrow.
    cols = [f for f in FIELDS if f not in TEXT_FIELDS or any(f in r for r in recs)]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for rec in recs:  # every cell through safe_cell: a title "=cmd|…" must not run in Excel
        row = []
        for f in cols:
            v = rec.get(f, "")
            if isinstance(v, list) and f != "sources" and _needs_json(v):
                v = json.dumps(v, ensure_ascii=False)
            elif f == "places":
                v = "; ".join(
                    p if isinstance(p, str) else f"{p['name']}@{p['lon']},{p['lat']}"
                    for p in v or []
                )
            elif f == "sources":
                v = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, list):
                v = "; ".join(v)
            elif isinstance(v, bool):
                v = "true" if v else ""
            row.append(safe_cell(v))
        w.writerow(row)
    return buf.getvalue()
