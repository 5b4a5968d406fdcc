"""What is specific to the built-in data: Russia's war on Ukraine.

Everything else in :mod:`geodata` works for anyone's regions and control series; the names
here describe the shipped Ukraine data and are re-exported from :mod:`geodata`
(``STATUSES``, ``STATUS_LABELS``, ``CLAIMS``, ``UKRAINE_AREA_KM2``).

Status vocabulary of the built-in series (:data:`STATUSES`, in this order; see
:mod:`geodata._control` for what each means): ``occupied_before_2022``, ``occupied``,
``claimed``, ``liberated``, ``contested``, ``unknown``. Land in no status polygon is held by
Ukraine (the scheme's background, "ukrainian").
"""

from __future__ import annotations

from geodata._scheme import BACKGROUND_COLOR, Status, StatusScheme

__all__ = [
    "ANNEXATION_2022",
    "ARCHIVE_SOURCES",
    "BACKGROUND",
    "CLAIMS",
    "CRIMEA_ANNEXED",
    "CRIMEA_SEIZED",
    "FULL_SCALE_INVASION",
    "HELD",
    "LABEL",
    "SCHEME",
    "STATUSES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "UKRAINE_AREA_KM2",
]

#: The region set's name in titles and axes.
LABEL = "Ukraine"

STATUSES = ("occupied_before_2022", "occupied", "claimed", "liberated", "contested", "unknown")

STATUS_LABELS = {
    "occupied_before_2022": "Occupied before 24 Feb 2022",
    "occupied": "Occupied since 24 Feb 2022",
    "claimed": "Claimed by Russia, not held",
    "liberated": "Liberated by Ukraine",
    "contested": "Contested",
    "unknown": "Status unknown",
}

#: Colours of the built-in statuses (Okabe–Ito based, and distinct in lightness for
#: greyscale print); ``viz`` draws the built-in data with these.
STATUS_COLORS = {
    "occupied_before_2022": "#7F2704",
    "occupied": "#D55E00",
    "claimed": "#F6CFAE",
    "liberated": "#56B4E9",
    "contested": "#CC79A7",
    "unknown": "#B5B5B5",
}

#: The statuses that count as held by Russia.
HELD = ("occupied_before_2022", "occupied")

#: Land in no status polygon.
BACKGROUND = Status("ukrainian", "Held by Ukraine", BACKGROUND_COLOR)

#: The built-in status scheme.
SCHEME = StatusScheme(
    tuple(
        Status(name, STATUS_LABELS[name], STATUS_COLORS[name], name in HELD, i)
        for i, name in enumerate(STATUSES)
    ),
    BACKGROUND,
)

#: Units claimed whole by Russia's constitution, with the date of the claim.
CLAIMS = {
    "UA-43": "2014-03-18",
    "UA-40": "2014-03-18",
    "UA-14": "2022-09-30",
    "UA-09": "2022-09-30",
    "UA-23": "2022-09-30",
    "UA-65": "2022-09-30",
}

#: Date Russian forces seized Crimea and Sevastopol: where the built-in series starts.
CRIMEA_SEIZED = "2014-02-27"
#: Russia's "annexation" of Crimea and Sevastopol.
CRIMEA_ANNEXED = "2014-03-18"
#: The full-scale invasion.
FULL_SCALE_INVASION = "2022-02-24"
#: Russia's claim to Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts.
ANNEXATION_2022 = "2022-09-30"

#: Ukraine's official area in km² (Crimea and Sevastopol included).
UKRAINE_AREA_KM2 = 603_628

#: ``source`` values of series read from the Ukraine archives (DeepStateMap, ISW): such
#: series are built-in data for :func:`geodata.status_scheme` and :func:`geodata.area_series`.
ARCHIVE_SOURCES = ("deepstate", "deepstate-daily", "isw")
