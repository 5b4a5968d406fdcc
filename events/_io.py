"""Reading and writing event files: YAML, CSV and JSON in the catalogue schema, and TimelineJS.

Every reader decodes the whole file first (UTF-8, an optional BOM), parses it, then validates
every record; a file with any problem raises :class:`EventValidationError` and nothing is
returned. Writers go through a temporary file in the target folder and an atomic rename.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import yaml

from ._errors import EventValidationError, Problem
from ._schema import (
    FIELDS,
    SOURCE_FIELDS,
    TEXT_FIELDS,
    _shown,
    is_http_url,
    normalize_records,
)

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".json": "json"}
CATALOG_RESOURCE = "catalog.yaml"


def _fail(file, rule, message, row=None):
    """Raise for a problem with the whole file (``rule`` is the stable id, see Problem)."""
    raise EventValidationError([Problem(rule, message, file, row)])


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """Read a whole event file as text; return (display name, text) or raise a clear error."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        _fail(str(path), "file-not-found", "file not found")
    except OSError as exc:
        _fail(str(path), "file-unreadable", f"cannot read the file: {exc.strerror}")
    if path.is_dir():
        _fail(
            str(path),
            "file-is-folder",
            "is a folder; give an event file (.yaml, .yml, .csv or .json)",
        )
    if size > MAX_BYTES:
        _fail(
            name,
            "file-too-large",
            f"file is {size / 1e6:.1f} MB; event files are limited to {MAX_BYTES // 2**20} MiB",
        )
    raw = path.read_bytes()
    return name, decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """Decode bytes as UTF-8 (BOM allowed); raise a clear error naming the byte offset."""
    if not raw.strip():
        _fail(name, "file-empty", "the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        _fail(name, "encoding", "the file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        _fail(
            name,
            "encoding",
            f"NUL byte at byte {at}: UTF-16 without a BOM, or not text; save as UTF-8",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(
            name,
            "encoding",
            f"not valid UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8",
            row=line,
        )


# ---------------------------------------------------------------- YAML


# libyaml parses big files ~100x faster than the pure-Python parser, but its composer recurses
# in C: nesting is checked on the (iterative) event stream first, or deep input would crash.
_YAMLBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_DEPTH = 100
MAX_YAML_ALIAS_VALUES = 1_000_000


class _YAMLLoader(_YAMLBase):
    """Safe loader that keeps a date-like value that is no real day ("2022-02-30") as text,
    so that validation reports it with its row and field."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_YAMLLoader.add_constructor("tag:yaml.org,2002:timestamp", _YAMLLoader.construct_yaml_timestamp)


def _max_depth(events_) -> int:
    depth = 0
    for event in events_:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return depth


def _yaml_depth(text: str) -> int:
    """How deep the text nests, counted up to just past MAX_YAML_DEPTH.

    libyaml (0.2.6 and newer) refuses nesting past its own limit of 1000 levels with its own
    message, before our limit is reached on the event stream. When it refuses anything, the
    text up to where it stopped is scanned again with PyYAML's pure-Python parser, which has
    no such limit, so a deep file gets our rule and not a library's sentence.
    """
    try:
        return _max_depth(yaml.parse(text, Loader=_YAMLLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        head = text if mark is None else text[: mark.index + 4096]
        try:
            depth = _max_depth(yaml.parse(head, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            depth = 0  # the cut-off text is not valid YAML either: report libyaml's error
        if depth > MAX_YAML_DEPTH:
            return depth
        raise


def _expanded(node, memo: dict) -> int:
    """How many values ``node`` stands for once aliases are expanded (an alias bomb is huge)."""
    if id(node) not in memo:
        memo[id(node)] = 1  # a recursive alias counts once
        kids = node.value if isinstance(node, yaml.CollectionNode) else []
        if isinstance(node, yaml.MappingNode):
            kids = [n for pair in kids for n in pair]
        memo[id(node)] = 1 + sum(_expanded(k, memo) for k in kids)
    return memo[id(node)]


def _at(mark) -> str:
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def _yaml_records(text: str, name: str):
    loader = _YAMLLoader(text)
    try:
        if _yaml_depth(text) > MAX_YAML_DEPTH:
            _fail(name, "yaml-depth", f"YAML nesting is deeper than {MAX_YAML_DEPTH} levels")
        tree = loader.get_single_node()
        memo: dict = {}
        if tree is not None and _expanded(tree, memo) > len(memo) + MAX_YAML_ALIAS_VALUES:
            _fail(
                name,
                "yaml-aliases",
                f"YAML aliases (*name) expand to more than {MAX_YAML_ALIAS_VALUES:,} values; "
                "write the values out instead",
            )
        data = loader.construct_document(tree) if tree is not None else None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        tag = re.match(r"!\S*", text[mark.index :]) if mark else None
        shown = f" {tag.group()!r}" if tag else ""
        _fail(
            name,
            "yaml-tag",
            f"the YAML tag{shown}{_at(mark)} is not allowed: event files hold plain values only",
            row=mark.line + 1 if mark else None,
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        _fail(
            name,
            "yaml-syntax",
            f"not valid YAML{_at(mark)}: {problem} (is the file truncated?)",
            row=mark.line + 1 if mark else None,
        )
    except EventValidationError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # PyYAML's constructors raise bare errors on values such as `!!int abc`.
        _fail(
            name, "yaml-value", f"not valid YAML: cannot read a value ({type(exc).__name__}: {exc})"
        )
    finally:
        loader.dispose()
    if isinstance(data, dict) and "events" in data:
        data = data["events"]
        # The last 'events' key wins, as in PyYAML; a merged one (<<: *x) has no node here.
        tree = next((v for k, v in reversed(tree.value) if k.value == "events"), None)
    if not isinstance(data, list):
        _fail(
            name,
            "not-a-list",
            "a YAML event file is a list of events (or a mapping with an 'events' list)",
        )
    nodes = tree.value if isinstance(tree, yaml.SequenceNode) else []
    rows = [node.start_mark.line + 1 for node in nodes] if len(nodes) == len(data) else None
    return data, rows


# ---------------------------------------------------------------- JSON


def _json_load(text: str, name: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(
            name,
            "json-syntax",
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg} "
            "(is the file truncated?)",
            row=exc.lineno,
        )
    except RecursionError:
        _fail(name, "json-depth", "JSON nesting is too deep")
    except ValueError:  # e.g. an integer of more than 4,300 digits
        _fail(
            name,
            "json-value",
            "not valid JSON: a value cannot be read (a number of more than 4,300 digits?)",
        )


def _json_why(exc: Exception) -> str:
    """Why a JSON text inside a cell failed, in our words where the library's are unclear."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return "a value cannot be read"


def _is_timelinejs_json(data) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("events"), list)
        and any(isinstance(e, dict) and "start_date" in e for e in data["events"])
    )


