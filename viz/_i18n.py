"""English and Ukrainian strings for the Dash app: UI text, category, status and region names,
and date formats.

Ukrainian dates use the genitive month after a day ("30 вересня 2022") and the nominative
month alone ("вересень 2022"), as Ukrainian style guides do.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

import events

from . import _style

LANGS = ("en", "uk")
DEFAULT_LANG = "en"

MONTHS = {
    "en": [None, "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    # nominative: "вересень 2022"
    "uk": [None, "січень", "лютий", "березень", "квітень", "травень", "червень", "липень",
           "серпень", "вересень", "жовтень", "листопад", "грудень"],
}  # fmt: skip
# genitive, after a day number: "30 вересня 2022"
MONTHS_UK_GEN = [None, "січня", "лютого", "березня", "квітня", "травня", "червня", "липня",
                 "серпня", "вересня", "жовтня", "листопада", "грудня"]  # fmt: skip

STRINGS = {
    "en": {
        "title": "Borderlines",
        "subtitle": "Russia's war on Ukraine, 1783–2024: events and territorial control",
        "lang_toggle": "Українською",
        "lang_toggle_aria": "Switch the page to Ukrainian",
        "date": "Date",
        "date_slider_aria": "Date shown on the map",
        "play": "Play",
        "pause": "Pause",
        "play_aria": "Play through the events one by one",
        "prev_event": "◀ Event",
        "next_event": "Event ▶",
        "prev_event_aria": "Go to the previous event",
        "next_event_aria": "Go to the next event",
        "prev_month": "◀ Month",
        "next_month": "Month ▶",
        "prev_month_aria": "Go back one month",
        "next_month_aria": "Go forward one month",
        "date_input_aria": "Type a date (YYYY-MM-DD)",
        "filters": "Filters",
        "category": "Categories",
        "region": "Region",
        "region_all": "All regions",
        "search": "Search",
        "search_placeholder": "Search titles, summaries, actors…",
        "timeline": "Timeline of events",
        "map": "Territorial control map",
        "area": "Share of Ukraine held by Russia",
        "area_title": "Share of Ukraine held by Russia",
        "events_title": "Events",
        "no_category": "(no category)",
        "no_source": "No source given",
        "of_ukraine": "of Ukraine",
        "since": "since",
        "compressed_before": "compressed scale before",
        "area_axis": "% of Ukraine",
        "detail": "Event",
        "detail_empty": "Select an event on the timeline, on the map or in the table.",
        "close": "Close",
        "close_aria": "Close the event details",
        "old_style": "Old Style (Julian) date",
        "places": "Places",
        "sources": "Sources",
        "no_link": "no web link",
        "table": "Events",
        "table_caption": "Events matching the filters ({n}). Activate a title to select the event.",
        "col_date": "Date",
        "col_title": "Event",
        "col_category": "Category",
        "col_places": "Places",
        "export": "Export",
        "export_png": "PNG",
        "export_svg": "SVG",
        "export_html": "HTML",
        "export_linked": "Linked page",
        "export_png_aria": "Download the map as a PNG image",
        "export_svg_aria": "Download the map as an SVG image",
        "export_html_aria": "Download the map as a standalone HTML page",
        "export_linked_aria": "Download the linked timeline and map as one standalone page",
        "export_running": "Preparing the export…",
        "export_done": "Export ready: {name}",
        "export_busy": "{n} exports are already being made on this server; try again in a minute.",
        "export_failed": "The export failed: {error}",
        "data": "Your data",
        "upload_events": "Upload events (YAML, CSV, JSON, TimelineJS)",
        "upload_control": "Upload control of terrain (GeoJSON or ZIP)",
        "upload_regions": "Upload regions (GeoJSON, GeoPackage or a zipped shapefile)",
        "upload_ok_regions": "Loaded {n} regions from {name}.",
        "upload_mode": "Uploaded data",
        "mode_replace": "replaces the built-in data",
        "mode_join": "joins the built-in data",
        "reset_data": "Use the built-in data",
        "upload_ok_events": "Loaded {n} events from {name}.",
        "upload_ok_control": "Loaded {n} control areas ({d} dates) from {name}.",
        "upload_error": "{name} could not be used:",
        "upload_limit_time": "{name} needs more work than one upload may take (over {limit:.0f} s): "
        "simplify its geometry or send fewer files, or draw it with the borderlines command.",
        "upload_limit_memory": "{name} needs more memory than one upload may use (over {limit:,} "
        "MiB): simplify its geometry or send fewer files, or draw it with the borderlines command.",
        "upload_limit_crashed": "The work on {name} stopped before it finished (out of memory?); "
        "nothing was loaded.",
        "upload_limit_busy": "The server is reading other uploads; try {name} again in a moment.",
        "upload_gone": "Your uploaded data ({name}) is no longer kept on the server; the "
        "built-in data is shown. Upload the file again to see it.",
        "upload_too_big": "{name} is {size:.1f} MB; the limit is {limit:.0f} MB.",
        "map_title": "Territorial control in Ukraine as of {date}",
        "map_title_place": "Territorial control in {place} as of {date}",
        "map_title_any": "Territorial control as of {date}",
        "line_of": "(line of {date})",
        "map_title_no_data": "Territorial control in {place}: no control data for {date}",
        "map_title_no_data_any": "No control data for {date}",
        "no_control_data": "No control data for this date",
        "held_share": "Held: {share} of its area",
        "subtitle_any": "Events and territorial control",
        "area_title_any": "Share held",
        "russian_held": "Russian-held: {share} of its area",
        "region_filter_on": "Showing events in {name}. Click the region again to clear.",
        "events_count": "{n} events",
        "skip": "Skip to the event table",
    },
    "uk": {
        "title": "Borderlines",
        "subtitle": "Війна Росії проти України, 1783–2024: події та контроль над територією",
        "lang_toggle": "English",
        "lang_toggle_aria": "Перемкнути сторінку англійською",
        "date": "Дата",
        "date_slider_aria": "Дата, показана на карті",
        "play": "Відтворити",
        "pause": "Пауза",
        "play_aria": "Показати події одну за одною",
        "prev_event": "◀ Подія",
        "next_event": "Подія ▶",
        "prev_event_aria": "Перейти до попередньої події",
        "next_event_aria": "Перейти до наступної події",
        "prev_month": "◀ Місяць",
        "next_month": "Місяць ▶",
        "prev_month_aria": "На місяць назад",
        "next_month_aria": "На місяць уперед",
        "date_input_aria": "Введіть дату (РРРР-ММ-ДД)",
        "filters": "Фільтри",
        "category": "Категорії",
        "region": "Регіон",
        "region_all": "Усі регіони",
        "search": "Пошук",
        "search_placeholder": "Пошук у назвах, описах, учасниках…",
        "timeline": "Хронологія подій",
        "map": "Карта контролю над територією",
        "area": "Частка території України під контролем Росії",
        "area_title": "Частка України під контролем Росії",
        "events_title": "Події",
        "no_category": "(без категорії)",
        "no_source": "Джерело не вказано",
        "of_ukraine": "території України",
        "since": "з",
        "compressed_before": "стиснута шкала до",
        "area_axis": "% території України",
        "detail": "Подія",
        "detail_empty": "Виберіть подію на хронології, на карті або в таблиці.",
        "close": "Закрити",
        "close_aria": "Закрити опис події",
        "old_style": "Дата за старим (юліанським) стилем",
        "places": "Місця",
        "sources": "Джерела",
        "no_link": "без вебпосилання",
        "table": "Події",
        "table_caption": "Події, що відповідають фільтрам ({n}). Активуйте назву, щоб вибрати подію.",
        "col_date": "Дата",
        "col_title": "Подія",
        "col_category": "Категорія",
        "col_places": "Місця",
        "export": "Експорт",
        "export_png": "PNG",
        "export_svg": "SVG",
        "export_html": "HTML",
        "export_linked": "Пов’язана сторінка",
        "export_png_aria": "Завантажити карту як зображення PNG",
        "export_svg_aria": "Завантажити карту як зображення SVG",
        "export_html_aria": "Завантажити карту як окрему сторінку HTML",
        "export_linked_aria": "Завантажити хронологію й карту як одну окрему сторінку",
        "export_running": "Готуємо експорт…",
        "export_done": "Експорт готовий: {name}",
        "export_busy": "На сервері вже готуються експорти ({n}); спробуйте ще раз за хвилину.",
        "export_failed": "Експорт не вдався: {error}",
        "data": "Ваші дані",
        "upload_events": "Завантажити події (YAML, CSV, JSON, TimelineJS)",
        "upload_control": "Завантажити контроль над територією (GeoJSON або ZIP)",
        "upload_regions": "Завантажити регіони (GeoJSON, GeoPackage або ZIP зі shapefile)",
        "upload_ok_regions": "Завантажено регіонів: {n}, з файлу {name}.",
        "upload_mode": "Завантажені дані",
        "mode_replace": "замінюють вбудовані дані",
        "mode_join": "додаються до вбудованих даних",
        "reset_data": "Повернути вбудовані дані",
        "upload_ok_events": "Завантажено подій: {n}, з файлу {name}.",
        "upload_ok_control": "Завантажено ділянок контролю: {n} (дат: {d}), з файлу {name}.",
        "upload_error": "Файл {name} не вдалося використати:",
        "upload_limit_time": "Файл {name} потребує більше роботи, ніж дозволено на одне "
        "завантаження (понад {limit:.0f} с): спростіть геометрію чи надішліть менше файлів або "
        "побудуйте карту командою borderlines.",
        "upload_limit_memory": "Файл {name} потребує більше пам'яті, ніж дозволено на одне "
        "завантаження (понад {limit:,} МіБ): спростіть геометрію чи надішліть менше файлів або "
        "побудуйте карту командою borderlines.",
        "upload_limit_crashed": "Обробка файлу {name} зупинилася, не завершившись (забракло "
        "пам'яті?); нічого не завантажено.",
        "upload_limit_busy": "Сервер обробляє інші завантаження; спробуйте {name} ще раз за мить.",
        "upload_gone": "Завантажені дані ({name}) більше не зберігаються на сервері; показано "
        "вбудовані дані. Завантажте файл ще раз, щоб їх побачити.",
        "upload_too_big": "Файл {name} має {size:.1f} МБ; межа — {limit:.0f} МБ.",
        "map_title": "Контроль над територією України станом на {date}",
        "map_title_place": "Контроль над територією ({place}) станом на {date}",
        "map_title_any": "Контроль над територією станом на {date}",
        "line_of": "(лінія на {date})",
        "map_title_no_data": "Контроль над територією ({place}): немає даних на {date}",
        "map_title_no_data_any": "Немає даних про контроль на {date}",
        "no_control_data": "Немає даних про контроль на цю дату",
        "held_share": "Під контролем: {share} площі",
        "subtitle_any": "Події та контроль над територією",
        "area_title_any": "Частка під контролем",
        "russian_held": "Під контролем Росії: {share} площі",
        "region_filter_on": "Показано події в регіоні {name}. Клацніть регіон ще раз, щоб скинути.",
        "events_count": "Подій: {n}",
        "skip": "Перейти до таблиці подій",
    },
}

CATEGORIES = {
    "en": dict(events.CATEGORIES),
    "uk": {
        "annexation": "Анексія", "treaty": "Договір / закон", "military": "Війна / військові дії",
        "justice": "Правосуддя", "political": "Політика", "humanitarian": "Гуманітарне",
        "economic": "Економіка",
    },
}  # fmt: skip

STATUSES = {
    "en": dict(_style.STATUS_LABELS),
    "uk": {
        "occupied_before_2022": "Окуповано до 24 лютого 2022", "occupied": "Окуповано після 24 лютого 2022",
        "claimed": "Претензії Росії, не окуповано", "liberated": "Звільнено Україною",
        "contested": "Спірна територія", "unknown": "Статус невідомий", "ukrainian": "Під контролем України",
    },
}  # fmt: skip

ERAS_UK = {
    "Russian Empire": "Російська імперія",
    "USSR": "СРСР",
    "Independent Ukraine": "Незалежна Україна",
    "Crimea occupied": "Окупація Криму",
    "Full-scale war": "Повномасштабна війна",
    "since": "з",
    "compressed scale before": "стиснута шкала до",
}


def lang_of(value) -> str:
    """A supported language code; anything else falls back to English."""
    value = (value or "").strip().lower()[:2] if isinstance(value, str) else ""
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The UI string ``key`` in ``lang`` (English when a translation is missing)."""
    table = STRINGS[lang_of(lang)]
    text = table.get(key, STRINGS["en"][key])
    return text.format(**fmt) if fmt else text


