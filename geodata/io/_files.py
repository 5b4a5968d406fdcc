"""Finding control files (a file, a folder, a glob pattern) and reading one safely.

Every file is read whole, checked against :data:`MAX_FILE_BYTES` and decoded as UTF-8 before
anything parses it, so that a huge, unreadable or non-UTF-8 file fails with its name.
"""

from __future__ import annotations

import glob as globlib
import os
import re
import warnings
from pathlib import Path

import geopandas as gpd
import pyogrio

from geodata.io._errors import ControlImportError

__all__ = ["FILE_SUFFIXES", "MAX_FILE_BYTES", "corrupt", "parse", "read_text", "resolve_paths"]

#: Suffixes of control files in a folder or a zip (compared lower-cased).
FILE_SUFFIXES = (".geojson", ".json")
#: Largest control file read (bytes). Parsing GeoJSON takes ~25x its size in memory.
MAX_FILE_BYTES = 256 * 2**20
_GLOB_CHARS = re.compile(r"[*?\[]")


def resolve_paths(path) -> list[Path]:
    """The control files ``path`` names: itself, the files of a folder, or a glob's matches."""
    text = os.fspath(path)
    target = Path(text).expanduser()
    if target.is_dir():
        files = sorted(
            p for p in target.iterdir() if p.is_file() and p.suffix.lower() in FILE_SUFFIXES
        )
        if not files:
            raise ControlImportError(
                f"Folder {text!r} holds no control files: expected *.geojson or *.json files.",
                rule="no-files",
            )
        return files
    if target.is_file():
        return [target]
    if _GLOB_CHARS.search(text):
        files = sorted(Path(p) for p in globlib.glob(os.path.expanduser(text), recursive=True))
        files = [p for p in files if p.is_file()]
        if not files:
            raise ControlImportError(
                f"Pattern {text!r} matches no files: pass a file, a folder of *.geojson "
                "files, or a glob pattern such as 'archive/*.geojson'.",
                rule="no-files",
            )
        return files
    raise ControlImportError(
        f"{text!r} does not exist: pass a file, a folder of *.geojson files, or a glob pattern.",
        rule="not-found",
    )


def read_text(path: Path) -> tuple[bytes, str]:
    """The bytes of one file and their UTF-8 text (a BOM allowed), or a ControlImportError."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ControlImportError(
                f"{path.name}: is {path.stat().st_size / 2**20:,.0f} MiB; control files are "
                f"limited to {MAX_FILE_BYTES // 2**20} MiB each — split the archive by date.",
                rule="file-too-large",
                file=path.name,
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ControlImportError(
            f"{path.name}: cannot be read ({exc.strerror}).", rule="file-unreadable", file=path.name
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ControlImportError(
            f"{path.name}: is not UTF-8 text (invalid byte at position {exc.start}); "
            "GeoJSON must be UTF-8 — re-save the file as UTF-8.",
            rule="encoding",
            file=path.name,
        ) from None
    return raw, text


def corrupt(path: Path, detail: str = "") -> ControlImportError:
    """The error for a file that is not valid GeoJSON."""
    detail = f" ({detail})" if detail else ""
    return ControlImportError(
        f"{path.name}: is not valid GeoJSON — the file is corrupt or truncated{detail}. "
        "Expected a GeoJSON FeatureCollection; download the file again.",
        rule="geojson-corrupt",
        file=path.name,
    )


def parse(path: Path, raw: bytes) -> gpd.GeoDataFrame:
    """The features of a GeoJSON file's bytes (read by :func:`read_text`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(raw)
    except Exception as exc:  # pyogrio raises several GDAL error classes for bad JSON
        detail = " ".join(str(exc).split())[:120]
        raise corrupt(path, detail) from None
    return frame
