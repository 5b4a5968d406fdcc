"""Every validation rule, dates and Old-Style conversion, queries."""

import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import events
from events import EventValidationError


def ev(**over):
    rec = {
        "id": "an-event",
        "title": "An event",
        "start": "2022-09-30",
        "category": "annexation",
        "sources": [
            {"title": "T", "publisher": "P", "url": "https://example.org/", "date": "2022-09-30"}
        ],
    }
    rec.update(over)
    return {k: v for k, v in rec.items() if v is not ...}


def check(records, match):
    with pytest.raises(EventValidationError, match=match):
        events.validate(records, file="in.yaml")


def test_valid_record_passes():
    df = events.validate([ev()])
    assert df.iloc[0]["date_label"] == "30 September 2022"


@pytest.mark.parametrize(
    ("record", "match"),
    [
        (
            ev(start="2022-02-30"),
            r"row 1, id 'an-event': field 'start' value '2022-02-30' -- .*not a real calendar date",
        ),
        (ev(start="2022-13"), r"field 'start'.*month 13 does not exist"),
        (ev(start="24.02.2022"), r"field 'start'.*expected a calendar date written YYYY-MM-DD"),
        (ev(start="1699"), r"year 1699 is outside the supported range 1700-2100"),
        (ev(start="2101-01-01"), r"year 2101 is outside"),
        (ev(start=...), r"field 'start' -- required field is missing"),
        (ev(title="  "), r"field 'title' -- required field is missing or empty"),
        (
            ev(category="x" * 101),
            r"field 'category' value 'x+\.\.\.x+' -- a category is at most 100 characters",
        ),
        (ev(category=["war"]), r"field 'category' value \['war'\] -- a category is one text"),
        (ev(category="war\x07"), r"field 'category'.*control character U\+0007"),
        (ev(places=["UA 43"]), r"field 'places' value 'UA 43' -- a place must be a region id"),
        (ev(places=["-UA"]), r"field 'places' value '-UA' -- a place must be a region id"),
        (ev(places=[{"name": "x", "lon": 200, "lat": 0}]), r"lon in \[-180, 180\]"),
        (ev(sources="https://example.org"), r"sources must be a list of \{title"),
        (
            ev(sources=[{"title": "T", "url": "javascript:alert(1)"}]),
            r"value 'javascript:alert\(1\)' -- source 1 needs a url starting with http",
        ),
        (ev(sources=[{"title": "T", "url": "www.example.org"}]), r"needs a url starting with http"),
        (ev(sources=[{"title": "", "url": "https://example.org"}]), r"source 1 needs a title"),
        (
            ev(sources=[{"title": "T", "url": "https://e.org", "archive_url": "ftp://x"}]),
            r"archive_url must start with http",
        ),
        (
            ev(end="2022-09-29"),
            r"field 'end' value '2022-09-29' -- end is before start \(2022-09-30\)",
        ),
        (ev(id="Bad Id"), r"field 'id' value 'Bad Id' -- an id is a slug"),
        (ev(precision="week"), r"precision must be one of day, month, year, decade"),
        (ev(start="2022", precision="day"), r"precision does not match the form of start '2022'"),
        (
            ev(start="1783-04-19", start_os="1783-04-09"),
            r"Old-Style \(Julian\) 1783-04-09 is 1783-04-20 in the Gregorian calendar, but start is 1783-04-19",
        ),
        (
            ev(start="1783", start_os="1783-04-08"),
            r"an Old-Style date needs a start with day precision",
        ),
        (
            ev(start="2022-03-13", start_os="2022-02-28"),
            r"Old-Style dates apply only before 14 February 1918",
        ),
        (ev(earliest="2022"), r"earliest and latest go together"),
        (ev(earliest="2022-10", latest="2022-09"), r"latest is before earliest"),
        (ev(related=["nope"]), r"field 'related' value 'nope' -- related id does not exist"),
        (ev(catgory="typo"), r"field 'catgory' value 'typo' -- unknown field; allowed fields"),
        (ev(circa="maybe"), r"circa must be true or false"),
        (ev(tags="crimea"), r"field 'tags'.*must be a list of non-empty strings"),
        (ev(time="25:00"), r"field 'time' value '25:00' -- a time is written 13:30"),
        (ev(start="2022", time="10:00"), r"field 'time'.*a time needs a start with day precision"),
        (ev(end="2022-10", end_time="10:00"), r"field 'end_time'.*needs an end .*day precision"),
        (ev(time=810), r"field 'time' value 810 -- time must be text \(quote it in YAML\)"),
        (ev(media_url="javascript:x"), r"field 'media_url'.*must start with http:// or https://"),
        (ev(media_caption="a\x00b"), r"field 'media_caption'.*control character U\+0000"),
    ],
)
def test_each_rule(record, match):
    check([record], match)


def test_duplicate_ids_name_both_rows():
    check(
        [ev(), ev()],
        r"row 1, id 'an-event': field 'id' value 'an-event' -- duplicate id: also used at row 2",
    )


def test_every_problem_reported_at_once():
    with pytest.raises(EventValidationError) as info:
        events.validate(
            [
                ev(start="2022-02-30", category="x" * 101),
                ev(id="b", title=""),
                ev(id="c", end="2000"),
            ],
            file="many.yaml",
        )
    err = info.value
    assert isinstance(err, ValueError)
    assert len(err.problems) == 4
    assert {p.field for p in err.problems} == {"start", "category", "title", "end"}
    assert str(err).startswith("4 problems found in event data:")
    assert all(p.file == "many.yaml" for p in err.problems)


