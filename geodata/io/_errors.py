"""The one error of the importers, shared by every reader and the zip extraction."""

from __future__ import annotations

from geodata._errors import GeodataError

__all__ = ["ControlImportError"]


class ControlImportError(GeodataError):
    """A control-of-terrain file or folder cannot be imported."""
