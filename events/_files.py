"""Event files on disk: the size limit, reading and decoding a whole file, the atomic writer.

Every reader (catalogue formats and TimelineJS) reads through :func:`read_text` and every
writer through :func:`atomic_write`, so the limits and the all-or-nothing write are the
same everywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ._errors import EventValidationError, Problem

__all__ = ["MAX_BYTES", "atomic_write", "decode", "fail", "read_text"]

MAX_BYTES = 20 * 1024 * 1024


def fail(file, rule, message, row=None):
    """Raise for a problem with the whole file (``rule`` is the stable id, see Problem)."""
    raise EventValidationError([Problem(rule, message, file, row)])


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """Read a whole event file as text; return (display name, text) or raise a clear error."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        fail(str(path), "file-not-found", "file not found")
    except OSError as exc:
        fail(str(path), "file-unreadable", f"cannot read the file: {exc.strerror}")
    if path.is_dir():
        fail(
            str(path),
            "file-is-folder",
            "is a folder; give an event file (.yaml, .yml, .csv or .json)",
        )
    if size > MAX_BYTES:
        fail(
            name,
            "file-too-large",
            f"file is {size / 1e6:.1f} MB; event files are limited to {MAX_BYTES // 2**20} MiB",
        )
    raw = path.read_bytes()
    return name, decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """Decode bytes as UTF-8 (BOM allowed); raise a clear error naming the byte offset."""
    if not raw.strip():
        fail(name, "file-empty", "the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        fail(name, "encoding", "the file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        fail(
            name,
            "encoding",
            f"NUL byte at byte {at}: UTF-16 without a BOM, or not text; save as UTF-8",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        fail(
            name,
            "encoding",
            f"not valid UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8",
            row=line,
        )


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
