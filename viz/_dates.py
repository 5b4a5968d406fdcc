"""Reading the ``date`` argument of the figure builders strictly (ISO forms only)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from events import DateError, parse_date


def as_day(value, name: str = "date") -> pd.Timestamp:
    """A calendar day from a Timestamp, a date, or an ISO string ("2022-09-30", "2022-09", "2022").

    Day-first or US-style strings ("30/09/2022") are refused rather than guessed.
    """
    if isinstance(value, pd.Timestamp):
        return value.normalize().tz_localize(None) if value.tzinfo else value.normalize()
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date())
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    try:
        first = parse_date(value).first
    except DateError as exc:
        raise ValueError(f"Value of {name!r} is not a date: {value!r} ({exc})") from None
    return pd.Timestamp(first)
