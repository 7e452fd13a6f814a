// Local preview only (budgetsite serve): reload when build-id.txt changes.
(function () {
  var here = document.currentScript.src;
  var url = new URL("../build-id.txt", here).href;
  var last = null;
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (id) {
      if (last !== null && id !== last) { window.location.reload(); }
      last = id;
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
