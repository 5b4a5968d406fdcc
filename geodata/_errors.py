"""Errors raised by the geodata package."""


class GeodataError(ValueError):
    """Base error of the geodata package: a bad argument or input, with how to fix it."""
