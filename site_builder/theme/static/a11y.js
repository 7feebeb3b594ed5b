/* Version for the visually impaired (GOST R 52872-2019): text size, colour scheme, images.
 *
 * Static hosting cannot answer ?a11y=... links, so the choice is kept in localStorage and
 * applied as classes on <html>; this file is loaded in <head> so the saved classes are set
 * before the first paint (no flash on every page).  Without JavaScript the panel still opens
 * (<details>) and explains browser zoom and system high contrast; the default theme is
 * readable on its own (contrast >= 4.5:1, reflows at 400% zoom).
 */
(function () {
  "use strict";
  var KEY = "site-a11y";
  var root = document.documentElement;
  var defaults = { size: "0", scheme: "", images: "" };

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return {
        size: /^[0-2]$/.test(saved.size) ? saved.size : "0",
        scheme: /^(|bw|wb|blue)$/.test(saved.scheme) ? saved.scheme : "",
        images: saved.images === "hide" ? "hide" : ""
      };
    } catch (e) {
      return { size: defaults.size, scheme: defaults.scheme, images: defaults.images };
    }
  }

  function save(state) {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }

  function apply(state) {
    var keep = root.className.split(/\s+/).filter(function (c) {
      return c && c !== "no-js" && c.indexOf("a11y-") !== 0;
    });
    keep.push("js");
    if (state.size !== "0") { keep.push("a11y-size-" + state.size); }
    if (state.scheme) { keep.push("a11y-scheme-" + state.scheme); }
    if (state.images) { keep.push("a11y-noimages"); }
    if (state.size !== "0" || state.scheme || state.images) { keep.push("a11y-on"); }
    root.className = keep.join(" ");
  }

  function sync(state) {
    var buttons = document.querySelectorAll("[data-a11y]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i], kind = b.getAttribute("data-a11y");
      if (kind !== "reset") {
        b.setAttribute("aria-pressed", String(state[kind] === b.getAttribute("data-value")));
      }
    }
  }

  var state = load();
  apply(state);

  document.addEventListener("DOMContentLoaded", function () {
    sync(state);
    document.addEventListener("click", function (event) {
      var b = event.target.closest ? event.target.closest("[data-a11y]") : null;
      if (!b) { return; }
      var kind = b.getAttribute("data-a11y");
      if (kind === "reset") {
        state = { size: "0", scheme: "", images: "" };
      } else {
        state[kind] = b.getAttribute("data-value");
      }
      save(state);
      apply(state);
      sync(state);
    });
    // The footer link "#a11y" opens the panel too.
    function openFromHash() {
      if (window.location.hash === "#a11y") {
        var panel = document.getElementById("a11y");
        if (panel) { panel.open = true; panel.querySelector("summary").focus(); }
      }
    }
    window.addEventListener("hashchange", openFromHash);
    openFromHash();
  });
})();
