// The notice form: show the law field and the "is it you?" help only for the categories they
// belong to. Without JavaScript everything stays visible.
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  if (!form) { return; }
  var blocks = form.querySelectorAll("[data-show-for]");
  function update() {
    var checked = form.querySelector("input[name=category]:checked");
    var value = checked ? checked.value : "";
    blocks.forEach(function (block) {
      block.hidden = block.getAttribute("data-show-for") !== value;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "category") { update(); }
  });
  update();
}());