def test_times_and_display_date_make_the_label():
    df = events.validate(
        [
            ev(id="a", time="10:30", end_time="16:00"),
            ev(id="b", end="2022-10-01", time="22:00", end_time="6:00 AM"),
            ev(id="c", start="1912", display_date="Spring 1912?"),
        ]
    )
    assert df.set_index("id")["date_label"].to_dict() == {
        "a": "30 September 2022, 10:30 – 16:00",
        "b": "30 September 2022, 22:00 – 1 October 2022, 6:00 AM",
        "c": "Spring 1912?",
    }


def test_category_aliases():
    df = events.validate([ev(category="Treaty/law"), ev(id="b", category="war/military")])
    assert sorted(df.category) == ["military", "treaty"]


def test_validate_dataframe_round_trip():
    df = events.validate([ev(places=["UA-14", {"name": "Kremlin", "lon": 37.6, "lat": 55.75}])])
    again = events.validate(df)
    pd.testing.assert_frame_equal(again, df)


def test_julian_conversion_edges():
    assert events.julian_to_gregorian(1783, 4, 8) == dt.date(1783, 4, 19)
    assert events.julian_to_gregorian(1700, 2, 29) == dt.date(1700, 3, 11)  # leap in Julian only
    assert events.julian_to_gregorian(1918, 1, 31) == dt.date(1918, 2, 13)
    assert events.julian_to_gregorian(1800, 3, 1) - dt.date(1800, 3, 1) == dt.timedelta(days=12)


@given(st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_day_dates_never_drift(day):
    p = events.parse_date(day.isoformat())
    assert p.first == p.last == day
    df = events.validate([ev(start=day.isoformat())])
    assert df.iloc[0]["date_lo"] == pd.Timestamp(day)
    assert pd.Timestamp(df.iloc[0]["start"]).date() == day


@given(st.integers(1700, 2100), st.integers(1, 12))
def test_month_precision_covers_the_month(year, month):
    p = events.parse_date(f"{year}-{month:02d}")
    assert p.precision == "month"
    assert p.first.day == 1 and (p.last + dt.timedelta(days=1)).day == 1


@given(st.text(max_size=12))
def test_parse_date_never_crashes(text):
    try:
        p = events.parse_date(text)
    except events.DateError as exc:
        assert str(exc)
    else:
        assert 1700 <= p.year <= 2100


# ---------------------------------------------------------------- queries


@pytest.fixture
def sample():
    return events.validate(
        [
            ev(id="crimea-1783", start="1783", places=["UA-43"], category="annexation"),
            ev(
                id="crimea-2014",
                start="2014-03-18",
                places=["UA-43", "UA-40"],
                title="Treaty on Crimea",
            ),
            ev(id="donbas", start="2014-04", end="2022-02", places=["UA-14"], category="military"),
            ev(
                id="icc",
                start="2023-03-17",
                places=[{"name": "The Hague", "lon": 4.3, "lat": 52.08}],
                category="justice",
                summary="Warrants for deportation of children",
            ),
        ]
    )


def test_between_includes_partial_bounds(sample):
    assert events.between(sample, "2014", "2022").id.tolist() == ["crimea-2014", "donbas"]
    assert events.between(sample, "2022-02-15", None).id.tolist() == ["donbas", "icc"]
    assert events.between(sample, None, "1783-12-31").id.tolist() == ["crimea-1783"]


def test_up_to(sample):
    assert events.up_to(sample, "2014-03-18").id.tolist() == ["crimea-1783", "crimea-2014"]
    assert events.up_to(sample, "2014-03-17").id.tolist() == ["crimea-1783"]


def test_by_category_and_place_and_text(sample):
    assert events.by_category(sample, "war/military").id.tolist() == ["donbas"]
    assert events.at_place(sample, "UA-43").id.tolist() == ["crimea-1783", "crimea-2014"]
    assert events.at_place(sample, "UA").id.tolist() == ["crimea-1783", "crimea-2014", "donbas"]
    assert events.search(sample, "CHILDREN").id.tolist() == ["icc"]
    assert events.query(sample, start="2014", category="annexation", place="UA-40").id.tolist() == [
        "crimea-2014"
    ]


def test_query_errors(sample):
    with pytest.raises(ValueError, match=r"unknown category 'battle'; allowed: annexation"):
        events.by_category(sample, "battle")
    with pytest.raises(ValueError, match=r"cannot read the date '14/03/2014'"):
        events.between(sample, "14/03/2014")


def test_control_characters_in_text_are_rejected():
    check([ev(title="a\x00b")], r"field 'title'.*contains the control character U\+0000")
    check([ev(summary="x\x1bclear")], r"field 'summary'.*control character U\+001B")
    assert len(events.validate([ev(summary="two\nlines\twith tab")])) == 1


def test_long_values_are_cut_in_messages():
    with pytest.raises(EventValidationError) as info:
        events.validate([ev(category="x" * 100_000)])
    assert len(str(info.value)) < 1000


def test_problems_past_the_cap_are_counted_not_kept(tmp_path):
    # a 10 MiB array of numbers used to build millions of problems (51 s, 2.7 GB in the app)
    from events._errors import MAX_PROBLEMS

    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(list(range(MAX_PROBLEMS * 5))))
    with pytest.raises(events.EventValidationError) as err:
        events.load_catalog(path)
    assert len(err.value.problems) == MAX_PROBLEMS
    assert err.value.more == MAX_PROBLEMS * 4
    assert f"{MAX_PROBLEMS * 5} problems found" in str(err.value).splitlines()[0]
    assert set(err.value.rules) == {"not-a-record"}