# ---------------------------------------------------------------- CSV

LIST_SEP = ";"
_NUM = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"  # repr() writes 1e-05 for small numbers
POINT_RE = re.compile(rf"^(?P<name>[^@]*)@\s*(?P<lon>{_NUM})\s*,\s*(?P<lat>{_NUM})$")


def _csv_rows(text: str, name: str):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        rows = []
        line = reader.line_num + 1
        for values in reader:
            rows.append((line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        _fail(
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
                    f"a list cell starting with '[' must be a JSON array: {_json_why(exc)}",
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
                f"';': {_json_why(exc)}",
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


def _csv_place(item: str):
    m = POINT_RE.match(item)
    if m:
        return {"name": m["name"].strip(), "lon": float(m["lon"]), "lat": float(m["lat"])}
    return item


def _csv_records(text: str, name: str):
    """Header, records, their line numbers and the problems of cells that cannot be read."""
    header, rows = _csv_rows(text, name)
    if len(set(header)) != len(header):
        _fail(name, "csv-header", f"the CSV header repeats a column: {header}", row=1)
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
                _csv_place(p) if isinstance(p, str) else p
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


# ---------------------------------------------------------------- public readers


def load_catalog(path: str | os.PathLike | None = None, *, strict: bool = False) -> pd.DataFrame:
    """Load and validate an event catalogue.

    Parameters
    ----------
    path : str or path-like, optional
        A ``.yaml``/``.yml``, ``.csv`` or ``.json`` file in the Borderlines schema (a TimelineJS
        sheet or JSON is recognised and read with :func:`read_timelinejs`). ``None`` loads the
        built-in catalogue of Russia's war on Ukraine, 1783-2024, and marks it with
        ``attrs["dataset"] = "builtin"`` (see :func:`events.vocabulary`).
    strict : bool, default False
        Also require a category (rule ``required``) and at least one source (rule
        ``no-source``) on every event. The built-in catalogue is always loaded strictly.

    Returns
    -------
    pandas.DataFrame
        One row per event, columns :data:`events.COLUMNS`, sorted by date. ``start``/``end`` are
        partial ISO dates ("1783", "1783-04", "1783-04-19") that ``pandas.Timestamp`` accepts;
        ``date_lo``/``date_hi`` are the first and last day each event covers; ``category`` is
        ``""`` and ``sourced`` is False for an event without a category or a source.

    Raises
    ------
    EventValidationError
        Listing every problem in the file (nothing is half-loaded).

    Examples
    --------
    >>> import events
    >>> df = events.load_catalog()
    >>> df.loc[df.id == "icc-warrants-putin-lvova-belova-2023", "start"].item()
    '2023-03-17'
    """
    if path is None:
        ref = resources.files("events") / "data" / CATALOG_RESOURCE
        text = ref.read_text(encoding="utf-8")
        records, rows = _yaml_records(text, CATALOG_RESOURCE)
        df = normalize_records(records, file=CATALOG_RESOURCE, rows=rows, strict=True)
        df.attrs["dataset"] = "builtin"
        return df
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        _fail(
            path.name,
            "file-type",
            f"unknown file type {path.suffix!r}; allowed: {', '.join(SUFFIXES)}",
        )
    name, text = read_text(path)
    problems = []
    if kind == "yaml":
        records, rows = _yaml_records(text, name)
    elif kind == "json":
        data = _json_load(text, name)
        if _is_timelinejs_json(data):
            from ._timelinejs import read_timelinejs

            return read_timelinejs(path, strict=strict)
        else:
            if isinstance(data, dict) and "events" in data:
                data = data["events"]
            if not isinstance(data, list):
                _fail(
                    name,
                    "not-a-list",
                    "a JSON event file is a list of events (or an object with an 'events' list)",
                )
            records, rows = data, None
    else:
        header = _csv_rows(text, name)[0]
        if "Headline" in header and "Year" in header:
            from ._timelinejs import read_timelinejs

            return read_timelinejs(path, strict=strict)
        header, records, rows, problems = _csv_records(text, name)
    return normalize_records(records, file=name, rows=rows, strict=strict, problems=problems)


# ---------------------------------------------------------------- writers


def _record(row: pd.Series) -> dict:
    """A catalogue row back as a schema record (derived columns dropped, empty fields omitted)."""
    rec = {}
    for f in FIELDS:
        if f == "places":
            value = list(row["places"]) + [dict(p) for p in row["points"]]
        elif f == "sources":
            value = [{k: v for k, v in s.items() if v} for s in row["sources"]]
        else:
            value = row.get(f)
        if not isinstance(value, list | dict) and pd.isna(value):
            continue
        if f == "circa" and not value:
            continue
        if value == "" and (f in TEXT_FIELDS or f == "category"):
            continue
        if isinstance(value, list) and not value and f != "sources":
            continue
        if f == "precision" and value != "decade":
            continue  # implied by the form of start; a decade is stored as its first year
        rec[f] = value
    return rec


def records(df: pd.DataFrame) -> list[dict]:
    """The events of a catalogue DataFrame as plain schema records (what the YAML file holds)."""
    return [_record(r) for _, r in df.iterrows()]


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: all or nothing."""
    path = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    recs = records(df)
    # The optional text columns only when some event has one, so plain catalogues stay narrow.
    cols = [f for f in FIELDS if f not in TEXT_FIELDS or any(f in r for r in recs)]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for rec in recs:
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
            row.append(v)
        w.writerow(row)
    return buf.getvalue()


def to_text(df: pd.DataFrame, fmt: str) -> str:
    """Render a catalogue DataFrame as ``"yaml"``, ``"csv"`` or ``"json"`` text."""
    if fmt == "yaml":
        return yaml.safe_dump(records(df), allow_unicode=True, sort_keys=False, width=100)
    if fmt == "json":
        return json.dumps(records(df), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return _csv_text(df)
    raise ValueError(f"format must be one of 'yaml', 'csv', 'json', not {fmt!r}")


def write_catalog(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write events to ``.yaml``/``.yml``, ``.csv`` or ``.json`` (by suffix), atomically.

    The written file loads back with :func:`load_catalog` to the same events.
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ValueError(
            f"cannot write {path.name!r}: unknown suffix {path.suffix!r}; allowed: {', '.join(SUFFIXES)}"
        )
    atomic_write(path, to_text(df, kind))
