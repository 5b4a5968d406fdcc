"""Open categories and vocabularies: labels, colours and order; the built-in one for the built-in
catalogue only."""

import dataclasses

import pytest

import events
from events import BUILTIN_VOCABULARY, EventValidationError, Vocabulary
from events._vocab import FALLBACK_PALETTE, NO_CATEGORY_COLOR

BUILTIN_COLORS = {
    "annexation": "#D55E00",
    "treaty": "#0072B2",
    "military": "#333333",
    "justice": "#CC79A7",
    "political": "#E69F00",
    "humanitarian": "#009E73",
    "economic": "#56B4E9",
}


SRC = {"title": "T", "url": "https://example.org/"}


def ev(eid, start, category=None, **over):
    rec = {"id": eid, "title": eid.title(), "start": start, **over}
    if category is not None:
        rec["category"] = category
    return rec


@pytest.fixture
def mine():
    """Someone's own events: open categories, one built-in alias, one without a category."""
    return events.validate(
        [
            ev("siege", "1901", "Siege"),
            ev("raid", "1902", "Raid"),
            ev("pact", "1903", "Treaty/Law"),
            ev("quiet", "1904"),
            ev("second-siege", "1905", "  Siege "),
        ]
    )


# ---------------------------------------------------------------- the built-in vocabulary


def test_builtin_vocabulary_is_todays_categories():
    assert BUILTIN_VOCABULARY.slugs == tuple(BUILTIN_COLORS)
    assert {c.slug: c.color for c in BUILTIN_VOCABULARY.categories} == BUILTIN_COLORS
    assert {c.slug: c.label for c in BUILTIN_VOCABULARY.categories} == events.CATEGORIES
    assert events.CATEGORIES["treaty"] == "Treaty / law"
    assert dict(BUILTIN_VOCABULARY.aliases)["war/military"] == "military"


def test_public_names():
    for name in ("Vocabulary", "vocabulary", "BUILTIN_VOCABULARY", "CATEGORIES"):
        assert name in events.__all__
    assert all(hasattr(events, name) for name in events.__all__)


def test_builtin_catalogue_is_marked_and_uses_the_builtin_vocabulary():
    cat = events.load_catalog()
    assert cat.attrs["dataset"] == "builtin"
    assert events.vocabulary(cat) == BUILTIN_VOCABULARY
    # query results keep the mark, so their vocabulary is still the built-in one
    part = events.query(cat, start="2014", end="2015", category="treaty/law", place="UA-43")
    assert part.attrs["dataset"] == "builtin" and len(part) >= 1
    assert events.vocabulary(part).label("treaty") == "Treaty / law"


def test_other_data_does_not_get_the_builtin_vocabulary(tmp_path):
    cat = events.load_catalog()
    path = tmp_path / "copy.yaml"
    events.write_catalog(cat, path)
    copy = events.load_catalog(path)
    assert "dataset" not in copy.attrs
    vocab = events.vocabulary(copy)
    assert vocab.label("treaty") == "treaty"  # as written
    assert set(vocab.slugs) == set(cat["category"])
    assert events.vocabulary(copy, base=BUILTIN_VOCABULARY) == BUILTIN_VOCABULARY


# ---------------------------------------------------------------- open categories


def test_categories_are_open_and_builtin_spellings_normalised(mine):
    by_id = mine.set_index("id")["category"]
    assert by_id.to_dict() == {
        "siege": "Siege",
        "raid": "Raid",
        "pact": "treaty",
        "quiet": "",
        "second-siege": "Siege",
    }


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("military", "military"),
        ("MILITARY", "military"),
        (" War / Military ", "military"),
        ("law", "law"),  # a plain word is someone's own category, not the built-in alias
        ("War", "War"),
        ("Treaty / law", "treaty"),
        ("Battle of the Bridge", "Battle of the Bridge"),
        ("  padded  ", "padded"),
        ("Київ", "Київ"),
        ("", ""),
        (None, ""),
    ],
)
def test_category_normalisation(written, stored):
    rec = ev("a", "2000") | ({} if written is None else {"category": written})
    assert events.validate([rec]).loc[0, "category"] == stored


def test_builtin_catalogue_categories_unchanged():
    assert set(events.load_catalog()["category"]) == set(BUILTIN_COLORS)


def test_strict_requires_a_category():
    with pytest.raises(EventValidationError, match=r"row 2, id 'b': field 'category' -- required"):
        events.validate(
            [ev("a", "2000", "x", sources=[SRC]), ev("b", "2001", sources=[SRC])], strict=True
        )


# ---------------------------------------------------------------- Vocabulary


