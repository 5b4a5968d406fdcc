"""Compatibility shim: the importers now live in :mod:`geodata.io`.

Kept so that ``geodata._importers`` imports keep working (tests, benchmarks); new code
imports from :mod:`geodata` or :mod:`geodata.io`. ``pyogrio`` is re-exported because tests
patch ``geodata._importers.pyogrio.write_dataframe``.
"""

import pyogrio  # noqa: F401

from geodata._extras import need_pyarrow as _need_pyarrow  # noqa: F401
from geodata.io import (
    MAX_FILE_BYTES,
    SOURCES,
    ControlImportError,
    ImportReportWarning,
    read_control,
    read_series,
    write_series,
)
from geodata.io._clean import ukraine_outline as _ukraine_outline  # noqa: F401
from geodata.io._files import FILE_SUFFIXES as _FILE_SUFFIXES  # noqa: F401

__all__ = [
    "MAX_FILE_BYTES",
    "SOURCES",
    "ControlImportError",
    "ImportReportWarning",
    "read_control",
    "read_series",
    "write_series",
]
