"""Hostile data: event texts, source fields and URLs from other people's files never run a script,
never make the page fetch from elsewhere, and bad URLs and ids are rejected at validation.

Every payload of :data:`PAYLOADS` goes into titles, summaries, actors, tags, point names and source
titles/publishers of a valid events table, then through every output: the figure pages (inline
and as a fragment on a host page), the linked page, SVG export and the Dash app with its HTML
exports. A payload that runs sets ``window.__pwned`` or opens a dialog; one that fetches asks
``evil.example``. Headless Chromium must show zero executions and zero outside requests.
Plotly labels get only the ``<b>``, ``<i>`` and ``<br>`` our code writes; all data is escaped.
"""

from __future__ import annotations

import json
import re

import pytest

import events
import viz
from events import EventValidationError
from viz import export
from viz.app import callbacks
from viz.app import server as app_server

PWN = "window.__pwned=1"
EVIL = "evil.example"
INVISIBLE = "[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"

PAYLOADS = [
    # script and event-handler injection
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    "<img src=x onerror=alert(1)>",
    f"<svg onload={PWN}>",
    f"<svg><script>{PWN}</script></svg>",
    f"<svg><animate onbegin={PWN} attributeName=x dur=1s>",
    f'<body onload="{PWN}">',
    f"<details open ontoggle={PWN}>",
    f'<form action="javascript:{PWN}"><button>go</button></form>',
    # breaking out of a <script>, an attribute or a JS string
    f"</script><script>{PWN}</script>",
    f'"><script>{PWN}</script>',
    f"'-{PWN}-'",
    f'";{PWN};//',
    f"</ScRiPt ><script>{PWN}</script>",
    # URLs that run or load
    f'<iframe src="javascript:{PWN}"></iframe>',
    f'<a href="javascript:{PWN}">x</a>',
    f"[x](javascript:{PWN})",
    f"javascript:{PWN}",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+",
    f'<embed src="data:text/html,<script>{PWN}</script>">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{PWN}">',
    # fetching from elsewhere
    f"<style>@import url(http://{EVIL}/x.css)</style>",
    f"<link rel=stylesheet href=http://{EVIL}/x.css>",
    f"<img src=http://{EVIL}/p.png>",
    f'<object data="http://{EVIL}/x.swf"></object>',
    f'<base href="http://{EVIL}/">',
    f'<span style="background-image:url(http://{EVIL}/s.png)">styled</span>',
    f'<a href="http://{EVIL}/">a plotly link tag</a>',
    # mutation-XSS classics
    f"<math><mtext></table><img src=x onerror={PWN}>",
    f'<noscript><p title="</noscript><img src=x onerror={PWN}>">',
    f"<![CDATA[<script>{PWN}</script>]]>",
    # template languages
    f"{{{{constructor.constructor('{PWN}')()}}}}",
    "${alert(1)}",
    "%{customdata} %{x}<extra>x</extra>",
    # the tags our own hover labels use must not come from data either
    "<br><b>bold</b><i>italic</i><sub>x</sub>",
    # pre-escaped and entity-encoded text stays literal
    f"&lt;script&gt;{PWN}&lt;/script&gt;",
    f"&#60;script&#62;{PWN}&#60;/script&#62;",
    # Unicode tricks
    "\u202egnp.exe\u202c an override reverses this",
    "zero\u200bwidth\u200djoiner\ufeffbom\u2066isolate\u2069",
    "line\u2028separator\u2029paragraph",
    # comment and section ends
    "<!--",
    "-->",
    "]]>",
    # a very long text with a script at its end
    "A" * 10_000 + f"<script>{PWN}</script>",
]
"""The corpus: each is a short string (the last one is long on purpose)."""

CONTROL = "nul\x00escape\x1b[31mbell\x07"
"""Control characters: rejected in titles and summaries, so they go into source publishers."""

TAGS_PAYLOAD = "<br><b>bold</b><i>italic</i><sub>x</sub>"
TAGS_ID = f"hostile-{PAYLOADS.index(TAGS_PAYLOAD):02d}"

HOSTILE_URLS = [
    f'https://{EVIL}/"><script>{PWN}</script>',
    f"https://{EVIL}/?q=<svg/onload={PWN}>",
    f"http://{EVIL}/a'b\"c`d",
    "HTTPS://EXAMPLE.ORG/upper-case-scheme",
]
"""Source URLs that are http(s), so valid, but carry markup."""

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    f"//{EVIL}/x",
    f"https:{EVIL}",
    "file:///etc/passwd",
    f"ftp://{EVIL}/x",
]

