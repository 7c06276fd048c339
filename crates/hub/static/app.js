// Progressive enhancement only: every page works without this script.
"use strict";
// PRF-8: when the Administrator turned client logging on, this page's script errors go to the
// hub's log (at most 10 per page), with the CSRF token the page carries.
(() => {
  const meta = document.querySelector('meta[name="pb-client-log"]');
  if (!meta) return;
  let left = 10;
  const report = (level, message, source, line) => {
    if (left-- <= 0) return;
    fetch("/com/client-log", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta.content },
      body: JSON.stringify({ level, message: String(message).slice(0, 1000), source: source ? String(source).slice(0, 300) : null, line: line || null, page: location.pathname }),
      keepalive: true,
    }).catch(() => {});
  };
  window.addEventListener("error", (e) => report("error", e.message, e.filename, e.lineno));
  window.addEventListener("unhandledrejection", (e) => report("error", e.reason && e.reason.message ? e.reason.message : e.reason, null, null));
})();
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
  // RMT-6: copy a generated command, the proxy password typed on the page in place of its mask
  // (the password is never sent to the hub).
  for (const el of document.querySelectorAll(".js-only")) el.hidden = false;
  const secret = document.querySelector("[data-copy-secret]");
  const status = document.getElementById("copy-status");
  for (const button of document.querySelectorAll("button[data-copy-command]")) {
    button.addEventListener("click", async () => {
      const code = document.getElementById(button.dataset.copyCommand);
      if (!code) return;
      let text = code.textContent;
      if (secret && secret.value) text = text.split(secret.dataset.copySecret).join(secret.value.replace(/'/g, "'\\''"));
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = status.dataset.copied;
      } catch (e) {
        if (status) status.textContent = e.message;
      }
    });
  }
  // CST-3: a file dropped on an upload form is uploaded (the file chooser works without this).
  for (const zone of document.querySelectorAll("form[data-dropzone]")) {
    const input = zone.querySelector("input[type=file]");
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("dragging");
      if (!input || !e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      zone.requestSubmit();
    });
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
  // DEV-7: search as you type — fetch the same page and swap the results.
  for (const form of document.querySelectorAll("form[data-live-search]")) {
    const target = document.getElementById(form.dataset.liveSearch);
    const input = form.querySelector("input[type=search]");
    if (!target || !input) continue;
    let timer = null;
    let seq = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++seq;
        const params = new URLSearchParams(new FormData(form));
        params.delete("start");
        const url = form.getAttribute("action") + "?" + params.toString();
        const r = await fetch(url, { credentials: "same-origin", redirect: "error" });
        if (!r.ok || mine !== seq) return;
        const doc = new DOMParser().parseFromString(await r.text(), "text/html");
        const fresh = doc.getElementById(target.id);
        if (fresh) { target.innerHTML = fresh.innerHTML; history.replaceState(null, "", url); }
      }, 250);
    });
  }
  // Copy buttons (hidden without JavaScript).
  for (const b of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(b.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    b.hidden = false;
    b.addEventListener("click", async () => {
      await navigator.clipboard.writeText(source.textContent.trim());
      const label = b.textContent;
      b.textContent = "✓";
      setTimeout(() => { b.textContent = label; }, 1500);
    });
  }
  // MOB-1: "Next" only once the confirmation matches (the server checks it all the same).
  for (const confirm of document.querySelectorAll("input[data-must-match]")) {
    const first = document.getElementById(confirm.dataset.mustMatch);
    const submit = confirm.form && confirm.form.querySelector("button[type=submit]");
    if (!first || !submit) continue;
    const apply = () => {
      const a = first.value.trim();
      submit.disabled = a === "" || a !== confirm.value.trim();
    };
    first.addEventListener("input", apply);
    confirm.addEventListener("input", apply);
    apply();
  }
  // Print buttons (hidden without JavaScript: the browser's own print works there).
  for (const b of document.querySelectorAll("button[data-print]")) {
    b.hidden = false;
    b.addEventListener("click", () => window.print());
  }
  // DEV-1: show only the fields of the chosen device kind.
  for (const form of document.querySelectorAll("form[data-device-kinds]")) {
    const apply = () => {
      const kind = (form.querySelector("input[name=kind]:checked") || {}).value || "customer";
      for (const el of form.querySelectorAll("[data-kind]")) el.hidden = !el.dataset.kind.split(" ").includes(kind);
    };
    form.addEventListener("change", (e) => { if (e.target.name === "kind") apply(); });
    apply();
  }
  // Options of one select narrowed by another: models by vendor, numbers by location.
  const narrow = (source, target, key) => {
    const apply = () => {
      const v = source.value;
      for (const g of target.querySelectorAll("optgroup")) g.hidden = v !== "" && g.dataset[key] !== v;
      const sel = target.selectedOptions[0];
      if (sel && sel.parentElement.tagName === "OPTGROUP" && sel.parentElement.hidden) target.value = "";
    };
    source.addEventListener("change", apply);
    apply();
  };
  for (const s of document.querySelectorAll("select[data-vendor-filter]")) {
    const t = document.getElementById(s.dataset.vendorFilter);
    if (t) narrow(s, t, "vendor");
  }
  for (const t of document.querySelectorAll("select[data-follows]")) {
    const s = document.getElementById(t.dataset.follows);
    if (s) narrow(s, t, "location");
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
  // JOB-2: a running job's details refresh in place until it ends (a Refresh link without script).
  const job = document.querySelector("[data-live-refresh]");
  if (job) {
    const timer = setInterval(async () => {
      const r = await fetch(window.location.href, { credentials: "same-origin", redirect: "error" });
      if (!r.ok) return;
      const next = new DOMParser().parseFromString(await r.text(), "text/html").getElementById(job.id);
      if (!next) return;
      const before = document.getElementById("job-status")?.textContent;
      job.innerHTML = next.innerHTML;
      const after = document.getElementById("job-status")?.textContent;
      // Only a change of the job's status is announced, not every refresh.
      const announce = document.getElementById("job-announce");
      if (announce && after && after !== before) announce.textContent = after;
      if (!next.hasAttribute("data-live-refresh")) clearInterval(timer);
    }, 3000);
  }
});
