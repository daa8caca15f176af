// The review page: reveal blurred media on click, keep the claim alive while the page is open,
// and the keys (j/k move, a/r/c/e choose the outcome, n submits and goes on, v reveals, ? helps).
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) { return; }

  document.querySelectorAll("[data-reveal]").forEach(function (frame) {
    frame.addEventListener("click", function () { frame.classList.remove("is-blurred"); });
  });

  // Renew the lease every minute while the page is open (CLAIM_LEASE_MINUTES is longer).
  if (root.dataset.held === "1") {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    window.setInterval(function () {
      fetch(root.dataset.heartbeatUrl, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 409) {
            return response.json().then(function (data) {
              var state = document.getElementById("claim-state");
              if (state) { state.textContent = data.message; state.className = "badge text-bg-warning"; }
            });
          }
        });
    }, 60000);
  }

  var form = document.getElementById("decision-form");
  // Offer only the reasons of the chosen outcome; pick the one the findings suggest, if none is chosen.
  function offerReasonsFor(outcome) {
    var select = form.querySelector("select[name=reason]");
    if (!select) { return; }
    select.querySelectorAll("option[data-outcomes]").forEach(function (option) {
      var fits = option.dataset.outcomes.split(" ").indexOf(outcome) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) { select.value = ""; }
    });
    var suggested = select.getAttribute("data-suggest-" + outcome);
    if (!select.value && suggested) { select.value = suggested; }
  }
  function showFieldsFor(outcome) {
    if (!form) { return; }
    form.querySelectorAll("[data-for]").forEach(function (block) {
      block.hidden = block.dataset.for.split(" ").indexOf(outcome) === -1;
    });
    offerReasonsFor(outcome);
  }
  function choose(outcome) {
    var radio = document.getElementById("outcome-" + outcome);
    if (!radio || radio.disabled) { return; }
    radio.checked = true;
    showFieldsFor(outcome);
    var focus = { rejected: "id_reason", changes_requested: "id_reason", escalated: "id_note" }[outcome];
    if (focus && document.getElementById(focus)) { document.getElementById(focus).focus(); }
  }
  if (form) {
    form.querySelectorAll("input[name=outcome]").forEach(function (radio) {
      radio.addEventListener("change", function () { showFieldsFor(radio.value); });
    });
    var checked = form.querySelector("input[name=outcome]:checked");
    showFieldsFor(checked ? checked.value : "");
  }

  var keys = { a: "approved", r: "rejected", c: "changes_requested", e: "escalated" };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.closest("input[type=text], input[type=number], textarea, select")) { return; }
    if (keys[event.key] && form) { choose(keys[event.key]); event.preventDefault(); }
    else if (event.key === "n" && form) { document.getElementById("decide-next").click(); event.preventDefault(); }
    else if (event.key === "j" && root.dataset.nextUrl) { window.location.href = root.dataset.nextUrl; }
    else if (event.key === "k" && root.dataset.prevUrl) { window.location.href = root.dataset.prevUrl; }
    else if (event.key === "v") { document.querySelectorAll(".is-blurred").forEach(function (f) { f.classList.remove("is-blurred"); }); }
    else if (event.key === "?") { bootstrap.Modal.getOrCreateInstance(document.getElementById("keys-help")).show(); }
  });
})();
