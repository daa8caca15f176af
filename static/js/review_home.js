// Review home: the "n" key claims the next item, unless the user is typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "n" && !event.target.closest("input,textarea,select")) {
      var claim = document.getElementById("claim-next");
      if (claim) { claim.click(); }
    }
  });
}());
