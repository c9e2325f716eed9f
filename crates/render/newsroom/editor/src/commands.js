// What the keys, the toolbar, the / menu and the block buttons do to the document.
import { Fragment } from "prosemirror-model";
import { closeHistory } from "prosemirror-history";
import { NodeSelection, Selection, TextSelection } from "prosemirror-state";
import { schema } from "./schema.js";

const n = schema.nodes;

// The top-level block around the selection: its index and where it starts.
export function currentBlock(state) {
  const { $from } = state.selection;
  if (state.selection instanceof NodeSelection && $from.depth === 0) {
    return { index: $from.index(0), pos: $from.pos, node: state.selection.node };
  }
  const index = $from.index(0);
  return { index, pos: $from.posAtIndex(index, 0), node: state.doc.child(index) };
}

// Block-level changes (closeHistory) are undone on their own, not with the typing around them.

// Moves the block at `pos` (default: the selection's) one place up (-1) or down (1).
export function moveBlock(dir, pos) {
  return (state, dispatch) => {
    const at = pos == null ? currentBlock(state) : { pos, index: state.doc.resolve(pos).index(0), node: state.doc.nodeAt(pos) };
    const other = at.index + dir;
    if (!at.node || other < 0 || other >= state.doc.childCount) return false;
    if (dispatch) {
      const size = at.node.nodeSize;
      const offsetInBlock = state.selection.from - at.pos;
      const tr = state.tr.delete(at.pos, at.pos + size);
      const target = tr.doc.resolve(0).posAtIndex(other, 0);
      tr.insert(target, at.node);
      if (at.node.isAtom) tr.setSelection(NodeSelection.create(tr.doc, target));
      else tr.setSelection(TextSelection.near(tr.doc.resolve(Math.min(target + Math.max(offsetInBlock, 1), target + size - 1))));
      dispatch(closeHistory(tr).scrollIntoView());
    }
    return true;
  };
}

export function removeBlock(pos) {
  return (state, dispatch) => {
    const node = state.doc.nodeAt(pos);
    if (!node) return false;
    if (dispatch) {
      const tr = state.tr.delete(pos, pos + node.nodeSize);
      if (tr.doc.childCount === 0) tr.insert(0, n.paragraph.create());
      tr.setSelection(Selection.near(tr.doc.resolve(Math.min(pos, tr.doc.content.size))));
      dispatch(closeHistory(tr).scrollIntoView());
    }
    return true;
  };
}

// A new block of `kind` after the current one (in place of it, when that is an empty paragraph).
export function insertBlock(kind) {
  return (state, dispatch) => {
    const at = currentBlock(state);
    const node = kind === "ordered" ? n.list.create({ ordered: true }, n.list_item.create())
      : kind === "list" ? n.list.create({ ordered: false }, n.list_item.create())
      : n[kind].createAndFill();
    if (!node) return false;
    if (dispatch) {
      const replace = at.node.type === n.paragraph && at.node.content.size === 0;
      const pos = replace ? at.pos : at.pos + at.node.nodeSize;
      const tr = replace ? state.tr.replaceWith(pos, pos + at.node.nodeSize, node) : state.tr.insert(pos, node);
      if (node.isAtom) tr.setSelection(NodeSelection.create(tr.doc, pos));
      else tr.setSelection(TextSelection.near(tr.doc.resolve(pos + 1)));
      dispatch(closeHistory(tr).scrollIntoView());
    }
    return true;
  };
}

