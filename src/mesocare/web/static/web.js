/* Mesocare platform: draw each figure placeholder (div.mc-figure[data-src]) with Plotly when it
   comes into view, from its JSON. Our own small script; without it the pages still work (figures
   show their caption and CSV link). */
(function () {
  "use strict";
  // scripts run: the figures will be drawn, so their "Loading the figure…" may show (web.css)
  document.documentElement.classList.remove("no-js");
  function draw(el) {
    if (el.getAttribute("data-drawn")) return;
    el.setAttribute("data-drawn", "1");
    fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fig) {
        el.innerHTML = "";
        window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || { displaylogo: false, responsive: true });
      })
      .catch(function () {
        el.innerHTML = "";
        var p = document.createElement("p");
        p.className = "mc-error";
        p.textContent = el.getAttribute("data-error") || "\u26a0";
        el.appendChild(p);
      });
  }
  function init() {
    var figs = document.querySelectorAll("div.mc-figure[data-src]");
    if (!window.Plotly || !figs.length) return;
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); draw(e.target); } });
      }, { rootMargin: "400px" });
      Array.prototype.forEach.call(figs, function (el) { io.observe(el); });
    } else {
      Array.prototype.forEach.call(figs, draw);
    }
  }
  window.addEventListener("load", init);
})();
