"""Category vocabularies: the label, colour and order of each category of a set of events.

Categories are open: any text is a category. A :class:`Vocabulary` says what is known about
some of them (a label to show and a colour to draw them in, in a preferred order) and maps
aliases onto them; every other category is shown as written, coloured from a colour-blind-safe
fallback palette in order of first appearance. :func:`vocabulary` derives the vocabulary of a
DataFrame of events. ``events`` never imports plotly: colours are plain ``"#RRGGBB"`` strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

FALLBACK_PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#333333",
    "#F0E442",
)
"""Okabe and Ito's colour-blind-safe colours (black softened to #333333), for categories a
vocabulary does not know, in this order; past eight they repeat."""

NO_CATEGORY_COLOR = "#999999"
"""The colour of events without a category (``category == ""``): a neutral grey."""

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Category:
    """One known category: its ``slug`` (what the ``category`` column holds), ``label`` and
    ``color`` (``"#RRGGBB"``)."""

    slug: str
    label: str
    color: str


def _key(value: object) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Vocabulary:
    """Known categories, in order, with labels and colours, and aliases for them.

    Parameters
    ----------
    categories : sequence of Category or (slug, label, color) tuples
        The known categories in the order they are shown.
    aliases : mapping or sequence of (alias, slug) pairs, optional
        Other spellings of known categories, matched case-insensitively (slugs and labels
        match without being listed).
    palette : sequence of str, optional
        Colours for categories that are not known, used in order of first appearance.

    Raises
    ------
    ValueError
        If a slug repeats or is empty, a colour is not ``#RRGGBB``, or an alias names a
        category that is not in ``categories``.

    Examples
    --------
    >>> v = Vocabulary([("battle", "Battle", "#D55E00")], aliases={"fight": "battle"})
    >>> v.label("battle"), v.normalize("Fight"), v.label("siege")
    ('Battle', 'battle', 'siege')
    >>> v.order(["siege", "battle", "raid", "siege"])
    ['battle', 'siege', 'raid']
    """

    categories: tuple[Category, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    palette: tuple[str, ...] = FALLBACK_PALETTE
    # Colours handed out to unknown categories, in order of first appearance. Not part of the
    # value: two vocabularies that know the same categories are equal.
    _seen: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        cats = tuple(c if isinstance(c, Category) else Category(*c) for c in self.categories)
        aliases = self.aliases.items() if isinstance(self.aliases, Mapping) else self.aliases
        aliases = tuple((str(a), str(s)) for a, s in aliases)
        palette = tuple(self.palette)
        slugs = [c.slug for c in cats]
        for c in cats:
            if not isinstance(c.slug, str) or not c.slug.strip():
                raise ValueError(f"a category slug must be non-empty text, not {c.slug!r}")
            if slugs.count(c.slug) > 1:
                raise ValueError(f"category {c.slug!r} is listed twice in the vocabulary")
            if not isinstance(c.color, str) or not _HEX.match(c.color):
                raise ValueError(
                    f"category {c.slug!r}: colour {c.color!r} is not written '#RRGGBB'"
                )
        for alias, slug in aliases:
            if slug not in slugs:
                raise ValueError(
                    f"alias {alias!r} names {slug!r}, which is not a category of the "
                    f"vocabulary; known: {', '.join(slugs) or '(none)'}"
                )
        if not palette or not all(isinstance(c, str) and _HEX.match(c) for c in palette):
            raise ValueError(f"a palette is one or more '#RRGGBB' colours, not {palette!r}")
        object.__setattr__(self, "categories", cats)
        object.__setattr__(self, "aliases", aliases)
        object.__setattr__(self, "palette", palette)

    @property
    def slugs(self) -> tuple[str, ...]:
        """The known categories, in order."""
        return tuple(c.slug for c in self.categories)

    def _lookup(self) -> dict[str, str]:
        table = {_key(a): s for a, s in self.aliases}
        for c in self.categories:
            table.setdefault(_key(c.label), c.slug)
        table.update({_key(c.slug): c.slug for c in self.categories})
        return table

    def normalize(self, value: object) -> str:
        """The slug of a known category, alias or label (any case); other text as written
        (stripped); ``""`` for no category (None, NaN or blank)."""
        if not isinstance(value, str):
            return ""
        return self._lookup().get(_key(value), value.strip())

    def _get(self, category: object) -> Category | None:
        return next((c for c in self.categories if c.slug == category), None)

    def label(self, category: str) -> str:
        """The label of a category; a category the vocabulary does not know, as written."""
        known = self._get(category)
        return known.label if known else ("" if category is None else str(category))

    def color(self, category: str) -> str:
        """The colour of a category.

        A known category has its own colour; events without a category are
        :data:`NO_CATEGORY_COLOR`; other categories get the palette's colours in order of first
        appearance (colours that no known category uses first). For colours that do not
        depend on the order of calls, derive the vocabulary of the data with
        :func:`vocabulary`, which lists every category in it.
        """
        known = self._get(category)
        if known:
            return known.color
        if category is None or category == "":
            return NO_CATEGORY_COLOR
        if category not in self._seen:
            used = {c.color.upper() for c in self.categories}
            free = [c for c in self.palette if c.upper() not in used]
            cycle = free + [c for c in self.palette if c not in free]
            self._seen[category] = cycle[len(self._seen) % len(cycle)]
        return self._seen[category]

    def order(self, categories: Iterable[str]) -> list[str]:
        """The distinct categories given: known ones in vocabulary order, then the others in
        order of first appearance, then ``""`` (no category) if present."""
        given = list(dict.fromkeys("" if c is None else c for c in categories))
        known = [s for s in self.slugs if s in given]
        other = [c for c in given if c not in known and c != ""]
        return known + other + ([""] if "" in given else [])

    def colors(self, categories: Iterable[str]) -> dict[str, str]:
        """``{category: colour}`` for the distinct categories given, in :meth:`order`."""
        return {c: self.color(c) for c in self.order(categories)}

    def extend(self, categories: Iterable[str]) -> Vocabulary:
        """A vocabulary that also knows the given categories it does not know yet: each is
        labelled as written and coloured from the palette in order of first appearance."""
        fresh = Vocabulary(self.categories, self.aliases, self.palette)
        extra = [
            Category(c, c, fresh.color(c))
            for c in fresh.order(categories)
            if c != "" and c not in self.slugs
        ]
        return Vocabulary(self.categories + tuple(extra), self.aliases, self.palette)


def vocabulary(df: pd.DataFrame, base: Vocabulary | None = None) -> Vocabulary:
    """The vocabulary of a DataFrame of events: ``base``, plus every other category in it.

    Parameters
    ----------
    df : pandas.DataFrame
        Events with a ``category`` column (as the loaders return them).
    base : Vocabulary, optional
        What is known about categories. By default the built-in vocabulary for the built-in
        catalogue (``df.attrs["dataset"] == "builtin"``, set by ``load_catalog()``) and an
        empty one for any other data: its categories are shown as written.

    Returns
    -------
    Vocabulary
        ``base``'s categories first, then the other categories of ``df`` in order of first
        appearance, labelled as written, with fallback colours in that order. Events without
        a category (``""``) are not listed; :meth:`Vocabulary.color` gives them a grey.

    Raises
    ------
    ValueError
        If ``df`` has no ``category`` column.

    Examples
    --------
    >>> import events
    >>> v = events.vocabulary(events.load_catalog())
    >>> v.label("treaty"), v.color("treaty")
    ('Treaty / law', '#0072B2')
    """
    if not isinstance(df, pd.DataFrame) or "category" not in df.columns:
        raise ValueError("vocabulary() takes a DataFrame of events with a 'category' column")
    if base is None:
        from .builtin import BUILTIN_VOCABULARY

        base = BUILTIN_VOCABULARY if df.attrs.get("dataset") == "builtin" else Vocabulary()
    cats = [c if isinstance(c, str) else "" for c in df["category"]]
    return base.extend(cats)
