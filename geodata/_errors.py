"""Errors raised by the geodata package."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

# Values are echoed in messages, cut short: a 5 MB cell must not become a 5 MB message.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlist = _SHORT.maxdict = 4
#: Problems listed in one message; the rest are counted ("and 7 more").
MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row of an input file or frame.

    ``row`` is what a person editing the file looks for: the line number in a CSV file (the
    header is line 1), else the 1-based position of the feature in the file or frame.
    """

    rule: str
    message: str
    row: int | None = None
    field: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        if self.value is not None:
            where.append(f"value {_SHORT.repr(self.value)}")
        head = ", ".join(where)
        return f"{head}: {self.message} [{self.rule}]" if head else f"{self.message} [{self.rule}]"


class GeodataError(ValueError):
    """Base error of the geodata package: a bad argument or input, with how to fix it.

    ``rule`` is a stable id of what was wrong (``"unknown-format"``, ``"zip-unsafe-member"``,
    ...) that programs and tests can rely on; the message is for people and may change.
    ``file`` names the file the problem is in, when there is one. ``problems`` lists the
    row-level :class:`Problem` entries when several rows were wrong (``rule`` is then the
    rule of the first).
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str = "bad-argument",
        file: str | None = None,
        problems: tuple[Problem, ...] = (),
    ):
        super().__init__(message)
        self.rule = rule
        self.file = file
        self.problems = tuple(problems)


def problems_error(
    what: str, problems: list[Problem], *, file: str | None, cls: type = GeodataError
) -> GeodataError:
    """One error listing every problem (the first :data:`MAX_LISTED`, then a count)."""
    n = len(problems)
    where = file or "input"
    lines = [f"{where}: {n} problem{'s' if n != 1 else ''} found in {what}:"]
    lines += [f"  {i}. {p}" for i, p in enumerate(problems[:MAX_LISTED], 1)]
    if n > MAX_LISTED:
        lines.append(f"  ... and {n - MAX_LISTED} more")
    return cls("\n".join(lines), rule=problems[0].rule, file=file, problems=tuple(problems))
