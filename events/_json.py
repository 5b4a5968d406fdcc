"""JSON text of event files, with errors in our words (line, column, rule)."""

from __future__ import annotations

import json

from ._files import fail

__all__ = ["json_load", "json_why"]


def json_load(text: str, name: str):
    """Parse the JSON text of file ``name``, or raise an :class:`EventValidationError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(
            name,
            "json-syntax",
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg} "
            "(is the file truncated?)",
            row=exc.lineno,
        )
    except RecursionError:
        fail(name, "json-depth", "JSON nesting is too deep")
    except ValueError:  # e.g. an integer of more than 4,300 digits
        fail(
            name,
            "json-value",
            "not valid JSON: a value cannot be read (a number of more than 4,300 digits?)",
        )


def json_why(exc: Exception) -> str:
    """Why a JSON text inside a cell failed, in our words where the library's are unclear."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return "a value cannot be read"
