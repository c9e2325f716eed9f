// The story body as ProseMirror holds it: the server's blocks (core::Block) one for one, and the
// inline marks the server keeps (core::inline::MarkKind). Anything a paste brings that is not
// here is dropped by the parser; the server checks everything again (the browser is not trusted).
import { Schema } from "prosemirror-model";

// Where a link may point: the web, an email address, or a path on this site. The same rule as
// the server's (core::inline), so the editor can say so before saving.
export function linkAllowed(href) {
  const h = (href || "").trim();
  if (!h || h.length > 2000 || /[\s\x00-\x1f\x7f]/.test(h)) return false;
  const lower = h.toLowerCase();
  const web = /^https?:\/\/(.*)$/.exec(lower);
  if (web) { const host = web[1].split(/[/?#]/)[0]; return host !== "" && !host.startsWith(":"); }
  if (lower.startsWith("mailto:")) return lower.length > 7;
  return h.startsWith("/") && !h.startsWith("//") && !h.startsWith("/\\");
}

const error = { default: null };
const clampLevel = (n) => Math.min(4, Math.max(2, n));
const field = (dom, name) => dom.getAttribute(`data-${name}`) || "";

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block", content: "inline*", attrs: { error },
      parseDOM: [{ tag: "p" }],
      toDOM: () => ["p", 0],
    },
    heading: {
      group: "block", content: "inline*", defining: true, attrs: { level: { default: 2 }, error },
      parseDOM: [1, 2, 3, 4, 5, 6].map((n) => ({ tag: `h${n}`, attrs: { level: clampLevel(n) } })),
      toDOM: (node) => [`h${node.attrs.level}`, 0],
    },
    quote: {
      group: "block", content: "inline*", defining: true, attrs: { cite: { default: "" }, error },
      parseDOM: [{
        tag: "blockquote",
        contentElement: (dom) => dom.querySelector("p") || dom,
        getAttrs: (dom) => ({ cite: field(dom, "cite") }),
      }],
      toDOM: (node) => ["blockquote", { "data-cite": node.attrs.cite }, ["p", 0]],
    },
    list: {
      group: "block", content: "list_item+", attrs: { ordered: { default: false }, error },
      parseDOM: [{ tag: "ul", attrs: { ordered: false } }, { tag: "ol", attrs: { ordered: true } }],
      toDOM: (node) => [node.attrs.ordered ? "ol" : "ul", 0],
    },
    list_item: {
      content: "inline*", defining: true,
      parseDOM: [{ tag: "li", contentElement: (dom) => dom.querySelector(":scope > p") || dom }],
      toDOM: () => ["li", 0],
    },
    // Pictures come from the media library. A pasted web page's <img> is not one, so only the
    // editor's own copies (data-nd-block) parse back into a picture.
    image: {
      group: "block", atom: true, draggable: true,
      attrs: { asset: { default: "" }, alt: { default: "" }, caption: { default: "" }, credit: { default: "" }, error },
      parseDOM: [{
        tag: "figure[data-nd-block=image]",
        getAttrs: (dom) => ({ asset: field(dom, "asset"), alt: field(dom, "alt"), caption: field(dom, "caption"), credit: field(dom, "credit") }),
      }],
      toDOM: (node) => ["figure", { "data-nd-block": "image", "data-asset": node.attrs.asset, "data-alt": node.attrs.alt, "data-caption": node.attrs.caption, "data-credit": node.attrs.credit }],
    },
    embed: {
      group: "block", atom: true, draggable: true, attrs: { url: { default: "" }, error },
      parseDOM: [{ tag: "div[data-nd-block=embed]", getAttrs: (dom) => ({ url: field(dom, "url") }) }],
      toDOM: (node) => ["div", { "data-nd-block": "embed", "data-url": node.attrs.url }],
    },
    recommended: {
      group: "block", atom: true, draggable: true, attrs: { error },
      parseDOM: [{ tag: "div[data-nd-block=recommended]" }],
      toDOM: () => ["div", { "data-nd-block": "recommended" }],
    },
    related: {
      group: "block", atom: true, draggable: true,
      attrs: { publication: { default: "" }, headline: { default: "" }, url: { default: "" }, error },
      parseDOM: [{
        tag: "div[data-nd-block=related]",
        getAttrs: (dom) => ({ publication: field(dom, "publication"), headline: field(dom, "headline"), url: field(dom, "url") }),
      }],
      toDOM: (node) => ["div", { "data-nd-block": "related", "data-publication": node.attrs.publication, "data-headline": node.attrs.headline, "data-url": node.attrs.url }],
    },
    text: { group: "inline" },
    hard_break: {
      inline: true, group: "inline", selectable: false,
      parseDOM: [{ tag: "br" }],
      toDOM: () => ["br"],
    },
  },
  marks: {
    // A link to somewhere a link may not point (javascript:, data:…) is read as its words.
    link: {
      attrs: { href: {} }, inclusive: false,
      parseDOM: [{ tag: "a[href]", getAttrs: (dom) => (linkAllowed(dom.getAttribute("href")) ? { href: dom.getAttribute("href").trim() } : false) }],
      toDOM: (mark) => ["a", { href: mark.attrs.href }, 0],
    },
    em: {
      parseDOM: [{ tag: "i" }, { tag: "em" }, { style: "font-style=italic" }, { style: "font-style=normal", clearMark: (m) => m.type.name === "em" }],
      toDOM: () => ["em", 0],
    },
    strong: {
      parseDOM: [
        { tag: "strong" },
        // Google Docs wraps a whole paste in <b style="font-weight: normal">.
        { tag: "b", getAttrs: (dom) => dom.style.fontWeight !== "normal" && null },
        { style: "font-weight=400", clearMark: (m) => m.type.name === "strong" },
        { style: "font-weight", getAttrs: (v) => /^(bold(er)?|[6-9]\d\d)$/.test(v) && null },
      ],
      toDOM: () => ["strong", 0],
    },
    sub: { excludes: "sup", parseDOM: [{ tag: "sub" }, { style: "vertical-align=sub" }], toDOM: () => ["sub", 0] },
    sup: { excludes: "sub", parseDOM: [{ tag: "sup" }, { style: "vertical-align=super" }], toDOM: () => ["sup", 0] },
    code: { parseDOM: [{ tag: "code" }], toDOM: () => ["code", 0] },
  },
});

// The block kinds an editor adds (the "Add a block" buttons and the / menu), with what each is.
export const KINDS = [
  ["paragraph", "Paragraph", "Body text"],
  ["heading", "Heading", "A subheading inside the story"],
  ["quote", "Quote", "Someone's words, with who said it"],
  ["list", "List", "Bulleted items"],
  ["ordered", "Numbered list", "Numbered items"],
  ["image", "Image", "A picture from the media library"],
  ["embed", "Embed", "A post or video by its address"],
  ["recommended", "Recommended slot", "Where readers see recommended stories"],
  ["related", "Related link", "Another story, by publication and headline"],
];
