"""Dates of control files: from their names (Unix seconds, YYYYMMDD) within a plausible window."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from geodata.io._errors import ControlImportError

__all__ = ["EARLIEST", "LATEST", "date_from_name", "no_date", "utc_stamp"]

# Dates outside this window cannot be from these archives: a number that decodes to
# 1971 or 2300 is not a timestamp but a misnamed file.
EARLIEST, LATEST = pd.Timestamp("2014-01-01"), pd.Timestamp("2100-01-01")


def utc_stamp(value: pd.Timestamp) -> pd.Timestamp | None:
    """``value`` in UTC without a time zone, or None outside the archives' window."""
    if value.tzinfo is not None:
        value = value.tz_convert("UTC").tz_localize(None)
    return value if EARLIEST <= value < LATEST else None


def date_from_name(stem: str, *, unix: bool) -> pd.Timestamp | None:
    """Full timestamp from a file name: Unix seconds (if ``unix``) or YYYYMMDD/YYYY-MM-DD."""
    if unix:
        found = re.match(r"\s*(\d{9,10}|\d{13})(?!\d)", stem)
        if found:
            digits = found.group(1)
            unit = "ms" if len(digits) == 13 else "s"
            return utc_stamp(pd.Timestamp(int(digits), unit=unit, tz="UTC"))
    found = re.search(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)", stem)
    if found:
        try:
            return utc_stamp(pd.Timestamp(datetime(*map(int, found.groups()))))
        except ValueError:
            return None
    return None


def no_date(path: Path, expected: str) -> ControlImportError:
    """The error for a file whose date can be read neither from its name nor its content."""
    return ControlImportError(
        f"{path.name}: cannot read a date from the file name or its content; expected {expected}. "
        "Rename the file to carry its date.",
        rule="no-date",
        file=path.name,
    )
