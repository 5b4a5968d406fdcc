"""Which archive format a file is, guessed from its feature properties (users rename files).

Only the ``properties`` objects of the first features are decoded; coordinates are never
parsed here, so sniffing a folder costs little more than reading it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from geodata.io._errors import ControlImportError
from geodata.io._files import corrupt, read_text

__all__ = ["SOURCES", "Sniff", "check_source", "detect", "sniff", "unknown_format"]

#: Archive formats :func:`read_control` understands (``source=`` values besides "auto").
SOURCES = ("deepstate", "deepstate-daily", "isw", "plain")

_PROPERTIES = re.compile(r'"properties"\s*:\s*')
_SNIFF_FEATURES = 50
_DEEPSTATE_KEYS = {"styleUrl", "styleHash", "fill", "stroke", "description", "fill-opacity"}
_ISW_KEYS = {"datetime", "FID", "OBJECTID", "Shape__Area", "Shape__Length"}


@dataclass
class Sniff:
    source: str | None
    keys: set = field(default_factory=set)
    collection_name: str = ""


def sniff(text: str) -> Sniff:
    """Guess the archive format from the feature properties, without parsing coordinates."""
    decoder = json.JSONDecoder()
    keys: set = set()
    names: list[str] = []
    seen = 0
    for match in _PROPERTIES.finditer(text):
        try:
            props, _ = decoder.raw_decode(text, match.end())
        except (ValueError, RecursionError):
            break
        if _is_crs_properties(props):
            continue
        seen += 1
        if isinstance(props, dict):
            keys |= props.keys()
            if isinstance(props.get("name"), str):
                names.append(props["name"])
        if seen >= _SNIFF_FEATURES:
            break
    head = re.search(r'"name"\s*:\s*"([^"]*)"', text[:2000])
    collection_name = head.group(1) if head else ""
    lower = {k.lower() for k in keys if isinstance(k, str)}
    if "status" in lower and lower & {"date", "valid_from"}:
        source = "plain"
    elif "layer" in keys:
        source = "isw"
    elif "name" in keys and (keys & _DEEPSTATE_KEYS or any("///" in n for n in names)):
        source = "deepstate"
    elif keys & _ISW_KEYS:
        source = "isw"
    elif seen and not keys:
        source = "deepstate-daily"
    else:
        source = None
    return Sniff(source, keys, collection_name)


def _is_crs_properties(props) -> bool:
    # The legacy GeoJSON "crs" member has a "properties" object of its own.
    return (
        isinstance(props, dict)
        and set(props) <= {"name", "href", "type"}
        and str(props.get("name", props.get("href", "")))
        .lower()
        .startswith(("urn:", "epsg", "http"))
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def unknown_format(path: Path, text: str) -> ControlImportError:
    """The error for a file that no format's sniffing recognised."""
    if not _is_json(text):
        return corrupt(path)
    return ControlImportError(
        f"{path.name}: unknown format. Expected one of: DeepStateMap export (features with "
        "'name' and 'fill'), DeepStateMap daily file (one MultiPolygon, no properties), ISW "
        "layer file ('layer' or 'datetime' field), plain series (features with 'status' and "
        f"'date' or 'valid_from'). Pass source= one of {list(SOURCES)} if you know which it is.",
        rule="unknown-format",
        file=path.name,
    )


def check_source(source) -> None:
    """Refuse a ``source=`` that is neither ``"auto"`` nor one of :data:`SOURCES`."""
    allowed = ("auto", *SOURCES)
    if source not in allowed:
        raise ControlImportError(
            f"source={source!r} is not a known archive format; expected one of {list(allowed)}.",
            rule="bad-argument",
        )


def detect(files: list[Path]) -> tuple[str, dict]:
    """The one format all ``files`` share, and each file's :class:`Sniff`."""
    sniffs, by_source = {}, {}
    for path in files:
        _, text = read_text(path)
        guess = sniff(text)
        if guess.source is None:
            raise unknown_format(path, text)
        sniffs[path] = guess
        by_source.setdefault(guess.source, []).append(path.name)
    if len(by_source) > 1:
        parts = []
        for found, names in sorted(by_source.items()):
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{found}: {shown}")
        raise ControlImportError(
            "The files mix archive formats (" + "; ".join(parts) + "). Import one format at "
            "a time: put each in its own folder or use a glob pattern.",
            rule="mixed-formats",
        )
    return next(iter(by_source)), sniffs
