// The newsroom's little JavaScript: the block boxes' add/move/remove (when the rich-text editor,
// editor.js, has not taken the body over), pictures (upload into the library, browse it, see what
// was chosen; shared with editor.js as window.newsroomPictures), confirmation of the actions
// readers notice, autosave, and the soft lock that shows who else has a story open. Everything
// still works by plain form posts without it, except adding blocks and uploading.
"use strict";
(function () {
  const csrf = document.body.dataset.csrf || "";
  const form = document.getElementById("story-form");
  let dirty = false, saving = false;
  function changed() { dirty = true; }

  // Block editor.
  const blocks = document.getElementById("blocks");
  const templates = document.getElementById("block-templates");
  document.addEventListener("click", (ev) => {
    const t = ev.target;
    // The rich-text editor (editor.js), when it runs, owns the body's blocks.
    if (!(t instanceof HTMLElement) || (blocks && blocks.dataset.rich)) return;
    if (t.dataset.add && blocks && templates) {
      const proto = templates.content.querySelector(`.block[data-kind="${t.dataset.add}"]`);
      if (proto) {
        const copy = proto.cloneNode(true);
        blocks.appendChild(copy);
        wirePictures(copy);
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

  // Workflow buttons post the whole story form (the server saves it first). Those that readers
  // notice at once ask first; those that need a time or a note say so before posting.
  document.addEventListener("click", (ev) => {
    const b = ev.target instanceof Element ? ev.target.closest("button[data-needs], button[data-confirm]") : null;
    if (!b) return;
    const needed = b.dataset.needs && document.getElementById(b.dataset.needs);
    if (needed && !needed.value.trim()) {
      ev.preventDefault();
      needed.setAttribute("aria-invalid", "true");
      needed.focus();
      if (needed.reportValidity) { needed.required = true; needed.reportValidity(); needed.required = false; }
      return;
    }
    if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) ev.preventDefault();
  });

  // The headline and deck are one line each, written in a box that wraps: Enter does not break them.
  document.querySelectorAll(".title-input, .deck-input").forEach((box) => {
    box.addEventListener("keydown", (ev) => { if (ev.key === "Enter") ev.preventDefault(); });
  });

  // The dashboard's "tick every story on this page".
  const tickAll = document.getElementById("tick-all");
  if (tickAll) {
    tickAll.addEventListener("change", () => {
      document.querySelectorAll('input[name="ids"]').forEach((box) => { box.checked = tickAll.checked; });
    });
  }

  // Character counts under the headline and deck, against the limits the server holds them to.
  document.querySelectorAll("[data-count-for]").forEach((out) => {
    const input = document.getElementById(out.dataset.countFor);
    if (!input) return;
    const limit = Number(out.dataset.limit);
    const show = () => {
      const n = [...input.value].length;
      out.textContent = `${n} of ${limit} characters`;
      out.classList.toggle("over", n > limit);
    };
    input.addEventListener("input", show);
    show();
  });

  // Pictures. Every picker (the lead image, each image block) is a <select class="media-pick">
  // in a group with its thumbnail, an upload control and a "Browse the library" button.
  const group = (el) => el.closest(".block, .lead-image");
  const pickerOf = (el) => { const g = group(el); return g ? g.querySelector("select.media-pick") : null; };

  // Shows the chosen picture beside its picker and fills empty alt text, caption and credit.
  function chosen(select) {
    const g = group(select);
    if (!g) return;
    const box = g.querySelector(".picked");
    let img = box && box.querySelector("img.thumb");
    if (select.value && box) {
      if (!img) { img = document.createElement("img"); img.className = "thumb"; img.alt = ""; img.width = 192; box.prepend(img); }
      img.src = `/media/thumb/${encodeURIComponent(select.value)}`;
    } else if (img) img.remove();
    const opt = select.selectedOptions[0];
    if (!opt) return;
    for (const f of ["caption", "credit", "alt"]) {
      const input = g.querySelector(`[data-fill="${f}"]`) || (select.id === "f-image_asset" && document.getElementById(`f-image_${f}`));
      if (input && !input.value && opt.dataset[f]) input.value = opt.dataset[f];
    }
  }

  // A new picture in the library is offered by every picker, the blocks not yet added included.
  function offer(media) {
    const selects = [...document.querySelectorAll("select.media-pick")];
    if (templates) selects.push(...templates.content.querySelectorAll("select.media-pick"));
    for (const sel of selects) {
      if ([...sel.options].some((o) => o.value === media.file)) continue;
      const opt = document.createElement("option");
      opt.value = media.file;
      opt.textContent = media.original_name || media.file;
      opt.dataset.caption = media.caption || ""; opt.dataset.credit = media.credit || ""; opt.dataset.alt = media.alt || "";
      sel.appendChild(opt);
    }
    const grid = dialog && dialog.querySelector(".pick-grid");
    if (grid) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.dataset.choose = media.file; b.dataset.text = `${media.original_name || ""} ${media.caption || ""} ${media.credit || ""}`;
      const img = document.createElement("img");
      img.src = `/media/thumb/${encodeURIComponent(media.file)}`; img.alt = media.alt || ""; img.width = 160; img.height = 100; img.loading = "lazy";
      const name = document.createElement("span"); name.textContent = media.original_name || media.file;
      b.append(img, name); li.append(b); grid.prepend(li);
      const empty = grid.querySelector("li.hint"); if (empty) empty.remove();
    }
  }

  async function upload(input) {
    const file = input.files && input.files[0];
    const g = group(input);
    const status = g ? g.querySelector(".upload-status") : document.getElementById("upload-status");
    if (!file) return;
    if (status) status.textContent = "Uploading…";
    const url = `${input.dataset.upload}?name=${encodeURIComponent(file.name)}`;
    let res, body = {};
    try {
      res = await fetch(url, { method: "POST", body: file, headers: { "x-csrf-token": csrf, "content-type": file.type || "application/octet-stream", accept: "application/json" } });
      body = await res.json().catch(() => ({}));
    } catch (e) {
      if (status) status.textContent = `Upload failed: ${e.message}. Nothing was changed; try again.`;
      return;
    }
    if (!res.ok) { if (status) status.textContent = body.error || `Upload failed (${res.status})`; return; }
    if (status) status.textContent = `Uploaded ${body.original_name || body.file} (${body.width}×${body.height})`;
    if (input.dataset.reload) { location.reload(); return; }
    offer(body);
    const sel = pickerOf(input);
    if (sel) { sel.value = body.file; chosen(sel); picked(sel); }
    input.value = "";
  }

  // A picker set by script says so as a person's choice would (the rich-text editor listens).
  function picked(select) {
    changed();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function wirePictures(root) {
    root.querySelectorAll("input[data-upload]").forEach((input) => input.addEventListener("change", () => upload(input)));
    root.querySelectorAll("select.media-pick").forEach((sel) => sel.addEventListener("change", () => chosen(sel)));
  }
  wirePictures(document);
  window.newsroomPictures = { wire: wirePictures, chosen, offer };

  // The library, browsed with thumbnails: the button that opened it says which picker it fills.
  const dialog = document.getElementById("media-library");
  let target = null;
  if (dialog) {
    document.addEventListener("click", (ev) => {
      const open = ev.target instanceof Element ? ev.target.closest("button[data-library]") : null;
      if (open) {
        target = pickerOf(open);
        dialog.showModal();
        const first = dialog.querySelector("#media-filter");
        if (first) first.focus();
        return;
      }
      const choose = ev.target instanceof Element ? ev.target.closest("button[data-choose]") : null;
      if (choose && target) {
        target.value = choose.dataset.choose;
        chosen(target);
        picked(target);
        dialog.close();
        target.focus();
      }
    });
    const filter = dialog.querySelector("#media-filter");
    if (filter) filter.addEventListener("input", () => {
      const q = filter.value.trim().toLowerCase();
      dialog.querySelectorAll("button[data-choose]").forEach((b) => {
        b.parentElement.hidden = q !== "" && !(b.dataset.text || "").toLowerCase().includes(q);
      });
    });
  }

  // The media library's focal point: a click on the picture sets it (in percent, the inputs the
  // form posts), typing in the inputs moves the dot.
  document.querySelectorAll(".focus-pick").forEach((pick) => {
    const form = document.querySelector(`#media-${pick.dataset.for} form.media-edit`);
    const x = form && form.querySelector("[data-focus=x]"), y = form && form.querySelector("[data-focus=y]");
    const dot = pick.querySelector(".focus-dot");
    if (!x || !y || !dot) return;
    const show = () => { dot.style.left = `${Number(x.value) || 0}%`; dot.style.top = `${Number(y.value) || 0}%`; };
    pick.addEventListener("click", (ev) => {
      const r = pick.querySelector("img").getBoundingClientRect();
      x.value = Math.round(Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)) * 100);
      y.value = Math.round(Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height)) * 100);
      show();
      x.focus();
    });
    x.addEventListener("input", show); y.addEventListener("input", show);
    show();
  });

  // The wire queue by keyboard: j and k move through the items, Enter (on the focused link) opens.
  const queue = document.getElementById("wire-queue");
  if (queue) {
    const links = () => [...queue.querySelectorAll("a.wire-open")];
    document.addEventListener("keydown", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || (ev.target instanceof Element && ev.target.closest("input, select, textarea"))) return;
      if (ev.key !== "j" && ev.key !== "k") return;
      const all = links();
      if (!all.length) return;
      const at = all.indexOf(document.activeElement);
      const next = ev.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      all[at < 0 ? 0 : next].focus();
      ev.preventDefault();
    });
  }

  // Autosave and the soft lock. A new story is saved as a draft once its headline has a word
  // (the answer names it; the page then goes on as that story's page), so nothing typed waits
  // for a first press of Save.
  if (form && form.dataset.autosave) {
    const status = document.getElementById("autosave-status");
    const headline = document.getElementById("f-headline");
    let pause;
    // Saves 2 s after typing stops, every 15 s while there are changes, and on demand (tests).
    const soon = () => { changed(); clearTimeout(pause); pause = setTimeout(autosave, 2000); };
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("submit", (ev) => {
      // Save pressed while an autosave is on its way: wait for it, then post with the revision it
      // made (rather than make a second story, or meet our own autosave as a conflict).
      if (saving) {
        ev.preventDefault();
        const again = () => (saving ? setTimeout(again, 100) : form.requestSubmit(ev.submitter));
        again();
        return;
      }
      dirty = false; clearTimeout(pause);
    });
    async function autosave() {
      if (!dirty || saving) return;
      const creating = form.dataset.new === "1";
      if (creating && !(headline && headline.value.trim())) return;
      saving = true; dirty = false;
      try {
        const res = await fetch(form.dataset.autosave, { method: "POST", body: new URLSearchParams(new FormData(form)), headers: { accept: "application/json", "x-autosave": "1" } });
        const body = await res.json().catch(() => ({}));
        if (res.ok) {
          if (creating && body.url) {
            form.action = body.url;
            form.dataset.autosave = body.url;
            form.dataset.lock = `${body.url}/lock`;
            form.dataset.unlock = `${body.url}/unlock`;
            delete form.dataset.new;
            history.replaceState(null, "", body.url);
            startLock();
          }
          document.getElementById("f-revision").value = body.revision;
          const n = document.getElementById("revision-number"); if (n) n.textContent = body.revision;
          if (status) status.textContent = creating
            ? `Saved as a draft (story ${body.id}) at ${new Date().toLocaleTimeString()}`
            : `Saved automatically at ${new Date().toLocaleTimeString()}`;
        } else {
          dirty = true;
          if (status) status.textContent = body.error || `Not saved (${res.status})`;
        }
      } catch (e) {
        dirty = true;
        if (status) status.textContent = `Not saved: ${e.message}`;
      } finally { saving = false; }
    }
    window.newsroomAutosave = autosave;
    setInterval(autosave, 15000);
    const notice = document.getElementById("lock-notice");
    const beat = async () => {
      if (!form.dataset.lock) return;
      const res = await fetch(form.dataset.lock, { method: "POST", headers: { "x-csrf-token": csrf, accept: "application/json" } });
      if (!res.ok || !notice) return;
      const body = await res.json();
      notice.hidden = body.others.length === 0;
      notice.querySelector("span").textContent = body.others.join(", ");
    };
    window.newsroomLockBeat = beat;
    let locking = false;
    function startLock() {
      if (locking || !form.dataset.lock) return;
      locking = true;
      beat(); setInterval(beat, 20000);
    }
    startLock();
    window.addEventListener("beforeunload", (ev) => { if (dirty) { ev.preventDefault(); } });
    // Leaving the page ends this user's lock at once (otherwise it runs out on its own).
    window.addEventListener("pagehide", () => {
      if (form.dataset.unlock) navigator.sendBeacon(form.dataset.unlock, new URLSearchParams({ csrf }));
    });
    window.addEventListener("pageshow", (ev) => { if (ev.persisted) beat(); });
  }
})();
