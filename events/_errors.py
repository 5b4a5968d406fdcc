"""Errors raised by the events package."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

# Values are echoed in messages, cut short: a 5 MB cell must not become a 5 MB message.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlist = _SHORT.maxdict = 4


#: How many problems an error message lists (``EventValidationError.problems`` has them all).
SHOWN = 200
#: Problems kept on an error; past this, problems are only counted ("and 4,949,000 more"):
#: a 10 MiB file of numbers used to build five million problems and 1.2 GB before answering.
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an event file or record.

    ``rule`` is a stable id (``"duplicate-id"``, ``"bad-date"``, ``"yaml-depth"``, ...) that
    programs and tests can rely on; ``message`` says the same for a person and may change.
    ``row`` is what a person editing the file looks for: the line number in a YAML or CSV file
    (the CSV header is line 1), or the 1-based position of the record in JSON or in memory.
    """

    rule: str
    message: str
    file: str | None = None
    row: int | None = None
    event_id: str | None = None
    field: str | None = None
    value: object = None
    has_value: bool = False

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.event_id:
            where.append(f"id {self.event_id!r}")
        head = ", ".join(where) or "input"
        parts = [head + ":"]
        if self.field:
            parts.append(f"field {self.field!r}")
        if self.has_value:
            parts.append(f"value {_SHORT.repr(self.value)}")
        if len(parts) == 1:
            return f"{head}: {self.message} [{self.rule}]"
        return f"{' '.join(parts)} -- {self.message} [{self.rule}]"


class EventValidationError(ValueError):
    """Raised when event data breaks the schema; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = list(problems)
        self.more = more  # problems found past MAX_PROBLEMS: counted, not kept
        n = len(self.problems) + more
        lines = [f"{n} problem{'s' if n != 1 else ''} found in event data:"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems[:SHOWN], 1)]
        if n > SHOWN:  # the first MAX_PROBLEMS stay in .problems; a message stays readable
            lines.append(f"  … and {n - SHOWN:,} more (the first {SHOWN} are listed)")
        super().__init__("\n".join(lines))

    @property
    def rules(self) -> list[str]:
        """The rule id of each problem, in order."""
        return [p.rule for p in self.problems]
