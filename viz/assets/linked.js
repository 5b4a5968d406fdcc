/* Borderlines linked view: timeline, map and area chart tied together by plotly events.
 * Data from the page is untrusted: text goes into the DOM with textContent only, links only
 * with http(s) URLs. One function, defined once, drives any number of views on a page. */
(function () {
  "use strict";
  if (window.BorderlinesLinked) return;

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var DAY = 864e5;
  var ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

  function days(iso) {
    var m = ISO.exec(iso);
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : NaN;
  }
  function label(iso) {
    var m = ISO.exec(iso);
    return m ? (+m[3]) + " " + MONTHS[+m[2] - 1] + " " + m[1] : iso;
  }
  function lastLE(sorted, d) {  // index of the last value <= d, -1 if none
    var lo = 0, hi = sorted.length - 1, out = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] <= d) { out = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return out;
  }
  function interp(d, ds, xs) {  // piecewise-linear date axis of the timeline
    if (d <= ds[0]) return xs[0];
    for (var i = 1; i < ds.length; i++) {
      if (d <= ds[i]) return xs[i - 1] + (xs[i] - xs[i - 1]) * (d - ds[i - 1]) / (ds[i] - ds[i - 1]);
    }
    return xs[xs.length - 1];
  }
  function list(v, n, dflt) {  // a plotly attribute (scalar, array or typed array) as an array
    if (v === undefined || v === null) v = dflt;
    if (v !== null && typeof v === "object" && typeof v.length === "number") return Array.prototype.slice.call(v);
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = v;
    return out;
  }
  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&#34;").replace(/'/g, "&#x27;");  // plotly.js does not decode &quot;
  }
  function safeUrl(u) {
    if (typeof u !== "string" || !/^https?:\/\//i.test(u)) return null;
    try {
      var url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function shapeIndex(gd, name) {
    var shapes = gd.layout.shapes || [];
    for (var i = 0; i < shapes.length; i++) if (shapes[i].name === name) return i;
    return -1;
  }
  function wrap(text, width, maxLines) {  // escaped, <br>-joined lines for a hover label
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) {
      if (line && (line + " " + w).length > width) { lines.push(line); line = w; } else { line = line ? line + " " + w : w; }
    });
    if (line) lines.push(line);
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      lines[maxLines - 1] = lines[maxLines - 1].replace(/[ .,;]+$/, "") + " \u2026";
    }
    return lines.map(escapeHtml).join("<br>");
  }
  function hoverOf(ev) {
    if (!ev) return "";
    var parts = ["<b>" + wrap(ev.title, 60, 2) + "</b>", escapeHtml(ev.date) + (ev.os ? " (O.S. " + escapeHtml(ev.os) + ")" : "")];
    if (ev.summary) parts.push(wrap(ev.summary, 64, 4));
    parts.push("<i>Click for details and sources</i>");
    return parts.join("<br>");
  }
  function steps(flat, scale) {  // integer steps -> [lon, lat] points
    var out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([x / scale, y / scale]); }
    return out;
  }
  function inflate(fig, geo, scale) {  // rebuild the GeoJSON and line arrays sent compactly
    Object.keys(geo).forEach(function (k) {
      var t = fig.data[+k], g = geo[k];
      if (!t) return;
      if (g.polygons) {
        t.geojson = {
          type: "FeatureCollection",
          features: g.polygons.map(function (f) {
            return {
              type: "Feature", id: f[0], properties: {},
              geometry: { type: "MultiPolygon", coordinates: f[1].map(function (poly) {
                return poly.map(function (r) { return steps(r, scale); });
              }) }
            };
          })
        };
      }
    });
    Object.keys(geo).forEach(function (k) {  // region borders: the marked stretches of the pieces
      var t = fig.data[+k], src = geo[k].borders_of;
      if (!t || src === undefined) return;
      var lon = [], lat = [], feats = fig.data[src].geojson.features;
      geo[src].polygons.forEach(function (f, i) {
        var coords = feats[i].geometry.coordinates, runs = f[2] || [];
        for (var j = 0; j + 3 < runs.length; j += 4) {
          var ring = coords[runs[j]][runs[j + 1]];
          for (var v = runs[j + 2]; v <= runs[j + 3]; v++) { lon.push(ring[v][0]); lat.push(ring[v][1]); }
          lon.push(null); lat.push(null);
        }
      });
      t.lon = lon; t.lat = lat;
    });
  }
  function parseHash() {
    var out = {};
    String(window.location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) {
        try { out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1)); } catch (e) { /* bad escape */ }
      }
    });
    return out;
  }

  window.BorderlinesLinked = function (root, spec) {
    function q(role) { return root.querySelector('[data-bl="' + role + '"]'); }
    var tl = q("timeline"), mp = q("map"), ar = q("area");
    var slider = q("slider"), dateOut = q("date-label"), play = q("play"), panel = q("panel");
    var figs = spec.figures, config = spec.config;
    var statusDays = spec.status_dates.map(days);
    var stepDays = spec.steps.map(days);
    var nPieces = spec.pieces.length;
    var PI = spec.traces.pieces, EI = spec.traces.events;
    var axis = ((figs.timeline.layout.meta || {}).borderlines || {}).axis;
    var axisDays = axis ? axis.dates.map(days) : null;
    var state = { date: spec.start, event: null, region: null };
    var base = {};  // the figures' own opacities and markers, to restore after a highlight
    var timer = null;

    inflate(figs.map, spec.geo, spec.geo_scale);
    figs.timeline.data.concat(EI === undefined ? [] : [figs.map.data[EI]]).forEach(function (t) {
      if (t.customdata && !t.hovertext && t.hoverinfo !== "skip") {
        t.hovertext = t.customdata.map(function (id) { return hoverOf(spec.events[id]); });
      }
    });

    function plot(gd, fig) { return Plotly.newPlot(gd, fig.data, fig.layout, config); }

    Promise.all([plot(tl, figs.timeline), plot(mp, figs.map), plot(ar, figs.area)]).then(function () {
      base.opacity = tl.data.map(function (t) {
        var n = t.customdata ? t.customdata.length : 0;
        return list(t.marker && t.marker.opacity, n, 1);
      });
      if (EI !== undefined) {
        var m = mp.data[EI];
        base.events = {
          lon: list(m.lon, 0), lat: list(m.lat, 0), ids: list(m.customdata, 0),
          text: list(m.hovertext, 0), color: list(m.marker.color, m.lon.length, "#333")
        };
      }
      base.ticks = { vals: list(figs.timeline.layout.xaxis.tickvals, 0), text: list(figs.timeline.layout.xaxis.ticktext, 0) };
      wire();
      fitTicks();
      if (!restoreFromHash()) {
        if (spec.event && eventOf(spec.event)) selectEvent(spec.event, false);
        else setDate(spec.start, false);
      }
      root.setAttribute("data-bl-ready", "1");
    });

    // ------------------------------------------------------------ date
    var statusEnd = spec.status_end ? days(spec.status_end) : Infinity;
    function codesAt(d) {  // outside the series' span: "no control data" (spec.held)
      var k = lastLE(statusDays, d);
      if (k < 0 || d > statusEnd) return list(spec.held, nPieces);
      var s = spec.status[k], out = new Array(nPieces);
      for (var i = 0; i < nPieces; i++) out[i] = s.charCodeAt(i) - 48;
      return out;
    }

    function setDate(iso, updateHash) {
      var d = days(iso);
      if (isNaN(d)) return;
      state.date = iso;
      var z = codesAt(d);
      var text = z.map(function (c, i) {
        return "<b>" + escapeHtml(spec.regions[spec.pieces[i]] || spec.pieces[i]) + "</b><br>" + spec.labels[c];
      });
      Plotly.restyle(mp, { z: [z], text: [text] }, [PI]);
      if (base.events) {  // markers for the events of the year up to the date
        var b = base.events, keep = { lon: [], lat: [], customdata: [], hovertext: [], color: [] };
        for (var i = 0; i < b.ids.length; i++) {
          var ev = spec.events[b.ids[i]];
          if (!ev || days(ev.lo) > d || days(ev.hi) < d - spec.window_days) continue;
          keep.lon.push(b.lon[i]); keep.lat.push(b.lat[i]); keep.customdata.push(b.ids[i]);
          keep.hovertext.push(b.text[i]); keep.color.push(b.color[i]);
        }
        Plotly.restyle(mp, {
          lon: [keep.lon], lat: [keep.lat], customdata: [keep.customdata],
          hovertext: [keep.hovertext], "marker.color": [keep.color]
        }, [EI]);
      }
      var upd = {}, i1 = shapeIndex(tl, "date-cursor");
      if (i1 >= 0 && axisDays) {
        var x = interp(d, axisDays, axis.xs);
        upd["shapes[" + i1 + "].x0"] = x; upd["shapes[" + i1 + "].x1"] = x; upd["shapes[" + i1 + "].visible"] = true;
        Plotly.relayout(tl, upd);
      }
      var i2 = shapeIndex(ar, "date-cursor");
      if (i2 >= 0) {
        var r = ar.layout.xaxis.range || [], inRange = r.length === 2 && iso >= String(r[0]).slice(0, 10) && iso <= String(r[1]).slice(0, 10);
        upd = {};
        upd["shapes[" + i2 + "].x0"] = iso; upd["shapes[" + i2 + "].x1"] = iso; upd["shapes[" + i2 + "].visible"] = inRange;
        Plotly.relayout(ar, upd);
      }
      var k = Math.max(lastLE(stepDays, d), 0);
      slider.value = String(k);
      slider.setAttribute("aria-valuetext", label(iso));
      dateOut.textContent = label(iso);
      if (updateHash) setHash("date=" + iso);
    }

    function setHash(h) {
      if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, "", "#" + h); return; } catch (e) { /* file:// in some browsers */ }
      }
    }

    // ------------------------------------------------------------ highlight on the map
    function outline(codes) {
      var on = {}, width = [], color = [];
      (codes || []).forEach(function (c) { on[c] = true; });
      for (var i = 0; i < nPieces; i++) {
        var hit = !!on[spec.pieces[i]];
        width.push(hit ? 2.5 : 0);
        color.push(hit ? "#0B3C5D" : "#222222");
      }
      Plotly.restyle(mp, { "marker.line.width": [width], "marker.line.color": [color] }, [PI]);
    }

    // ------------------------------------------------------------ events
    function eventOf(id) {  // own keys only: a hash like #event=constructor names no event
      return typeof id === "string" && Object.prototype.hasOwnProperty.call(spec.events, id) ? spec.events[id] : null;
    }

    function selectEvent(id, updateHash) {
      var ev = eventOf(id);
      if (!ev) return;
      stop();
      if (state.region) clearRegion(false);
      state.event = id;
      setDate(ev.lo, false);
      outline(ev.places);
      showEvent(id, ev);
      if (updateHash) setHash("event=" + encodeURIComponent(id));
    }

    function showEvent(id, ev) {
      panel.textContent = "";
      var head = el("div", "bl-panel-head");
      head.appendChild(el("span", "bl-kicker", ev.category));
      var close = el("button", "bl-close", "\u00d7");
      close.type = "button";
      close.setAttribute("aria-label", "Close the event details");
      close.addEventListener("click", clearPanel);
      head.appendChild(close);
      panel.appendChild(head);
      panel.appendChild(el("h3", "bl-event-title", ev.title));
      var when = el("p", "bl-when", ev.date);
      if (ev.os) when.appendChild(el("span", "bl-os", " (O.S. " + ev.os + ")"));
      panel.appendChild(when);
      if (ev.summary) panel.appendChild(el("p", "bl-summary", ev.summary));
      var names = ev.places.map(function (c) { return spec.regions[c]; }).filter(Boolean);
      if (names.length) panel.appendChild(el("p", "bl-places", "Places: " + names.join(", ")));
      if (ev.sources.length) {
        var ul = el("ul", "bl-sources");
        ev.sources.forEach(function (s) {
          var li = el("li"), text = s.title + (s.publisher ? " \u2014 " + s.publisher : "");
          var href = safeUrl(s.url);
          if (href) {
            var a = el("a", null, text);
            a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
            li.appendChild(a);
          } else {
            li.appendChild(el("span", null, text));
          }
          if (s.date) li.appendChild(el("span", "bl-src-date", " (" + s.date + ")"));
          ul.appendChild(li);
        });
        panel.appendChild(el("h4", "bl-sub", "Sources"));
        panel.appendChild(ul);
      } else {
        panel.appendChild(el("p", "bl-no-source", "No source given"));
      }
    }

    function clearPanel() {
      state.event = null;
      if (state.region) { clearRegion(false); return; }
      outline([]);
      panel.textContent = "";
      panel.appendChild(el("p", "bl-empty", "Click an event on the timeline or the map, or a region of the map."));
    }

    // ------------------------------------------------------------ regions
    function eventsIn(code) {
      return Object.keys(spec.events).filter(function (id) {
        return spec.events[id].places.indexOf(code) >= 0;
      }).sort(function (a, b) { return spec.events[a].lo < spec.events[b].lo ? -1 : 1; });
    }

    function selectRegion(code) {
      if (state.region === code) { clearRegion(true); return; }
      state.region = code;
      state.event = null;
      var ids = eventsIn(code), hit = {};
      ids.forEach(function (id) { hit[id] = true; });
      fade(hit);
      outline([code]);
      panel.textContent = "";
      var head = el("div", "bl-panel-head");
      head.appendChild(el("span", "bl-kicker", "Region"));
      var close = el("button", "bl-close", "\u00d7");
      close.type = "button";
      close.setAttribute("aria-label", "Clear the region selection");
      close.addEventListener("click", function () { clearRegion(true); });
      head.appendChild(close);
      panel.appendChild(head);
      panel.appendChild(el("h3", "bl-event-title", spec.regions[code] || code));
      panel.appendChild(el("p", "bl-when", ids.length + (ids.length === 1 ? " event" : " events") + " in this region"));
      var ul = el("ul", "bl-event-list");
      ids.forEach(function (id) {
        var ev = spec.events[id], li = el("li"), b = el("button", "bl-link", ev.title);
        b.type = "button";
        b.addEventListener("click", function () { selectEvent(id, true); });
        li.appendChild(el("span", "bl-list-date", ev.date + " "));
        li.appendChild(b);
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }

    function fade(hit) {  // hit = null restores the figure's own opacities
      var op = [], idx = [];
      tl.data.forEach(function (t, i) {
        if (!t.customdata || !base.opacity[i].length) return;
        var ids = list(t.customdata, 0);
        op.push(ids.map(function (id, j) { return !hit || hit[id] ? base.opacity[i][j] : 0.12; }));
        idx.push(i);
      });
      if (idx.length) Plotly.restyle(tl, { "marker.opacity": op }, idx);
    }

    function clearRegion(resetPanel) {
      state.region = null;
      fade(null);
      outline([]);
      if (resetPanel) clearPanel();
    }

    // ------------------------------------------------------------ play
    function stop() {
      if (timer) { clearInterval(timer); timer = null; }
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
    }
    function start() {
      if (+slider.value >= spec.steps.length - 1) setDate(spec.steps[0], true);
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(function () {
        var k = +slider.value + 1;
        if (k >= spec.steps.length) { stop(); return; }
        setDate(spec.steps[k], true);
      }, 1000);
    }

    // ------------------------------------------------------------ wiring
    function wire() {
      slider.addEventListener("input", function () {
        var iso = spec.steps[+slider.value];
        if (iso) setDate(iso, true);
      });
      play.addEventListener("click", function () { if (timer) stop(); else start(); });
      tl.on("plotly_click", function (e) {
        var p = e && e.points && e.points[0];
        if (p && typeof p.customdata === "string" && spec.events[p.customdata]) selectEvent(p.customdata, true);
      });
      mp.on("plotly_click", function (e) {
        var p = e && e.points && e.points[0];
        if (!p) return;
        if (p.curveNumber === PI) {
          var code = spec.pieces[p.pointNumber];
          if (code) selectRegion(code);
        } else if (p.curveNumber === EI && typeof p.customdata === "string" && spec.events[p.customdata]) {
          selectEvent(p.customdata, true);
        }
      });
      window.addEventListener("hashchange", restoreFromHash);
      var pending = false;
      window.addEventListener("resize", function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          [tl, mp, ar].forEach(function (gd) { Plotly.Plots.resize(gd); });
          fitTicks();
        });
      });
    }

    function fitTicks() {  // on a narrow screen: fewer year ticks, era labels that fit, legend below the map
      var size = tl._fullLayout && tl._fullLayout._size;
      if (!size || !base.ticks.vals.length) return;
      var range = tl._fullLayout.xaxis.range, px = size.w / (range[1] - range[0]);
      var knots = axis ? axis.xs.slice(1, -1) : [], kept = [];
      function fits(v) { return kept.every(function (k) { return Math.abs(k - v) * px >= 40; }); }
      base.ticks.vals.slice().reverse().forEach(function (v) {  // the knots first, latest first: the scale changes there
        if (knots.some(function (k) { return Math.abs(k - v) < 1e-3; }) && fits(v)) kept.push(v);
      });
      base.ticks.vals.forEach(function (v) { if (kept.indexOf(v) < 0 && fits(v)) kept.push(v); });
      kept.sort(function (a, b) { return a - b; });
      var upd = {
        "xaxis.tickvals": kept,
        "xaxis.ticktext": kept.map(function (v) { return base.ticks.text[base.ticks.vals.indexOf(v)]; })
      };
      (figs.timeline.layout.annotations || []).forEach(function (a, i) {
        var band = (figs.timeline.layout.shapes || []).filter(function (sh) {
          return /^era-/.test(sh.name || "") && sh.x0 <= a.x && a.x <= sh.x1 && sh.y0 <= a.y && a.y <= sh.y1;
        })[0];
        var room = band ? (band.x1 - band.x0) * px : Infinity, need = String(a.text).length * 6.5 + 8;
        if (a.text && /compressed/.test(a.text)) room = size.w > 500 ? Infinity : 0;
        upd["annotations[" + i + "].visible"] = room >= need;
      });
      Plotly.relayout(tl, upd);
      var narrow = mp.clientWidth < 560, bottom = narrow ? Math.min(0.45, 105 / Math.max(mp.clientHeight, 1)) : 0;
      if (narrow !== base.narrowMap || bottom !== base.mapBottom) {  // legend below the map when narrow
        base.narrowMap = narrow;
        base.mapBottom = bottom;
        Plotly.relayout(mp, narrow
          ? { "geo.domain.y": [bottom, 1], "legend.y": bottom - 0.01, "legend.yanchor": "top", "legend.orientation": "h", "legend.font.size": 10 }
          : { "geo.domain.y": [0, 1], "legend.y": 0.02, "legend.yanchor": "bottom", "legend.orientation": "v", "legend.font.size": 11 });
      }
    }

    function restoreFromHash() {
      var h = parseHash();
      if (eventOf(h.event)) { selectEvent(h.event, false); return true; }
      if (h.date && !isNaN(days(h.date))) { setDate(h.date, false); return true; }
      return false;
    }
  };
})();
