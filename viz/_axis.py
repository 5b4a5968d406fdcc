"""A focus+context date axis: a compressed segment for the long past, a wide one for the focus.

1783-2024 is 241 years, but most events fall in 2014-2024. The axis maps dates to a numeric x
piecewise-linearly through a few knots, so both periods stay readable on one chart. The knots
travel with the figure (``layout.meta``) so the browser can place the date cursor too.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values) -> np.ndarray:
    """Days since 1970-01-01 of a sequence of dates (Timestamps, dates or ISO strings)."""
    arr = np.asarray(pd.to_datetime(pd.Index(values)), dtype="datetime64[D]")
    return (arr - _EPOCH).astype(float)


@dataclass(frozen=True)
class DateAxis:
    """Piecewise-linear map from calendar days to x in [0, 1]."""

    dates: tuple[pd.Timestamp, ...]
    xs: tuple[float, ...]

    @classmethod
    def build(cls, lo, hi, focus_start=None, focus_share=0.72, context_start="1991-01-01"):
        """An axis from ``lo`` to ``hi``.

        ``focus_share`` of the width goes to ``focus_start``-``hi``. When the data reach back
        before ``context_start``, the compressed part is split in two halves of equal width,
        before and after ``context_start`` (centuries of empire, then decades of independence).
        """
        lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
        if focus_start is None:
            return cls((lo, hi), (0.0, 1.0))
        f = pd.Timestamp(focus_start)
        if f <= lo or f >= hi:
            return cls((lo, hi), (0.0, 1.0))
        rest = 1.0 - focus_share
        c = pd.Timestamp(context_start) if context_start is not None else None
        if c is not None and lo < c < f:
            return cls((lo, c, f, hi), (0.0, rest * 0.55, rest, 1.0))
        return cls((lo, f, hi), (0.0, rest, 1.0))

    @property
    def compressed(self) -> bool:
        return len(self.dates) > 2

    @functools.cached_property
    def _knots(self) -> np.ndarray:
        return _days(list(self.dates))

    def to_x(self, values):
        """x position of one date or an array of dates."""
        if np.isscalar(values) or isinstance(values, pd.Timestamp | dt.date | str):
            day = (np.datetime64(pd.Timestamp(values).date(), "D") - _EPOCH).astype(float)
            return float(np.interp(day, self._knots, self.xs))
        return np.interp(_days(values), self._knots, np.array(self.xs))

    def ticks(self, plot_px: float, min_px: float = 48) -> tuple[list[float], list[str]]:
        """Year ticks spaced at least ``min_px`` apart, denser in the focus segment."""
        min_x = min_px / max(plot_px, 1)
        lo, hi = self.dates[0], self.dates[-1]
        if not self.compressed:
            return self._linear_ticks(min_x)
        candidates = []
        for step in (1, 2, 5, 10, 25, 50, 100):
            for y in range(lo.year - lo.year % step, hi.year + 1, step):
                candidates.append((step, y))
        chosen: list[float] = []
        labels: list[str] = []
        if len(self.dates) > 2:  # the focus starts here: label it first
            knot = self.dates[-2]
            chosen.append(self.to_x(pd.Timestamp(knot.year, 1, 1)))
            labels.append(str(knot.year))
        # Prefer round years: take coarse steps first, then fill in finer ones where room is left.
        inner = [pd.Timestamp(k.year, 1, 1) for k in self.dates[1:-2]]
        for step in ("knots", 100, 50, 25, 10, 5, 2, 1):
            if step == "knots":  # then the other knots, where they fit
                todo = [(step, d.year) for d in inner]
            else:
                todo = [(s, y) for s, y in candidates if s == step]
            for _, y in todo:
                day = pd.Timestamp(y, 1, 1)
                if day < lo or day > hi:
                    continue
                x = self.to_x(day)
                if all(abs(x - c) >= min_x for c in chosen):
                    chosen.append(x)
                    labels.append(str(y))
        order = np.argsort(chosen)
        return [chosen[i] for i in order], [labels[i] for i in order]

    def _linear_ticks(self, min_x: float) -> tuple[list[float], list[str]]:
        """Evenly stepped year ticks (1, 2, 5, 10, 20, 25, 50 or 100 years) on a plain axis;
        month ticks when the span is a year or two."""
        lo, hi = self.dates[0], self.dates[-1]
        for step in (1, 2, 5, 10, 20, 25, 50, 100, 200):
            years = [y for y in range(lo.year - lo.year % step, hi.year + 1, step)
                     if lo <= pd.Timestamp(y, 1, 1) <= hi]  # fmt: skip
            xs = [self.to_x(pd.Timestamp(y, 1, 1)) for y in years]
            if len(xs) < 2 or float(np.diff(xs).min()) >= min_x:
                break
        if len(years) < 3:
            return self._month_ticks(min_x)
        return xs, [str(y) for y in years]

    def _month_ticks(self, min_x: float) -> tuple[list[float], list[str]]:
        lo, hi = self.dates[0], self.dates[-1]
        chosen: list[float] = []
        labels: list[str] = []
        for step in (1, 2, 3, 6):
            chosen, labels = [], []
            for day in pd.date_range(lo.normalize().replace(day=1), hi, freq=f"{step}MS"):
                if day < lo:
                    continue
                x = self.to_x(day)
                if chosen and x - chosen[-1] < min_x:
                    break
                chosen.append(x)
                first = not labels or day.month == 1
                labels.append(day.strftime("%b %Y") if first else day.strftime("%b"))
            else:
                break
        return chosen, labels

    def meta(self) -> dict:
        """JSON-ready knots for the browser: ISO dates and x positions."""
        return {"dates": [d.strftime("%Y-%m-%d") for d in self.dates], "xs": list(self.xs)}
