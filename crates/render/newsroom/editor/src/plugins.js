// The / menu (type / at the start of an empty line to add a block), the drag handle that moves
// a block with the mouse, and pictures dropped or pasted into the body (uploaded to the media
// library, then an image block).
import { Fragment, Slice } from "prosemirror-model";
import { NodeSelection, Plugin, PluginKey } from "prosemirror-state";
import { dropPoint } from "prosemirror-transform";
import { insertBlock, setTextStyle } from "./commands.js";
import { KINDS, schema } from "./schema.js";

// ---- The / menu ----
const slashKey = new PluginKey("slash");

function slashQuery(state) {
  const { $from, empty } = state.selection;
  if (!empty || $from.depth !== 1 || $from.parent.type !== schema.nodes.paragraph) return null;
  const before = $from.parent.textBetween(0, $from.parentOffset, "\n", "\n");
  const m = /^\/([\p{L} ]{0,20})$/u.exec(before);
  if (!m || $from.parent.content.size !== $from.parentOffset) return null;
  return { query: m[1].toLowerCase(), from: $from.start(), to: $from.pos };
}

function matches(query) {
  return KINDS.filter(([kind, label]) => kind.startsWith(query) || label.toLowerCase().includes(query));
}

function choose(view, kind, at) {
  const tr = view.state.tr.delete(at.from, at.to);
  view.dispatch(tr);
  const text = ["paragraph", "heading", "quote", "list", "ordered"].includes(kind);
  (text ? setTextStyle(kind === "heading" ? "heading2" : kind) : insertBlock(kind))(view.state, view.dispatch);
  view.focus();
  focusFields(view);
}

// After an atom block is added, its first field has the focus (a picture's picker, an embed's address).
export function focusFields(view) {
  const sel = view.state.selection;
  if (!(sel instanceof NodeSelection)) return;
  const dom = view.nodeDOM(sel.from);
  const first = dom && dom.querySelector("input:not([type=hidden]):not([type=file]), select, button");
  if (first) first.focus();
}

export function slashMenu() {
  return new Plugin({
    key: slashKey,
    state: {
      init: () => ({ dismissed: null, index: 0 }),
      apply(tr, prev) {
        const meta = tr.getMeta(slashKey);
        if (meta) return { ...prev, ...meta };
        return tr.docChanged ? { ...prev, dismissed: null, index: 0 } : prev;
      },
    },
    props: {
      handleKeyDown(view, ev) {
        const at = slashQuery(view.state);
        const st = slashKey.getState(view.state);
        if (!at || st.dismissed === at.from) return false;
        const items = matches(at.query);
        if (!items.length) return false;
        const move = (d) => view.dispatch(view.state.tr.setMeta(slashKey, { index: (st.index + d + items.length) % items.length }));
        if (ev.key === "ArrowDown") { move(1); return true; }
        if (ev.key === "ArrowUp") { move(-1); return true; }
        if (ev.key === "Enter" || ev.key === "Tab") { choose(view, items[Math.min(st.index, items.length - 1)][0], at); return true; }
        if (ev.key === "Escape") { view.dispatch(view.state.tr.setMeta(slashKey, { dismissed: at.from })); return true; }
        return false;
      },
      attributes(state) {
        const at = slashQuery(state);
        const st = slashKey.getState(state);
        if (!at || st.dismissed === at.from || !matches(at.query).length) return {};
        return { "aria-activedescendant": `slash-${matches(at.query)[Math.min(st.index, matches(at.query).length - 1)][0]}` };
      },
    },
    view(view) {
      const menu = document.createElement("ul");
      menu.id = "slash-menu";
      menu.className = "slash-menu";
      menu.setAttribute("role", "listbox");
      menu.setAttribute("aria-label", "Add a block");
      menu.hidden = true;
      view.dom.parentNode.appendChild(menu);
      menu.addEventListener("mousedown", (ev) => {
        const li = ev.target instanceof Element ? ev.target.closest("li[data-kind]") : null;
        const at = slashQuery(view.state);
        if (li && at) { ev.preventDefault(); choose(view, li.dataset.kind, at); }
      });
      return {
        update(view) {
          const at = slashQuery(view.state);
          const st = slashKey.getState(view.state);
          const items = at && st.dismissed !== at.from ? matches(at.query) : [];
          menu.hidden = items.length === 0;
          if (menu.hidden) return;
          const index = Math.min(st.index, items.length - 1);
          menu.replaceChildren(...items.map(([kind, label, what], i) => {
            const li = document.createElement("li");
            li.id = `slash-${kind}`; li.dataset.kind = kind;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", String(i === index));
            const b = document.createElement("strong"); b.textContent = label;
            const s = document.createElement("span"); s.textContent = what;
            li.append(b, s);
            return li;
          }));
          const box = view.dom.parentNode.getBoundingClientRect();
          const c = view.coordsAtPos(at.to);
          menu.style.top = `${c.bottom - box.top + 4}px`;
          menu.style.left = `${Math.max(0, c.left - box.left)}px`;
        },
        destroy() { menu.remove(); },
      };
    },
  });
}

