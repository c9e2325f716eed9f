// How the blocks that are not running text look and are edited inside the body: pictures,
// embeds, the recommended slot and related links are the same boxes the page has without
// JavaScript (cloned from #block-templates), their fields written into the node's attributes;
// a quote is its words in the text flow with "who said it" beside them.
import { moveBlock, removeBlock } from "./commands.js";

const pictures = () => window.newsroomPictures;

// The atom block's box: the template's fieldset with its inputs renamed from b.* (the form's
// fields are the hidden ones the document writes) to data-field.
function boxFor(kind) {
  const proto = document.querySelector(`#block-templates`)?.content.querySelector(`.block[data-kind="${kind}"]`);
  const box = proto ? proto.cloneNode(true) : document.createElement("fieldset");
  box.classList.add("block");
  box.dataset.kind = kind;
  box.setAttribute("contenteditable", "false");
  box.querySelectorAll("[name^='b.']").forEach((el) => {
    const name = el.getAttribute("name").slice(2);
    el.removeAttribute("name");
    if (name === "type") el.remove(); else el.dataset.field = name;
  });
  return box;
}

class AtomView {
  constructor(node, view, getPos) {
    this.node = node; this.view = view; this.getPos = getPos;
    this.dom = boxFor(node.type.name);
    this.fields = [...this.dom.querySelectorAll("[data-field]")];
    this.show(node);
    if (node.type.name === "image" && pictures()) pictures().wire(this.dom);
    const sync = () => this.save();
    this.dom.addEventListener("input", sync);
    this.dom.addEventListener("change", sync);
    this.dom.addEventListener("click", (ev) => {
      const b = ev.target instanceof Element ? ev.target.closest("button") : null;
      if (!b) return;
      if (b.dataset.move) { moveBlock(Number(b.dataset.move), this.getPos())(view.state, view.dispatch); b.focus(); }
      else if (b.hasAttribute("data-remove")) { removeBlock(this.getPos())(view.state, view.dispatch); view.focus(); }
    });
  }
  show(node) {
    for (const el of this.fields) {
      const v = node.attrs[el.dataset.field] ?? "";
      if (el.tagName === "SELECT" && v && ![...el.options].some((o) => o.value === v)) {
        const opt = document.createElement("option");
        opt.value = v; opt.textContent = "The story's picture (not in the library)";
        el.appendChild(opt);
      }
      if (el.value !== v && document.activeElement !== el) {
        el.value = v;
        if (el.tagName === "SELECT" && pictures()) pictures().chosen(el);
      }
    }
    let problem = this.dom.querySelector(".field-error");
    if (node.attrs.error && !problem) {
      problem = document.createElement("p");
      problem.className = "field-error"; problem.setAttribute("role", "alert");
      this.dom.querySelector(".block-tools")?.before(problem);
    }
    if (problem) { if (node.attrs.error) problem.textContent = node.attrs.error; else problem.remove(); }
  }
  save() {
    const attrs = { ...this.node.attrs, error: null };
    for (const el of this.fields) attrs[el.dataset.field] = el.value;
    if (Object.keys(attrs).every((k) => attrs[k] === this.node.attrs[k])) return;
    const pos = this.getPos();
    if (pos == null) return;
    this.view.dispatch(this.view.state.tr.setNodeMarkup(pos, null, attrs));
  }
  update(node) {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.show(node);
    return true;
  }
  selectNode() { this.dom.classList.add("ProseMirror-selectednode"); }
  deselectNode() { this.dom.classList.remove("ProseMirror-selectednode"); }
  // The box's own controls keep their events; a press on the box itself selects the block.
  stopEvent(ev) {
    return ev.target instanceof Element && ev.target !== this.dom && Boolean(ev.target.closest("input, select, textarea, button, label, dialog"));
  }
  ignoreMutation() { return true; }
}

class QuoteView {
  constructor(node, view, getPos) {
    this.node = node; this.view = view; this.getPos = getPos;
    this.dom = document.createElement("div");
    this.dom.className = "rich-quote";
    this.contentDOM = document.createElement("blockquote");
    const label = document.createElement("label");
    label.setAttribute("contenteditable", "false");
    label.textContent = "Who said it ";
    this.cite = document.createElement("input");
    this.cite.dataset.field = "cite";
    this.cite.value = node.attrs.cite;
    label.appendChild(this.cite);
    this.dom.append(this.contentDOM, label);
    this.cite.addEventListener("input", () => {
      const pos = this.getPos();
      if (pos != null) view.dispatch(view.state.tr.setNodeMarkup(pos, null, { ...this.node.attrs, cite: this.cite.value }));
    });
  }
  update(node) {
    if (node.type !== this.node.type) return false;
    this.node = node;
    if (this.cite.value !== node.attrs.cite && document.activeElement !== this.cite) this.cite.value = node.attrs.cite;
    return true;
  }
  stopEvent(ev) { return ev.target === this.cite; }
  ignoreMutation(m) { return m.type !== "selection" && !this.contentDOM.contains(m.target); }
}

const atom = (node, view, getPos) => new AtomView(node, view, getPos);
export const nodeViews = { image: atom, embed: atom, recommended: atom, related: atom, quote: (n, v, g) => new QuoteView(n, v, g) };
