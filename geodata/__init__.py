"""Geometries for Borderlines: regions, control over time, areas, importers.

Everything here works offline from files shipped in ``geodata/data/`` (Natural Earth,
public domain, and hand-drawn approximate front lines; see ``geodata/data/PROVENANCE.md``).
The built-in data is Ukraine's (:mod:`geodata.builtin`); anyone's regions
(:func:`read_regions`) and control series (:func:`read_series`, :func:`read_control`) work
the same way, with their own statuses (:class:`StatusScheme`).
This package never imports plotly.
"""

from geodata import builtin
from geodata._areas import EQUAL_AREA_CRS, area_km2, area_series
from geodata._control import (
    claimed_at,
    control_at,
    control_series,
    coverage,
    is_builtin_data,
    key_dates,
    snapshot_at,
    status_scheme,
)
from geodata._errors import GeodataError, Problem
from geodata._pieces import status_pieces
from geodata._read_regions import read_regions
from geodata._regions import DETAILS, neighbours, regions, ukraine
from geodata._scheme import Status, StatusScheme
from geodata.builtin import CLAIMS, STATUS_LABELS, STATUSES, UKRAINE_AREA_KM2
from geodata.io import (
    SOURCES,
    ControlImportError,
    ImportReportWarning,
    read_control,
    read_series,
    safe_extract,
    write_series,
)

__all__ = [
    "is_builtin_data",
    "CLAIMS",
    "DETAILS",
    "EQUAL_AREA_CRS",
    "SOURCES",
    "STATUSES",
    "STATUS_LABELS",
    "UKRAINE_AREA_KM2",
    "ControlImportError",
    "GeodataError",
    "ImportReportWarning",
    "Problem",
    "Status",
    "StatusScheme",
    "area_km2",
    "area_series",
    "builtin",
    "claimed_at",
    "control_at",
    "control_series",
    "coverage",
    "key_dates",
    "neighbours",
    "read_control",
    "read_regions",
    "read_series",
    "regions",
    "safe_extract",
    "snapshot_at",
    "status_pieces",
    "status_scheme",
    "ukraine",
    "write_series",
]
