// Live check status: while checks run (or an approved item is being published), poll the status
// endpoint and update the table and the publishing progress bar in place; reload once when
// everything has finished or the status moved on, so findings and the new status appear. A slow
// check (OCR) may finish while a moderator writes a decision: then a notice asks for the reload
// instead of throwing the text away.
(function () {
  "use strict";
  var card = document.getElementById("checks-card");
  if (!card || card.dataset.live !== "1") { return; }
  var url = card.dataset.statusUrl;
  function writing() {
    var fields = document.querySelectorAll("#decision-form textarea, #decision-form input[type=text]");
    return Array.prototype.some.call(fields, function (field) { return field.value.trim() !== ""; });
  }
  function updateProgress(publication) {
    var bar = document.getElementById("publishing-progress");
    if (!bar || !publication) { return; }
    var percent = Math.max(0, Math.min(100, Math.floor(publication.progress) || 0));
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", percent + "%");
    var fill = bar.querySelector(".progress-bar");
    fill.className = fill.className.replace(/\bprogress-step-\d+\b/, "progress-step-" + (percent - percent % 5));
    var text = document.getElementById("publishing-percent");
    if (text) { text.textContent = percent + "%"; }
  }
  function update(data) {
    updateProgress(data.publication);
    data.checks.forEach(function (check) {
      var row = card.querySelector('tr[data-kind="' + check.kind + '"]');
      if (!row) { return; }
      var badge = row.querySelector('[data-field="status"]');
      badge.textContent = check.status_display;
      badge.className = "badge run-" + check.status;
      row.querySelector('[data-field="summary"]').textContent = check.summary;
    });
    var status = document.querySelector("#submission-status .badge");
    if (status) { status.textContent = data.status_display; }
    // While publishing the checks are done: wait for the status to change instead.
    var publishing = data.status === "publishing";
    if (!publishing && (data.status !== card.dataset.status || (data.finished && data.checks.length))) {
      if (data.status === card.dataset.status && writing()) {
        document.getElementById("checks-finished-notice").classList.remove("d-none");
        return;
      }
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 1500);
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
