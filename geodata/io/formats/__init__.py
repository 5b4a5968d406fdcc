"""One module per archive format :func:`geodata.read_control` reads.

``deepstate``
    DeepStateMap raw exports, one ``<unix-seconds>.geojson`` per snapshot
    (:mod:`.deepstate`).
``deepstate-daily``
    One MultiPolygon per day, no properties (:mod:`.deepstate_daily`).
``isw``
    ISW/CTP layers, one per file or all in one file with a ``layer`` field (:mod:`.isw`).
``plain``
    Anyone's series with ``status`` and ``date`` or ``valid_from``/``valid_to``
    (:mod:`.plain`; its columns are checked by :mod:`geodata._plain`).

Each archive format has a ``rows(path, frame, ...)`` function that returns the statuses,
layers and dates of a file's features; the plain format reads whole files (``read_file``).
"""
