"""Calendar dates with a precision: "1783", "1783-04", "1783-04-19" and "1780s".

Dates here are calendar days, never instants: no time zone, no time of day. They are kept as
ISO strings in the catalogue and turned into ``pandas.Timestamp`` bounds only for sorting and
queries, so a year stays a year ("1783") instead of becoming 1 January.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

PRECISIONS = ("day", "month", "year", "decade")
MIN_YEAR, MAX_YEAR = 1700, 2100

# Russia moved from the Julian to the Gregorian calendar on 14 February 1918 (N.S.).
GREGORIAN_SWITCH_RU = dt.date(1918, 2, 14)

_FORMS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
    "decade": re.compile(r"^(\d{3}0)s$"),
}

DATE_RULE = "expected a calendar date written YYYY-MM-DD, YYYY-MM, YYYY or YYY0s (a decade)"

MONTHS_EN = [calendar.month_name[i] for i in range(13)]
MONTHS_EN_ABBR = [calendar.month_abbr[i] for i in range(13)]


class DateError(ValueError):
    """A date string that is not a real calendar date in a supported form."""


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to a precision of a day, a month, a year or a decade."""

    year: int
    month: int | None = None
    day: int | None = None
    precision: str = "day"

    @property
    def first(self) -> dt.date:
        """The first day the date covers."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        """The last day the date covers (inclusive)."""
        if self.precision == "day":
            return self.first
        if self.precision == "month":
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        if self.precision == "year":
            return dt.date(self.year, 12, 31)
        return dt.date(self.year + 9, 12, 31)

    def iso(self) -> str:
        """The canonical string form: ``"1783-04-19"``, ``"1783-04"``, ``"1783"``.

        A decade is stored as its first year (``"1780"``) with precision ``"decade"``, so that
        every stored form is one ``pandas.Timestamp`` accepts.
        """
        if self.precision in ("decade", "year"):
            return f"{self.year:04d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def label(self) -> str:
        """A human label: ``"19 April 1783"``, ``"April 1783"``, ``"1783"``, ``"1780s"``."""
        if self.precision == "decade":
            return f"{self.year}s"
        if self.precision == "day":
            return f"{self.day} {MONTHS_EN[self.month]} {self.year}"
        if self.precision == "month":
            return f"{MONTHS_EN[self.month]} {self.year}"
        return self.iso()


def parse_date(value: object) -> PartialDate:
    """Parse a partial ISO date; raise :class:`DateError` saying what is allowed.

    ``datetime.date`` objects (YAML turns unquoted dates into them) and integer years are
    accepted too.

    Examples
    --------
    >>> parse_date("1783").precision
    'year'
    >>> parse_date("2022-02-24").last
    datetime.date(2022, 2, 24)
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    elif isinstance(value, float) and value.is_integer():
        value = f"{int(value):04d}"
    if not isinstance(value, str):
        raise DateError(DATE_RULE)
    text = value.strip()
    for precision, form in _FORMS.items():
        m = form.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DateError(f"year {year} is outside the supported range {MIN_YEAR}-{MAX_YEAR}")
        month = int(m.group(2)) if precision in ("day", "month") else None
        day = int(m.group(3)) if precision == "day" else None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"month {month} does not exist; {DATE_RULE}")
        if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise DateError(f"{text} is not a real calendar date (no day {day} in that month)")
        return PartialDate(year, month, day, precision)
    raise DateError(DATE_RULE)


def julian_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Julian (Old Style) calendar date to the Gregorian (New Style) date.

    >>> julian_to_gregorian(1783, 4, 8)
    datetime.date(1783, 4, 19)
    """
    leap = year % 4 == 0
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not 1 <= month <= 12 or not 1 <= day <= days[month - 1]:
        raise DateError(f"{year:04d}-{month:02d}-{day:02d} is not a real Julian calendar date")
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    return dt.date.fromordinal(jdn - 1721425)


def parse_julian(value: object) -> tuple[int, int, int]:
    """Parse an Old-Style date written YYYY-MM-DD into (year, month, day)."""
    if isinstance(value, dt.date):
        # YAML reads an unquoted 1700-02-29 as an error, but any other O.S. day as a date.
        return value.year, value.month, value.day
    m = _FORMS["day"].match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        raise DateError("an Old-Style date must be a full day written YYYY-MM-DD")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def to_timestamp(day: dt.date) -> pd.Timestamp:
    """A calendar day as a tz-naive midnight ``Timestamp`` (no time-zone drift)."""
    return pd.Timestamp(day.year, day.month, day.day)


def as_day(value: object, *, end: bool = False) -> dt.date:
    """Turn a query bound ("2014", "2022-09", a date, a Timestamp) into a calendar day.

    With ``end=True`` a partial date gives its last day, so ``--to 2022`` includes all of 2022.
    """
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    p = parse_date(value)
    return p.last if end else p.first
