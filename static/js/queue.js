// Queue list keys: j / k move the highlight, Enter opens the item, n claims the next one.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue-table tbody tr[data-href]"));
  var current = -1;
  function highlight(index) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("table-active", i === current); });
    rows[current].focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "j") { highlight(current + 1); event.preventDefault(); }
    else if (event.key === "k") { highlight(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0) { window.location.href = rows[current].dataset.href; }
    else if (event.key === "n") { var claim = document.getElementById("claim-next"); if (claim) { claim.click(); } }
  });
})();
