/* Clientside callbacks of the Borderlines app (no network, no globals beyond the namespace).
 *
 * onDate moves the app through time in the browser: the slider (live while dragging), a typed
 * date and the month steps repaint the map, the cursors, the date and the title from the
 * server's date spec (viz/_appstate.py: date_spec), with no request. It works on the graphs
 * plotly drew (like the linked page's script), not through Dash's figure props: a figure
 * patch makes dcc.Graph redraw the whole figure. Everything else (events, regions, filters,
 * language, uploads, exports) still goes to the server, which builds its figures and patches
 * for the date the browser is on (the st-date store). */
(function () {
  "use strict";
  var DAY = 864e5;
  var ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
  var TYPED = /^\d{4}(-\d{2}(-\d{2})?)?$/;
  var SPEC_VERSION = 1;

  function days(iso) {
    var m = ISO.exec(iso);
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : NaN;
  }
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  function isoOf(d) {
    var t = new Date(Math.floor(d) * DAY);
    return pad(t.getUTCFullYear(), 4) + "-" + pad(t.getUTCMonth() + 1, 2) + "-" + pad(t.getUTCDate(), 2);
  }
  function interp(x, xs, ys) {
    if (x <= xs[0]) return ys[0];
    for (var i = 1; i < xs.length; i++) {
      if (x <= xs[i]) return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
    }
    return ys[ys.length - 1];
  }
  function lastLE(sorted, d) {
    var lo = 0, hi = sorted.length - 1, out = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] <= d) { out = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return out;
  }
  function parseTyped(value) {  // viz._appstate.parse_day: short ISO days only
    if (typeof value !== "string") return null;
    var text = value.trim();
    if (!text || text.length > 10 || !TYPED.test(text)) return null;
    var p = text.split("-"), y = +p[0], m = p.length > 1 ? +p[1] : 1, d = p.length > 2 ? +p[2] : 1;
    if (y < 1000 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
    var t = new Date(Date.UTC(y, m - 1, d));
    if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;  // 2022-02-30
    return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2);
  }
  function addMonths(iso, n) {  // pandas DateOffset(months=n): the day is kept, or the month's last
    var m = ISO.exec(iso), y = +m[1], mo = +m[2] - 1 + n, d = +m[3];
    y += Math.floor(mo / 12);
    mo = ((mo % 12) + 12) % 12;
    var last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
    return pad(y, 4) + "-" + pad(mo + 1, 2) + "-" + pad(Math.min(d, last), 2);
  }

  function Engine(spec) {
    this.spec = spec;
    this.statusDays = spec.status_dates.map(days);
    this.end = spec.status_end ? days(spec.status_end) : Infinity;
    this.knotDays = spec.axis.dates.map(days);
  }
  Engine.prototype.posToDay = function (pos) {
    var x = Math.min(Math.max(+pos / this.spec.steps, 0), 1);
    return isoOf(interp(x, this.spec.axis.xs, this.knotDays));
  };
  Engine.prototype.dayToPos = function (iso) {
    return Math.round(interp(days(iso), this.knotDays, this.spec.axis.xs) * this.spec.steps);
  };
  Engine.prototype.snapshot = function (iso) {  // index of the snapshot shown, -1: no data
    var d = days(iso), k = lastLE(this.statusDays, d);
    return k < 0 || d > this.end ? -1 : k;
  };
  Engine.prototype.z = function (k) {
    var s = this.spec, n = s.status.length ? s.status[0].length : 0, out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = k < 0 ? s.no_data : s.status[k].charCodeAt(i) - 48;
    return out;
  };
  Engine.prototype.hover = function (k) {
    var s = this.spec, shares = k < 0 ? {} : s.shares[k];
    return s.names.map(function (name, i) {
      var share = Object.prototype.hasOwnProperty.call(shares, String(i)) ? shares[String(i)] : null;
      return share === null ? name : name + "<br>" + s.share_line.replace("{share}", share);
    });
  };
  Engine.prototype.formatDay = function (iso) {
    var m = ISO.exec(iso);
    return (+m[3]) + " " + this.spec.months[+m[2] - 1] + " " + (+m[1]);
  };
  Engine.prototype.title = function (iso, k) {
    var t = this.spec.title, day = this.formatDay(iso);
    if (k < 0) return t.no_data.replace("{date}", day);
    var out = t.covered.replace("{date}", day), shown = this.spec.status_dates[k];
    if (t.line_of && shown !== iso) out += " " + t.line_of.replace("{date}", this.formatDay(shown));
    return out;
  };

  var cache = { spec: null, engine: null };
  function engineFor(spec) {
    if (cache.spec !== spec) { cache.spec = spec; cache.engine = new Engine(spec); }
    return cache.engine;
  }

  function urlWith(date, push) {  // the date in the URL, the rest of the view kept
    var params = new URLSearchParams(window.location.search), out = new URLSearchParams();
    out.set("date", date);
    params.forEach(function (v, k) { if (k !== "date") out.append(k, v); });
    var search = "?" + out.toString();
    if (search === window.location.search) return;
    try {
      window.history[push ? "pushState" : "replaceState"](null, "", search + window.location.hash);
    } catch (e) { /* a sandboxed frame: the view still moves */ }
  }

  function graph(id) { return document.querySelector("#" + id + " .js-plotly-plot"); }

  // Colours and hover lines change in place: plotly's restyle of a choropleth's z recomputes
  // and reprojects every trace of the map (75 ms here); only the fills change. plotly's own
  // copies (data, fullData, calcdata) get the same values, so any later redraw (a resize)
  // draws this date too, and the server's next patch of the map carries the same values.
  function paintMap(gd, spec, z, text, date) {
    if (!gd || !gd.data || !gd.calcdata) return false;
    var PI = spec.traces.pieces, RI = spec.traces.regions;
    var cdP = gd.calcdata[PI], cdR = gd.calcdata[RI];
    if (!cdP || !cdR || cdP.length !== z.length || cdR.length !== text.length) return false;
    gd.data[PI].z = z;
    if (gd._fullData[PI]) gd._fullData[PI].z = z;
    gd.data[RI].text = text;
    if (gd._fullData[RI]) gd._fullData[RI].text = text;
    var mine = new Map();
    for (var i = 0; i < cdP.length; i++) { cdP[i].z = z[i]; mine.set(cdP[i], z[i]); }
    for (var j = 0; j < cdR.length; j++) cdR[j].tx = text[j];
    gd.querySelectorAll("path.choroplethlocation").forEach(function (p) {
      var code = mine.get(p.__data__);
      if (code !== undefined) p.style.fill = spec.colors[code];
    });
    var meta = ((gd.layout.meta || {}).borderlines) || null;
    if (meta) meta.date = date;
    return true;
  }

  // A vertical cursor line moves by its path alone: plotly's relayout of one shape runs the
  // figure's defaults again (80 ms on the timeline here). plotly's layout copies get the new
  // x, so its next redraw puts the line in the same place.
  var LINE = /^M([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)$/;
  function moveCursor(gd, name, x) {
    if (!gd || !gd.layout || !gd._fullLayout) return;
    var shapes = gd.layout.shapes || [], i = -1;
    for (var k = 0; k < shapes.length; k++) {
      if (shapes[k].name === name || (name === null && k === 0)) { i = k; break; }
    }
    if (i < 0) return;
    var full = gd._fullLayout.shapes[i], xa = gd._fullLayout.xaxis;
    var el = gd.querySelector('.shapelayer path[data-index="' + i + '"]');
    var m = el && LINE.exec(el.getAttribute("d") || "");
    var px = xa && xa.l2p ? xa._offset + xa.l2p(xa.d2l(x)) : NaN;
    if (!m || !full || full.type !== "line" || !isFinite(px) || !shapes[i].visible) {
      var upd = {};  // hidden, or not a plain line: let plotly draw it
      upd["shapes[" + i + "].x0"] = x; upd["shapes[" + i + "].x1"] = x; upd["shapes[" + i + "].visible"] = true;
      window.Plotly.relayout(gd, upd);
      return;
    }
    shapes[i].x0 = shapes[i].x1 = x;
    full.x0 = full.x1 = x;
    el.setAttribute("d", "M" + px.toFixed(2) + "," + m[2] + "L" + px.toFixed(2) + "," + m[4]);
  }

  function paint(e, spec, meta, date) {  // everything on screen that shows the date
    var k = e.snapshot(date), mp = graph("g-map");
    var drawn = mp && mp.layout && ((mp.layout.meta || {}).borderlines || {}).dataset;
    if (drawn === spec.dataset) paintMap(mp, spec, e.z(k), e.hover(k), date);
    // (a map being rebuilt for other data comes with its own colours)
    if (meta && meta.axis) {
      moveCursor(graph("g-timeline"), "date-cursor", interp(days(date), meta.axis.dates.map(days), meta.axis.xs));
    }
    moveCursor(graph("g-area"), null, date);
    return k;
  }

  // The slider's handle shows a new position ~15 ms before Dash runs the callback for it: the
  // views are painted then, and onDate (which also keeps the stores and the URL) paints the
  // same again. A position the callback set itself is not painted twice.
  var fast = { observer: null, own: null, meta: null };
  function watchSlider() {
    var root = document.getElementById("slider");
    if (fast.observer || !root || !window.MutationObserver) return;
    fast.observer = new MutationObserver(function (records) {
      var spec = cache.spec;
      if (!spec) return;
      for (var i = records.length - 1; i >= 0; i--) {
        var pos = records[i].target.getAttribute("aria-valuenow");
        if (pos === null) continue;
        if (+pos === fast.own) { fast.own = null; return; }
        var date = cache.engine.posToDay(pos);
        if (date < spec.lo) date = spec.lo;
        if (date > spec.hi) date = spec.hi;
        paint(cache.engine, spec, fast.meta, date);
        return;
      }
    });
    fast.observer.observe(root, { subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });
  }

  function onDate(sliderPos, typed, prevClicks, nextClicks, stDate, spec, meta) {
    var nu = window.dash_clientside.no_update, none = [nu, nu, nu, nu, nu];
    var trig = (window.dash_clientside.callback_context || {}).triggered_id;
    if (!spec || spec.v !== SPEC_VERSION) return none;
    fast.meta = meta;
    watchSlider();
    var e = engineFor(spec), cur = stDate || spec.hi, date = cur, push = true;
    if (trig === "slider") { date = e.posToDay(sliderPos); push = false; }
    else if (trig === "date-input") { date = parseTyped(typed) || cur; }
    else if (trig === "btn-prev-month") { if (!prevClicks) return none; date = addMonths(cur, -1); }
    else if (trig === "btn-next-month") { if (!nextClicks) return none; date = addMonths(cur, 1); }
    else if (trig !== "st-date" && trig !== "date-spec") return none;
    if (date < spec.lo) date = spec.lo;
    if (date > spec.hi) date = spec.hi;
    var k = paint(e, spec, meta, date);
    var pos = trig === "slider" ? nu : e.dayToPos(date);
    if (pos !== nu) fast.own = pos;
    var fromServer = trig === "st-date" || trig === "date-spec";
    if (!fromServer) urlWith(date, push);
    return [
      fromServer ? nu : date,
      pos,
      typed === date ? nu : date,
      e.formatDay(date), e.title(date, k)
    ];
  }

  // Back and forward across dates this file put in the history: the date follows the URL
  // (Dash's own location component only hears of the entries it made itself).
  window.addEventListener("popstate", function () {
    var date = new URLSearchParams(window.location.search).get("date");
    var clean = parseTyped(date || "");
    if (clean && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("date-input", { value: clean });
    }
  });

  // An upload's file input forgets its file once it is read, so the same file can be sent
  // again (after "Reset data", or after fixing it): a browser fires no change for a file
  // input whose file is the same, and dcc.Upload leaves the input as it is.
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.type === "file" && t.closest && t.closest("#upload-events, #upload-control, #upload-regions")) {
      window.setTimeout(function () { t.value = ""; }, 0);
    }
  }, true);

  // The slider's tooltip shows the date, not the handle's position (dcc.Slider's transform).
  window.dccFunctions = window.dccFunctions || {};
  window.dccFunctions.borderlinesDate = function (pos) {
    var e = cache.engine;
    if (!e) return "";
    var date = e.posToDay(pos);
    if (date < e.spec.lo) date = e.spec.lo;
    if (date > e.spec.hi) date = e.spec.hi;
    return e.formatDay(date);
  };

  window.dash_clientside = window.dash_clientside || {};  // dash-renderer's own object: kept
  window.dash_clientside.borderlines = {
    setLang: function (lang) {
      var value = lang === "uk" ? "uk" : "en";
      document.documentElement.setAttribute("lang", value);
      return value;
    },
    viewport: function () {
      return { width: Math.round(window.innerWidth || 1200) };
    },
    onDate: onDate,
    // for the tests: the same arithmetic the callbacks use
    _engine: function (spec) { return new Engine(spec); },
    _parseTyped: parseTyped,
    _addMonths: addMonths
  };
})();
