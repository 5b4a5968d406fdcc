"""Event records: the schema, loaders, validation, queries and category vocabularies.

>>> import events
>>> df = events.load_catalog()                       # the built-in catalogue, 1783-2024
>>> crimea = events.query(df, start="2014", end="2022", place="UA-43")
>>> events.vocabulary(df).label("treaty")            # its categories' labels and colours
'Treaty / law'

Anyone's events load too (``events.load_catalog("mine.csv")``, ``events.read_timelinejs(...)``):
their categories are open and their sources optional unless ``strict=True``.
``events`` never imports plotly; figures live in ``viz``.
"""

from ._dates import PRECISIONS, DateError, julian_to_gregorian, parse_date
from ._errors import EventValidationError, Problem
from ._io import load_catalog, records, write_catalog
from ._query import at_place, between, by_category, query, search, up_to, validate
from ._schema import CATEGORIES, COLUMNS, FIELDS
from ._timelinejs import read_timelinejs, write_timelinejs
from ._vocab import Category, Vocabulary, vocabulary
from .builtin import BUILTIN_VOCABULARY

__all__ = [
    "BUILTIN_VOCABULARY",
    "CATEGORIES",
    "COLUMNS",
    "FIELDS",
    "PRECISIONS",
    "Category",
    "DateError",
    "EventValidationError",
    "Problem",
    "Vocabulary",
    "at_place",
    "between",
    "by_category",
    "julian_to_gregorian",
    "load_catalog",
    "parse_date",
    "query",
    "read_timelinejs",
    "records",
    "search",
    "up_to",
    "validate",
    "vocabulary",
    "write_catalog",
    "write_timelinejs",
]
