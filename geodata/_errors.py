"""Errors raised by the geodata package."""

from __future__ import annotations


class GeodataError(ValueError):
    """Base error of the geodata package: a bad argument or input, with how to fix it.

    ``rule`` is a stable id of what was wrong (``"unknown-format"``, ``"zip-unsafe-member"``,
    ...) that programs and tests can rely on; the message is for people and may change.
    ``file`` names the file the problem is in, when there is one.
    """

    def __init__(self, message: str, *, rule: str = "bad-argument", file: str | None = None):
        super().__init__(message)
        self.rule = rule
        self.file = file
