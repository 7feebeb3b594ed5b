/* Site search over the index the build writes to search/<lang>/ (site_builder/search.py).
 *
 * Words are normalised as the build does (lower case, ё as е).  Every query word must
 * match the beginning of an indexed word ("ремонт" finds "ремонта") once a case ending
 * listed in index.json is taken off it ("вода" → "вод" also finds "воды").  Results: the
 * words as typed in the title first, then as typed anywhere, then any form in the title,
 * then items matching more word forms, then the newest.  Only the term shards of the
 * query's words and the metadata chunks of the shown results are fetched, from this site
 * only.  Strings come from the page (data-strings), so they speak its language; ?q=
 * from the header form starts a search.  Without JavaScript the page shows its <noscript>
 * note instead of the form.
 */
(function () {
  "use strict";
  var PAGE = 10; // results shown at a time
  var MAX_WORDS = 8;
  var WORD, RUN;
  try {
    WORD = new RegExp("[\\p{L}\\p{N}]{2,}", "gu");
    RUN = new RegExp("[\\p{L}\\p{N}]+", "gu");
  } catch (e) { // no Unicode property escapes: Latin and Cyrillic (Kyrgyz letters included)
    WORD = /[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u052f]{2,}/g;
    RUN = /[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u052f]+/g;
  }

  function normalise(text) {
    var s = String(text);
    if (s.normalize) { s = s.normalize("NFC"); }
    return s.toLowerCase().replace(/ё/g, "е");
  }

  function queryWords(text) {
    var found = normalise(text).match(WORD) || [];
    var seen = Object.create(null), out = [];
    for (var i = 0; i < found.length && out.length < MAX_WORDS; i++) {
      if (!seen[found[i]]) { seen[found[i]] = true; out.push(found[i]); }
    }
    return out;
  }

  function fill(template, term, count) {
    return template.replace("[SEARCH_TERM]", term).replace("[COUNT]", String(count));
  }

  function startsWith(text, prefix) {
    return text.lastIndexOf(prefix, 0) === 0;
  }

  function Index(base) {
    this.base = base;
    this.files = Object.create(null); // path → promise of its JSON
    this.meta = null;
    this.split = Object.create(null); // keys with longer keys below them
    this.keys = Object.create(null);
  }

  Index.prototype.fetch = function (path, options) {
    var files = this.files;
    if (!files[path]) {
      files[path] = window.fetch(this.base + path, options || {}).then(function (response) {
        if (!response.ok) { throw new Error(path + ": " + response.status); }
        return response.json();
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
    return this.fetch("w/" + (name.join("-") || "0") + ".json?v=" + this.meta.version);
  };

  // The word without its case endings (the longest that leaves min_stem letters, repeatedly).
  Index.prototype.stem = function (word) {
    var endings = this.meta.endings || [], least = this.meta.min_stem || 3, found = true;
    while (found) {
      found = false;
      for (var i = 0; i < endings.length; i++) {
        var ending = endings[i];
        if (word.length - ending.length >= least && word.slice(-ending.length) === ending) {
          word = word.slice(0, -ending.length);
          found = true;
          break;
        }
      }
    }
    return word;
  };

  // {doc id: hit} for one query word: whether it is in the title as typed (typedTitle) or
  // in any form (title), as typed anywhere (typed), how many indexed forms match (forms).
  Index.prototype.lookup = function (word) {
    var self = this, stem = self.stem(word);
    return Promise.all(self.shardsFor(stem).map(function (key) { return self.shard(key); }))
      .then(function (shards) {
        var hits = Object.create(null);
        shards.forEach(function (shard) {
          Object.keys(shard).forEach(function (indexed) {
            if (!startsWith(indexed, stem)) { return; }
            var typed = startsWith(indexed, word) ? 1 : 0, gaps = shard[indexed], value = 0;
            for (var i = 0; i < gaps.length; i++) {
              value += gaps[i];
              var id = value >>> 1, hit = hits[id];
              if (!hit) { hit = hits[id] = { typedTitle: 0, typed: 0, title: 0, forms: 0 }; }
              hit.typedTitle |= typed & value & 1;
              hit.typed |= typed;
              hit.title |= value & 1;
              hit.forms += indexed === word ? 2 : 1;
            }
          });
        });
        return hits;
      });
  };

  // Doc ids matching every word, best first.
  Index.prototype.search = function (words) {
    var self = this;
    return self.load().then(function () {
      return Promise.all(words.map(function (w) { return self.lookup(w); }));
    }).then(function (perWord) {
      perWord.sort(function (a, b) { return Object.keys(a).length - Object.keys(b).length; });
      var found = [], order = ["typedTitle", "typed", "title", "forms"];
      Object.keys(perWord[0]).forEach(function (key) {
        var score = { id: +key, typedTitle: 0, typed: 0, title: 0, forms: 0 };
        for (var i = 0; i < perWord.length; i++) {
          var hit = perWord[i][key];
          if (!hit) { return; }
          order.forEach(function (name) { score[name] += hit[name]; });
        }
        found.push(score);
      });
      found.sort(function (a, b) {
        for (var i = 0; i < order.length; i++) {
          if (a[order[i]] !== b[order[i]]) { return b[order[i]] - a[order[i]]; }
        }
        return b.id - a.id; // the newest first: ids count from the oldest
      });
      return found.map(function (s) { return s.id; });
    });
  };

  // [url, title, kind, day, day text, snippet, withdrawn] of each id, in order.
  Index.prototype.docs = function (ids) {
    var self = this, size = self.meta.chunk;
    return Promise.all(ids.map(function (id) {
      return self.fetch("d/" + Math.floor(id / size) + ".json?v=" + self.meta.version)
        .then(function (chunk) { return chunk[id % size]; });
    }));
  };

  // The text with every word that begins with a query word in <mark>.
  function highlight(parent, text, words) {
    var last = 0, match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text)) !== null) {
      var form = normalise(match[0]);
      if (words.some(function (w) { return startsWith(form, w); })) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        var mark = document.createElement("mark");
        mark.textContent = match[0];
        parent.appendChild(mark);
        last = match.index + match[0].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function result(doc, words, strings) {
    var item = document.createElement("li");
    item.className = "card search-result" + (doc[6] ? " card-withdrawn" : "");
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
    if (doc[6]) {
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
    highlight(link, doc[1], words);
    heading.appendChild(link);
    item.appendChild(meta);
    item.appendChild(heading);
    if (doc[5]) {
      var summary = document.createElement("p");
      summary.className = "card-summary";
      highlight(summary, doc[5], words);
      item.appendChild(summary);
    }
    return item;
  }

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
    var state = { run: 0, ids: [], shown: 0, words: [], busy: false };
    var timer = null;
    box.hidden = false;

    function show(count, focusFirst) {
      var run = state.run, ids = state.ids.slice(state.shown, state.shown + count);
      return index.docs(ids).then(function (docs) {
        if (run !== state.run) { return; }
        var first = null;
        docs.forEach(function (doc) {
          var item = result(doc, state.words, strings);
          list.appendChild(item);
          first = first || item.querySelector("a");
        });
        state.shown += docs.length;
        more.hidden = state.shown >= state.ids.length;
        if (focusFirst && first) { first.focus(); }
      });
    }

    function search(text) {
      var run = ++state.run, term = text.trim();
      var words = queryWords(term);
      list.textContent = "";
      more.hidden = true;
      state.ids = [];
      state.shown = 0;
      state.busy = false;
      state.words = words;
      if (!term) { status.textContent = ""; return Promise.resolve(); }
      if (!words.length) { status.textContent = strings.short; return Promise.resolve(); }
      status.textContent = fill(strings.searching, term, 0);
      return index.search(words).then(function (ids) {
        if (run !== state.run) { return; }
        state.ids = ids;
        state.words = words.map(function (w) { return index.stem(w); });
        return show(PAGE, false);
      }).then(function () { // announced once the results are there
        if (run !== state.run) { return; }
        status.textContent = fill(state.ids.length ? strings.results : strings.none, term, state.ids.length);
      })["catch"](function () {
        if (run === state.run) { status.textContent = strings.failed; }
      });
    }

    function remember(text) {
      if (!window.history || !window.history.replaceState) { return; }
      var query = text.trim() ? "?q=" + encodeURIComponent(text.trim()) : "";
      window.history.replaceState(null, "", window.location.pathname + query);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      remember(input.value);
      search(input.value);
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { remember(input.value); search(input.value); }, 250);
    });
    more.addEventListener("click", function () {
      if (state.busy) { return; } // a second click while the first one's results load
      state.busy = true;
      var done = function () { state.busy = false; };
      show(PAGE, true).then(done, done);
    });

    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      input.value = q;
      search(q);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
