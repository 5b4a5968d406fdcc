"""Optional dependencies (the package's extras): a clear error naming what to install."""

from __future__ import annotations

from geodata._errors import GeodataError

__all__ = ["need_pyarrow"]


def need_pyarrow(doing: str) -> None:
    """Raise a :class:`GeodataError` naming the parquet extra when pyarrow is missing."""
    try:
        import pyarrow  # noqa: F401  (optional: only GeoParquet needs it)
    except ImportError:
        raise GeodataError(
            f"{doing} GeoParquet needs the parquet extra: pip install 'borderlines[parquet]' "
            "(or use a .gpkg file).",
            rule="missing-extra",
        ) from None
