"""Geometries for Borderlines: regions, control over time, areas, importers.

Everything here works offline from files shipped in ``geodata/data/`` (Natural Earth,
public domain, and hand-drawn approximate front lines; see ``geodata/data/PROVENANCE.md``).
This package never imports plotly.
"""

from geodata._archive import safe_extract
from geodata._areas import EQUAL_AREA_CRS, UKRAINE_AREA_KM2, area_km2, area_series
from geodata._control import (
    CLAIMS,
    STATUS_LABELS,
    STATUSES,
    claimed_at,
    control_at,
    control_series,
    key_dates,
)
from geodata._errors import GeodataError
from geodata._importers import (
    ControlImportError,
    ImportReportWarning,
    read_control,
    read_series,
    write_series,
)
from geodata._pieces import status_pieces
from geodata._regions import DETAILS, neighbours, regions, ukraine

__all__ = [
    "CLAIMS",
    "DETAILS",
    "EQUAL_AREA_CRS",
    "STATUSES",
    "STATUS_LABELS",
    "UKRAINE_AREA_KM2",
    "ControlImportError",
    "GeodataError",
    "ImportReportWarning",
    "area_km2",
    "area_series",
    "claimed_at",
    "control_at",
    "control_series",
    "key_dates",
    "neighbours",
    "read_control",
    "read_series",
    "regions",
    "safe_extract",
    "status_pieces",
    "ukraine",
    "write_series",
]
