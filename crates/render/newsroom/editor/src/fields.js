// Between the editor and the story form. The page comes with one <fieldset class="block"> per
// block (what works without JavaScript); the editor reads them into its document once, then
// keeps the form's b.* fields (hidden inputs, in order) equal to the document after every change,
// so Save, autosave, the workflow buttons and the conflict page post exactly what was written.
import { DOMParser as PMParser, DOMSerializer } from "prosemirror-model";
import { schema } from "./schema.js";

// A document that runs no script and loads no picture: where inline HTML is parsed and written.
const inert = document.implementation.createHTMLDocument("");
const parser = PMParser.fromSchema(schema);
const serializer = DOMSerializer.fromSchema(schema);

function inline(html, type, attrs) {
  const holder = inert.createElement("div");
  holder.innerHTML = html;
  return parser.parse(holder, { topNode: type.create(attrs) });
}

// One server-rendered block fieldset as a node (null for a kind this editor does not know).
export function nodeFromFieldset(set) {
  const value = (name) => { const el = set.querySelector(`[name="b.${name}"]`); return el ? el.value : ""; };
  const problem = set.querySelector(".field-error");
  const error = problem ? problem.textContent : null;
  const n = schema.nodes;
  switch (set.dataset.kind) {
    case "paragraph": return inline(value("text"), n.paragraph, { error });
    case "heading": return inline(value("text"), n.heading, { level: Number(value("level")) || 2, error });
    case "quote": return inline(value("text"), n.quote, { cite: value("cite"), error });
    case "list": {
      const ordered = Boolean(set.querySelector('[name="b.ordered"]:checked'));
      const lines = value("text").split("\n").filter((l) => l.trim() !== "");
      const items = (lines.length ? lines : [""]).map((l) => inline(l, n.list_item));
      return n.list.create({ ordered, error }, items);
    }
    case "image": return n.image.create({ asset: value("asset"), alt: value("alt"), caption: value("caption"), credit: value("credit"), error });
    case "embed": return n.embed.create({ url: value("url"), error });
    case "recommended": return n.recommended.create({ error });
    case "related": return n.related.create({ publication: value("publication"), headline: value("headline"), url: value("url"), error });
    default: return null;
  }
}

export function docFromFieldsets(sets) {
  const blocks = sets.map(nodeFromFieldset).filter(Boolean);
  return schema.nodes.doc.create(null, blocks.length ? blocks : [schema.nodes.paragraph.create()]);
}

// A text block's words with their links and emphasis, as the inline HTML the server reads.
export function inlineHtml(node) {
  const holder = inert.createElement("div");
  holder.appendChild(serializer.serializeFragment(node.content, { document: inert }));
  return holder.innerHTML;
}

// The b.* fields of one block, in the order the server reads them (each b.type starts a block).
export function blockFields(node) {
  const a = node.attrs;
  switch (node.type.name) {
    case "paragraph": return [["type", "paragraph"], ["text", inlineHtml(node)]];
    case "heading": return [["type", "heading"], ["text", inlineHtml(node)], ["level", String(a.level)]];
    case "quote": return [["type", "quote"], ["text", inlineHtml(node)], ["cite", a.cite]];
    case "list": {
      const lines = [];
      node.forEach((item) => lines.push(inlineHtml(item)));
      const f = [["type", "list"], ["text", lines.join("\n")]];
      if (a.ordered) f.push(["ordered", "1"]);
      return f;
    }
    case "image": return [["type", "image"], ["asset", a.asset], ["alt", a.alt], ["caption", a.caption], ["credit", a.credit]];
    case "embed": return [["type", "embed"], ["url", a.url]];
    case "recommended": return [["type", "recommended"]];
    case "related": return [["type", "related"], ["publication", a.publication], ["headline", a.headline], ["url", a.url]];
    default: return [];
  }
}

// Rewrites `box`'s hidden inputs to say what `doc` says.
export function writeFields(box, doc) {
  const inputs = [];
  doc.forEach((node) => {
    for (const [name, value] of blockFields(node)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = `b.${name}`;
      input.value = value;
      inputs.push(input);
    }
  });
  box.replaceChildren(...inputs);
}