def test_label_color_order_of_the_derived_vocabulary(mine):
    vocab = events.vocabulary(mine)
    # no base for someone's own data: every category as written, in order of first appearance
    assert vocab.slugs == ("Siege", "Raid", "treaty")
    assert [vocab.label(c) for c in vocab.slugs] == ["Siege", "Raid", "treaty"]
    assert [vocab.color(c) for c in vocab.slugs] == list(FALLBACK_PALETTE[:3])
    assert vocab.color("") == NO_CATEGORY_COLOR and vocab.label("") == ""
    assert vocab.order(mine["category"]) == ["Siege", "Raid", "treaty", ""]
    assert vocab.colors(["Raid", "Siege"]) == {
        "Siege": FALLBACK_PALETTE[0],
        "Raid": FALLBACK_PALETTE[1],
    }


def test_base_vocabulary_comes_first_and_others_get_unused_colours_first(mine):
    vocab = events.vocabulary(mine, base=BUILTIN_VOCABULARY)
    assert vocab.slugs == (*BUILTIN_COLORS, "Siege", "Raid")
    assert vocab.label("treaty") == "Treaty / law" and vocab.label("Siege") == "Siege"
    # the one palette colour no built-in category uses goes first, then the palette again
    assert vocab.color("Siege") == "#F0E442"
    assert vocab.color("Raid") == FALLBACK_PALETTE[0]
    assert vocab.order(["Raid", "", "treaty", "Siege"]) == ["treaty", "Siege", "Raid", ""]
    # categories a vocabulary does not know follow in order of first appearance
    assert BUILTIN_VOCABULARY.order(["Raid", "", "treaty", "Siege", "annexation"]) == [
        "annexation",
        "treaty",
        "Raid",
        "Siege",
        "",
    ]


def test_unknown_categories_get_palette_colours_in_order_of_first_appearance():
    vocab = Vocabulary([("known", "Known", "#000000")])
    assert vocab.label("never-seen") == "never-seen"
    colours = [vocab.color(c) for c in ("b", "a", "b", "c")]
    assert colours == [FALLBACK_PALETTE[0], FALLBACK_PALETTE[1], FALLBACK_PALETTE[0], "#009E73"]
    assert vocab.color("known") == "#000000"
    many = Vocabulary()
    picked = [many.color(f"c{i}") for i in range(len(FALLBACK_PALETTE) + 1)]
    assert picked[: len(FALLBACK_PALETTE)] == list(FALLBACK_PALETTE)
    assert picked[-1] == FALLBACK_PALETTE[0]  # past the palette, colours repeat


def test_vocabulary_normalize_and_aliases():
    vocab = Vocabulary(
        [("battle", "Battle", "#D55E00"), ("siege", "Sieges", "#0072B2")],
        aliases={"fight": "battle"},
    )
    assert [vocab.normalize(v) for v in ("FIGHT", " battle ", "Sieges", "raid", None)] == [
        "battle",
        "battle",
        "siege",
        "raid",
        "",
    ]
    assert dict(vocab.aliases) == {"fight": "battle"}


def test_vocabulary_is_a_frozen_value():
    a = Vocabulary([("x", "X", "#123456")])
    a.color("unknown")  # hands out a colour: not part of the value
    assert a == Vocabulary([("x", "X", "#123456")])
    assert hash(a) == hash(Vocabulary([("x", "X", "#123456")]))
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field"):
        a.categories = ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"categories": [("x", "X", "#123456"), ("x", "Y", "#654321")]}, r"'x' is listed twice"),
        ({"categories": [("x", "X", "red")]}, r"category 'x': colour 'red' is not written"),
        ({"categories": [("", "X", "#123456")]}, r"slug must be non-empty text, not ''"),
        (
            {"categories": [("x", "X", "#123456")], "aliases": {"y": "z"}},
            r"alias 'y' names 'z', which is not a category of the vocabulary; known: x",
        ),
        ({"palette": ()}, r"a palette is one or more '#RRGGBB' colours"),
    ],
)
def test_vocabulary_rejects_bad_definitions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Vocabulary(**kwargs)


def test_vocabulary_of_something_that_is_not_events():
    with pytest.raises(ValueError, match=r"DataFrame of events with a 'category' column"):
        events.vocabulary([{"category": "x"}])


# ---------------------------------------------------------------- queries by category


def test_by_category_with_open_categories(mine):
    assert events.by_category(mine, "Siege").id.tolist() == ["siege", "second-siege"]
    assert events.by_category(mine, "treaty/law").id.tolist() == ["pact"]  # a built-in alias
    assert events.by_category(mine, "").id.tolist() == ["quiet"]
    # other categories are as written, case and all: a typo is an error, not an empty result
    for typo in ("Sige", "siege"):
        with pytest.raises(
            ValueError, match=rf"unknown category '{typo}'; allowed: Siege, Raid, treaty$"
        ):
            events.by_category(mine, typo)


def test_query_checks_categories_against_all_events(mine):
    # Raid has events, none of them in 1905: an empty result, not an error
    assert events.query(mine, start="1905", category="Raid").empty
    with pytest.raises(ValueError, match=r"unknown category 'Rade'"):
        events.query(mine, start="1905", category=["Raid", "Rade"])
