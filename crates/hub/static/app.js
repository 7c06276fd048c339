// Progressive enhancement only: every page works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Select-all checkbox and the selected counter.
  for (const all of document.querySelectorAll("[data-select-all]")) {
    const table = all.closest("table");
    const boxes = () => table.querySelectorAll("tbody input[type=checkbox]:not(:disabled)");
    const counter = document.querySelector("[data-selected-counter]");
    const update = () => {
      if (counter) counter.textContent = [...boxes()].filter(b => b.checked).length + " ✓";
    };
    all.addEventListener("change", () => { boxes().forEach(b => { b.checked = all.checked; }); update(); });
    table.addEventListener("change", update);
  }
  // Selects that apply themselves.
  for (const sel of document.querySelectorAll("select[data-autosubmit]")) {
    sel.addEventListener("change", () => sel.form.submit());
  }
  // The login page re-renders in the chosen language.
  for (const sel of document.querySelectorAll("select[data-autosubmit-lang]")) {
    sel.addEventListener("change", () => {
      const login = sel.form.querySelector("input[name=login]");
      if (!login || !login.value) window.location = "/com/login?lang=" + encodeURIComponent(sel.value);
    });
  }
});
