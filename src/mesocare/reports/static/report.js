/* Mesocare report: sort any table by a click on its header (numbers by their raw data-v value).
   Our own small script, no dependency; the page works without it (tables stay in their order). */
(function () {
  "use strict";
  function key(cell) {
    if (!cell) return { empty: true };
    var v = cell.getAttribute("data-v");
    if (v === "") return { empty: true };
    if (v !== null && !isNaN(parseFloat(v))) return { num: parseFloat(v) };
    var t = cell.textContent.trim();
    return t === "" || t === "\u2013" ? { empty: true } : { text: t };
  }
  function compare(a, b, dir) {
    if (a.empty || b.empty) return a.empty && b.empty ? 0 : a.empty ? 1 : -1; // missing last
    if (a.num !== undefined && b.num !== undefined) return dir * (a.num - b.num);
    if (a.num !== undefined) return -1;
    if (b.num !== undefined) return 1;
    return dir * a.text.localeCompare(b.text, document.documentElement.lang, { numeric: true });
  }
  function sortBy(table, th) {
    var ths = Array.prototype.slice.call(th.parentNode.children);
    var col = ths.indexOf(th);
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    ths.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return { row: r, key: key(r.cells[col]), i: i };
    });
    rows.sort(function (a, b) { return compare(a.key, b.key, dir) || a.i - b.i; });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }
  function init() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(heads, function (th) {
        var b = th.querySelector("button") || th;
        b.addEventListener("click", function () { sortBy(table, th); });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
