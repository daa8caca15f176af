// django-rq's job lists: "select all" and row highlighting. django-rq wires them to a jQuery
// plugin, $(...).actions(), that Django's admin no longer has (its actions.js starts itself and
// expects markup django-rq lacks), so those pages threw errors. The boxes also get names.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("action-toggle");
  const boxes = Array.from(document.querySelectorAll("tr input.action-select"));
  const mark = (box) => box.closest("tr").classList.toggle("selected", box.checked);
  boxes.forEach((box) => {
    box.setAttribute("aria-label", `Select job ${box.value}`);
    box.addEventListener("change", () => {
      mark(box);
      if (toggle) toggle.checked = boxes.length > 0 && boxes.every((other) => other.checked);
    });
  });
  if (toggle) {
    toggle.setAttribute("aria-label", "Select all jobs");
    toggle.addEventListener("change", () => boxes.forEach((box) => {
      box.checked = toggle.checked;
      mark(box);
    }));
  }
});
