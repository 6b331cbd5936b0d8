// Projector view (and a waiting participant phone, for the revealed result): ask htmx to
// refresh the #ws-live fragment every 2 s, but only while the tab is visible (a hidden tab
// costs the server nothing). htmx's own
// `every 2s [document.visibilityState === 'visible']` filter needs eval, which the CSP forbids.
(function () {
  "use strict";
  var INTERVAL = 2000;
  var target = document.getElementById("ws-live");
  if (!target) { return; }
  var timer = null;
  function tick() {
    if (window.htmx && document.visibilityState === "visible") {
      window.htmx.trigger(target, "ws:tick");
    }
  }
  function start() {
    if (timer === null) { timer = window.setInterval(tick, INTERVAL); }
  }
  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { tick(); start(); } else { stop(); }
  });
  if (document.visibilityState === "visible") { start(); }
})();