BAD_IDS = [
    "bidi\u202eid",
    "zero\u200bwidth",
    "join\u200did",
    "\ufeffbom",
    "<script>",
    "a\u00a0b",
    "ｆullwidth",
]


def hostile_records() -> list[dict]:
    """One event per payload; every text field of it (and of its neighbours) is hostile."""
    n = len(PAYLOADS)
    recs = []
    for i, text in enumerate(PAYLOADS):
        other = PAYLOADS[(i + 1) % n]
        recs.append(
            {
                "id": f"hostile-{i:02d}",
                "title": text,
                "start": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "category": ("annexation", "military", "political", "treaty")[i % 4],
                "summary": f"{other} {text}",
                "actors": [text, other],
                "tags": [text],
                "places": [
                    "UA-14",
                    {"name": text, "lon": 36.0 + (i % 9) * 0.4, "lat": 47.2 + (i % 7) * 0.3},
                ],
                "sources": [
                    {
                        "title": text,
                        "publisher": f"{other} {CONTROL}",
                        "url": HOSTILE_URLS[i % len(HOSTILE_URLS)],
                        "date": "2024-01-01",
                    }
                ],
            }
        )
    return recs


@pytest.fixture(scope="module")
def hostile():
    return events.validate(hostile_records(), file="hostile.yaml")


def benign_records() -> list[dict]:
    """The same events with plain text: the markup of a page must not depend on the text."""
    recs = hostile_records()
    for r in recs:
        r["title"] = r["summary"] = "plain text"
        r["actors"] = r["tags"] = ["plain"]
        r["places"][1]["name"] = "plain"
        r["sources"][0].update(title="plain", publisher="plain", url="https://example.org/")
    return recs


# ---------------------------------------------------------------- validation


def test_corpus_is_large_and_survives_validation_unchanged(hostile):
    assert len(PAYLOADS) >= 25
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert len(hostile) == len(PAYLOADS)
    by_id = hostile.set_index("id")
    for i, text in enumerate(PAYLOADS):
        row = by_id.loc[f"hostile-{i:02d}"]
        assert row["title"] == text.strip()
        assert row["points"][0]["name"] == text
        assert row["sources"][0]["title"] == text.strip()


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("key", ["url", "archive_url"])
def test_validation_rejects_non_http_urls(url, key):
    src = {"title": "T", "url": "https://example.org/", key: url}
    rec = {
        "id": "ok",
        "title": "T",
        "start": "2024-01-01",
        "category": "military",
        "sources": [src],
    }
    rule = r"field 'sources' value .* -- source 1.*url .*http:// or https://"
    with pytest.raises(EventValidationError, match=rule):
        events.validate([rec], file="in.yaml")


@pytest.mark.parametrize("field", ["title", "summary"])
def test_validation_rejects_control_characters_in_texts(field):
    rec = {"id": "ok", "title": "T", "start": "2024-01-01", "category": "military", field: CONTROL,
           "sources": [{"title": "T", "url": "https://example.org/"}]}  # fmt: skip
    with pytest.raises(
        EventValidationError, match=rf"field '{field}' value .* control character U\+0000"
    ):
        events.validate([rec], file="in.yaml")


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_validation_rejects_unicode_tricks_in_ids(bad_id):
    rec = {"id": bad_id, "title": "T", "start": "2024-01-01", "category": "military",
           "sources": [{"title": "T", "url": "https://example.org/"}]}  # fmt: skip
    with pytest.raises(EventValidationError) as info:
        events.validate([rec], file="in.yaml")
    msg = str(info.value)
    assert (
        "field 'id'" in msg and "an id is a slug: lowercase letters a-z, digits and hyphens" in msg
    )
    # invisible characters are shown escaped, so the reader sees what is wrong
    assert repr(bad_id.strip()) in msg
    assert not re.search(INVISIBLE, msg)


# ---------------------------------------------------------------- strings, without a browser

OWN_TAGS = re.compile(r"</?b>|</?i>|<br>")
PLOTLY_ENTITIES = {"mu": "\u03bc", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "\xd7",
                   "plusmn": "\xb1", "deg": "\xb0"}  # fmt: skip