// The current text block becomes a paragraph, heading (level), quote or list, keeping its words.
export function setTextStyle(style) {
  return (state, dispatch) => {
    const at = currentBlock(state);
    if (!at.node.isTextblock && at.node.type !== n.list) return false;
    const inlineOf = (node) => (node.type === n.list ? listText(node) : node.content);
    const content = inlineOf(at.node);
    let node;
    if (style === "paragraph") node = n.paragraph.create(null, content);
    else if (style.startsWith("heading")) node = n.heading.create({ level: Number(style.slice(7)) || 2 }, content);
    else if (style === "quote") node = n.quote.create({ cite: at.node.attrs.cite || "" }, content);
    else if (style === "list" || style === "ordered") {
      const ordered = style === "ordered";
      node = at.node.type === n.list ? n.list.create({ ordered }, at.node.content) : n.list.create({ ordered }, n.list_item.create(null, content));
    } else return false;
    if (dispatch) {
      const offset = state.selection.from - at.pos;
      const tr = state.tr.replaceWith(at.pos, at.pos + at.node.nodeSize, node);
      tr.setSelection(TextSelection.near(tr.doc.resolve(Math.min(at.pos + Math.max(offset, 1), at.pos + node.nodeSize - 1))));
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

// A list's items as one run of text, separated by line breaks (a list turned into a paragraph).
function listText(list) {
  const parts = [];
  list.forEach((item, _, i) => { if (i > 0) parts.push(n.hard_break.create()); item.content.forEach((c) => parts.push(c)); });
  return Fragment.from(parts);
}

// The style of the block the selection is in, as the toolbar's menu names it.
export function textStyle(state) {
  const { node } = currentBlock(state);
  if (node.type === n.heading) return `heading${node.attrs.level}`;
  if (node.type === n.list) return node.attrs.ordered ? "ordered" : "list";
  if (node.type === n.quote) return "quote";
  if (node.type === n.paragraph) return "paragraph";
  return "";
}

export const hardBreak = (state, dispatch) => {
  if (!state.selection.$from.parent.isTextblock) return false;
  if (dispatch) dispatch(state.tr.replaceSelectionWith(n.hard_break.create()).scrollIntoView());
  return true;
};

// Enter in an empty list item ends the list: the item becomes a paragraph after it.
export const exitList = (state, dispatch) => {
  const { $from, empty } = state.selection;
  if (!empty || $from.parent.type !== n.list_item || $from.parent.content.size > 0) return false;
  if (dispatch) {
    const list = $from.node(1), listPos = $from.before(1), index = $from.index(1);
    const before = [], after = [];
    list.forEach((item, _, i) => { if (i < index) before.push(item); if (i > index) after.push(item); });
    const parts = [];
    if (before.length) parts.push(list.type.create(list.attrs, before));
    parts.push(n.paragraph.create());
    if (after.length) parts.push(list.type.create(list.attrs, after));
    const tr = state.tr.replaceWith(listPos, listPos + list.nodeSize, parts);
    const para = listPos + (before.length ? parts[0].nodeSize : 0);
    tr.setSelection(TextSelection.create(tr.doc, para + 1));
    dispatch(tr.scrollIntoView());
  }
  return true;
};

// The link around the cursor or the selection's start: its range and target.
export function linkAt(state) {
  const { $from } = state.selection;
  const parent = $from.parent;
  if (!parent.isTextblock) return null;
  const linkOf = (node) => node && schema.marks.link.isInSet(node.marks);
  const here = linkOf($from.nodeAfter) || linkOf($from.nodeBefore);
  if (!here) return null;
  // Runs of neighbouring text with this same link; the one the cursor is in.
  const runs = [];
  let pos = $from.start();
  parent.forEach((child) => {
    const m = linkOf(child);
    if (m && m.attrs.href === here.attrs.href) {
      const last = runs[runs.length - 1];
      if (last && last.to === pos) last.to += child.nodeSize; else runs.push({ from: pos, to: pos + child.nodeSize });
    }
    pos += child.nodeSize;
  });
  const run = runs.find((r) => r.from <= $from.pos && $from.pos <= r.to);
  return run ? { ...run, href: here.attrs.href } : null;
}

// Links the selection (or the link around the cursor, or inserts `words`) to `href`; an empty
// href removes the link.
export function setLink(href, words) {
  return (state, dispatch) => {
    const link = schema.marks.link;
    let { from, to, empty } = state.selection;
    const around = linkAt(state);
    if (empty && around) ({ from, to } = around);
    const tr = state.tr;
    if (from === to && words && href) {
      tr.insert(from, schema.text(words, [link.create({ href })]));
      tr.setSelection(TextSelection.create(tr.doc, from + words.length));
      tr.removeStoredMark(link);
    } else if (from !== to) {
      tr.removeMark(from, to, link);
      if (href) tr.addMark(from, to, link.create({ href }));
    } else return false;
    if (dispatch) dispatch(closeHistory(tr).scrollIntoView());
    return true;
  };
}