// ---- The drag handle ----
export function dragHandle() {
  return new Plugin({
    view(view) {
      const handle = document.createElement("div");
      handle.className = "rich-handle";
      handle.draggable = true;
      handle.setAttribute("aria-hidden", "true");
      handle.title = "Drag to move this block (by keyboard: Alt+↑ and Alt+↓)";
      handle.textContent = "⠿";
      handle.hidden = true;
      const host = view.dom.parentNode;
      host.appendChild(handle);
      let over = null;
      const place = (ev) => {
        if (!view.editable) return;
        let el = ev.target instanceof Element ? ev.target : null;
        while (el && el.parentNode !== view.dom) el = el.parentNode;
        if (!el || el === over) return;
        over = el;
        const box = host.getBoundingClientRect(), r = el.getBoundingClientRect();
        handle.style.top = `${r.top - box.top}px`;
        handle.hidden = false;
      };
      view.dom.addEventListener("mousemove", place);
      handle.addEventListener("dragstart", (ev) => {
        if (!over) return;
        const pos = view.posAtDOM(over, 0);
        const index = view.state.doc.resolve(Math.min(pos, view.state.doc.content.size)).index(0);
        const start = view.state.doc.resolve(0).posAtIndex(index, 0);
        const sel = NodeSelection.create(view.state.doc, start);
        view.dispatch(view.state.tr.setSelection(sel));
        const slice = sel.content();
        const { dom, text } = view.serializeForClipboard(slice);
        ev.dataTransfer.clearData();
        ev.dataTransfer.setData("text/html", dom.innerHTML);
        ev.dataTransfer.setData("text/plain", text);
        ev.dataTransfer.effectAllowed = "copyMove";
        ev.dataTransfer.setDragImage(over, 0, 0);
        view.dragging = { slice, move: true, node: sel };
      });
      handle.addEventListener("dragend", () => { handle.hidden = true; over = null; });
      return { destroy() { handle.remove(); view.dom.removeEventListener("mousemove", place); } };
    },
  });
}

// ---- Pictures dropped or pasted ----
const imageFiles = (list) => [...(list || [])].filter((f) => /^image\/(jpeg|png|webp|gif|avif)$/.test(f.type));

async function uploadAndInsert(view, files, pos, status) {
  const csrf = document.body.dataset.csrf || "";
  for (const file of files) {
    status(`Uploading ${file.name}…`);
    let res, body = {};
    try {
      res = await fetch(`/newsroom/media?name=${encodeURIComponent(file.name)}`, {
        method: "POST", body: file,
        headers: { "x-csrf-token": csrf, "content-type": file.type, accept: "application/json" },
      });
      body = await res.json().catch(() => ({}));
    } catch (e) {
      status(`${file.name} was not uploaded: ${e.message}. Nothing was changed; try again.`);
      continue;
    }
    if (!res.ok) { status(`${file.name} was not uploaded: ${body.detail || body.error || res.status}`); continue; }
    if (window.newsroomPictures) window.newsroomPictures.offer(body);
    const node = schema.nodes.image.create({ asset: body.file, alt: body.alt || "", caption: body.caption || "", credit: body.credit || "" });
    const state = view.state;
    const at = dropPoint(state.doc, Math.min(pos, state.doc.content.size), new Slice(Fragment.from(node), 0, 0)) ?? state.doc.content.size;
    const tr = state.tr.insert(at, node);
    tr.setSelection(NodeSelection.create(tr.doc, at));
    view.dispatch(tr.scrollIntoView());
    pos = at + node.nodeSize;
    status(`Uploaded ${body.original_name || body.file}${body.alt ? "" : ": describe it for readers who cannot see it (alt text)"}.`);
    const alt = view.nodeDOM(at)?.querySelector("[data-field=alt]");
    if (alt && !alt.value) alt.focus(); else focusFields(view);
  }
}

export function pictureDrops(status) {
  return new Plugin({
    props: {
      handleDrop(view, ev) {
        const files = imageFiles(ev.dataTransfer && ev.dataTransfer.files);
        if (!files.length) return false;
        const at = view.posAtCoords({ left: ev.clientX, top: ev.clientY });
        uploadAndInsert(view, files, at ? at.pos : view.state.selection.to, status);
        return true;
      },
      handlePaste(view, ev) {
        const files = imageFiles(ev.clipboardData && ev.clipboardData.files);
        if (!files.length) return false;
        uploadAndInsert(view, files, view.state.selection.to, status);
        return true;
      },
    },
  });
}

