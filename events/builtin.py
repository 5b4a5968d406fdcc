"""What the built-in catalogue (Russia's war on Ukraine, 1783-2024) knows about its categories.

:data:`BUILTIN_VOCABULARY` labels, colours and orders the seven categories of the built-in
catalogue and maps their aliases. It applies to the built-in catalogue only:
``events.vocabulary(df)`` uses it when ``df.attrs["dataset"] == "builtin"`` (what
``events.load_catalog()`` sets); anyone's own events keep their categories as written, unless
this vocabulary is passed as ``base=``. Validation still writes a category that matches one of
these slugs or aliases (in any case) as the slug, so ``"Treaty/law"`` is ``"treaty"``; plain
words that are not slugs (``"War"``, ``"Law"``) are other people's categories and stay as written.
"""

from __future__ import annotations

from ._vocab import Category, Vocabulary

BUILTIN_VOCABULARY = Vocabulary(
    categories=(
        Category("annexation", "Annexation", "#D55E00"),
        Category("treaty", "Treaty / law", "#0072B2"),
        Category("military", "War / military", "#333333"),
        Category("justice", "Justice", "#CC79A7"),
        Category("political", "Political", "#E69F00"),
        Category("humanitarian", "Humanitarian", "#009E73"),
        Category("economic", "Economic", "#56B4E9"),
    ),
    aliases={
        "treaty/law": "treaty",
        "treaty / law": "treaty",
        "war/military": "military",
        "war / military": "military",
    },
)
"""The categories of the built-in catalogue: slug, label and colour, in order, and aliases."""

CATEGORIES = {c.slug: c.label for c in BUILTIN_VOCABULARY.categories}
"""The built-in categories as ``{slug: label}`` (kept as ``events.CATEGORIES``)."""

CATEGORY_ALIASES = dict(BUILTIN_VOCABULARY.aliases)
"""The built-in aliases as ``{alias: slug}``."""

__all__ = ["BUILTIN_VOCABULARY", "CATEGORIES", "CATEGORY_ALIASES"]
