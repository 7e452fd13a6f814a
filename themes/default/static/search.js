// Search, entirely on this site (never a CDN, no request to another host).
// The index is split into buckets (generator/site/search.py); the search page lists them, the primary
// (the site-wide pages, which carries pagefind's code) first, in data-search-buckets.
// Served over http(s): the pagefind UI on the primary bundle pagefind/<bucket>/, with every other bundle
// merged in (mergeIndex), so results from all buckets come in one list, ranked together.
// Opened from disk (file://), where browsers block pagefind's fetch and WebAssembly: a simple search over
// search-index/<bucket>.js, plain scripts written by the build (generator/site/offline_search.py): every
// word of the query must occur in the page's title, headings or text (substring match, which suits
// Chinese: no spaces between words). ?q=… searches at once.
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src).href; // static/search.js → the site root
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var MAX_RESULTS = 100;

  function buckets(box) {
    return (box.getAttribute("data-search-buckets") || "").split(/\s+/).filter(function (b) { return b.length > 0; });
  }

  function pagefind(names) {
    if (typeof PagefindUI === "undefined" || !names.length) { return; }
    // Absolute paths on this host: pagefind resolves them in its worker, and the bundles sit below
    // pagefind/, so result URLs are rooted explicitly at the site root (works under any sub-path).
    var bundle = function (name) { return new URL("pagefind/" + name + "/", root).pathname; };
    var baseUrl = new URL(root).pathname;
    var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false,
      bundlePath: bundle(names[0]), baseUrl: baseUrl,
      mergeIndex: names.slice(1).map(function (name) { return { bundlePath: bundle(name), baseUrl: baseUrl }; }),
      translations: { placeholder: "搜索单位、科目、名词……", zero_results: "没有找到“[SEARCH_TERM]”" } });
    if (query) { ui.triggerSearch(query); }
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function terms(value) {
    return value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function occurrences(haystack, term) {
    var count = 0;
    for (var at = haystack.indexOf(term); at >= 0 && count < 10; at = haystack.indexOf(term, at + term.length)) {
      count += 1;
    }
    return count;
  }

  // A page matches when every term occurs in title, headings or text; title hits rank first.
  function score(page, words) {
    var title = page[1].toLowerCase(), headings = page[2].join(" ").toLowerCase(), text = page[3].toLowerCase();
    var haystack = title + " " + headings + " " + text, total = 0;
    for (var i = 0; i < words.length; i += 1) {
      if (haystack.indexOf(words[i]) < 0) { return 0; }
      total += 1 + (title.indexOf(words[i]) >= 0 ? 100 : 0) + (headings.indexOf(words[i]) >= 0 ? 10 : 0) +
        occurrences(text, words[i]);
    }
    return total;
  }

  // A piece of the text around the first word found, the word marked.
  function excerpt(text, words) {
    var lower = text.toLowerCase(), at = -1, word = "";
    for (var i = 0; i < words.length && at < 0; i += 1) { at = lower.indexOf(words[i]); word = words[i]; }
    var p = element("p", { "class": "search-excerpt" });
    if (at < 0) {
      p.textContent = text.slice(0, 90) + (text.length > 90 ? "……" : "");
      return p;
    }
    var start = Math.max(0, at - 30), end = Math.min(text.length, at + word.length + 60);
    p.appendChild(document.createTextNode((start > 0 ? "……" : "") + text.slice(start, at)));
    p.appendChild(element("mark", {}, text.slice(at, at + word.length)));
    p.appendChild(document.createTextNode(text.slice(at + word.length, end) + (end < text.length ? "……" : "")));
    return p;
  }

  function offline(box, names) {
    var form = element("form", { "class": "offline-search", role: "search", method: "get" });
    var label = element("label", { "for": "search-q" }, "搜索关键词");
    var input = element("input", { id: "search-q", type: "search", name: "q", autocomplete: "off",
      placeholder: "搜索单位、科目、名词……" });
    input.value = query;
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(element("button", { type: "submit" }, "搜索"));
    var status = element("p", { "class": "search-status", role: "status" });
    var list = element("ol", { "class": "search-results" });
    box.appendChild(form);
    box.appendChild(status);
    box.appendChild(list);

    var pages = [], missing = [];

    function run() {
      var words = terms(input.value);
      list.textContent = "";
      if (!words.length) { status.textContent = "请输入要搜索的字词，多个字词以空格分隔。"; return; }
      var hits = [];
      pages.forEach(function (page, order) {
        var value = score(page, words);
        if (value > 0) { hits.push({ page: page, value: value, order: order }); }
      });
      hits.sort(function (a, b) { return b.value - a.value || a.order - b.order; });
      status.textContent = (hits.length ? "找到 " + hits.length + " 个页面（本地搜索）" :
        "没有找到“" + input.value.trim() + "”") + (missing.length ? "；部分本地搜索索引未能载入，结果可能不全。" : "");
      hits.slice(0, MAX_RESULTS).forEach(function (hit) {
        var item = element("li", { "class": "search-result" });
        item.appendChild(element("a", { href: new URL(hit.page[0], root).href }, hit.page[1]));
        item.appendChild(excerpt(hit.page[3], words));
        list.appendChild(item);
      });
    }

    // Every bucket's script adds its part to one global; once all have loaded (or failed), their pages
    // are searched together, in path order, as one index.
    function ready() {
      var index = window.BUDGETSITE_SEARCH_INDEX || {};
      names.forEach(function (name) {
        var part = index[name];
        if (part && part.pages) { pages = pages.concat(part.pages); } else if (missing.indexOf(name) < 0) { missing.push(name); }
      });
      if (missing.length === names.length) {
        status.textContent = "未找到本地搜索索引（search-index/），无法在本地文件中搜索。";
        return;
      }
      pages.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      var timer = null;
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
      run();
    }

    status.textContent = "正在载入本地搜索索引……";
    var pending = names.length;
    function settled() { pending -= 1; if (pending === 0) { ready(); } }
    names.forEach(function (name) {
      var loader = document.createElement("script");
      loader.src = root + "search-index/" + name + ".js";
      loader.addEventListener("load", settled);
      loader.addEventListener("error", settled);
      document.body.appendChild(loader);
    });
  }

  window.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    if (!box) { return; }
    var names = buckets(box);
    if (!names.length) { return; }
    if (window.location.protocol === "file:") { offline(box, names); } else { pagefind(names); }
  });
})();
