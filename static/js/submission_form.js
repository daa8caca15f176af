// The submission form: add depicted-person rows, and show the EU-only fields for the EU.
(function () {
  "use strict";
  var addButton = document.getElementById("add-person");
  var template = document.getElementById("person-template");
  var total = document.getElementById("id_persons-TOTAL_FORMS");
  if (addButton && template && total) {
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("persons").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  }
  var euFields = document.getElementById("eu-fields");
  var regionInputs = document.querySelectorAll("input[name=region]");
  function showEuFields() {
    var checked = document.querySelector("input[name=region]:checked");
    if (euFields) { euFields.hidden = !checked || checked.value !== "eu"; }
  }
  regionInputs.forEach(function (input) { input.addEventListener("change", showEuFields); });
  showEuFields();
})();
