// The story body as a rich-text editor (ProseMirror). It takes over #blocks on the story page:
// the block fieldsets the server rendered become its document, and the form's b.* fields are
// written from the document after every change, so everything that posts the form (Save,
// autosave, workflow actions) posts what the editor shows. The server reads those fields as
// outside HTML and checks them; nothing here is trusted.
import { baseKeymap, toggleMark } from "prosemirror-commands";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { history, redo, undo } from "prosemirror-history";
import { InputRule, inputRules, textblockTypeInputRule } from "prosemirror-inputrules";
import { keymap } from "prosemirror-keymap";
import { EditorState, Selection, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { exitList, hardBreak, insertBlock, moveBlock, setTextStyle } from "./commands.js";
import { docFromFieldsets, writeFields } from "./fields.js";
import { dragHandle, focusFields, pictureDrops, slashMenu } from "./plugins.js";
import { schema } from "./schema.js";
import { buildToolbar, openLinkDialog } from "./toolbar.js";
import { nodeViews } from "./views.js";

const m = schema.marks;

// "## " starts a heading, "> " a quote, "- " or "* " a list, "1. " a numbered list.
function rules() {
  const list = (ordered) => new InputRule(ordered ? /^1[.)]\s$/ : /^[-*]\s$/, (state, _match, start, end) => {
    const $s = state.doc.resolve(start);
    if ($s.depth !== 1 || $s.parent.type !== schema.nodes.paragraph) return null;
    const para = $s.parent, pos = $s.before(1);
    const item = schema.nodes.list_item.create(null, para.content.cut(end - $s.start()));
    const tr = state.tr.replaceWith(pos, pos + para.nodeSize, schema.nodes.list.create({ ordered }, item));
    return tr.setSelection(TextSelection.create(tr.doc, pos + 2));
  });
  return inputRules({
    rules: [
      textblockTypeInputRule(/^(#{2,4})\s$/, schema.nodes.heading, (match) => ({ level: match[1].length })),
      textblockTypeInputRule(/^>\s$/, schema.nodes.quote),
      list(false), list(true),
    ],
  });
}

function mount() {
  const blocks = document.getElementById("blocks");
  const form = document.getElementById("story-form");
  if (!blocks || !form) return;
  const sets = [...blocks.querySelectorAll(":scope > .block")];
  const editable = !blocks.closest("fieldset[disabled]");
  const doc = docFromFieldsets(sets);
  sets.forEach((s) => s.remove());
  blocks.dataset.rich = "1";
  blocks.classList.add("rich");

  const host = document.createElement("div");
  host.className = "rich-host";
  const fields = document.createElement("div");
  fields.id = "body-fields";
  fields.hidden = true;
  const statusLine = document.createElement("p");
  statusLine.className = "rich-status";
  statusLine.setAttribute("role", "status");
  blocks.append(host, fields, statusLine);
  const status = (text) => { statusLine.textContent = text; };

  const hint = document.getElementById("marks-hint");
  if (hint) {
    hint.textContent = "Type / on an empty line to add a block. Ctrl+B bold, Ctrl+I italic, Ctrl+K link, " +
      "Shift+Enter line break, Alt+↑ and Alt+↓ move a block; drop or paste a picture to add it.";
  }

  const keys = {
    "Mod-b": toggleMark(m.strong), "Mod-B": toggleMark(m.strong),
    "Mod-i": toggleMark(m.em), "Mod-I": toggleMark(m.em),
    "Mod-,": toggleMark(m.sub), "Mod-.": toggleMark(m.sup), "Mod-e": toggleMark(m.code),
    "Mod-k": (_state, _dispatch, view) => openLinkDialog(view),
    "Mod-z": undo, "Shift-Mod-z": redo, "Mod-y": redo,
    "Shift-Enter": hardBreak, "Mod-Enter": hardBreak,
    "Enter": exitList,
    "Alt-ArrowUp": moveBlock(-1), "Alt-ArrowDown": moveBlock(1),
    "Mod-Alt-0": setTextStyle("paragraph"), "Mod-Alt-2": setTextStyle("heading2"),
    "Mod-Alt-3": setTextStyle("heading3"), "Mod-Alt-4": setTextStyle("heading4"),
  };
  let toolbar = null;
  const state = EditorState.create({
    doc,
    // The / menu first: while it is open, Enter, Tab, the arrows and Escape are its own.
    plugins: [slashMenu(), rules(), keymap(keys), keymap(baseKeymap), history(), dropCursor({ color: "#0b57d0", width: 3 }),
      gapCursor(), dragHandle(), pictureDrops(status)],
  });
  const view = new EditorView(host, {
    state,
    nodeViews,
    editable: () => editable,
    attributes: {
      id: "story-body", class: "rich-body", role: "textbox", "aria-multiline": "true",
      "aria-label": "Story body", "aria-describedby": "marks-hint",
    },
    dispatchTransaction(tr) {
      const next = view.state.apply(tr);
      view.updateState(next);
      if (toolbar) toolbar.update(next);
      if (tr.docChanged) {
        writeFields(fields, next.doc);
        // Autosave and the "leave this page?" question listen for input on the form.
        fields.dispatchEvent(new Event("input", { bubbles: true }));
      }
    },
  });
  writeFields(fields, view.state.doc);
  if (editable) { toolbar = buildToolbar(view, blocks); toolbar.update(view.state); }

  // The "Add a block" buttons add after the block being written.
  document.addEventListener("click", (ev) => {
    const b = ev.target instanceof Element ? ev.target.closest("button[data-add]") : null;
    if (!b || !editable) return;
    insertBlock(b.dataset.add)(view.state, view.dispatch);
    view.focus();
    focusFields(view);
  });
  window.newsroomEditor = { view, Selection };
}

mount();
