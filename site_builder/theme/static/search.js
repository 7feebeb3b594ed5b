/* Starts the Pagefind UI on the search page; its strings come from the page (data-strings),
 * so the results speak the page's language; ?q= from the header form starts a search. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    if (!box || typeof window.PagefindUI !== "function") { return; }
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: box.getAttribute("data-bundle"),
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      translations: JSON.parse(box.getAttribute("data-strings") || "{}")
    });
    // Pagefind labels its field with a title only; give it a real accessible name.
    var strings = JSON.parse(box.getAttribute("data-strings") || "{}");
    var input = box.querySelector(".pagefind-ui__search-input");
    if (input) { input.setAttribute("aria-label", strings.search_label || "Search"); }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { ui.triggerSearch(q); }
  });
})();
