"""Status schemes: the statuses a control series uses, with labels, colours and which are held.

A :class:`StatusScheme` answers, for any status name of a series, what to call it, how to
colour it and whether it counts as held when areas are summed. Besides the statuses it has
two entries that no polygon carries: ``background``, the status of land in no status polygon
(built-in: "ukrainian", "Held by Ukraine"), and ``no_data``, for dates the series has no data
for (drawn hatched by viz).

The built-in scheme is :data:`geodata.builtin.SCHEME`; :data:`GENERIC` is the starting point for
anyone else's series, which :func:`geodata.status_scheme` extends with the series' own statuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from geodata._errors import GeodataError

__all__ = ["FALLBACK_COLORS", "GENERIC", "HELD_WORDS", "Status", "StatusScheme", "looks_held"]

#: Colours given to statuses a scheme does not know, in this order, skipping those in use:
#: Okabe and Ito's colour-blind-safe set (black left out: it hides borders), then Paul Tol's
#: "muted" set. Past the end of the list colours repeat.
FALLBACK_COLORS = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
#: A status whose name has one of these words counts as held, unless it also has "not",
#: "no" or "non" ("separatist_held", "russian-controlled", "occupied"; not "not_held" or
#: "uncontrolled").
HELD_WORDS = frozenset({"occupied", "held", "controlled", "annexed"})
_NEGATIONS = frozenset({"not", "no", "non"})
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_WORDS = re.compile(r"[^0-9a-z]+")

BACKGROUND_COLOR = "#FAFAF5"
NO_DATA_COLOR = "#FFFFFF"


def looks_held(name: str) -> bool:
    """Whether a status name reads as held (see :data:`HELD_WORDS`)."""
    words = set(_WORDS.split(name.lower()))
    return bool(words & HELD_WORDS) and not words & _NEGATIONS


def humanise(name: str) -> str:
    """A label from a name: "separatist_held" -> "Separatist held"."""
    text = " ".join(re.split(r"[_\-\s]+", str(name).strip()))
    return text[:1].upper() + text[1:] if text else str(name)


@dataclass(frozen=True)
class Status:
    """One entry of a scheme: a status name and how it is shown and counted.

    Parameters
    ----------
    name : str
        The value in a series' ``status`` column.
    label : str
        What legends and hover text call it.
    color : str
        A ``#RRGGBB`` colour.
    held : bool, default False
        Whether it counts as held in :func:`geodata.area_series` (``held_total``).
    order : int, default 0
        Position in legends and tables (smaller first).
    """

    name: str
    label: str
    color: str
    held: bool = False
    order: int = 0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise GeodataError(
                f"A status name must be a non-empty string, not {self.name!r}.",
                rule="bad-status",
            )
        if not isinstance(self.color, str) or not _HEX.fullmatch(self.color):
            raise GeodataError(
                f"Status {self.name!r}: colour {self.color!r} is not a '#RRGGBB' colour.",
                rule="bad-color",
            )


@dataclass(frozen=True)
class StatusScheme:
    """Statuses of a control series with labels, colours, order and which count as held.

    Parameters
    ----------
    statuses : tuple of Status
        The statuses polygons carry. They are kept sorted by ``order`` (then as given).
    background : Status
        Land in no status polygon (built-in: "ukrainian", "Held by Ukraine").
    no_data : Status
        Dates outside the series' coverage: "No control data for this date", white.

    Raises
    ------
    GeodataError
        Two entries share a name (rule ``duplicate-status``).

    Examples
    --------
    >>> import geodata
    >>> scheme = geodata.status_scheme().extend(["separatist_held"])
    >>> scheme.label("separatist_held"), scheme.is_held("separatist_held")
    ('Separatist held', True)
    """

    statuses: tuple[Status, ...]
    background: Status
    no_data: Status = field(
        default=Status("no_data", "No control data for this date", NO_DATA_COLOR, order=10**6)
    )

    def __post_init__(self):
        entries = tuple(self.statuses)
        if not all(isinstance(s, Status) for s in (*entries, self.background, self.no_data)):
            raise GeodataError(
                "A StatusScheme is made of geodata.Status entries (name, label, color, held, "
                "order).",
                rule="bad-status",
            )
        ordered = tuple(sorted(entries, key=lambda s: s.order))
        names = [s.name for s in (*ordered, self.background, self.no_data)]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise GeodataError(
                f"A StatusScheme lists status {twice[0]!r} more than once (statuses, "
                "background and no_data must have distinct names).",
                rule="duplicate-status",
            )
        object.__setattr__(self, "statuses", ordered)

    # ----------------------------------------------------------------- lookups

    def _entries(self) -> dict[str, Status]:
        return {s.name: s for s in (*self.statuses, self.background, self.no_data)}

    def entry(self, status: str) -> Status:
        """The :class:`Status` entry of ``status`` (a status, the background or no_data).

        Raises
        ------
        GeodataError
            ``status`` is not in the scheme (rule ``unknown-status``); :meth:`extend` adds it.
        """
        found = self._entries().get(status)
        if found is None:
            raise GeodataError(
                f"Status {status!r} is not in this scheme; it knows "
                f"{list(self._entries())}. Add it with scheme.extend([{status!r}]).",
                rule="unknown-status",
            )
        return found

    def __contains__(self, status) -> bool:
        return status in self._entries()

    def label(self, status: str) -> str:
        """What legends call ``status``."""
        return self.entry(status).label

    def color(self, status: str) -> str:
        """The ``#RRGGBB`` colour of ``status``."""
        return self.entry(status).color

    def is_held(self, status: str) -> bool:
        """Whether ``status`` counts as held (background and no_data never do)."""
        return self.entry(status).held

    @property
    def names(self) -> tuple[str, ...]:
        """The statuses in order (background and no_data not included)."""
        return tuple(s.name for s in self.statuses)

    @property
    def held(self) -> tuple[str, ...]:
        """The held statuses, in order."""
        return tuple(s.name for s in self.statuses if s.held)

    # ----------------------------------------------------------------- extending

    def extend(self, statuses: Iterable[str], *, held: Iterable[str] | None = None):
        """A scheme that also knows ``statuses`` (those already in it are left as they are).

        Parameters
        ----------
        statuses : iterable of str
            Status names; None/NaN values are skipped. New ones are added after the
            existing statuses, in the order given, labelled from their name
            ("separatist_held" -> "Separatist held") and coloured from
            :data:`FALLBACK_COLORS`, skipping colours already in use.
        held : iterable of str, optional
            The names that count as held in the result — all of them, existing statuses
            included. Default: existing statuses keep theirs, new ones are held when their
            name reads so (:data:`HELD_WORDS`).

        Returns
        -------
        StatusScheme
            A new scheme; this one is unchanged.

        Raises
        ------
        GeodataError
            A status is not a string (``bad-status``), or ``held`` names a status the
            result does not have (``unknown-status``).
        """
        if isinstance(statuses, str):
            statuses = [statuses]
        known = self._entries()
        new: list[str] = []
        for value in statuses:
            if value is None or (isinstance(value, float) and value != value):
                continue
            if not isinstance(value, str) or not value.strip():
                raise GeodataError(
                    f"Status names must be non-empty strings, not {value!r}.", rule="bad-status"
                )
            if value not in known and value not in new:
                new.append(value)
        used = {s.color.upper() for s in known.values()}
        free = [c for c in FALLBACK_COLORS if c.upper() not in used]
        start = max((s.order for s in self.statuses), default=-1) + 1
        added = []
        for i, name in enumerate(new):
            colour = free[i] if i < len(free) else FALLBACK_COLORS[i % len(FALLBACK_COLORS)]
            added.append(Status(name, humanise(name), colour, looks_held(name), start + i))
        entries = [*self.statuses, *added]
        if held is not None:
            held = [held] if isinstance(held, str) else list(held)
            names = {s.name for s in entries}
            unknown = [h for h in held if h not in names]
            if unknown:
                raise GeodataError(
                    f"Value of 'held' names {unknown[0]!r}, which is not a status of this "
                    f"scheme or series; expected some of {sorted(names)}.",
                    rule="unknown-status",
                )
            entries = [Status(s.name, s.label, s.color, s.name in held, s.order) for s in entries]
        return StatusScheme(tuple(entries), self.background, self.no_data)


#: The scheme anyone's series starts from: no statuses yet, a neutral background.
GENERIC = StatusScheme((), Status("no_status", "Not in any status", BACKGROUND_COLOR))