def plotly_text(label: str) -> str:
    """What plotly.js shows for the text between tags (its ``convertEntities``)."""

    def one(m):
        ref = m.group(1)
        if ref.startswith("#"):
            return chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))
        return PLOTLY_ENTITIES.get(ref, m.group(0))

    return re.sub(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);", one, label)


def test_hover_labels_let_only_our_own_tags_through(hostile):
    from viz._text import clean, event_hover

    for _, row in hostile.iterrows():
        label = event_hover(row)
        rest = OWN_TAGS.sub("", label)
        assert "<" not in rest and ">" not in rest, label[:200]
        # plotly decodes only &lt; &gt; &amp; and numeric entities: &quot; would show as is
        assert "&quot;" not in label
        title = clean(row["title"])
        assert plotly_text(rest).replace(" ", "").startswith(title[:40].replace(" ", ""))


@pytest.mark.parametrize("text", PAYLOADS[:20] + ["<!--<script>", "\u2028\u2029", "]]>"])
def test_script_json_cannot_close_its_script(text):
    out = export.script_json(json.dumps({"t": text}, ensure_ascii=False))
    assert not re.search("[<>&\u2028\u2029]", out)
    assert json.loads(out) == {"t": text}


class _Markup:
    """Start tags and attributes of a page, as a browser's tokenizer sees them (script and
    style contents are opaque text, so a payload that closes them shows up as new tags)."""

    def __init__(self, text: str):
        from html.parser import HTMLParser

        self.tags, self.attrs = [], []
        outer = self

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.tags.append(tag)
                outer.attrs += [(tag, k, v) for k, v in attrs]

        P(convert_charrefs=True).feed(text)


def _pages(df) -> dict[str, str]:
    view = viz.linked_view(df)
    tl = viz.timeline(df)
    mp = viz.territory_map("2024-12-31", events=df)
    return {
        "timeline-inline": viz.to_html(tl, "inline"),
        "map-inline": viz.to_html(mp, "inline"),
        "timeline-fragment": viz.to_html(tl, "fragment"),
        "linked-inline": view.to_html("inline", div_id="bl-x"),
        "linked-fragment": view.to_html("fragment", div_id="bl-x"),
    }


@pytest.fixture(scope="module")
def pages(hostile):
    return _pages(hostile)


def test_raw_html_has_no_live_payload(pages):
    import plotly

    benign = _pages(events.validate(benign_records()))
    bundle = plotly.offline.get_plotlyjs()
    for name, page in pages.items():
        text = page.replace(bundle, "")
        hostile_markup, plain_markup = _Markup(text), _Markup(benign[name].replace(bundle, ""))
        # the data changes no element and no attribute of the page
        assert hostile_markup.tags == plain_markup.tags, name
        assert hostile_markup.attrs == plain_markup.attrs, name
        assert not [a for a in hostile_markup.attrs if a[1].startswith("on")]
        for payload in PAYLOADS:
            if "<" in payload or "\u2028" in payload:
                assert payload[-200:] not in text, (name, payload[:60])
        # embedded JSON never holds a character that could end its <script> or its line
        for script in re.findall(r"<script>(.*?)</script>", text, re.S):
            assert "<!--" not in script and "\u2028" not in script, name
        assert text.count("<script") == text.count("</script>"), name


# ---------------------------------------------------------------- in headless Chromium


# elements and attributes only an injection could have made
INJECTED = """() => {
  const sel = 'iframe, object, embed, img, base, meta[http-equiv=refresh i], form, details, math, noscript, animate, '
    + 'a[href^="javascript:" i], a[href^="data:" i], link[href*="evil.example"], [style*="evil.example"]';
  const found = Array.from(document.querySelectorAll(sel)).map(e => e.outerHTML.slice(0, 120));
  document.querySelectorAll('*').forEach(e => {
    for (const a of e.attributes) if (/^on/i.test(a.name)) found.push(e.tagName + ' ' + a.name);
  });
  document.querySelectorAll('style').forEach(s => { if (/@import/.test(s.textContent)) found.push('@import'); });
  document.querySelectorAll('script').forEach(s => {
    if (s.textContent.indexOf('<script>window.__pwned') >= 0) found.push('script with a payload');
  });
  return found;
}"""


