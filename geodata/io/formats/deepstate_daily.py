"""DeepStateMap daily outlines: one MultiPolygon per day, no properties, CRS84.

Files are named ``deepstatemap_data_YYYYMMDD.geojson``. Everything in them is read as
``"occupied"``: this format cannot separate areas held before 2022 from those taken since.
"""

from __future__ import annotations

import numpy as np

from geodata.io._dates import date_from_name, no_date

__all__ = ["NOTE", "rows"]

#: The report line every import of this format ends with.
NOTE = (
    "deepstate-daily files hold one outline of everything Russia holds: all of it is "
    "read as 'occupied' (this format cannot separate areas occupied before 2022)"
)


def rows(path, frame, sniff, lines):
    """Statuses (all "occupied"), layers (None), dates and the timestamp of one daily file."""
    stamp = date_from_name(path.stem, unix=False)
    if stamp is None:
        stamp = date_from_name(sniff.collection_name, unix=False)
    if stamp is None:
        raise no_date(path, "YYYYMMDD in the name (e.g. deepstatemap_data_20241231.geojson)")
    statuses = np.full(len(frame), "occupied", dtype=object)
    dates = np.full(len(frame), stamp.normalize(), dtype=object)
    return statuses, None, dates, stamp
