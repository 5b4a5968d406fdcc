"""Reading and writing control series: the archives users bring, and series files.

:func:`read_control` reads four archive shapes (``source=``, see :data:`SOURCES` and
:mod:`geodata.io.formats`):

``"deepstate"``
    DeepStateMap raw exports, one ``<unix-seconds>.geojson`` per snapshot: Points
    (labels, attack arrows) and Polygons with 3-D coordinates, converted from KML. The
    status lives in the bilingual ``name`` ("Окуповано /// Occupied"), in later files also
    in a tag such as ``geoJSON.status.occupied``, and in the ``fill`` colour, whose code
    changed over the archive's life. Decoy and joke polygons (occupied Petsamo, East
    Prussia, ...) map to no status and are dropped, and reported.
``"deepstate-daily"``
    One MultiPolygon per day (``deepstatemap_data_YYYYMMDD.geojson``), no properties,
    CRS84. Everything in it is read as ``"occupied"``: this format cannot separate areas
    held before 2022 from those taken since.
``"isw"``
    ISW/CTP layers, either one layer per file (``YYYYMMDD_<Layer>.geojson``, dated by an
    epoch-milliseconds ``datetime`` field when present, else by the file name) or all
    layers in one file (``YYYYMMDD.geojson``) with a ``layer`` field. Assessed Russian
    control of terrain is ``"occupied"``; advances claimed by Russian sources, assessed
    advances and claimed Ukrainian counteroffensives are ``"contested"`` (nobody has
    assessed who controls them); Crimea and pre-2022 layers are ``"occupied_before_2022"``.
``"plain"``
    Anyone's series (see ``geodata/_plain.py``): a FeatureCollection whose features have a
    ``status`` and a ``date`` (a snapshot, valid until the next one) or ``valid_from``/
    ``valid_to`` (periods, turned into a snapshot at every date a period starts or ends).
    Statuses are kept as they are; nothing is clipped unless ``clip=`` asks for it.

Every repair is reported, never silent: the returned frame's ``attrs["report"]`` lists
what changed per file, and one :class:`ImportReportWarning` per file summarises it.
:func:`write_series` and :func:`read_series` store a series as GeoPackage or GeoParquet
and read it (or anyone's plain series) back.

Where things live: ``_files`` (finding and reading files), ``_sniff`` (format detection),
``formats/`` (one module per format), ``_clean`` (repair, clipping, dissolving),
``_report`` (report lines and warnings), ``_zip`` (safe extraction), ``series``
(series files), ``_read_control`` (the pipeline).
"""

from geodata.io._errors import ControlImportError
from geodata.io._files import MAX_FILE_BYTES
from geodata.io._read_control import read_control
from geodata.io._report import ImportReportWarning
from geodata.io._sniff import SOURCES
from geodata.io._zip import safe_extract
from geodata.io.series import read_series, write_series

__all__ = [
    "MAX_FILE_BYTES",
    "SOURCES",
    "ControlImportError",
    "ImportReportWarning",
    "read_control",
    "read_series",
    "safe_extract",
    "write_series",
]
