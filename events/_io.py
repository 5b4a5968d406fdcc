"""Reading and writing event files: YAML, CSV and JSON in the catalogue schema, and TimelineJS.

Every reader decodes the whole file first (UTF-8, an optional BOM), parses it, then validates
every record; a file with any problem raises :class:`EventValidationError` and nothing is
returned. Writers go through a temporary file in the target folder and an atomic rename.
The file limits and the writer live in ``_files``, the CSV format in ``_csv``, JSON errors in
``_json`` and TimelineJS in ``_timelinejs``; YAML and the dispatch by suffix live here.
"""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from ._csv import csv_records, csv_rows, csv_text
from ._errors import EventValidationError
from ._files import MAX_BYTES, atomic_write, decode, fail, read_text
from ._json import json_load
from ._schema import FIELDS, TEXT_FIELDS, normalize_records
from ._timelinejs import is_timelinejs_json, is_timelinejs_sheet, read_timelinejs

__all__ = [
    "MAX_BYTES",
    "SUFFIXES",
    "atomic_write",
    "decode",
    "load_catalog",
    "read_text",
    "records",
    "to_text",
    "write_catalog",
]

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".json": "json"}
CATALOG_RESOURCE = "catalog.yaml"


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
            fail(name, "yaml-depth", f"YAML nesting is deeper than {MAX_YAML_DEPTH} levels")
        tree = loader.get_single_node()
        memo: dict = {}
        if tree is not None and _expanded(tree, memo) > len(memo) + MAX_YAML_ALIAS_VALUES:
            fail(
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
        fail(
            name,
            "yaml-tag",
            f"the YAML tag{shown}{_at(mark)} is not allowed: event files hold plain values only",
            row=mark.line + 1 if mark else None,
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        fail(
            name,
            "yaml-syntax",
            f"not valid YAML{_at(mark)}: {problem} (is the file truncated?)",
            row=mark.line + 1 if mark else None,
        )
    except EventValidationError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # PyYAML's constructors raise bare errors on values such as `!!int abc`.
        fail(
            name, "yaml-value", f"not valid YAML: cannot read a value ({type(exc).__name__}: {exc})"
        )
    finally:
        loader.dispose()
    if isinstance(data, dict) and "events" in data:
        data = data["events"]
        # The last 'events' key wins, as in PyYAML; a merged one (<<: *x) has no node here.
        tree = next((v for k, v in reversed(tree.value) if k.value == "events"), None)
    if not isinstance(data, list):
        fail(
            name,
            "not-a-list",
            "a YAML event file is a list of events (or a mapping with an 'events' list)",
        )
    nodes = tree.value if isinstance(tree, yaml.SequenceNode) else []
    rows = [node.start_mark.line + 1 for node in nodes] if len(nodes) == len(data) else None
    return data, rows


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
        fail(
            path.name,
            "file-type",
            f"unknown file type {path.suffix!r}; allowed: {', '.join(SUFFIXES)}",
        )
    name, text = read_text(path)
    problems = []
    if kind == "yaml":
        records, rows = _yaml_records(text, name)
    elif kind == "json":
        data = json_load(text, name)
        if is_timelinejs_json(data):
            return read_timelinejs(path, strict=strict)
        else:
            if isinstance(data, dict) and "events" in data:
                data = data["events"]
            if not isinstance(data, list):
                fail(
                    name,
                    "not-a-list",
                    "a JSON event file is a list of events (or an object with an 'events' list)",
                )
            records, rows = data, None
    else:
        header = csv_rows(text, name)[0]
        if is_timelinejs_sheet(header):
            return read_timelinejs(path, strict=strict)
        header, records, rows, problems = csv_records(text, name)
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


def to_text(df: pd.DataFrame, fmt: str) -> str:
    """Render a catalogue DataFrame as ``"yaml"``, ``"csv"`` or ``"json"`` text."""
    if fmt == "yaml":
        return yaml.safe_dump(records(df), allow_unicode=True, sort_keys=False, width=100)
    if fmt == "json":
        return json.dumps(records(df), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return csv_text(records(df))
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