class Guard:
    """One page with every request, dialog and error recorded; outside requests are cut."""

    def __init__(self, context, allowed: tuple[str, ...]):
        self.requests, self.outside, self.dialogs, self.errors = [], [], [], []
        self.page = page = context.new_page()
        page.set_default_timeout(15_000)

        def route(r):
            url = r.request.url
            if url.startswith(allowed):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.allowed = allowed

    def check(self, injected_ok: bool = False):
        """Nothing ran, nothing was fetched from elsewhere, nothing was injected."""
        pwned = [
            f.url for f in self.page.frames if f.evaluate("typeof window.__pwned") != "undefined"
        ]
        assert pwned == [], "a payload ran"
        assert self.dialogs == [], "a payload opened a dialog"
        assert self.outside == [], "the page asked for something outside"
        assert [u for u in self.requests if not u.startswith(self.allowed)] == []
        assert "evil.example" not in " ".join(self.requests)
        if not injected_ok:
            assert self.page.evaluate(INJECTED) == []
        assert self.errors == []


@pytest.fixture(scope="module")
def guarded(browser):
    """``guarded(allowed=("file://",))`` -> a new :class:`Guard` (contexts closed at the end)."""
    contexts = []

    def make(allowed=("file://",), **kw):
        ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, **kw)
        contexts.append(ctx)
        return Guard(ctx, allowed)

    yield make
    for ctx in contexts:
        ctx.close()


TIMELINE_MARK = """([root, id]) => {
  const gd = document.querySelector(root);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  for (const t of gd._fullData) {  // decoded arrays (gd.data may hold typed-array specs)
    const j = Array.from(t.customdata || []).indexOf(id);
    if (t.type === 'scatter' && j >= 0)
      return {x: box.left + xa._offset + xa.l2p(t.x[j]), y: box.top + ya._offset + ya.l2p(t.y[j])};
  }
  return null;
}"""

MARKS = """sel => Array.from(document.querySelectorAll(sel)).map(p => p.getBoundingClientRect())
  .filter(r => r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight)
  .map(r => [r.x + r.width / 2, r.y + r.height / 2])"""


def hover_marks(page, root: str, limit: int = 12, marks: str = ".point") -> list[str]:
    """Move the mouse over up to ``limit`` marks of the plot in ``root``; the hover labels' texts."""
    page.locator(root).first.scroll_into_view_if_needed()
    found = page.evaluate(MARKS, f"{root} {marks}")
    assert found, f"no marks in {root}"
    step = max(1, len(found) // limit)
    texts = []
    gd = f"(document.querySelector('{root} .js-plotly-plot') || document.querySelector('{root}'))"
    for x, y in found[::step][:limit]:
        page.evaluate(f"Plotly.Fx.unhover({gd})")
        page.mouse.move(x, y)
        label = page.wait_for_function(
            "root => { const h = document.querySelector(root + ' .hoverlayer .hovertext');"
            " return h && h.textContent; }",
            arg=root,
        )
        texts.append(label.json_value())
    return texts


def assert_literal_labels(texts: list[str]) -> None:
    """Hover labels show the payloads as text: tags and entities as typed, no &quot;."""
    joined = "\n".join(texts)
    assert "<" in joined, joined[:300]
    assert "&quot;" not in joined and "&#34;" not in joined


def hover_event(page, gd: str, root: str, event_id: str) -> str:
    """Move the mouse onto one event's timeline mark; the text of its hover label."""
    page.locator(gd).first.scroll_into_view_if_needed()
    pos = page.evaluate(TIMELINE_MARK, [gd, event_id])
    page.evaluate(f"Plotly.Fx.unhover(document.querySelector('{gd}'))")
    page.mouse.move(pos["x"], pos["y"])
    label = page.wait_for_function(
        "root => document.querySelector(root + ' .hoverlayer .hovertext')?.textContent", arg=root
    )
    return label.json_value()


@pytest.fixture(scope="module")
def figures(hostile):
    return {
        "timeline": viz.timeline(hostile),
        "map": viz.territory_map("2024-12-31", events=hostile),
    }


@pytest.mark.browser
@pytest.mark.parametrize("which", ["timeline", "map"])
def test_standalone_figure_page(which, figures, guarded, tmp_path):
    path = tmp_path / f"{which}.html"
    viz.write_html(figures[which], path, mode="inline")
    g = guarded()
    g.page.goto(path.as_uri())
    g.page.wait_for_selector("#borderlines-figure .main-svg")
    texts = hover_marks(g.page, "#borderlines-figure")
    if which == "timeline":  # tags plotly knows, typed in the data, show as typed
        fig = "#borderlines-figure"
        assert hover_event(g.page, fig, fig, TAGS_ID).startswith(TAGS_PAYLOAD)
    assert_literal_labels(texts)
    g.check()


@pytest.mark.browser
def test_fragments_on_a_host_page(figures, hostile, guarded, tmp_path):
    import plotly

    parts = [export.figure_html(figures[k], "fragment", div_id=f"frag-{k}") for k in figures]
    parts.append(viz.linked_view(hostile).to_html("fragment", div_id="frag-linked"))
    host = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Host</title>'
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body><h1>A CMS page</h1>"
        + "".join(parts)
        + "<p>after the fragments</p></body></html>"
    )
    path = tmp_path / "host.html"
    path.write_text(host, encoding="utf-8")
    g = guarded()
    g.page.goto(path.as_uri())
    g.page.wait_for_selector("#frag-timeline .main-svg")
    g.page.wait_for_selector("#frag-map .main-svg")
    g.page.wait_for_selector("#frag-linked[data-bl-ready='1']")
    assert g.page.locator("body > p").inner_text() == "after the fragments"  # nothing broke out
    texts = hover_marks(g.page, "#frag-timeline", limit=6) + hover_marks(
        g.page, "#frag-map", limit=6
    )
    texts += hover_marks(g.page, "#frag-linked [data-bl=timeline]", limit=6)
    assert_literal_labels(texts)
    g.check()


