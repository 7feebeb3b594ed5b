/* Site search over the index the build writes to search/<lang>/ (site_builder/outputs/search).
 *
 * Words are split and normalised as the build does (lower case, ё as е; "18,6", "15:00" and
 * "1 500" are one word each: site_builder/outputs/search/words.py, checked against the same
 * table in tests/search_tokens.json).  Each query word matches, best first: itself as
 * indexed; its forms (indexed words with the same form stem: one case ending off, "вода" →
 * "вод" finds "воды", not "водопровод"); words its prefix stem begins (endings off while
 * four letters are left: "капитальный" → "капитальн").  A word of five letters or more that
 * matches nothing is taken as a typo: the indexed word one edit away that most items hold
 * is searched instead, and the count says so.  Results: whole words in the title first,
 * then words as typed, whole words, any match in the title, more forms, the newest; or the
 * newest first (sort=date); filtered by type, division and year (facets.json, fetched when
 * a filter is set).  The query, filters and sort live in the address (?q=…&type=…&sort=date).
 * Each shown result's excerpt is cut from its text (f/<id>.txt) around the first match,
 * the matches in <mark>.  Only the files a query needs are fetched, from this site only.
 * Strings come from the page (data-strings), so they speak its language.  Without
 * JavaScript the page shows its <noscript> note instead of the form.
 */
