// Search, entirely on this site (never a CDN, no request to another host).
// Served over http(s): the pagefind UI. Opened from disk (file://), where browsers block pagefind's
// fetch and WebAssembly: a simple search over search-index.js, a plain script written by the build
// (generator/site/offline_search.py): every word of the query must occur in the page's title, headings
// or text (substring match, which suits Chinese: no spaces between words). ?q=… searches at once.
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src).href; // static/search.js → the site root
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var MAX_RESULTS = 100;

  function pagefind() {
    if (typeof PagefindUI === "undefined") { return; }
    var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false,
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

  function offline() {
    var box = document.getElementById("search");
    if (!box) { return; }
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

    function run() {
      var index = window.BUDGETSITE_SEARCH_INDEX, words = terms(input.value);
      list.textContent = "";
      if (!words.length) { status.textContent = "请输入要搜索的字词，多个字词以空格分隔。"; return; }
      var hits = [];
      index.pages.forEach(function (page, order) {
        var value = score(page, words);
        if (value > 0) { hits.push({ page: page, value: value, order: order }); }
      });
      hits.sort(function (a, b) { return b.value - a.value || a.order - b.order; });
      status.textContent = hits.length ? "找到 " + hits.length + " 个页面（本地搜索）" :
        "没有找到“" + input.value.trim() + "”";
      hits.slice(0, MAX_RESULTS).forEach(function (hit) {
        var item = element("li", { "class": "search-result" });
        item.appendChild(element("a", { href: new URL(hit.page[0], root).href }, hit.page[1]));
        item.appendChild(excerpt(hit.page[3], words));
        list.appendChild(item);
      });
    }

    status.textContent = "正在载入本地搜索索引……";
    var loader = document.createElement("script");
    loader.src = root + "search-index.js";
    loader.addEventListener("load", function () {
      if (!window.BUDGETSITE_SEARCH_INDEX) { status.textContent = "本地搜索索引无效。"; return; }
      var timer = null;
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
      run();
    });
    loader.addEventListener("error", function () {
      status.textContent = "未找到本地搜索索引（search-index.js），无法在本地文件中搜索。";
    });
    document.body.appendChild(loader);
  }

  window.addEventListener("DOMContentLoaded", function () {
    if (window.location.protocol === "file:") { offline(); } else { pagefind(); }
  });
})();
