/* Progressive enhancement only: every table is complete without JavaScript.
   1. Put a search field in the header, or on the home page in the page, and load Pagefind's
      search UI into it on first use (per-language index, chosen by <html lang>), with the
      site's ranking and a result titled like its page.
   2. Add filters (native <select>s, so keyboard and screen readers work) above tables that
      declare data-kb-filters="attr1 attr2"; rows carry data-<attr> values.
   3. Place a glossary term's tooltip beside its link, inside the screen (kb.css shows it on hover
      and keyboard focus; without this script it opens below the link). Escape hides it. */
(function () {
  "use strict";

  // Pagefind's ranking for the search box (generator/search.py says what is indexed). Metadata
  // is searched too: a topic's keywords count as much as a page title (Pagefind's default weight
  // for `title`, 5); kb_title, the title a result is shown with, does not count at all.
  // tests/search_relevance.py measures the ranking with these same options.
  var SEARCH = { ranking: { metaWeights: { keywords: 5, kb_title: 0 } } };
  window.kbSearch = SEARCH;

  // A result is titled like its page, and metadata only searched is not listed under it.
  function showResult(result) {
    if (result.meta.kb_title) result.meta.title = result.meta.kb_title;
    delete result.meta.kb_title;
    delete result.meta.keywords;
    return result;
  }

  // The home page has its own search box in the page (#kb-home-search): the one search of
  // that page, so the header's is left empty there (kb.css hides it).
  //
  // Pagefind's UI (a script of some 120 KB and its style sheet) is loaded when the search is
  // first used, not with every page: until then the box is a plain field of the same look
  // (kb.css), with the same words (the header's data-placeholder and data-label, from ui.yaml).
  // Pointing at it or focusing it loads the UI, which then takes the field's place with what
  // was typed in it, the focus and the caret, and searches for it.
  var searchUI = null;

  function mountSearch() {
    var header = document.getElementById("kb-search");
    var home = document.getElementById("kb-home-search");
    var host = home || header;
    if (!header || !host || host.dataset.mounted) return;
    host.dataset.mounted = "1";
    var wrap = document.createElement("div");
    wrap.className = "pagefind-ui kb-search-field";
    var form = document.createElement("form");
    form.className = "pagefind-ui__form";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", header.dataset.label || "");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var input = document.createElement("input");
    input.className = "pagefind-ui__search-input";
    input.type = "text";
    input.placeholder = input.title = header.dataset.placeholder || "";
    input.setAttribute("autocapitalize", "none");
    input.setAttribute("enterkeyhint", "search");
    form.appendChild(input);
    wrap.appendChild(form);
    host.appendChild(wrap);
    var load = function () { loadSearch(header, host, wrap); };
    ["pointerenter", "pointerdown", "focusin", "touchstart"].forEach(function (type) {
      wrap.addEventListener(type, load, { once: true, passive: true });
    });
  }

  function loadSearch(header, host, field) {
    if (searchUI) return;
    var bundle = new URL(header.dataset.bundle, document.baseURI).href;
    searchUI = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = bundle + "pagefind-ui.css";
      var script = document.createElement("script");
      script.src = bundle + "pagefind-ui.js";
      var waiting = 2;
      var done = function () { if (--waiting === 0) resolve(); };
      css.onload = css.onerror = done;  // without its style sheet the UI still works
      script.onload = done;
      script.onerror = reject;
      document.head.appendChild(css);
      document.head.appendChild(script);
    }).then(function () {
      var old = field.querySelector("input");
      var typed = old.value;
      var focused = document.activeElement === old;
      var caret = [old.selectionStart, old.selectionEnd];
      var ui = new PagefindUI({
        element: "#" + host.id,
        bundlePath: bundle,
        showImages: false,
        resetStyles: false,
        showSubResults: true,
        excerptLength: 20,
        ranking: SEARCH.ranking,
        // A large site's index is built in parts (generator/pipeline/pagefind_run.py): the header
        // lists the other bundles, searched and ranked with the main one.
        mergeIndex: (header.dataset.merge || "").split(/\s+/).filter(Boolean).map(function (path) {
          return { bundlePath: new URL(path, document.baseURI).href };
        }),
        processResult: showResult,
        translations: { placeholder: header.dataset.placeholder, search_label: header.dataset.label }
      });
      field.remove();
      var input = host.querySelector(".pagefind-ui__search-input");
      if (!input) return;
      if (typed) {
        input.value = typed;
        ui.triggerSearch(typed);
      }
      if (focused) {
        input.focus();
        if (caret[0] !== null) input.setSelectionRange(caret[0], caret[1]);
      }
    });
  }

  function key(prefix, attr) {
    var camel = attr.replace(/-([a-z0-9])/g, function (m, c) { return c.toUpperCase(); });
    return prefix + camel.charAt(0).toUpperCase() + camel.slice(1);
  }

  function filterTable(table) {
    var attrs = (table.dataset.kbFilters || "").split(/\s+/).filter(Boolean);
    if (!attrs.length || table.dataset.kbFiltered) return;
    table.dataset.kbFiltered = "1";
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-" + attrs[0] + "]"));
    var bar = document.createElement("form");
    bar.className = "kb-filters";
    bar.setAttribute("role", "search");
    bar.setAttribute("aria-label", table.dataset.kbFilterLabel || "Filter");
    var selects = {};
    attrs.forEach(function (attr) {
      var labelText = table.dataset[key("kbLabel", attr)] || attr;
      var options = JSON.parse(table.dataset[key("kbOptions", attr)] || "[]");
      var label = document.createElement("label");
      label.textContent = labelText + " ";
      var select = document.createElement("select");
      select.name = attr;
      select.className = "kb-filter-" + attr;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = table.dataset.kbAll || "Alle";
      select.appendChild(all);
      options.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        select.appendChild(option);
      });
      select.addEventListener("change", apply);
      label.appendChild(select);
      bar.appendChild(label);
      selects[attr] = select;
    });
    var status = document.createElement("p");
    status.className = "kb-filter-status";
    status.setAttribute("aria-live", "polite");
    bar.appendChild(status);
    var wrap = table.closest(".kb-table-wrap") || table;
    wrap.parentNode.insertBefore(bar, wrap);

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = attrs.every(function (attr) {
          var want = selects[attr].value;
          return !want || row.getAttribute("data-" + attr) === want;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      // Hide group rows (themes) whose findings are all filtered out.
      Array.prototype.forEach.call(table.tBodies, function (body) {
        var group = body.querySelector("tr.kb-group-row");
        if (!group) return;
        var visible = body.querySelectorAll("tr[data-" + attrs[0] + "]:not([hidden])").length;
        group.hidden = visible === 0;
      });
      status.textContent = (table.dataset.kbShowing || "{n} / {total}")
        .replace("{n}", shown).replace("{total}", rows.length);
    }
    // Drill-down links can preselect a filter: #filter:confidence=low
    var match = /^#filter:([a-z-]+)=([a-z0-9-]+)$/.exec(window.location.hash);
    if (match && selects[match[1]]) selects[match[1]].value = match[2];
    apply();
  }

  // The tooltip of a glossary term (generator/explain.py) is fixed to the screen while it shows: a
  // table's scroll box cannot cut it, and it is moved left or above the link to stay on the screen.
  var openTerm = null;
  var MARGIN = 8;

  function placeTip(term) {
    var tip = term.querySelector(".kb-term-tip");
    var link = term.querySelector("a");
    if (!tip || !link) return;
    openTerm = term;
    term.classList.remove("kb-term--hidden");
    tip.style.position = "fixed";
    tip.style.left = "0px";
    tip.style.top = "0px";
    var at = link.getBoundingClientRect();
    var size = tip.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var left = Math.max(MARGIN, Math.min(at.left, width - size.width - MARGIN));
    var top = at.bottom;
    if (top + size.height > window.innerHeight - MARGIN && at.top - size.height > MARGIN) top = at.top - size.height;
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function watchTerms() {
    if (document.body.dataset.kbTerms) return;
    document.body.dataset.kbTerms = "1";
    ["mouseover", "focusin"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        var term = event.target.closest && event.target.closest(".kb-term");
        if (term && (term !== openTerm || type === "focusin")) placeTip(term);
      });
    });
    document.addEventListener("mouseout", function (event) {
      if (openTerm && !openTerm.contains(event.relatedTarget)) openTerm = null;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".kb-term:hover, .kb-term:focus-within").forEach(function (term) {
        term.classList.add("kb-term--hidden");
      });
    });
    window.addEventListener("scroll", function () { if (openTerm) placeTip(openTerm); }, { passive: true, capture: true });
  }

  // A link to a part that is folded (<details>, e.g. a publication's part of a topic page) opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
  }

  function init() {
    mountSearch();
    openTarget();
    document.querySelectorAll("table[data-kb-filters]").forEach(filterTable);
    watchTerms();
  }

  window.addEventListener("hashchange", openTarget);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