@pytest.fixture(scope="module")
def linked_file(hostile, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile-linked") / "linked.html"
    path.write_text(viz.linked_html(hostile, mode="inline"), encoding="utf-8")
    return path


def _open_linked(guarded, path, hash_=""):
    g = guarded()
    g.page.goto(path.as_uri() + hash_)
    g.page.wait_for_selector(".bl-linked[data-bl-ready='1']")
    return g


# a pixel of a region's piece with no event marker within 25 px (a click there picks the region)
REGION_PIXEL = """code => {
  const gd = document.querySelector('[data-bl=map]');
  const i = gd.data.findIndex(t => t.name === 'pieces');
  const codes = gd.data[i].customdata;
  const markers = Array.from(gd.querySelectorAll('.scattergeo .point')).map(p => {
    const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];
  });
  const paths = Array.from(gd.querySelectorAll('.choroplethlayer .trace')[i === 0 ? 0 : 1].querySelectorAll('path'))
    .filter(p => p.__data__ && codes[p.__data__.index] === code);
  for (const p of paths) {
    const r = p.getBoundingClientRect(), inv = p.getScreenCTM().inverse();
    for (let fy = 0.1; fy < 1; fy += 0.1) for (let fx = 0.1; fx < 1; fx += 0.1) {
      const x = r.x + r.width * fx, y = r.y + r.height * fy;
      if (!p.isPointInFill(new DOMPoint(x, y).matrixTransform(inv))) continue;
      if (markers.every(m => Math.hypot(m[0] - x, m[1] - y) > 25)) return {x, y};
    }
  }
  return null;
}"""


@pytest.mark.browser
def test_linked_page_hover_click_event_and_region(linked_file, guarded):
    from viz._text import clean

    g = _open_linked(guarded, linked_file)
    page = g.page
    texts = hover_marks(page, "[data-bl=timeline]") + hover_marks(
        page, "[data-bl=map]", 8, ".scattergeo .point"
    )
    assert_literal_labels(texts)
    tl = "[data-bl=timeline]"
    assert hover_event(page, tl, tl, TAGS_ID).startswith(TAGS_PAYLOAD)
    # an event with a script in its title, clicked on the timeline: the panel shows it as text
    hover_event(page, tl, tl, "hostile-00")  # plotly clicks what is hovered
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function("location.hash === '#event=hostile-00'")
    title = page.locator("[data-bl=panel] .bl-event-title")
    assert title.text_content() == clean(PAYLOADS[0])
    assert clean(PAYLOADS[1]) in page.locator("[data-bl=panel] .bl-summary").text_content()
    hrefs = page.eval_on_selector_all("[data-bl=panel] a", "as => as.map(a => a.href)")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert all(not re.search('[<>" ]', h) for h in hrefs)
    # a region: its list of events renders every hostile title as text
    pos = page.evaluate(REGION_PIXEL, "UA-14")
    assert pos is not None
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("[data-bl=panel] .bl-event-list")
    shown = page.eval_on_selector_all(
        "[data-bl=panel] .bl-event-list button", "bs => bs.map(b => b.textContent)"
    )
    assert sorted(shown) == sorted(clean(p).strip() for p in PAYLOADS)
    page.locator("[data-bl=panel] .bl-event-list button").nth(3).click()
    page.wait_for_selector("[data-bl=panel] .bl-sources")
    g.check()


HOSTILE_HASHES = [
    "#event=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E",
    "#event=<img src=x onerror=alert(1)>",
    "#date=</script><script>window.__pwned=1</script>",
    "#date=javascript:alert(1)&event=javascript:window.__pwned=1",
    "#event=constructor",
    "#event=__proto__",
    "#event=toString&date=2024-01-01",
    "#event=hostile-05",
    "#event=%E2%80%AEhostile-00",
    "#event=hostile-00%00",
    "#event=%",
    "#date=2024-06-01",  # last: hashchange handlers run in order, so all ran once this shows
]


@pytest.mark.browser
def test_linked_page_hostile_hashes(linked_file, guarded):
    from viz._text import clean

    g = _open_linked(guarded, linked_file, HOSTILE_HASHES[0])
    page = g.page
    assert page.locator("[data-bl=panel] .bl-empty").count() == 1
    for h in HOSTILE_HASHES[1:]:
        page.evaluate("h => { location.hash = h; }", h)
        page.wait_for_function("h => location.hash === new URL('x' + h, location.href).hash", arg=h)
    page.wait_for_function(
        "document.querySelector('[data-bl=date-label]').textContent === '1 June 2024'"
    )
    g.check()
    # a shared link to a hostile event opens its panel, as text
    g = _open_linked(guarded, linked_file, "#event=hostile-09")
    g.page.wait_for_selector("[data-bl=panel] .bl-event-title")
    assert g.page.locator("[data-bl=panel] .bl-event-title").text_content() == clean(PAYLOADS[9])
    g.check()


@pytest.fixture(scope="module")
def svgs(hostile, tmp_path_factory, chromium):
    """A timeline whose lanes are the hostile titles, and a map with a hostile title and credit."""
    folder = tmp_path_factory.mktemp("hostile-svg")
    tl = viz.timeline(hostile, color="title", title=PAYLOADS[9] + PAYLOADS[1], height=1400)
    mp = viz.territory_map("2024-12-31", events=hostile, title=PAYLOADS[0], credit=PAYLOADS[21],
                           detail="lite")  # fmt: skip
    with viz.image_batch():
        paths = [
            viz.write_image(tl, folder / "timeline.svg"),
            viz.write_image(mp, folder / "map.svg"),
        ]
    return paths


@pytest.mark.browser
def test_svg_export_holds_only_text(svgs):
    import xml.etree.ElementTree as ET

    for path in svgs:
        root = ET.parse(path).getroot()
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert not tags & {"script", "foreignObject", "iframe", "a", "image", "use", "animate"}
        attrs = [k.rsplit("}", 1)[-1] for el in root.iter() for k in el.attrib]
        assert not [a for a in attrs if a.startswith("on") or a == "href"]
        assert EVIL not in " ".join(v for el in root.iter() for v in el.attrib.values())
    text = "".join(ET.parse(svgs[0]).getroot().itertext())
    assert f"<script>{PWN}</script>" in text  # the title, as text


@pytest.mark.browser
def test_svg_export_in_chromium(svgs, guarded):
    folder = svgs[0].parent
    host = folder / "host.html"
    host.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>SVG</title></head><body>'
        + "".join(
            f'<img src="{p.name}" alt=""><object data="{p.name}" type="image/svg+xml"></object>'
            for p in svgs
        )
        + "</body></html>",
        encoding="utf-8",
    )
    for path in svgs:  # opened directly: an SVG document runs scripts if it has any
        g = guarded()
        g.page.goto(path.as_uri())
        assert PWN in g.page.evaluate("document.documentElement.textContent")
        g.check()
    g = guarded()
    g.page.goto(host.as_uri())
    g.page.wait_for_function(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )
    g.page.wait_for_function(f"() => document.querySelectorAll('object').length === {len(svgs)}")
    # the <object> documents are loaded before the page's load event
    g.page.wait_for_load_state("load")
    assert len(g.page.frames) == 1 + len(svgs)
    for frame in g.page.frames[1:]:
        assert frame.evaluate("document.documentElement.tagName") == "svg"
    g.check(injected_ok=True)  # the host page's own <img> and <object>


