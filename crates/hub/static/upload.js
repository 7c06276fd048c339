// SWR-1: resumable release uploads (tus 1.0.0) from the repository page. Without this script the
// form posts the whole file in one request; with it, the file goes in parts and an unfinished
// upload of the same file (name, size, version) resumes where the hub says it stopped.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-tus]");
  if (!form || !window.fetch || !window.File || !File.prototype.slice) return;
  const PART = 16 * 1024 * 1024;
  const bar = document.getElementById("upload-bar");
  const status = document.getElementById("upload-status");
  const box = document.getElementById("upload-progress");
  const submit = document.getElementById("release-upload-submit");
  const say = (key, extra) => { status.textContent = form.dataset[key] + (extra ? " " + extra : ""); };
  const base = form.dataset.tus;
  const headers = (more) => Object.assign({ "Tus-Resumable": "1.0.0", "X-CSRF-Token": form.dataset.csrf }, more);
  const b64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const ask = (method, url, opts) =>
    fetch(url, Object.assign({ method, credentials: "same-origin", redirect: "error" }, opts));

  // The unfinished upload of this file, listed by the page, if any.
  const pending = (file, version) => {
    for (const li of document.querySelectorAll("#open-uploads [data-upload]")) {
      if (li.dataset.name === file.name && Number(li.dataset.length) === file.size && li.dataset.version === version) {
        return base + "/" + li.dataset.upload;
      }
    }
    return null;
  };
  const offsetOf = async (url) => {
    const r = await ask("HEAD", url, { headers: headers() });
    if (r.status === 404) return null; // forgotten: start again from zero
    if (!r.ok) throw new Error("HTTP " + r.status);
    return Number(r.headers.get("Upload-Offset"));
  };
  const create = async (file, fields) => {
    const meta = [["filename", file.name], ["version", fields.version], ["profile", fields.profile]];
    if (fields.phoneFirmware) meta.push(["phoneFirmware", fields.phoneFirmware]);
    const r = await ask("POST", base, {
      headers: headers({ "Upload-Length": String(file.size), "Upload-Metadata": meta.map(([k, v]) => k + " " + b64(v)).join(",") }),
    });
    if (r.status !== 201) {
      // The hub's reasons (a field that breaks a rule, a release that exists) are on its page:
      // send the form without the script to show them in place.
      return null;
    }
    return new URL(r.headers.get("Location"), window.location.href).pathname;
  };

  form.addEventListener("submit", async (ev) => {
    const file = form.querySelector("input[type=file]").files[0];
    if (!file || !form.checkValidity()) return;
    ev.preventDefault();
    if (file.size > Number(form.dataset.max)) { box.hidden = false; say("msgTooLarge"); return; }
    const fields = Object.fromEntries(["version", "profile", "phoneFirmware"].map((n) => [n, (form.elements[n].value || "").trim()]));
    submit.disabled = true;
    box.hidden = false;
    let url = pending(file, fields.version);
    let offset = null;
    if (url) { say("msgResuming"); offset = await offsetOf(url).catch(() => null); }
    if (offset === null) {
      url = await create(file, fields).catch(() => null);
      if (!url) { form.submit(); return; }
      offset = 0;
    }
    let failures = 0;
    while (offset < file.size) {
      bar.value = Math.floor((offset * 100) / file.size);
      say("msgSending", bar.value + " %");
      const part = file.slice(offset, Math.min(offset + PART, file.size));
      try {
        const r = await ask("PATCH", url, {
          headers: headers({ "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" }),
          body: part,
        });
        if (r.status === 204) {
          offset = Number(r.headers.get("Upload-Offset"));
          failures = 0;
          if (offset === file.size) say("msgFinishing");
          continue;
        }
        if (r.status !== 409 && r.status !== 460 && r.status < 500) throw new Error("HTTP " + r.status);
      } catch (e) {
        if (++failures > 8) { say("msgFailed", e.message); submit.disabled = false; return; }
      }
      // Where did the hub stop? Resume from there (a network cut, a conflict, a bad part).
      say("msgRetrying");
      await sleep(Math.min(30000, 1000 * 2 ** failures));
      const at = await offsetOf(url).catch(() => undefined);
      if (at === null) { url = await create(file, fields).catch(() => null); offset = 0; if (!url) { form.submit(); return; } }
      else if (at !== undefined) offset = at;
    }
    bar.value = 100;
    window.location.assign(window.location.pathname + "?done=uploaded");
  });
});