(function () {
  "use strict";
  var PAGE = 10; // results shown at a time
  var MAX_WORDS = 8;
  var EXCERPT = 240; // characters of an excerpt, about
  var WORD, RUN, GROUPED;
  var GROUP_SPACE = /[ \u00a0\u2009\u202f]/g;
  try {
    WORD = new RegExp("[0-9]+(?:[.,:][0-9]+)+|[\\p{L}\\p{N}]{2,}", "gu");
    RUN = new RegExp("[0-9]{1,3}(?:[ \\u00a0\\u2009\\u202f][0-9]{3})+(?![0-9])(?:[.,:][0-9]+)*"
      + "|[0-9]+(?:[.,:][0-9]+)+|[\\p{L}\\p{N}]+", "gu");
    GROUPED = new RegExp("(?<![0-9.,:])[0-9]{1,3}(?:[ \\u00a0\\u2009\\u202f][0-9]{3})+(?![0-9])", "g");
  } catch (e) { // no Unicode property escapes or look-behind: Latin and Cyrillic (Kyrgyz letters included)
    var L = "0-9A-Za-z\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u052f";
    WORD = new RegExp("[0-9]+(?:[.,:][0-9]+)+|[" + L + "]{2,}", "g");
    RUN = new RegExp("[0-9]+(?:[.,:][0-9]+)+|[" + L + "]+", "g");
    GROUPED = null;
  }

  function normalise(text) {
    var s = String(text);
    if (s.normalize) { s = s.normalize("NFC"); }
    s = s.toLowerCase().replace(/ё/g, "е");
    return GROUPED ? s.replace(GROUPED, function (m) { return m.replace(GROUP_SPACE, ""); }) : s;
  }

  function queryWords(text) {
    var found = normalise(text).match(WORD) || [];
    var seen = Object.create(null), out = [];
    for (var i = 0; i < found.length && out.length < MAX_WORDS; i++) {
      if (!seen[found[i]]) { seen[found[i]] = true; out.push(found[i]); }
    }
    return out;
  }

  function fill(template, values) {
    return template.replace(/\[([A-Z_]+)\]/g, function (all, name) {
      return values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function startsWith(text, prefix) {
    return text.lastIndexOf(prefix, 0) === 0;
  }

  // Whether b is a with one letter changed, added or removed, or two neighbours swapped.
  function oneEdit(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) { return false; }
    var start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) { start++; }
    if (a.length === b.length) {
      return a.slice(start + 1) === b.slice(start + 1) || (a.slice(start + 2) === b.slice(start + 2)
        && a[start] === b[start + 1] && a[start + 1] === b[start]);
    }
    return a.length > b.length ? a.slice(start + 1) === b.slice(start) : a.slice(start) === b.slice(start + 1);
  }

  function Index(base) {
    this.base = base;
    this.files = Object.create(null); // path → promise of its JSON
    this.meta = null;
    this.split = Object.create(null); // keys with longer keys below them
    this.keys = Object.create(null);
  }

  Index.prototype.fetch = function (path, options, text) {
    var files = this.files;
    if (!files[path]) {
      files[path] = window.fetch(this.base + path, options || {}).then(function (response) {
        if (!response.ok) { throw new Error(path + ": " + response.status); }
        return text ? response.text() : response.json();
      });
      files[path]["catch"](function () { delete files[path]; }); // a failed request may be retried
    }
    return files[path];
  };

  Index.prototype.load = function () {
    var self = this;
    if (self.meta) { return Promise.resolve(self.meta); }
    // Revalidated every time: the other files are fetched by its version, so a browser
    // never combines files of two builds.
    return self.fetch("index.json", { cache: "no-cache" }).then(function (meta) {
      self.meta = meta;
      meta.shards.forEach(function (key) {
        self.keys[key] = true;
        for (var n = 0; n < key.length; n++) { self.split[key.slice(0, n)] = true; }
      });
      return meta;
    });
  };

  Index.prototype.file = function (path, text) {
    return this.fetch(path + "?v=" + this.meta.version, {}, text);
  };

  // The shards that may hold words beginning with `word` (the build's rule in reverse).
  Index.prototype.shardsFor = function (word) {
    var key = "";
    while (this.split[key] && key.length < word.length) { key = word.slice(0, key.length + 1); }
    if (!this.split[key]) { return this.keys[key] ? [key] : []; }
    return this.meta.shards.filter(function (k) { return startsWith(k, key); });
  };

  Index.prototype.shard = function (key) {
    var name = [];
    for (var i = 0; i < key.length; i++) { name.push(key.charCodeAt(i).toString(16)); }
    return this.file("w/" + (name.join("-") || "0") + ".json");
  };

  // The word without the longest ending it has, if that leaves `least` letters; `again`:
  // repeatedly.
  Index.prototype.strip = function (word, least, again) {
    var endings = this.meta.endings || [], found = true;
    while (found) {
      found = false;
      for (var i = 0; i < endings.length; i++) {
        var ending = endings[i];
        if (word.length > ending.length && word.slice(-ending.length) === ending) {
          if (word.length - ending.length >= least) {
            word = word.slice(0, -ending.length);
            found = again;
          }
          break;
        }
      }
    }
    return word;
  };

  // What a query word matches: itself, its forms (the same form stem), and, when its
  // prefix stem is long enough and it has no digits, the words that stem begins.
  Index.prototype.matcher = function (word) {
    var self = this, form = self.strip(word, self.meta.form_stem, false);
    var stem = self.strip(word, self.meta.min_stem, true);
    var prefix = stem.length >= self.meta.min_stem && !/[0-9]/.test(word);
    return {
      word: word,
      start: form.length <= stem.length ? form : stem,
      strength: function (indexed) { // 3 as typed, 2 a form, 1 begun by the stem, 0 none
        if (indexed === word) { return 3; }
        if (self.strip(indexed, self.meta.form_stem, false) === form) { return 2; }
        return prefix && startsWith(indexed, stem) ? 1 : 0;
      }
    };
  };

  // {doc id: hit} for one query word.
  Index.prototype.lookup = function (word) {
    var self = this, match = self.matcher(word);
    return Promise.all(self.shardsFor(match.start).map(function (key) { return self.shard(key); }))
      .then(function (shards) {
        var hits = Object.create(null);
        shards.forEach(function (shard) {
          Object.keys(shard).forEach(function (indexed) {
            if (!startsWith(indexed, match.start)) { return; }
            var strength = match.strength(indexed);
            if (!strength) { return; }
            var gaps = shard[indexed], value = 0, whole = strength > 1 ? 1 : 0;
            for (var i = 0; i < gaps.length; i++) {
              value += gaps[i];
              var id = value >>> 1, title = value & 1, hit = hits[id];
              if (!hit) { hit = hits[id] = { wholeTitle: 0, exact: 0, whole: 0, title: 0, forms: 0 }; }
              hit.wholeTitle |= whole & title;
              hit.exact |= strength === 3 ? 1 : 0;
              hit.whole |= whole;
              hit.title |= title;
              hit.forms += strength === 3 ? 2 : 1;
            }
          });
        });
        return hits;
      });
  };

  // The indexed word one edit away from `word` that most items hold (its first two letters
  // as typed), or null.
  Index.prototype.correction = function (word) {
    var self = this, head = word.slice(0, 2);
    return Promise.all(self.shardsFor(head).map(function (key) { return self.shard(key); }))
      .then(function (shards) {
        var best = null, most = 0;
        shards.forEach(function (shard) {
          Object.keys(shard).forEach(function (indexed) {
            if (!startsWith(indexed, head) || !oneEdit(word, indexed)) { return; }
            var count = shard[indexed].length;
            if (count > most || (count === most && indexed < best)) { best = indexed; most = count; }
          });
        });
        return best;
      });
  };

  // A word's hits, or those of the word one edit away when it has none and is long enough.
  Index.prototype.lookupOrFix = function (word) {
    var self = this;
    return self.lookup(word).then(function (hits) {
      if (Object.keys(hits).length || word.length < self.meta.typo) { return { word: word, hits: hits }; }
      return self.correction(word).then(function (better) {
        if (!better) { return { word: word, hits: hits }; }
        return self.lookup(better).then(function (fixed) { return { word: better, hits: fixed }; });
      });
    });
  };

  Index.prototype.facets = function () {
    return this.file("facets.json");
  };

  // {ids: doc ids matching every word, best first; words: the words searched (a typo fixed)}.
  Index.prototype.search = function (words, filters, sort) {
    var self = this, used;
    return self.load().then(function () {
      return Promise.all(words.map(function (w) { return self.lookupOrFix(w); }));
    }).then(function (looked) {
      used = looked.map(function (l) { return l.word; });
      var perWord = looked.map(function (l) { return l.hits; });
      perWord.sort(function (a, b) { return Object.keys(a).length - Object.keys(b).length; });
      var found = [], order = ["wholeTitle", "exact", "whole", "title", "forms"];
      Object.keys(perWord[0]).forEach(function (key) {
        var score = { id: +key, wholeTitle: 0, exact: 0, whole: 0, title: 0, forms: 0 };
        for (var i = 0; i < perWord.length; i++) {
          var hit = perWord[i][key];
          if (!hit) { return; }
          order.forEach(function (name) { score[name] += hit[name]; });
        }
        found.push(score);
      });
      found.sort(function (a, b) {
        if (sort !== "date") {
          for (var i = 0; i < order.length; i++) {
            if (a[order[i]] !== b[order[i]]) { return b[order[i]] - a[order[i]]; }
          }
        }
        return b.id - a.id; // the newest first: ids count from the oldest
      });
      var ids = found.map(function (s) { return s.id; });
      if (!filters.type && !filters.division && !filters.year) { return ids; }
      return self.facets().then(function (facets) {
        var wanted = [
          filters.type ? facets.kinds.indexOf(filters.type) : null,
          filters.division ? facets.divisions.indexOf(filters.division) : null,
          filters.year ? facets.years.indexOf(+filters.year) : null
        ];
        return ids.filter(function (id) {
          for (var n = 0; n < 3; n++) {
            if (wanted[n] !== null && facets.docs[id * 3 + n] !== wanted[n]) { return false; }
          }
          return true;
        });
      });
    }).then(function (ids) { return { ids: ids, words: used }; });
  };

  // [url, title, kind, day, day text, withdrawn, division] and text of each id, in order.
  Index.prototype.docs = function (ids) {
    var self = this, size = self.meta.chunk;
    return Promise.all(ids.map(function (id) {
      return Promise.all([
        self.file("d/" + Math.floor(id / size) + ".json").then(function (chunk) { return chunk[id % size]; }),
        self.file("f/" + id + ".txt", true)
      ]);
    }));
  };

  // The runs of letters and digits of a text ("1 500" and "18,6" one each), with where they are.
  function runs(text) {
    var found = [], match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text)) !== null) {
      found.push({ at: match.index, end: match.index + match[0].length, form: normalise(match[0]) });
    }
    return found;
  }

  function matches(form, matchers) {
    return matchers.some(function (m) { return m.strength(form) > 0; });
  }

  // The text into `parent`, every run a query word matches in <mark>.
  function highlight(parent, text, matchers) {
    var last = 0;
    runs(text).forEach(function (run) {
      if (!matches(run.form, matchers)) { return; }
      parent.appendChild(document.createTextNode(text.slice(last, run.at)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(run.at, run.end);
      parent.appendChild(mark);
      last = run.end;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // About EXCERPT characters of the text around its first match (its beginning if none),
  // within one block (the text has one a line), blanks made single, "…" where it is cut.
  function excerpt(text, matchers) {
    var all = runs(text), first = null;
    for (var i = 0; i < all.length && !first; i++) {
      if (matches(all[i].form, matchers)) { first = all[i]; }
    }
    var at = first ? first.at : 0;
    if (!first) { // the first line with words on it
      var words = /\S/.exec(text);
      at = words ? words.index : 0;
    }
    var from = text.lastIndexOf("\n", at - 1) + 1, to = text.indexOf("\n", at);
    if (to < 0) { to = text.length; }
    var start = Math.max(from, at - EXCERPT / 3), end = Math.min(to, start + EXCERPT);
    if (end - start < EXCERPT) { start = Math.max(from, end - EXCERPT); }
    if (start > from) { start = text.indexOf(" ", start) + 1 || start; }
    if (end < to) { end = Math.max(text.lastIndexOf(" ", end), at + 1); }
    var cut = text.slice(start, end).replace(/\s+/g, " ").trim();
    return (start > from && cut ? "…" : "") + cut + (end < to && cut ? "…" : "");
  }

  function result(doc, text, matchers, strings) {
    var item = document.createElement("li");
    item.className = "card search-result" + (doc[5] ? " card-withdrawn" : "");
    var meta = document.createElement("p");
    meta.className = "card-meta";
    var badge = document.createElement("span");
    badge.className = "badge badge-" + doc[2];
    badge.textContent = (strings.kinds || {})[doc[2]] || doc[2];
    var time = document.createElement("time");
    time.setAttribute("datetime", doc[3]);
    time.textContent = doc[4];
    meta.appendChild(badge);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    if (doc[5]) {
      var withdrawn = document.createElement("span");
      withdrawn.className = "badge badge-withdrawn";
      withdrawn.textContent = strings.withdrawn;
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(withdrawn);
    }
    var heading = document.createElement("h2");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = startsWith(doc[0], "/") ? doc[0] : "#"; // the index holds only this site's paths
    highlight(link, doc[1], matchers);
    heading.appendChild(link);
    item.appendChild(meta);
    item.appendChild(heading);
    if (text) {
      var summary = document.createElement("p");
      summary.className = "card-summary search-excerpt";
      highlight(summary, excerpt(text, matchers), matchers);
      item.appendChild(summary);
    }
    return item;
  }

  var CONTROLS = ["type", "division", "year", "sort"];

  function start() {
    var box = document.getElementById("search");
    if (!box || !window.fetch || !window.Promise) { return; }
    var strings = JSON.parse(box.getAttribute("data-strings") || "{}");
    var index = new Index(box.getAttribute("data-index"));
    var form = box.querySelector("form");
    var input = document.getElementById("search-q");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var controls = {};
    CONTROLS.forEach(function (name) { controls[name] = document.getElementById("search-" + name); });
    var state = { run: 0, ids: [], shown: 0, matchers: [], busy: false };
    var timer = null;
    box.hidden = false;

    function chosen() {
      var values = {};
      CONTROLS.forEach(function (name) { values[name] = controls[name] ? controls[name].value : ""; });
      return values;
    }

    function show(count, focusFirst) {
      var run = state.run, ids = state.ids.slice(state.shown, state.shown + count);
      return index.docs(ids).then(function (docs) {
        if (run !== state.run) { return; }
        var first = null;
        docs.forEach(function (pair) {
          var item = result(pair[0], pair[1], state.matchers, strings);
          list.appendChild(item);
          first = first || item.querySelector("a");
        });
        state.shown += docs.length;
        more.hidden = state.shown >= state.ids.length;
        if (focusFirst && first) { first.focus(); }
      });
    }

    function search(text) {
      var run = ++state.run, term = text.trim(), values = chosen();
      var words = queryWords(term), fixed = null;
      list.textContent = "";
      more.hidden = true;
      state.ids = [];
      state.shown = 0;
      state.busy = false;
      if (!term) { status.textContent = ""; return Promise.resolve(); }
      if (!words.length) { status.textContent = strings.short; return Promise.resolve(); }
      status.textContent = fill(strings.searching, { SEARCH_TERM: term });
      return index.search(words, values, values.sort).then(function (found) {
        if (run !== state.run) { return; }
        state.ids = found.ids;
        state.matchers = found.words.map(function (w) { return index.matcher(w); });
        if (found.words.join(" ") !== words.join(" ")) { fixed = found.words.join(" "); }
        return show(PAGE, false);
      }).then(function () { // announced once the results are there
        if (run !== state.run) { return; }
        var count = state.ids.length;
        var said = fill(count ? strings.results : strings.none, { SEARCH_TERM: term, COUNT: count });
        if (fixed) { said += " " + fill(strings.suggest, { SUGGESTION: fixed }); }
        status.textContent = said;
      })["catch"](function () {
        if (run === state.run) { status.textContent = strings.failed; }
      });
    }

    // The query, filters and sort in the address, so a link to the page shows the same.
    function remember(text) {
      if (!window.history || !window.history.replaceState) { return; }
      var params = [], values = chosen();
      if (text.trim()) { params.push("q=" + encodeURIComponent(text.trim())); }
      CONTROLS.forEach(function (name) {
        if (values[name]) { params.push(name + "=" + encodeURIComponent(values[name])); }
      });
      window.history.replaceState(null, "", window.location.pathname + (params.length ? "?" + params.join("&") : ""));
    }

    function now() {
      window.clearTimeout(timer);
      remember(input.value);
      return search(input.value);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      now();
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(now, 250);
    });
    CONTROLS.forEach(function (name) {
      if (controls[name]) { controls[name].addEventListener("change", now); }
    });
    more.addEventListener("click", function () {
      if (state.busy) { return; } // a second click while the first one's results load
      state.busy = true;
      var done = function () { state.busy = false; };
      show(PAGE, true).then(done, done);
    });

    var params = new URLSearchParams(window.location.search);
    CONTROLS.forEach(function (name) {
      var value = params.get(name), control = controls[name];
      if (value && control && control.querySelector("option[value=\"" + value.replace(/["\\]/g, "") + "\"]")) {
        control.value = value;
      }
    });
    var q = params.get("q");
    if (q) {
      input.value = q;
      search(q);
    }
  }

  // For the tests: the words of a text as the index has them.
  window.siteSearchWords = queryWords;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
