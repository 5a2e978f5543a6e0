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
/* World café: the facilitator's screen and the participants' phones poll their live.json
   (div[data-live]) every few seconds. The facilitator's pads are redrawn in place; a new round,
   a new participant or the end shows a "show it" link (a phone whose pad is being typed in is
   never reloaded under the writer's fingers). Without this script, the "Refresh" link does it. */
(function () {
  "use strict";
  var POLL_MS = 4000;
  function start(box) {
    var url = box.getAttribute("data-live");
    var note = box.querySelector(".mc-live-note");
    var typing = false;
    var area = box.querySelector("textarea");
    if (area) area.addEventListener("input", function () { typing = true; });
    function changed(state) {
      if (box.hasAttribute("data-version")) {
        (state.pads || []).forEach(function (p) {
          var el = box.querySelector('[data-pad="' + p.id + '"]');
          if (el && el.textContent !== p.text) el.textContent = p.text;
        });
        var count = box.querySelector("[data-live-count]");
        if (count) count.textContent = String(state.participants);
        return String(state.version) !== box.getAttribute("data-version") ||
          String(state.participants) !== box.getAttribute("data-participants");
      }
      return String(state.round) !== box.getAttribute("data-round") ||
        state.status !== box.getAttribute("data-status");
    }
    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (state) {
          if (!changed(state)) return;
          if (!box.hasAttribute("data-version") && !typing) { window.location.reload(); return; }
          if (note) note.hidden = false;
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .then(function () { window.setTimeout(poll, POLL_MS); });
    }
    window.setTimeout(poll, POLL_MS);
  }
  window.addEventListener("load", function () {
    Array.prototype.forEach.call(document.querySelectorAll("div[data-live]"), start);
  });
})();
