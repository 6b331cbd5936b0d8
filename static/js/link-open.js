// Opens a one-time link without the token ever being in a URL the server sees (core/links.py):
// the emailed link carries it in the fragment (.../#<token>), which browsers never send. This
// takes it out of the address bar and history, and posts it in the body of the page's form.
// Without JavaScript the same form asks the person to paste the link or its code.
(function () {
  "use strict";
  var form = document.getElementById("link-open");
  var code = window.location.hash.replace(/^#/, "");
  if (!form || !code) {
    return;
  }
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  form.elements.namedItem("link").value = code;
  var note = document.getElementById("link-opening");
  if (note) {
    note.hidden = false;
  }
  form.hidden = true;
  form.submit();
})();