def era_label(label: str, lang: str = DEFAULT_LANG) -> str:
    """An era band's name ("Russian Empire") in ``lang``."""
    return ERAS_UK.get(label, label) if lang_of(lang) == "uk" else label


def category_label(slug: str, lang: str = DEFAULT_LANG) -> str:
    return CATEGORIES[lang_of(lang)].get(slug, slug)


def status_label(status: str, lang: str = DEFAULT_LANG) -> str:
    return STATUSES[lang_of(lang)].get(status, status)


def region_names(regions, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Region id -> region name in ``lang``: ``id``/``name`` (any region set, from
    ``geodata.read_regions``) or ``iso_3166_2`` with ``name_uk``/``name_en`` (built-in)."""
    key = "id" if "id" in regions.columns else "iso_3166_2"
    cols = ["name_uk"] if lang_of(lang) == "uk" else []
    cols += ["name_en", "name"]
    col = next((c for c in cols if c in regions.columns), None)
    if col is None:
        return {str(c): str(c) for c in regions[key]}
    return dict(zip(regions[key].astype(str), regions[col].astype(str), strict=True))


def format_day(day, lang: str = DEFAULT_LANG) -> str:
    """A full date: "30 September 2022" / "30 вересня 2022"."""
    d = pd.Timestamp(day)
    if lang_of(lang) == "uk":
        return f"{d.day} {MONTHS_UK_GEN[d.month]} {d.year}"
    return f"{d.day} {MONTHS['en'][d.month]} {d.year}"


def _partial(iso: str | None, precision: str | None, lang: str) -> str:
    """One partial ISO date ("1783", "1783-04", "1783-04-19") at its own precision."""
    if not iso:
        return ""
    parts = str(iso).split("-")
    year = int(parts[0])
    if precision == "decade":
        return f"{year}s" if lang == "en" else f"{year}-ті"
    if len(parts) >= 3:
        return format_day(dt.date(year, int(parts[1]), int(parts[2])), lang)
    if len(parts) == 2:
        return f"{MONTHS[lang][int(parts[1])]} {year}"
    return str(year)


def event_date(row, lang: str = DEFAULT_LANG) -> str:
    """An event's date as precise as it is known: "19 April 1783", "квітень 1783", "c. 1783",
    a range "October 2023 – February 2024", or "between … and …" for uncertain dates."""
    lang = lang_of(lang)
    if lang == "en" and isinstance(row.get("date_label"), str) and row.get("date_label"):
        return row["date_label"]
    start = row.get("start")
    prec = row.get("precision")
    text = _partial(start, prec, lang)
    end = row.get("end")
    if isinstance(end, str) and end:
        end_prec = "day" if end.count("-") == 2 else "month" if end.count("-") == 1 else "year"
        text += " – " + _partial(end, end_prec, lang)
    if row.get("circa"):
        text = ("c. " if lang == "en" else "бл. ") + text
    return text


def old_style(row, lang: str = DEFAULT_LANG) -> str | None:
    """The Old-Style (Julian) date written in the record, formatted, or ``None``."""
    os_date = row.get("start_os")
    if not isinstance(os_date, str) or not os_date:
        return None
    try:
        return _partial(os_date, None, lang_of(lang))
    except (ValueError, IndexError):
        return os_date
