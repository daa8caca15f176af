// Behaviour every page shares, wired here because the CSP forbids inline handlers:
// - a select marked data-submit-on-change sends its form (the language switch);
// - a form marked data-confirm asks first and is sent only if the user agrees.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
}());
