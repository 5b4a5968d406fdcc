"""The import report: every repair and drop is a line, and each file's lines one warning.

Readers append lines of the form ``"<file>: <what changed>"``; :func:`read_control` keeps
them all in ``attrs["report"]`` and warns once per file with :func:`warn_file`.
"""

from __future__ import annotations

import warnings

__all__ = ["ImportReportWarning", "plural", "warn_file"]


class ImportReportWarning(UserWarning):
    """Summary of what an import dropped, repaired or clipped in one file."""


def plural(count: int, word: str) -> str:
    """``"1 polygon"``, ``"2 polygons"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def warn_file(name: str, lines: list[str], *, stacklevel: int = 1) -> None:
    """One :class:`ImportReportWarning` summarising the report ``lines`` of file ``name``.

    ``stacklevel`` counts from the caller, as for :func:`warnings.warn`.
    """
    summary = "; ".join(line.split(": ", 1)[1] for line in lines)
    warnings.warn(f"{name}: {summary}", ImportReportWarning, stacklevel=stacklevel + 1)
