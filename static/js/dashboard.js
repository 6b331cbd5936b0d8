// Heatmap: collapse and expand a team's sub-teams with keyboard-operable buttons.
// Without JavaScript every row is shown; nothing else on the dashboard needs a script.
(function () {
  "use strict";
  function descendants(table, id) {
    var out = [];
    var rows = table.querySelectorAll('tr[data-parent="' + id + '"]');
    rows.forEach(function (row) {
      out.push(row);
      out = out.concat(descendants(table, row.getAttribute("data-team")));
    });
    return out;
  }
  document.querySelectorAll("table.heatmap .tree-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = button.closest("table");
      var open = button.getAttribute("aria-expanded") === "true";
      descendants(table, button.getAttribute("data-team")).forEach(function (row) {
        row.classList.toggle("collapsed-row", open);
        var inner = row.querySelector(".tree-toggle");
        if (inner) { inner.setAttribute("aria-expanded", String(!open)); inner.textContent = open ? "▸" : "▾"; }
      });
      button.setAttribute("aria-expanded", String(!open));
      button.textContent = open ? "▸" : "▾";
      var name = button.nextElementSibling ? button.nextElementSibling.textContent : "";
      button.setAttribute("aria-label", (open ? "Expand " : "Collapse ") + name);
    });
  });
})();
