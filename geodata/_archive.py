"""Compatibility shim: safe zip extraction now lives in :mod:`geodata.io._zip`.

Kept so that ``geodata._archive`` imports keep working (tests, ``viz._appstate``).
"""

from geodata.io._zip import extract_control_folder, safe_extract

__all__ = ["extract_control_folder", "safe_extract"]
