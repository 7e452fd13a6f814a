// Pagefind search UI, loaded from this site (never from a CDN).
window.addEventListener("DOMContentLoaded", function () {
  if (typeof PagefindUI === "undefined") { return; }
  new PagefindUI({ element: "#search", showSubResults: true, showImages: false,
    translations: { placeholder: "搜索单位、科目、名词……", zero_results: "没有找到“[SEARCH_TERM]”" } });
});