# ---------------------------------------------------------------- the Dash app


@pytest.fixture(scope="module")
def served(hostile, serve, chromium):
    """The app on the hostile events at http://127.0.0.1:<port>; and its dataset key."""
    import app as app_module

    dash_app = app_module.create_app(events=hostile)
    return serve(dash_app.server), f"app-{app_server.UNIQUE}"


def _open_app(guarded, url):
    origin = re.match(r"http://127\.0\.0\.1:\d+", url).group(0)
    g = guarded(allowed=(origin + "/",))
    g.page.goto(url)
    g.page.wait_for_selector("#g-map .choroplethlocation")
    g.page.wait_for_selector("#g-timeline .main-svg")
    return g


@pytest.mark.browser
def test_app_detail_table_and_hover(served, guarded):
    from viz._text import clean

    url, _ = served
    g = _open_app(guarded, url + "/?event=hostile-00")
    page = g.page
    page.wait_for_function("document.querySelector('#detail-h').textContent.includes('__pwned')")
    assert page.locator("#detail-h").text_content() == PAYLOADS[0]
    assert page.locator("table.events tbody tr").count() == len(PAYLOADS)
    titles = page.eval_on_selector_all(
        "table.events tbody button", "bs => bs.map(b => b.textContent)"
    )
    assert sorted(titles) == sorted(clean(p).strip() for p in PAYLOADS)
    # no bidi override or invisible character reaches the page's text
    assert not re.search(INVISIBLE, page.locator("#page").text_content())
    texts = hover_marks(page, "#g-timeline", 10) + hover_marks(
        page, "#g-map", 3, ".choroplethlayer .trace:nth-of-type(3) .choroplethlocation"
    )
    assert_literal_labels(texts)
    assert hover_event(page, "#g-timeline .js-plotly-plot", "#g-timeline", TAGS_ID).startswith(
        TAGS_PAYLOAD
    )
    # pick another hostile event from the table: its summary, places and sources render as text
    page.get_by_role("button", name=PAYLOADS[10]).click()
    page.wait_for_function("location.search.includes('event=hostile-10')")
    page.wait_for_function(
        f"document.querySelector('#detail-h').textContent === {json.dumps(PAYLOADS[10])}"
    )
    assert PAYLOADS[11] in page.locator("#detail .summary").text_content()
    hrefs = page.eval_on_selector_all("#detail a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == [HOSTILE_URLS[10 % len(HOSTILE_URLS)]]
    g.check()


@pytest.mark.browser
def test_app_hostile_query_string(served, guarded):
    url, _ = served
    q = "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&event=%3Cscript%3E&region=%3Csvg%20onload%3Dalert(1)%3E"
    g = _open_app(guarded, url + "/" + q)
    g.page.wait_for_function(
        "document.querySelector('#f-search').value === '<img src=x onerror=alert(1)>'"
    )
    g.page.wait_for_function("document.querySelectorAll('table.events tbody tr').length === 2")
    g.check()


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["html", "linked"])
def test_app_html_export_of_the_view(fmt, served, guarded, tmp_path):

    _, base = served
    view = {"event": "hostile-00", "category": [], "region": None, "q": "", "lang": "en"}
    data, status = callbacks.export_view(fmt, "2024-12-31", view, None, base=base)
    assert data["filename"] in status
    path = tmp_path / data["filename"]
    path.write_text(data["content"], encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload[-200:] not in data["content"]
    g = guarded()
    g.page.goto(path.as_uri())
    if fmt == "html":
        g.page.wait_for_selector("#borderlines-figure .main-svg")
        texts = hover_marks(g.page, "#borderlines-figure", 6, ".scattergeo .point")
    else:
        g.page.wait_for_selector(".bl-linked[data-bl-ready='1']")
        texts = hover_marks(g.page, "[data-bl=timeline]", 6)
    assert_literal_labels(texts)
    g.check()
