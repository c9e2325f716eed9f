// The newsroom's little JavaScript: the block editor's add/move/remove, uploads to the media
// library, autosave, and the soft lock that shows who else has a story open. Everything still
// works by plain form posts without it, except adding blocks and uploading.
"use strict";
(function () {
  const csrf = document.body.dataset.csrf || "";

  // Block editor.
  const blocks = document.getElementById("blocks");
  const templates = document.getElementById("block-templates");
  document.addEventListener("click", (ev) => {
    const t = ev.target;
    if (!(t instanceof HTMLElement)) return;
    if (t.dataset.add && blocks && templates) {
      const proto = templates.content.querySelector(`.block[data-kind="${t.dataset.add}"]`);
      if (proto) {
        const copy = proto.cloneNode(true);
        blocks.appendChild(copy);
        const first = copy.querySelector("textarea, input:not([type=hidden]), select");
        if (first) first.focus();
        changed();
      }
    } else if (t.dataset.move) {
      const block = t.closest(".block");
      if (!block) return;
      if (t.dataset.move === "-1" && block.previousElementSibling) block.parentNode.insertBefore(block, block.previousElementSibling);
      if (t.dataset.move === "1" && block.nextElementSibling) block.parentNode.insertBefore(block.nextElementSibling, block);
      changed();
    } else if (t.hasAttribute("data-remove")) {
      const block = t.closest(".block");
      if (block) { block.remove(); changed(); }
    }
  });

  // Uploads: the file goes to the media library, then is chosen in the target picker.
  document.querySelectorAll("input[data-upload]").forEach((input) => {
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      const status = document.getElementById("upload-status");
      if (!file) return;
      if (status) status.textContent = "Uploading…";
      const url = `${input.dataset.upload}?name=${encodeURIComponent(file.name)}`;
      const res = await fetch(url, { method: "POST", body: file, headers: { "x-csrf-token": csrf, "content-type": file.type || "application/octet-stream", accept: "application/json" } });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) { if (status) status.textContent = body.error || `Upload failed (${res.status})`; return; }
      if (status) status.textContent = `Uploaded ${body.file} (${body.width}×${body.height})`;
      if (input.dataset.reload) { location.reload(); return; }
      const target = document.getElementById(input.dataset.target);
      if (target) {
        document.querySelectorAll("select.media-pick").forEach((sel) => {
          const opt = document.createElement("option");
          opt.value = body.file; opt.textContent = body.original_name || body.file;
          sel.appendChild(opt);
        });
        target.value = body.file;
        changed();
      }
    });
  });

  // Autosave and the soft lock.
  const form = document.getElementById("story-form");
  let dirty = false, saving = false;
  function changed() { dirty = true; }
  if (form && form.dataset.autosave) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", () => { dirty = false; });
    const status = document.getElementById("autosave-status");
    // Saves when something changed since the last save; every 15 s, and on demand (tests).
    const autosave = async () => {
      if (!dirty || saving) return;
      saving = true; dirty = false;
      try {
        const res = await fetch(form.dataset.autosave, { method: "POST", body: new URLSearchParams(new FormData(form)), headers: { accept: "application/json", "x-autosave": "1" } });
        const body = await res.json().catch(() => ({}));
        if (res.ok) {
          document.getElementById("f-revision").value = body.revision;
          const n = document.getElementById("revision-number"); if (n) n.textContent = body.revision;
          if (status) status.textContent = `Saved automatically at ${new Date().toLocaleTimeString()}`;
        } else {
          dirty = true;
          if (status) status.textContent = body.error || `Not saved (${res.status})`;
        }
      } finally { saving = false; }
    };
    window.newsroomAutosave = autosave;
    setInterval(autosave, 15000);
    const notice = document.getElementById("lock-notice");
    const beat = async () => {
      const res = await fetch(form.dataset.lock, { method: "POST", headers: { "x-csrf-token": csrf, accept: "application/json" } });
      if (!res.ok || !notice) return;
      const body = await res.json();
      notice.hidden = body.others.length === 0;
      notice.querySelector("span").textContent = body.others.join(", ");
    };
    window.newsroomLockBeat = beat;
    beat(); setInterval(beat, 20000);
    window.addEventListener("beforeunload", (ev) => { if (dirty) { ev.preventDefault(); } });
  }

  // The Lead image picker fills caption and credit from the library when they are empty.
  const pick = document.getElementById("f-image_asset");
  if (pick) pick.addEventListener("change", () => {
    const opt = pick.selectedOptions[0];
    if (!opt) return;
    for (const f of ["caption", "credit", "alt"]) {
      const input = document.getElementById(`f-image_${f}`);
      if (input && !input.value && opt.dataset[f]) input.value = opt.dataset[f];
    }
  });
})();
