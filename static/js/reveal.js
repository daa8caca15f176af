// Blurred media (the moderator's wellness setting) show as they are once clicked.
(function () {
  "use strict";
  document.querySelectorAll("[data-reveal]").forEach(function (frame) {
    frame.addEventListener("click", function () { frame.classList.remove("is-blurred"); });
  });
}());
