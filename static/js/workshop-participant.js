// Participant phone: while the page shows a question or "waiting", ask every 3 s (only when
// the tab is visible) which poll is open; when it changes, load the page again to show it.
(function () {
  "use strict";
  var INTERVAL = 3000;
  var box = document.getElementById("ws-participant");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var current = box.getAttribute("data-poll") || "";
  var timer = null;
  function check() {
    if (document.visibilityState !== "visible") { return; }
    window.fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var now = data.poll === null || data.poll === undefined ? "" : String(data.poll);
        if (data.error || now !== current) {
          stop();
          window.location.assign(window.location.pathname);
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  function start() { if (timer === null) { timer = window.setInterval(check, INTERVAL); } }
  function stop() { if (timer !== null) { window.clearInterval(timer); timer = null; } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { check(); start(); } else { stop(); }
  });
  start();
})();
