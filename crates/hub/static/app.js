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
  // OPR-5: live dashboard — swap in the charts fragment the server pushes (SSE), else poll.
  const live = document.getElementById("dashboard-live");
  if (live && live.dataset.events && "EventSource" in window) {
    const source = new EventSource(live.dataset.events);
    source.addEventListener("dashboard", (e) => { live.innerHTML = e.data; });
  } else if (live && live.dataset.live) {
    setInterval(async () => {
      const r = await fetch(live.dataset.live, { credentials: "same-origin", redirect: "error" });
      if (r.ok) live.innerHTML = await r.text();
    }, 10000);
  }
});
