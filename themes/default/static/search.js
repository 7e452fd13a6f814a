// Search, entirely on this site (never a CDN, no request to another host), with our own form and result
// list (no pagefind UI: its stylesheet loads a data: icon, which a strict Content-Security-Policy refuses).
// The index is split into buckets (generator/site/search.py); the search page lists them, the primary
// (the site-wide pages, which carries pagefind's code) first, in data-search-buckets.
//
// Two engines behind the one form:
// - pagefind (served over http(s)): pagefind's JS API loaded from the primary bundle pagefind/<bucket>/, every
//   other bundle merged in (mergeIndex), so results from all buckets come in one list, ranked together.
//   It needs WebAssembly, which a CSP allows only with script-src 'wasm-unsafe-eval' (docs/site.md).
// - the plain index: search-index/<bucket>.js, plain scripts written by the build
//   (generator/site/offline_search.py); every word of the query must occur in the page's title, headings or
//   text (substring match, which suits Chinese: no spaces between words). Used when the site is opened from
//   disk (file://, where browsers block pagefind's fetch and WebAssembly), and as the fallback when
//   WebAssembly is refused (a CSP of plain default-src 'self') or pagefind fails to start.
// ?q=… searches at once.
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src).href; // static/search.js → the site root
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var MAX_RESULTS = 100; // plain index: results shown
  var PAGE = 20; // pagefind: results whose data is fetched at a time ("显示更多结果" fetches the next ones)
  var MAX_SUB_RESULTS = 3;
  // The smallest WebAssembly module (magic number and version): compiling it is what a CSP without
  // 'wasm-unsafe-eval' refuses, so it tells, before pagefind starts, whether pagefind can run here.
  var EMPTY_WASM = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

  function buckets(box) {
    return (box.getAttribute("data-search-buckets") || "").split(/\s+/).filter(function (b) { return b.length > 0; });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // ---- the plain index -------------------------------------------------------------------------

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

  // Loads every bucket's script (each adds its part to one global); resolves, once all have loaded or
  // failed, to an engine over their pages, searched together in path order as one index.
  function plainEngine(names) {
    return new Promise(function (resolve, reject) {
      var pending = names.length;
      function settled() {
        pending -= 1;
        if (pending > 0) { return; }
        var index = window.BUDGETSITE_SEARCH_INDEX || {}, pages = [], missing = [];
        names.forEach(function (name) {
          var part = index[name];
          if (part && part.pages) { pages = pages.concat(part.pages); } else { missing.push(name); }
        });
        if (missing.length === names.length) { reject(new Error("no plain search index")); return; }
        pages.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
        resolve({ name: "plain", search: function (value) { return Promise.resolve(plainSearch(pages, missing, value)); } });
      }
      names.forEach(function (name) {
        var loader = document.createElement("script");
        loader.src = root + "search-index/" + name + ".js";
        loader.addEventListener("load", settled);
        loader.addEventListener("error", settled);
        document.body.appendChild(loader);
      });
    });
  }

  function plainSearch(pages, missing, value) {
    var words = terms(value), hits = [];
    pages.forEach(function (page, order) {
      var points = score(page, words);
      if (points > 0) { hits.push({ page: page, points: points, order: order }); }
    });
    hits.sort(function (a, b) { return b.points - a.points || a.order - b.order; });
    return {
      count: hits.length, more: null, label: "（本地搜索）",
      note: missing.length ? "；部分本地搜索索引未能载入，结果可能不全。" : "",
      items: hits.slice(0, MAX_RESULTS).map(function (hit) {
        return { href: new URL(hit.page[0], root).href, title: hit.page[1], excerpt: excerpt(hit.page[3], words), subs: [] };
      })
    };
  }

  // ---- pagefind ----------------------------------------------------------------------------------

  function wasmAllowed() {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.compile !== "function") { return Promise.resolve(false); }
    return WebAssembly.compile(new Uint8Array(EMPTY_WASM)).then(function () { return true; }, function () { return false; });
  }

  // pagefind's excerpts are HTML with <mark> around the words found: rebuilt as text and mark elements only.
  function markedText(html, tag, className) {
    var node = element(tag, className ? { "class": className } : {});
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    parsed.childNodes.forEach(function (child) {
      if (child.nodeName === "MARK") { node.appendChild(element("mark", {}, child.textContent)); } else {
        node.appendChild(document.createTextNode(child.textContent));
      }
    });
    return node;
  }

  function pagefindItem(data) {
    var subs = (data.sub_results || []).filter(function (sub) { return sub.url !== data.url; }).slice(0, MAX_SUB_RESULTS);
    return {
      href: new URL(data.url, window.location.href).href, title: (data.meta && data.meta.title) || data.url,
      excerpt: markedText(data.excerpt || "", "p", "search-excerpt"),
      subs: subs.map(function (sub) { return { href: new URL(sub.url, window.location.href).href, title: sub.title }; })
    };
  }

  // pagefind's API from the primary bundle, every other bundle merged in. Absolute paths on this host:
  // the bundles sit below pagefind/, so result URLs are rooted explicitly at the site root (works under any
  // sub-path).
  function pagefindEngine(names) {
    var bundle = function (name) { return new URL("pagefind/" + name + "/", root).pathname; };
    var baseUrl = new URL(root).pathname;
    return wasmAllowed().then(function (allowed) {
      if (!allowed) { throw new Error("WebAssembly refused"); }
      return import(bundle(names[0]) + "pagefind.js");
    }).then(function (pagefind) {
      return pagefind.options({ baseUrl: baseUrl }).then(function () {
        return Promise.all(names.slice(1).map(function (name) { return pagefind.mergeIndex(bundle(name), { baseUrl: baseUrl }); }));
      }).then(function () { return pagefind.init(); }).then(function () {
        var fallback = null; // pagefind failing on a search after all: the plain index from then on
        return { name: "pagefind", search: function (value) {
          if (fallback) { return fallback.then(function (plain) { return plain.search(value); }); }
          return pagefindSearch(pagefind, value, PAGE).catch(function () {
            fallback = plainEngine(names);
            return fallback.then(function (plain) { return plain.search(value); });
          });
        } };
      });
    });
  }

  function pagefindSearch(pagefind, value, limit) {
    return pagefind.search(value).then(function (found) {
      var results = found && found.results ? found.results : [];
      return Promise.all(results.slice(0, limit).map(function (r) { return r.data(); })).then(function (data) {
        return {
          count: results.length, label: "", note: "", items: data.map(pagefindItem),
          more: results.length > limit ? function () { return pagefindSearch(pagefind, value, limit + PAGE); } : null
        };
      });
    });
  }

  // ---- the form ------------------------------------------------------------------------------------

  function form(box, engine) {
    var offline = engine.name === "plain";
    var searchForm = element("form", { "class": offline ? "search-form offline-search" : "search-form", role: "search", method: "get" });
    var input = element("input", { id: "search-q", type: "search", name: "q", autocomplete: "off",
      placeholder: "搜索单位、科目、名词……" });
    input.value = query;
    searchForm.appendChild(element("label", { "for": "search-q" }, "搜索关键词"));
    searchForm.appendChild(input);
    searchForm.appendChild(element("button", { type: "submit" }, "搜索"));
    var status = element("p", { "class": "search-status", role: "status" });
    var list = element("ol", { "class": "search-results" });
    var more = element("button", { type: "button", "class": "search-more", hidden: "" }, "显示更多结果");
    box.textContent = "";
    box.setAttribute("data-search-engine", engine.name);
    [searchForm, status, list, more].forEach(function (node) { box.appendChild(node); });

    var latest = 0, next = null;
    function show(value, result, serial) {
      if (serial !== latest) { return; } // an older search answering after a newer one
      list.textContent = "";
      status.textContent = (result.count ? "找到 " + result.count + " 个页面" + result.label :
        "没有找到“" + value.trim() + "”") + result.note;
      result.items.forEach(function (item) {
        var entry = element("li", { "class": "search-result" });
        entry.appendChild(element("a", { href: item.href }, item.title));
        entry.appendChild(item.excerpt);
        if (item.subs.length) {
          var subs = element("ul", { "class": "search-subresults" });
          item.subs.forEach(function (sub) {
            var li = element("li");
            li.appendChild(element("a", { href: sub.href }, sub.title));
            subs.appendChild(li);
          });
          entry.appendChild(subs);
        }
        list.appendChild(entry);
      });
      next = result.more;
      more.hidden = !next;
    }
    function failed(serial) {
      if (serial === latest) { status.textContent = "搜索出错，请稍后重试。"; }
    }
    function run() {
      var value = input.value, serial = (latest += 1);
      if (!terms(value).length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "请输入要搜索的字词，多个字词以空格分隔。";
        return;
      }
      engine.search(value).then(function (result) { show(value, result, serial); }, function () { failed(serial); });
    }
    more.addEventListener("click", function () {
      if (!next) { return; }
      var value = input.value, serial = (latest += 1);
      next().then(function (result) { show(value, result, serial); }, function () { failed(serial); });
    });
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    searchForm.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
    run();
  }

  function start(box, names) {
    var status = element("p", { "class": "search-status", role: "status" }, "正在载入搜索索引……");
    box.appendChild(status);
    var plain = function () { return plainEngine(names); };
    var engine = window.location.protocol === "file:" ? plain() : pagefindEngine(names).catch(plain);
    engine.then(function (found) { form(box, found); }, function () {
      status.textContent = "未找到本地搜索索引（search-index/），无法在本地文件中搜索。";
    });
  }

  window.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    if (!box) { return; }
    var names = buckets(box);
    if (names.length) { start(box, names); }
  });
})();
